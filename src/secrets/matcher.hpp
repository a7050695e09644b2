#pragma once
// Finds secrets in bytes with every rule at once: Hyperscan (prefilter mode, one pass over the
// text for all rules) says which rules may match, RE2 confirms them and extracts the secret. Rules
// that Hyperscan cannot compile run on RE2 alone, behind their keywords; `fallbacks()` lists them.

#include "secrets/rules.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lg::secrets {

struct Match {
  size_t rule = 0;   ///< index into the rule set
  size_t offset = 0; ///< of the secret in the text
  size_t line = 1;   ///< 1-based line of the secret
  std::string secret;
};

enum class Engine {
  hyperscan, ///< Hyperscan first stage, RE2 confirmation (the default)
  re2_only,  ///< every rule on RE2 behind its keywords: the reference the first must agree with
};

class Matcher {
public:
  /// Compiles `rules`. Errors (kind internal) only when Hyperscan fails for reasons other than a
  /// rule it cannot express.
  static Expected<Matcher> compile(RuleSet rules, Engine engine = Engine::hyperscan);

  Matcher(Matcher&& other) noexcept;
  Matcher& operator=(Matcher&& other) noexcept;
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;
  ~Matcher();

  /// Every secret in `text` (a file at `path`, which path rules and allowlists look at), in order
  /// of offset, after entropy, placeholder, allowlist and inline `launchgate:allow` filtering.
  /// Thread-safe: each call uses its own scratch space.
  /// An empty `path` means "not known yet" (a git blob): rules with a path run, and the caller
  /// applies path_allows once it knows where the text stands.
  std::vector<Match> scan(std::string_view text, std::string_view path = "") const;

  /// False when `rule` does not apply at `path` (its path regex) or an allowlist excludes `path`.
  bool path_allows(size_t rule, std::string_view path) const;

  const RuleSet& rules() const;
  /// Ids of the rules that run on RE2 alone, each with Hyperscan's reason.
  const std::vector<std::string>& fallbacks() const;

private:
  struct Impl;
  explicit Matcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

/// True when `secret` reads as a placeholder (EXAMPLE, xxxx, changeme, <your-key>, ${VAR} …).
bool looks_like_placeholder(std::string_view secret);

} // namespace lg::secrets
