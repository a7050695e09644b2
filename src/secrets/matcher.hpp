#pragma once
// Finds secrets in bytes with every rule at once: Hyperscan (prefilter mode, one pass over the
// text for all rules) says which rules may match and where their matches may end, RE2 confirms
// them there and extracts the secret. Rules that Hyperscan cannot compile run on RE2 alone, behind
// their keywords; `fallbacks()` lists them. Compiled Hyperscan databases are kept in a cache
// directory between runs.

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

/// Where compiled Hyperscan databases are kept between runs: `$XDG_CACHE_HOME/launchgate`, else
/// `$HOME/.cache/launchgate`. Empty (no cache) when LAUNCHGATE_NO_CACHE is set to anything but ""
/// or "0", or when neither variable gives an absolute path.
std::string default_cache_dir();

class Matcher {
public:
  /// Compiles `rules`. Errors (kind internal) only when Hyperscan fails for reasons other than a
  /// rule it cannot express. With a `cache_dir`, a database compiled before for the same rules,
  /// Hyperscan version and CPU is loaded from there instead (compiling the shipped rules takes
  /// seconds), and a new one is saved there when it is worth it (16 rules or more, or 100 ms of
  /// compiling); any problem with the cache (unreadable, corrupt, foreign, unwritable) silently
  /// means compiling. Empty: no cache.
  static Expected<Matcher> compile(RuleSet rules, Engine engine = Engine::hyperscan,
                                   const std::string& cache_dir = default_cache_dir());

  Matcher(Matcher&& other) noexcept;
  Matcher& operator=(Matcher&& other) noexcept;
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;
  ~Matcher();

  /// Every secret in `text` (a file at `path`, which path rules and allowlists look at), in order
  /// of offset, after entropy, placeholder, allowlist and inline `launchgate:allow` filtering.
  /// Thread-safe: each call takes a Hyperscan scratch space of its own from a pool.
  /// An empty `path` means "not known yet" (a git blob): rules with a path run, and the caller
  /// applies path_allows once it knows where the text stands.
  std::vector<Match> scan(std::string_view text, std::string_view path = "") const;

  /// False when `rule` does not apply at `path` (its path regex) or an allowlist excludes `path`.
  bool path_allows(size_t rule, std::string_view path) const;

  const RuleSet& rules() const;
  /// Ids of the rules that run on RE2 alone, each with Hyperscan's reason.
  const std::vector<std::string>& fallbacks() const;
  /// True when the Hyperscan database came from the cache directory rather than a compile.
  bool from_cache() const;

private:
  struct Impl;
  explicit Matcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

/// True when `secret` reads as a placeholder (EXAMPLE, xxxx, changeme, <your-key>, ${VAR} …).
bool looks_like_placeholder(std::string_view secret);

} // namespace lg::secrets
