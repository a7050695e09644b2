// The two-stage matcher: Hyperscan in prefilter mode over all rules in one pass (bytes, not
// Unicode), then RE2 on the rules it flagged to confirm and extract the secretGroup — only around
// the offsets where Hyperscan saw a match end, widened by the rule's longest possible match, so
// the result is the one RE2 would give over the whole text; keyword, entropy, placeholder,
// allowlist and inline-allow filters last. The compiled database is cached on disk.

#include "secrets/matcher.hpp"

#include "util/text.hpp"

#include <hs/hs.h>
#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <mutex>
#include <optional>
#include <tuple>
#include <unistd.h>

namespace lg::secrets {
namespace {

struct DatabaseDeleter {
  void operator()(hs_database_t* d) const { hs_free_database(d); }
};
struct ScratchDeleter {
  void operator()(hs_scratch_t* s) const { hs_free_scratch(s); }
};
using DatabasePtr = std::unique_ptr<hs_database_t, DatabaseDeleter>;
using ScratchPtr = std::unique_ptr<hs_scratch_t, ScratchDeleter>;

/// The width of a rule whose longest match Hyperscan cannot bound: RE2 searches the whole text.
constexpr unsigned k_unbounded = UINT_MAX;
/// Match ends kept per rule and text; past this many, RE2 searches the whole text for the rule.
constexpr size_t k_max_ends = 1024;
/// Match ends closer together than the rule's width are searched at once, up to this many bytes.
constexpr size_t k_max_window = size_t{64} << 10;
/// hs_scan takes an unsigned length: longer texts are scanned in windows overlapping by 64 KiB,
/// and RE2 then searches the whole text for every flagged rule.
constexpr size_t k_hs_window = size_t{1} << 30;
constexpr size_t k_hs_overlap = size_t{64} << 10;

/// RE2's memory budget for a rule's regex; its DFA gets two thirds. The default 8 MiB is too
/// little for rules with long counted repeats (private keys: `[...]{64,1000}`): their DFA states
/// depend on the text, so with a small budget the cache is flushed and rebuilt (~5 ms per key) or
/// RE2 falls back to its NFA. Same matches either way; the memory is only taken as a regex needs
/// it (the trufflehog history: +6 MB peak, private-key confirmations 2x faster than at 32 MiB).
constexpr int64_t k_rule_max_mem = int64_t{64} << 20;
constexpr int64_t k_default_max_mem = int64_t{8} << 20;

using RePtr = std::unique_ptr<RE2>;

RePtr make_re(const std::string& pattern, int64_t max_mem = k_default_max_mem) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_encoding(RE2::Options::EncodingLatin1); // bytes, not Unicode
  options.set_max_mem(max_mem);
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
  CompiledRule(RePtr p, CompiledAllowlist a) : path(std::move(p)), allowlist(std::move(a)) {}

  RePtr path;
  CompiledAllowlist allowlist;

  /// The rule's regex, compiled on first use: most rules never meet a text Hyperscan flags them
  /// for, and compiling them all cost more than scanning a large tree.
  const RE2& regex(const std::string& pattern) const {
    std::call_once(m_once, [&] { m_regex = make_re(pattern, k_rule_max_mem); });
    return *m_regex;
  }

private:
  mutable std::once_flag m_once;
  mutable RePtr m_regex;
};

/// What compiling the rules for Hyperscan produced: all that the on-disk cache keeps.
struct Compiled {
  DatabasePtr database;               ///< null when Hyperscan took no rule
  std::vector<size_t> hs_rules;       ///< rule index per Hyperscan expression id
  std::vector<unsigned> widths;       ///< per rule: longest match in bytes, or k_unbounded
  std::vector<std::string> fallbacks; ///< "id: reason" of the rules Hyperscan refused
  std::vector<size_t> fallback_rules; ///< their indexes
};

/// A rule with a bounded width reports every match end, where RE2 then looks; others report once.
unsigned rule_flags(unsigned width) {
  return HS_FLAG_PREFILTER | (width == k_unbounded ? HS_FLAG_SINGLEMATCH : 0U);
}

/// Compiles every rule into one database; a rule Hyperscan refuses moves to RE2 alone and the rest
/// compile again.
Expected<Compiled> compile_database(const RuleSet& rules) {
  Compiled out;
  out.widths.assign(rules.rules.size(), k_unbounded);
  std::vector<size_t> candidates;
  for (size_t i = 0; i < rules.rules.size(); ++i) {
    candidates.push_back(i);
    hs_expr_info_t* info = nullptr;
    hs_compile_error_t* error = nullptr;
    if (hs_expression_info(rules.rules[i].regex.c_str(), 0, &info, &error) == HS_SUCCESS) {
      out.widths[i] = info->max_width;
      // Hyperscan allocated it with malloc (its default allocator).
      std::free(info); // NOLINT(cppcoreguidelines-no-malloc,cppcoreguidelines-owning-memory)
    } else {
      hs_free_compile_error(error); // not expressible as it stands: unbounded
    }
  }
  while (!candidates.empty()) {
    std::vector<const char*> expressions;
    std::vector<unsigned> flags;
    std::vector<unsigned> ids;
    for (size_t k = 0; k < candidates.size(); ++k) {
      expressions.push_back(rules.rules[candidates[k]].regex.c_str());
      flags.push_back(rule_flags(out.widths[candidates[k]]));
      ids.push_back(static_cast<unsigned>(k));
    }
    hs_database_t* db = nullptr;
    hs_compile_error_t* error = nullptr;
    hs_error_t rc = hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                                     static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK,
                                     nullptr, &db, &error);
    if (rc == HS_SUCCESS) {
      out.database.reset(db);
      break;
    }
    int bad = error != nullptr ? error->expression : -1;
    std::string message = error != nullptr && error->message != nullptr ? error->message : "";
    hs_free_compile_error(error);
    if (bad < 0 || static_cast<size_t>(bad) >= candidates.size())
      return unexpected(ErrorKind::internal, "Hyperscan could not compile the rules: " + message);
    size_t rule = candidates[static_cast<size_t>(bad)];
    out.fallbacks.push_back(fmt::format("{}: {}", rules.rules[rule].id, message));
    out.fallback_rules.push_back(rule);
    candidates.erase(candidates.begin() + bad);
  }
  out.hs_rules = candidates;
  return out;
}

// The on-disk cache: a file per database, named after the SHA-256 of everything that went into it
// (rule ids, regexes and flags, the Hyperscan version, the CPU it targets), ending in a checksum
// of its own bytes, written to a temporary file and renamed into place.

constexpr std::string_view k_cache_magic = "launchgate-hyperscan-cache 1\n";
/// A database is worth a file when it has this many rules or took this long to compile; small rule
/// sets (tests, fuzzing) compile in milliseconds.
constexpr size_t k_cache_min_rules = 16;
constexpr std::chrono::milliseconds k_cache_min_compile{100};
/// Cache files kept; the least recently written go first.
constexpr size_t k_cache_files = 8;

std::string cache_key(const RuleSet& rules) {
  hs_platform_info_t platform{};
  hs_populate_platform(&platform);
  std::string in(k_cache_magic);
  in += fmt::format("hyperscan {}\nplatform {} {} {} {}\nmode {}\n", hs_version(), platform.tune,
                    platform.cpu_features, platform.reserved1, platform.reserved2, HS_MODE_BLOCK);
  for (const auto& r : rules.rules)
    in += fmt::format("rule {} {} {} {}\n{}\n{}\n", r.id.size(), r.regex.size(), HS_FLAG_PREFILTER,
                      HS_FLAG_SINGLEMATCH, r.id, r.regex);
  return sha256_hex(in);
}

std::string cache_file(const std::string& dir, const std::string& key) {
  return dir + "/hs-" + key + ".db";
}

void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i)
    out += static_cast<char>((v >> (8 * i)) & 0xffU);
}
void put_bytes(std::string& out, std::string_view bytes) {
  put_u64(out, bytes.size());
  out += bytes;
}

/// Reads what put_u64 and put_bytes wrote; a read past the end, or fail(), fails the whole read.
class Reader {
public:
  explicit Reader(std::string_view in) : m_in(in) {}
  bool ok() const { return m_ok; }
  bool at_end() const { return m_in.empty(); }
  uint64_t fail() {
    m_ok = false;
    return 0;
  }
  uint64_t u64() {
    if (m_in.size() < 8)
      return fail();
    uint64_t v = 0;
    for (size_t i = 8; i-- > 0;)
      v = (v << 8) | static_cast<unsigned char>(m_in[i]);
    m_in.remove_prefix(8);
    return v;
  }
  std::string_view bytes() {
    uint64_t n = u64();
    if (!m_ok || n > m_in.size()) {
      fail();
      return {};
    }
    auto out = m_in.substr(0, static_cast<size_t>(n));
    m_in.remove_prefix(static_cast<size_t>(n));
    return out;
  }
  /// A list of at most `count_max` numbers, each at most `max`.
  std::vector<size_t> numbers(uint64_t count_max, uint64_t max) {
    std::vector<size_t> v;
    uint64_t count = u64();
    if (count > count_max)
      fail();
    for (uint64_t i = 0; m_ok && i < count; ++i) {
      uint64_t x = u64();
      if (x > max)
        fail();
      v.push_back(static_cast<size_t>(x));
    }
    return v;
  }

private:
  std::string_view m_in;
  bool m_ok = true;
};

std::optional<Compiled> load_cached(const std::string& dir, const std::string& key, size_t rules) {
  std::ifstream in(cache_file(dir, key), std::ios::binary | std::ios::ate);
  if (!in || rules == 0)
    return std::nullopt;
  std::string file(static_cast<size_t>(std::max<std::streamoff>(in.tellg(), 0)), '\0');
  if (!in.seekg(0).read(file.data(), static_cast<std::streamsize>(file.size())))
    return std::nullopt;
  std::string_view view(file);
  constexpr size_t k_sum = 64; // hex SHA-256 of everything before it
  if (!view.starts_with(k_cache_magic) || view.size() < k_cache_magic.size() + k_sum ||
      sha256_hex(view.substr(0, view.size() - k_sum)) != view.substr(view.size() - k_sum))
    return std::nullopt;
  Reader r(view.substr(k_cache_magic.size(), view.size() - k_cache_magic.size() - k_sum));
  if (r.bytes() != key)
    return std::nullopt;
  Compiled out;
  out.hs_rules = r.numbers(rules, rules - 1);
  out.fallback_rules = r.numbers(rules, rules - 1);
  for (size_t i = 0; r.ok() && i < out.fallback_rules.size(); ++i)
    out.fallbacks.emplace_back(r.bytes());
  for (size_t w : r.numbers(rules, k_unbounded))
    out.widths.push_back(static_cast<unsigned>(w));
  auto bytes = r.bytes();
  std::vector<int> runs_on(rules, 0); // every rule exactly once: on Hyperscan or on RE2 alone
  for (size_t i : out.hs_rules)
    ++runs_on[i];
  for (size_t i : out.fallback_rules)
    ++runs_on[i];
  if (!r.ok() || !r.at_end() || out.widths.size() != rules ||
      std::any_of(runs_on.begin(), runs_on.end(), [](int n) { return n != 1; }))
    return std::nullopt;
  hs_database_t* db = nullptr;
  if (hs_deserialize_database(bytes.data(), bytes.size(), &db) != HS_SUCCESS)
    return std::nullopt;
  out.database.reset(db);
  return out;
}

/// Keeps the newest k_cache_files databases, and drops temporary files a crash left behind.
void prune_cache(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::pair<fs::file_time_type, fs::path>> databases;
  auto now = fs::file_time_type::clock::now();
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    auto written = entry.last_write_time(ec);
    if (ec)
      continue;
    if (name.starts_with("hs-") && name.ends_with(".db"))
      databases.emplace_back(written, entry.path());
    else if (name.starts_with(".hs-") && name.ends_with(".tmp") &&
             now - written > std::chrono::hours(1))
      fs::remove(entry.path(), ec);
  }
  if (databases.size() <= k_cache_files)
    return;
  std::sort(databases.begin(), databases.end());
  for (size_t i = 0; i + k_cache_files < databases.size(); ++i)
    fs::remove(databases[i].second, ec);
}

void store_cached(const std::string& dir, const std::string& key, const Compiled& c) {
  char* serialized = nullptr;
  size_t length = 0;
  if (!c.database || hs_serialize_database(c.database.get(), &serialized, &length) != HS_SUCCESS)
    return;
  std::string file(k_cache_magic);
  put_bytes(file, key);
  for (const auto* list : {&c.hs_rules, &c.fallback_rules}) {
    put_u64(file, list->size());
    for (size_t i : *list)
      put_u64(file, i);
  }
  for (const auto& f : c.fallbacks)
    put_bytes(file, f);
  put_u64(file, c.widths.size());
  for (unsigned w : c.widths)
    put_u64(file, w);
  put_bytes(file, std::string_view(serialized, length));
  std::free(serialized); // NOLINT(cppcoreguidelines-no-malloc,cppcoreguidelines-owning-memory)
  file += sha256_hex(file);

  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string temp = fmt::format("{}/.hs-{}.{}.tmp", dir, key.substr(0, 16), getpid());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    return;
  size_t written = 0;
  while (written < file.size()) {
    ssize_t n = ::write(fd, file.data() + written, file.size() - written);
    if (n <= 0)
      break;
    written += static_cast<size_t>(n);
  }
  bool complete = ::close(fd) == 0 && written == file.size();
  if (!complete || std::rename(temp.c_str(), cache_file(dir, key).c_str()) != 0) {
    std::filesystem::remove(temp, ec);
    return;
  }
  prune_cache(dir);
}

/// The text of the line that holds `offset`.
std::string_view line_at(std::string_view text, size_t offset) {
  size_t start = offset == 0 ? std::string_view::npos : text.rfind('\n', offset - 1);
  start = start == std::string_view::npos ? 0 : start + 1;
  size_t end = text.find('\n', offset);
  return text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

/// What stage 1 learnt about one text.
struct Sighting {
  std::vector<char> flagged;             ///< per rule: it may match
  std::vector<std::vector<size_t>> ends; ///< per rule: where its matches may end, in order
  std::vector<char> everywhere;          ///< per rule: search the whole text, not around ends
};

} // namespace

std::string default_cache_dir() {
  const char* off = std::getenv("LAUNCHGATE_NO_CACHE");
  if (off != nullptr && *off != '\0' && std::string_view(off) != "0")
    return "";
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && xdg[0] == '/')
    return std::string(xdg) + "/launchgate";
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] == '/')
    return std::string(home) + "/.cache/launchgate";
  return "";
}

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
  std::deque<CompiledRule> compiled; ///< a deque: std::once_flag does not move
  CompiledAllowlist global{Allowlist{}};
  DatabasePtr database;
  std::vector<size_t> hs_rules;  ///< rule index per Hyperscan expression id
  std::vector<unsigned> widths;  ///< per rule: longest match in bytes, or k_unbounded
  std::vector<size_t> re2_rules; ///< rules that run on RE2 alone
  std::vector<std::string> fallbacks;
  bool from_cache = false;

  /// Scratch spaces for hs_scan: one per concurrent scan, cloned from the prototype, reused.
  /// (hs_alloc_scratch on every scan cost more than the scan of a typical source file.)
  ScratchPtr prototype;
  std::mutex scratch_lock;
  std::vector<ScratchPtr> scratch_pool;

  ScratchPtr take_scratch() {
    {
      std::lock_guard<std::mutex> guard(scratch_lock);
      if (!scratch_pool.empty()) {
        ScratchPtr s = std::move(scratch_pool.back());
        scratch_pool.pop_back();
        return s;
      }
    }
    hs_scratch_t* clone = nullptr;
    if (!prototype || hs_clone_scratch(prototype.get(), &clone) != HS_SUCCESS)
      return nullptr;
    return ScratchPtr(clone);
  }
  void give_back(ScratchPtr s) {
    std::lock_guard<std::mutex> guard(scratch_lock);
    scratch_pool.push_back(std::move(s));
  }
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
bool Matcher::from_cache() const {
  return m_impl->from_cache;
}

Expected<Matcher> Matcher::compile(RuleSet rules, Engine engine, const std::string& cache_dir) {
  auto impl = std::make_unique<Impl>();
  impl->engine = engine;
  impl->global = CompiledAllowlist(rules.allowlist);
  for (const auto& r : rules.rules)
    impl->compiled.emplace_back(r.path.empty() ? nullptr : make_re(r.path),
                                CompiledAllowlist(r.allowlist));
  impl->rules = std::move(rules);
  size_t n = impl->rules.rules.size();
  impl->widths.assign(n, k_unbounded);
  if (engine == Engine::re2_only) {
    for (size_t i = 0; i < n; ++i)
      impl->re2_rules.push_back(i);
    return Matcher(std::move(impl));
  }

  // The database from the cache when it is there and usable on this CPU, else compiled.
  std::string key = cache_dir.empty() ? "" : cache_key(impl->rules);
  auto scratch_for = [&](const Compiled& c) {
    hs_scratch_t* scratch = nullptr;
    if (c.database && hs_alloc_scratch(c.database.get(), &scratch) == HS_SUCCESS)
      impl->prototype.reset(scratch);
    return impl->prototype != nullptr;
  };
  std::optional<Compiled> compiled;
  if (!key.empty())
    compiled = load_cached(cache_dir, key, n);
  if (compiled && scratch_for(*compiled)) {
    impl->from_cache = true;
  } else {
    auto started = std::chrono::steady_clock::now();
    auto fresh = compile_database(impl->rules);
    if (!fresh)
      return unexpected(fresh.error());
    compiled = std::move(*fresh);
    if (!key.empty() && (n >= k_cache_min_rules ||
                         std::chrono::steady_clock::now() - started >= k_cache_min_compile))
      store_cached(cache_dir, key, *compiled);
    scratch_for(*compiled); // none: scan sends every rule to RE2
  }
  impl->database = std::move(compiled->database);
  impl->hs_rules = std::move(compiled->hs_rules);
  impl->widths = std::move(compiled->widths);
  impl->fallbacks = std::move(compiled->fallbacks);
  impl->re2_rules = std::move(compiled->fallback_rules);
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
  auto& impl = *m_impl;
  std::vector<Match> out;
  if (!path.empty() && any_matches(impl.global.paths, path))
    return out;

  // Stage 1: which rules may match, and where their matches may end.
  size_t n = impl.rules.rules.size();
  Sighting seen;
  seen.flagged.assign(n, 0);
  seen.everywhere.assign(n, 1);
  for (size_t r : impl.re2_rules)
    seen.flagged[r] = 1;
  if (impl.database) {
    bool failed = false;
    if (ScratchPtr scratch = impl.take_scratch()) {
      seen.ends.resize(n);
      for (size_t r : impl.hs_rules)
        seen.everywhere[r] = static_cast<char>(text.size() > k_hs_window);
      struct Context {
        const Impl* impl;
        Sighting* seen;
        size_t base;
      } ctx{&impl, &seen, 0};
      auto on_match = [](unsigned id, unsigned long long, unsigned long long to, unsigned,
                         void* user) -> int {
        auto* c = static_cast<Context*>(user);
        size_t r = c->impl->hs_rules[id];
        c->seen->flagged[r] = 1;
        auto& ends = c->seen->ends[r];
        if (c->impl->widths[r] == k_unbounded || ends.size() >= k_max_ends)
          c->seen->everywhere[r] = 1;
        else
          ends.push_back(c->base + static_cast<size_t>(to));
        return 0;
      };
      for (size_t start = 0; start < text.size() || start == 0;
           start += k_hs_window - k_hs_overlap) {
        size_t len = std::min(k_hs_window, text.size() - start);
        ctx.base = start;
        if (hs_scan(impl.database.get(), text.data() + start, static_cast<unsigned>(len), 0,
                    scratch.get(), on_match, &ctx) != HS_SUCCESS)
          failed = true;
        if (start + len >= text.size())
          break;
      }
      impl.give_back(std::move(scratch));
    } else {
      failed = true;
    }
    if (failed) // no scratch space, or the scan broke off: every rule to RE2, over the whole text
      for (size_t r : impl.hs_rules) {
        seen.flagged[r] = 1;
        seen.everywhere[r] = 1;
      }
  }

  // Stage 2: RE2 confirms, extracts and filters.
  std::string lower; // the text in lower case, made when a keyword is not in the match itself
  re2::StringPiece input(text.data(), text.size());
  for (size_t r = 0; r < n; ++r) {
    if (seen.flagged[r] == 0)
      continue;
    const Rule& rule = impl.rules.rules[r];
    const CompiledRule& compiled = impl.compiled[r];
    if (!path.empty() && !path_allows(r, path))
      continue; // an empty path is unknown: the caller filters with path_allows later
    const RE2& regex = compiled.regex(rule.regex);
    int groups = regex.NumberOfCapturingGroups() + 1;
    std::vector<re2::StringPiece> found(static_cast<size_t>(groups));
    // True when the next match at or after `pos` was found searching only [from, to) (RE2 still
    // looks at the text around it for ^, $ and \b): the match a search from `pos` to the end
    // would find, provided none starts in [pos, from) and every match that starts in
    // [from, last_start] ends by `to`. False: no match starts in [pos, last_start].
    auto next = [&](size_t from, size_t to, size_t last_start) {
      return regex.Match(input, from, to, RE2::UNANCHORED, found.data(), groups) &&
             static_cast<size_t>(found[0].data() - text.data()) <= last_start;
    };
    // The keywords gate the rule (one must occur anywhere in the text, in any case); checked at
    // its first match, as most flagged rules have none.
    std::optional<bool> keyword;
    auto has_keyword = [&](std::string_view match) {
      if (rule.keywords.empty())
        return true;
      auto in = [&](const std::string& where) {
        return std::any_of(rule.keywords.begin(), rule.keywords.end(),
                           [&](const auto& k) { return where.find(k) != std::string::npos; });
      };
      if (in(to_lower(match)))
        return true;
      if (lower.empty())
        lower = to_lower(text);
      return in(lower);
    };
    bool everywhere = seen.everywhere[r] != 0;
    static const std::vector<size_t> k_none;
    const std::vector<size_t>& ends = everywhere ? k_none : seen.ends[r];
    size_t width = impl.widths[r];
    size_t pos = 0;
    size_t e = 0; // the first match end at or after pos, in `ends`
    while (pos <= text.size()) {
      if (everywhere) {
        if (!next(pos, text.size(), text.size()))
          break;
      } else {
        // A match that starts at or after pos ends at one of ends[e..], at most `width` bytes
        // after its start: search from that first end minus the width, through the ends that
        // follow closely (up to k_max_window bytes), to the last of them plus the width.
        while (e < ends.size() && ends[e] < pos)
          ++e;
        if (e == ends.size())
          break;
        size_t from = std::max(pos, ends[e] - std::min(ends[e], width));
        size_t last = e;
        while (last + 1 < ends.size() && ends[last + 1] - ends[last] <= width &&
               ends[last + 1] - from <= k_max_window)
          ++last;
        size_t last_start = ends[last];
        if (!next(from, std::min(text.size(), last_start + width), last_start)) {
          pos = last_start + 1;
          continue;
        }
      }
      const auto& whole = found[0];
      const auto& secret = found[static_cast<size_t>(rule.secret_group)];
      size_t end = static_cast<size_t>(whole.data() - text.data()) + whole.size();
      pos = end > pos ? end : pos + 1;
      if (secret.empty())
        continue;
      if (!keyword)
        keyword = has_keyword(std::string_view(whole.data(), whole.size()));
      if (!*keyword)
        break;
      std::string_view s(secret.data(), secret.size());
      if ((rule.entropy && shannon_entropy(s) < *rule.entropy) || looks_like_placeholder(s) ||
          compiled.allowlist.allows_secret(s) || impl.global.allows_secret(s))
        continue;
      auto offset = static_cast<size_t>(secret.data() - text.data());
      auto line_text = line_at(text, offset);
      if (line_text.find("launchgate:allow") != std::string_view::npos ||
          line_text.find("gitleaks:allow") != std::string_view::npos)
        continue;
      Match m;
      m.rule = r;
      m.offset = offset;
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
  // Lines are counted in one pass through the text, from one kept match to the next.
  std::vector<Match> kept;
  kept.reserve(out.size());
  size_t line = 1;
  size_t counted = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    if (shadowed[i] != 0)
      continue;
    line += static_cast<size_t>(std::count(text.begin() + static_cast<long>(counted),
                                           text.begin() + static_cast<long>(out[i].offset), '\n'));
    counted = out[i].offset;
    out[i].line = line;
    kept.push_back(std::move(out[i]));
  }
  return kept;
}

} // namespace lg::secrets
