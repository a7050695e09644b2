// Security-header judgement in the manner of Mozilla Observatory's header tests: CSP (CSP Level 3)
// with frame-ancestors or X-Frame-Options (RFC 7034), X-Content-Type-Options: nosniff (Fetch),
// Referrer-Policy (W3C Referrer Policy) and Strict-Transport-Security (RFC 6797) on HTTPS.

#include "analyze/headers.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>

namespace lg::analyze {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

std::optional<std::string> first(const Headers& headers, std::string_view name) {
  for (const auto& [n, v] : headers)
    if (iequals(n, name))
      return v;
  return std::nullopt;
}

bool has_source(const std::vector<std::string>& sources, std::string_view s) {
  return std::any_of(sources.begin(), sources.end(),
                     [&](const std::string& x) { return iequals(x, s); });
}

void judge_csp(const Headers& headers, std::vector<HeaderProblem>& out) {
  auto csp = first(headers, "Content-Security-Policy");
  auto xfo = first(headers, "X-Frame-Options");
  if (!csp) {
    bool report_only = first(headers, "Content-Security-Policy-Report-Only").has_value();
    out.push_back({"Content-Security-Policy",
                   report_only ? "only Content-Security-Policy-Report-Only is sent: nothing is "
                                 "enforced"
                               : "missing: nothing limits where scripts load from, so an injected "
                                 "script runs",
                   true});
  }
  auto policy = csp ? parse_csp(*csp) : std::map<std::string, std::vector<std::string>>{};
  if (!policy.contains("frame-ancestors")) {
    if (!xfo) {
      out.push_back({"X-Frame-Options",
                     "neither CSP frame-ancestors nor X-Frame-Options: any site can frame the "
                     "portal (clickjacking)",
                     true});
    } else {
      std::string v = to_lower(trim(*xfo));
      if (v != "deny" && v != "sameorigin")
        out.push_back(
            {"X-Frame-Options",
             "X-Frame-Options is '" + *xfo + "': only DENY and SAMEORIGIN are honoured by browsers",
             true});
    }
  }
  if (!csp)
    return;
  auto script = policy.contains("script-src") ? policy["script-src"] : policy["default-src"];
  if (!policy.contains("script-src") && !policy.contains("default-src")) {
    out.push_back({"Content-Security-Policy",
                   "the policy has neither script-src nor default-src: scripts load from anywhere",
                   false});
    return;
  }
  bool nonce_or_hash = std::any_of(script.begin(), script.end(), [](const std::string& s) {
    return istarts_with(s, "'nonce-") || istarts_with(s, "'sha256-") ||
           istarts_with(s, "'sha384-") || istarts_with(s, "'sha512-");
  });
  if (has_source(script, "'unsafe-inline'") && !nonce_or_hash)
    out.push_back({"Content-Security-Policy",
                   "scripts allow 'unsafe-inline' without a nonce or hash: injected inline "
                   "scripts run",
                   false});
  if (has_source(script, "*") || has_source(script, "http:") || has_source(script, "https:"))
    out.push_back({"Content-Security-Policy",
                   "scripts may load from any host ('*', 'http:' or 'https:' source)", false});
}

void judge_referrer(const Headers& headers, std::vector<HeaderProblem>& out) {
  auto rp = first(headers, "Referrer-Policy");
  if (!rp) {
    out.push_back({"Referrer-Policy",
                   "missing: full URLs (with record ids or tokens in them) may leak to other "
                   "sites; set strict-origin-when-cross-origin or stricter",
                   true});
    return;
  }
  // Several comma-separated values: browsers use the last one they know.
  std::string effective;
  static constexpr auto k_known = std::to_array<const char*>(
      {"no-referrer", "no-referrer-when-downgrade", "origin", "origin-when-cross-origin",
       "same-origin", "strict-origin", "strict-origin-when-cross-origin", "unsafe-url"});
  for (auto token : split(*rp, ',')) {
    std::string t = to_lower(trim(token));
    if (std::find(std::begin(k_known), std::end(k_known), t) != std::end(k_known))
      effective = t;
  }
  if (effective.empty())
    out.push_back({"Referrer-Policy", "'" + *rp + "' holds no policy browsers know", true});
  else if (effective == "unsafe-url" || effective == "no-referrer-when-downgrade")
    out.push_back({"Referrer-Policy",
                   "'" + effective +
                       "' sends full URLs to other sites; use "
                       "strict-origin-when-cross-origin or stricter",
                   false});
}

void judge_hsts(const Headers& headers, std::vector<HeaderProblem>& out) {
  auto hsts = first(headers, "Strict-Transport-Security");
  if (!hsts) {
    out.push_back({"Strict-Transport-Security",
                   "missing on HTTPS: a first visit over plain HTTP can be intercepted", true});
    return;
  }
  auto parsed = parse_hsts(*hsts);
  long long max_age = parsed.valid ? parsed.max_age : -1;
  if (max_age < 0)
    out.push_back({"Strict-Transport-Security", "no valid max-age directive", true});
  else if (max_age == 0)
    out.push_back({"Strict-Transport-Security", "max-age=0 tells browsers to forget HSTS", true});
  else if (max_age < 15552000)
    out.push_back({"Strict-Transport-Security",
                   "max-age=" + std::to_string(max_age) +
                       " is under 180 days (15552000 s); browsers forget it too soon",
                   false});
}

} // namespace

Hsts parse_hsts(std::string_view value) {
  Hsts out;
  std::vector<std::string> seen;
  for (auto directive : split(value, ';')) {
    auto d = trim(directive);
    if (d.empty())
      continue;
    auto eq = d.find('=');
    std::string name = to_lower(trim(d.substr(0, eq)));
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      out.problem = "the directive " + name + " appears twice: browsers ignore the header";
      return out;
    }
    seen.push_back(name);
    if (name == "max-age") {
      auto v = eq == std::string_view::npos ? std::string_view() : trim(d.substr(eq + 1));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"')
        v = v.substr(1, v.size() - 2);
      long long n = 0;
      auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec == std::errc() && ptr == v.data() + v.size() && !v.empty() && n >= 0)
        out.max_age = n;
      else {
        out.problem = "max-age is not a number of seconds";
        return out;
      }
    } else if (name == "includesubdomains") {
      out.include_subdomains = true;
    } else if (name == "preload") {
      out.preload = true;
    }
  }
  if (out.max_age < 0) {
    out.problem = "no max-age directive";
    return out;
  }
  out.valid = true;
  return out;
}

std::map<std::string, std::vector<std::string>> parse_csp(std::string_view policy) {
  std::map<std::string, std::vector<std::string>> out;
  for (auto directive : split(policy, ';')) {
    auto d = trim(directive);
    if (d.empty())
      continue;
    std::vector<std::string> tokens;
    size_t i = 0;
    while (i < d.size()) {
      while (i < d.size() && (d[i] == ' ' || d[i] == '\t'))
        ++i;
      size_t start = i;
      while (i < d.size() && d[i] != ' ' && d[i] != '\t')
        ++i;
      if (i > start)
        tokens.emplace_back(d.substr(start, i - start));
    }
    if (tokens.empty())
      continue;
    std::string name = to_lower(tokens.front());
    if (out.contains(name))
      continue;
    out[name] = std::vector<std::string>(tokens.begin() + 1, tokens.end());
  }
  return out;
}

std::vector<HeaderProblem> judge_security_headers(const Headers& headers, bool https) {
  std::vector<HeaderProblem> out;
  judge_csp(headers, out);
  auto xcto = first(headers, "X-Content-Type-Options");
  if (!xcto)
    out.push_back({"X-Content-Type-Options",
                   "missing: browsers may sniff uploads or JSON as HTML or script", true});
  else if (!iequals(trim(*xcto), "nosniff"))
    out.push_back({"X-Content-Type-Options", "'" + *xcto + "' is not 'nosniff'", true});
  judge_referrer(headers, out);
  if (https)
    judge_hsts(headers, out);
  return out;
}

} // namespace lg::analyze
