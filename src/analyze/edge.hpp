#pragma once
// The CDNs, WAFs and edge platforms edge.cdn recognises (rules/edge.json, embedded in the binary):
// response headers they add and the CNAME targets they hand out. Loading validates every entry;
// CNAME patterns follow rules/takeover.json's ("*." and a suffix, matched by labels).

#include "net/http.hpp"
#include "util/expected.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

/// A header that marks a provider: `name` present and, when `contains` is not empty, its value
/// holding that text (both compared case-insensitively; stored lower case).
struct EdgeHeaderRule {
  std::string name;
  std::string contains;
};

struct EdgeProvider {
  std::string provider;                ///< "Cloudflare"
  std::vector<EdgeHeaderRule> headers; ///< any one of them marks the provider
  std::vector<std::string> cnames;     ///< "*.cloudfront.net"
};

/// What showed a provider: "header cf-ray: 8a1b…" or "CNAME d1.cloudfront.net".
struct EdgeMatch {
  std::string provider;
  std::string evidence;
};

/// The text of rules/edge.json as built into the binary.
std::string_view builtin_edge_text();

/// Parses and validates an edge rules file: every entry needs a provider name, header rules with
/// a header name (and an optional string `contains`), well-formed CNAME patterns, and at least one
/// of the two. Errors (kind parse) list every problem, one per line, by entry.
Expected<std::vector<EdgeProvider>> parse_edge_rules(std::string_view json);

/// The built-in rules, parsed once. An error means the shipped file is broken (a unit test
/// guards against that).
const Expected<std::vector<EdgeProvider>>& builtin_edge_rules();

/// Every provider whose header rules match `headers` (at most one match per provider, in the
/// order of the rules). Only the first 1024 characters of a value are looked at.
std::vector<EdgeMatch> match_edge_headers(const std::vector<EdgeProvider>& providers,
                                          const std::vector<net::Header>& headers);

/// The first provider with a CNAME pattern matching a name of `chain` (lower case, no trailing
/// dot), or nothing.
std::optional<EdgeMatch> match_edge_cname(const std::vector<EdgeProvider>& providers,
                                          const std::vector<std::string>& chain);

} // namespace lg::analyze
