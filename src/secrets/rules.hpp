#pragma once
// Secret rules as data, in the gitleaks TOML rule format (id, description, regex, secretGroup,
// keywords, entropy, path, allowlist), so that a team's own gitleaks rules load unchanged; plus
// `examples` and `negative_examples` for the rule tests.

#include "util/expected.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lg::secrets {

/// Matches that are not leaks: gitleaks' [allowlist] / [rules.allowlist].
struct Allowlist {
  std::vector<std::string> regexes;   ///< RE2, tested against the secret
  std::vector<std::string> paths;     ///< RE2, tested against the file path
  std::vector<std::string> stopwords; ///< lower-case substrings of the secret
};

struct Rule {
  std::string id;
  std::string description;
  std::string regex;                 ///< RE2 syntax (Go regexp compatible)
  int secret_group = 0;              ///< capture group that holds the secret; 0 = the whole match
  std::vector<std::string> keywords; ///< lower case; one must occur for the rule to run
  std::optional<double> entropy;     ///< minimum Shannon entropy (bits per byte) of the secret
  std::string path;                  ///< RE2 on the file path: the rule applies only there
  Allowlist allowlist;
  std::vector<std::string> examples;
  std::vector<std::string> negative_examples;
  int line = 0; ///< where the rule starts in its file
};

struct RuleSet {
  std::vector<Rule> rules;
  Allowlist allowlist; ///< applies to every rule
};

/// Parses rules from TOML `text` (named `name` in messages). Every problem is reported with
/// name:line, then the load fails (kind config).
Expected<RuleSet> parse_rules(std::string_view text, const std::string& name);

/// Reads and parses a rule file.
Expected<RuleSet> load_rules(const std::string& path);

/// The shipped rules (rules/secrets/launchgate.toml), embedded in the binary at build time.
const std::string& builtin_rules_text();

/// The shipped rules, parsed.
Expected<RuleSet> builtin_rules();

/// Shannon entropy of `s` in bits per byte.
double shannon_entropy(std::string_view s);

} // namespace lg::secrets
