// The two-stage matcher: Hyperscan in prefilter mode over all rules in one pass (bytes, not
// Unicode), then RE2 on the rules it flagged to confirm and extract the secretGroup; entropy,
// placeholder, allowlist and inline-allow filters last.

#include "secrets/matcher.hpp"

#include "util/text.hpp"

#include <hs/hs.h>
#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <tuple>

namespace lg::secrets {
namespace {

struct DatabaseDeleter {
  void operator()(hs_database_t* d) const { hs_free_database(d); }
};
struct ScratchDeleter {
  void operator()(hs_scratch_t* s) const { hs_free_scratch(s); }
};

using RePtr = std::unique_ptr<RE2>;

RePtr make_re(const std::string& pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_encoding(RE2::Options::EncodingLatin1); // bytes, not Unicode
  return std::make_unique<RE2>(pattern, options);
}

bool any_matches(const std::vector<RePtr>& regexes, std::string_view text) {
  return std::any_of(regexes.begin(), regexes.end(), [&](const RePtr& re) {
    return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re);
  });
}

std::vector<RePtr> compile_all(const std::vector<std::string>& patterns) {
  std::vector<RePtr> out;
  out.reserve(patterns.size());
  for (const auto& p : patterns)
    out.push_back(make_re(p));
  return out;
}

struct CompiledAllowlist {
  std::vector<RePtr> regexes;
  std::vector<RePtr> paths;
  std::vector<std::string> stopwords;

  explicit CompiledAllowlist(const Allowlist& a)
      : regexes(compile_all(a.regexes)), paths(compile_all(a.paths)), stopwords(a.stopwords) {}

  bool allows_secret(std::string_view secret) const {
    if (any_matches(regexes, secret))
      return true;
    std::string lower = to_lower(secret);
    return std::any_of(stopwords.begin(), stopwords.end(),
                       [&](const std::string& w) { return lower.find(w) != std::string::npos; });
  }
};

struct CompiledRule {
  RePtr regex;
  RePtr path;
  CompiledAllowlist allowlist;
};

} // namespace

bool looks_like_placeholder(std::string_view secret) {
  static constexpr auto k_markers = std::to_array<std::string_view>(
      {"example", "xxxx", "changeme", "placeholder", "your_", "your-", "yourk", "dummy", "redacted",
       "****", "<", "${", "{{", "0000000000", "replace"});
  std::string lower = to_lower(secret);
  return std::any_of(k_markers.begin(), k_markers.end(),
                     [&](std::string_view m) { return lower.find(m) != std::string::npos; });
}

struct Matcher::Impl {
  RuleSet rules;
  Engine engine = Engine::hyperscan;
  std::vector<CompiledRule> compiled;
  CompiledAllowlist global{Allowlist{}};
  std::unique_ptr<hs_database_t, DatabaseDeleter> database;
  std::vector<size_t> hs_rules;  ///< rule index per Hyperscan expression id
  std::vector<size_t> re2_rules; ///< rules that run on RE2 alone
  std::vector<std::string> fallbacks;
};

Matcher::Matcher(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Matcher::Matcher(Matcher&&) noexcept = default;
Matcher& Matcher::operator=(Matcher&&) noexcept = default;
Matcher::~Matcher() = default;

const RuleSet& Matcher::rules() const {
  return m_impl->rules;
}
const std::vector<std::string>& Matcher::fallbacks() const {
  return m_impl->fallbacks;
}

Expected<Matcher> Matcher::compile(RuleSet rules, Engine engine) {
  auto impl = std::make_unique<Impl>();
  impl->engine = engine;
  impl->global = CompiledAllowlist(rules.allowlist);
  for (const auto& r : rules.rules)
    impl->compiled.push_back(CompiledRule{make_re(r.regex),
                                          r.path.empty() ? nullptr : make_re(r.path),
                                          CompiledAllowlist(r.allowlist)});
  impl->rules = std::move(rules);

  std::vector<size_t> candidates;
  for (size_t i = 0; i < impl->rules.rules.size(); ++i)
    (engine == Engine::hyperscan ? candidates : impl->re2_rules).push_back(i);

  // Compile all at once; a rule Hyperscan refuses moves to RE2 alone and the rest compile again.
  while (!candidates.empty()) {
    std::vector<const char*> expressions;
    std::vector<unsigned> flags;
    std::vector<unsigned> ids;
    for (size_t k = 0; k < candidates.size(); ++k) {
      expressions.push_back(impl->rules.rules[candidates[k]].regex.c_str());
      flags.push_back(HS_FLAG_PREFILTER | HS_FLAG_SINGLEMATCH);
      ids.push_back(static_cast<unsigned>(k));
    }
    hs_database_t* db = nullptr;
    hs_compile_error_t* error = nullptr;
    hs_error_t rc = hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                                     static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK,
                                     nullptr, &db, &error);
    if (rc == HS_SUCCESS) {
      impl->database.reset(db);
      impl->hs_rules = candidates;
      break;
    }
    int bad = error != nullptr ? error->expression : -1;
    std::string message = error != nullptr && error->message != nullptr ? error->message : "";
    hs_free_compile_error(error);
    if (bad < 0 || static_cast<size_t>(bad) >= candidates.size())
      return unexpected(ErrorKind::internal, "Hyperscan could not compile the rules: " + message);
    size_t rule = candidates[static_cast<size_t>(bad)];
    impl->fallbacks.push_back(fmt::format("{}: {}", impl->rules.rules[rule].id, message));
    impl->re2_rules.push_back(rule);
    candidates.erase(candidates.begin() + bad);
  }
  std::sort(impl->re2_rules.begin(), impl->re2_rules.end());
  return Matcher(std::move(impl));
}

bool Matcher::path_allows(size_t rule, std::string_view path) const {
  const auto& impl = *m_impl;
  const CompiledRule& compiled = impl.compiled.at(rule);
  re2::StringPiece p(path.data(), path.size());
  if (compiled.path && !RE2::PartialMatch(p, *compiled.path))
    return false; // a rule with a path applies only to files on that path
  return !any_matches(compiled.allowlist.paths, path) && !any_matches(impl.global.paths, path);
}

std::vector<Match> Matcher::scan(std::string_view text, std::string_view path) const {
  const auto& impl = *m_impl;
  std::vector<Match> out;
  if (!path.empty() && any_matches(impl.global.paths, path))
    return out;

  // Stage 1: which rules may match.
  std::vector<char> flagged(impl.rules.rules.size(), 0);
  for (size_t r : impl.re2_rules)
    flagged[r] = 1;
  if (impl.database) {
    // One scratch space per thread, grown by hs_alloc_scratch to fit every database it meets.
    thread_local std::unique_ptr<hs_scratch_t, ScratchDeleter> scratch;
    hs_scratch_t* raw = scratch.release();
    hs_error_t allocated = hs_alloc_scratch(impl.database.get(), &raw);
    scratch.reset(raw);
    if (allocated == HS_SUCCESS) {
      struct Context {
        const Impl* impl;
        std::vector<char>* flagged;
      } ctx{&impl, &flagged};
      auto on_match = [](unsigned id, unsigned long long, unsigned long long, unsigned,
                         void* user) -> int {
        auto* c = static_cast<Context*>(user);
        (*c->flagged)[c->impl->hs_rules[id]] = 1;
        return 0;
      };
      // hs_scan takes an unsigned length: scan in windows that overlap by 64 KiB.
      constexpr size_t k_window = size_t{1} << 30;
      constexpr size_t k_overlap = size_t{64} << 10;
      for (size_t start = 0; start < text.size() || start == 0; start += k_window - k_overlap) {
        size_t len = std::min(k_window, text.size() - start);
        hs_scan(impl.database.get(), text.data() + start, static_cast<unsigned>(len), 0,
                scratch.get(), on_match, &ctx);
        if (start + len >= text.size())
          break;
      }
    } else {
      for (size_t r : impl.hs_rules)
        flagged[r] = 1; // no scratch space: every rule goes to RE2
    }
  }

  // Stage 2: RE2 confirms, extracts and filters.
  std::string lower; // the text in lower case, made once if a rule has keywords
  re2::StringPiece input(text.data(), text.size());
  for (size_t r = 0; r < flagged.size(); ++r) {
    if (flagged[r] == 0)
      continue;
    const Rule& rule = impl.rules.rules[r];
    const CompiledRule& compiled = impl.compiled[r];
    if (!path.empty() && !path_allows(r, path))
      continue; // an empty path is unknown: the caller filters with path_allows later
    if (!rule.keywords.empty()) {
      if (lower.empty())
        lower = to_lower(text);
      bool any = std::any_of(rule.keywords.begin(), rule.keywords.end(),
                             [&](const auto& k) { return lower.find(k) != std::string::npos; });
      if (!any)
        continue;
    }
    int groups = compiled.regex->NumberOfCapturingGroups() + 1;
    std::vector<re2::StringPiece> found(static_cast<size_t>(groups));
    size_t pos = 0;
    while (pos <= text.size() &&
           compiled.regex->Match(input, pos, text.size(), RE2::UNANCHORED, found.data(), groups)) {
      const auto& whole = found[0];
      const auto& secret = found[static_cast<size_t>(rule.secret_group)];
      size_t end = static_cast<size_t>(whole.data() - text.data()) + whole.size();
      pos = end > pos ? end : pos + 1;
      if (secret.empty())
        continue;
      std::string_view s(secret.data(), secret.size());
      if ((rule.entropy && shannon_entropy(s) < *rule.entropy) || looks_like_placeholder(s) ||
          compiled.allowlist.allows_secret(s) || impl.global.allows_secret(s))
        continue;
      auto offset = static_cast<size_t>(secret.data() - text.data());
      size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
      line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
      size_t line_end = text.find('\n', offset);
      auto line_text =
          text.substr(line_start, line_end == std::string_view::npos ? std::string_view::npos
                                                                     : line_end - line_start);
      if (line_text.find("launchgate:allow") != std::string_view::npos ||
          line_text.find("gitleaks:allow") != std::string_view::npos)
        continue;
      Match m;
      m.rule = r;
      m.offset = offset;
      m.line = 1 + static_cast<size_t>(
                       std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
      m.secret = std::string(s);
      out.push_back(std::move(m));
    }
  }
  std::sort(out.begin(), out.end(), [](const Match& a, const Match& b) {
    return std::tie(a.offset, a.rule) < std::tie(b.offset, b.rule);
  });
  // One secret, one finding: a generic rule's match that overlaps a provider rule's match is the
  // same secret seen less precisely, so only the provider rule's is kept.
  auto generic = [&](const Match& m) { return impl.rules.rules[m.rule].id.starts_with("generic"); };
  std::vector<char> shadowed(out.size(), 0);
  size_t specific_end = 0; // furthest end of a provider rule's secret starting at or before i
  for (size_t i = 0; i < out.size(); ++i) {
    size_t end = out[i].offset + out[i].secret.size();
    if (!generic(out[i])) {
      specific_end = std::max(specific_end, end);
      continue;
    }
    bool hidden = specific_end > out[i].offset;
    for (size_t j = i + 1; !hidden && j < out.size() && out[j].offset < end; ++j)
      hidden = !generic(out[j]);
    shadowed[i] = static_cast<char>(hidden);
  }
  std::vector<Match> kept;
  kept.reserve(out.size());
  for (size_t i = 0; i < out.size(); ++i)
    if (shadowed[i] == 0)
      kept.push_back(std::move(out[i]));
  return kept;
}

} // namespace lg::secrets
