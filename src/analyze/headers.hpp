#pragma once
// Security response headers (domain.headers): CSP with frame-ancestors (or X-Frame-Options),
// X-Content-Type-Options, Referrer-Policy, and HSTS on HTTPS responses.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

struct HeaderProblem {
  std::string header;  ///< the header concerned
  std::string message; ///< what is wrong and why it matters
  bool serious = true; ///< false: a weakness (warn), true: missing or broken (fail)
};

/// A Content-Security-Policy parsed into directive -> source list (names lower-case; the first
/// occurrence of a directive wins, as CSP3 §2.2.1 says).
std::map<std::string, std::vector<std::string>> parse_csp(std::string_view policy);

/// A Strict-Transport-Security header value (RFC 6797 section 6.1).
struct Hsts {
  bool valid = false;     ///< browsers apply it: one max-age, no directive twice
  long long max_age = -1; ///< seconds; -1 when absent or malformed
  bool include_subdomains = false;
  bool preload = false; ///< the hstspreload.org opt-in token (not in RFC 6797)
  std::string problem;  ///< why it is not valid
};

/// Parses one header value: directives are case-insensitive, values may be quoted strings, and
/// a directive given twice makes the whole header invalid (RFC 6797 6.1, 8.1).
Hsts parse_hsts(std::string_view value);

/// Judges the headers of one response. `headers` are name/value pairs as received; `https` says
/// whether the response came over TLS (HSTS is judged only then).
std::vector<HeaderProblem>
judge_security_headers(const std::vector<std::pair<std::string, std::string>>& headers, bool https);

} // namespace lg::analyze
