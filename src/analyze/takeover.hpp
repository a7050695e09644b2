#pragma once
// The providers a dangling CNAME can be claimed at (rules/takeover.json, embedded in the binary):
// their CNAME target patterns, the "unclaimed" pages they serve, and whether an NXDOMAIN alone
// shows a target is free to claim. Loading validates every entry; matching is by labels.

#include "util/expected.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

struct TakeoverProvider {
  std::string provider;               ///< "Azure App Service"
  std::vector<std::string> patterns;  ///< "*.azurewebsites.net", "*.s3.*.amazonaws.com"
  std::vector<std::string> unclaimed; ///< text of the provider's page for an unclaimed name
  bool nxdomain_claimable = false;    ///< an NXDOMAIN alone shows the name is free to claim
  std::string takeover;               ///< possible, edge, unlikely or unknown
  std::string note;
};

/// The text of rules/takeover.json as built into the binary.
std::string_view builtin_takeover_text();

/// Parses and validates a takeover rules file: every entry needs a provider, at least one
/// well-formed pattern, string lists, a boolean nxdomain_claimable and a known takeover value.
/// Errors (kind parse) list every problem, one per line, by entry.
Expected<std::vector<TakeoverProvider>> parse_takeover_rules(std::string_view json);

/// The built-in rules, parsed once. An error means the shipped file is broken (a unit test
/// guards against that).
const Expected<std::vector<TakeoverProvider>>& builtin_takeover_rules();

/// Why `pattern` is not well formed, or "" when it is: "*." and a suffix of at least two
/// lower-case labels of letters, digits and '-' (a "*" label inside the suffix stands for one
/// label; the last two labels are literal).
std::string takeover_pattern_problem(std::string_view pattern);

/// True when `host` (lower case, no trailing dot) matches `pattern`: the leading "*" is one or
/// more labels, an inner "*" exactly one.
bool takeover_pattern_matches(std::string_view pattern, std::string_view host);

/// The first provider with a pattern matching `host`, or null.
const TakeoverProvider* match_takeover_provider(const std::vector<TakeoverProvider>& providers,
                                                std::string_view host);

} // namespace lg::analyze
