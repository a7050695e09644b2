// The history source. One `git cat-file --batch-all-objects --batch --unordered` process streams
// every object in pack order (the fastest order git can read them); this thread parses the stream
// and hands blobs to a pool of scanning threads through a queue bounded in bytes, so memory stays
// flat however large the history is. Only the blobs that hold a secret are then traced: one
// `git log --all --reverse --raw` stream, oldest commit first, stopped once each has been seen
// being added; libgit2 reads HEAD's tree (is the blob still there?) and the index (--staged).

#include "secrets/history.hpp"

#include "secrets/tree.hpp"
#include "util/process.hpp"

#include <git2.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fmt/format.h>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace lg::secrets {
namespace {

using Clock = std::chrono::steady_clock;

struct Blob {
  std::string oid; // hex
  std::string data;
};

/// Blobs between the reader and the scanners, bounded in bytes: the reader waits while the
/// queue is over budget (unless it is empty, so one huge blob still passes).
class BlobQueue {
public:
  explicit BlobQueue(size_t max_bytes) : m_max_bytes(max_bytes) {}

  void push(Blob blob) {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_room.wait(lock, [&] { return m_items.empty() || m_bytes < m_max_bytes; });
    m_bytes += blob.data.size();
    m_items.push_back(std::move(blob));
    m_ready.notify_one();
  }

  std::optional<Blob> pop() {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_ready.wait(lock, [&] { return !m_items.empty() || m_closed; });
    if (m_items.empty())
      return std::nullopt;
    Blob blob = std::move(m_items.front());
    m_items.pop_front();
    m_bytes -= blob.data.size();
    m_room.notify_one();
    return blob;
  }

  void close() {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_closed = true;
    m_ready.notify_all();
  }

private:
  std::mutex m_mutex;
  std::condition_variable m_ready;
  std::condition_variable m_room;
  std::deque<Blob> m_items;
  size_t m_bytes = 0;
  size_t m_max_bytes;
  bool m_closed = false;
};

/// Incremental parser of `git cat-file --batch` output: "<oid> <type> <size>\n<bytes>\n" per
/// object. Blobs within the size limit go to `emit`; other objects are skipped in place.
class ObjectStreamParser {
public:
  ObjectStreamParser(unsigned long long max_blob, std::function<void(Blob&&)> emit,
                     std::vector<std::string>& notes)
      : m_max_blob(max_blob), m_emit(std::move(emit)), m_notes(notes) {}

  /// False when the stream is malformed; error() says where.
  bool feed(std::string_view chunk) {
    while (!chunk.empty()) {
      switch (m_state) {
      case State::header: {
        size_t nl = chunk.find('\n');
        size_t take = nl == std::string_view::npos ? chunk.size() : nl;
        if (m_header.size() + take > 1024)
          return fail("an object header longer than 1 KiB");
        m_header.append(chunk.substr(0, take));
        if (nl == std::string_view::npos)
          return true;
        chunk.remove_prefix(nl + 1);
        if (!start_object())
          return false;
        break;
      }
      case State::body: {
        size_t take = static_cast<size_t>(std::min<unsigned long long>(chunk.size(), m_remaining));
        if (m_keep)
          m_blob.data.append(chunk.substr(0, take));
        chunk.remove_prefix(take);
        m_remaining -= take;
        if (m_remaining == 0)
          m_state = State::newline;
        break;
      }
      case State::newline:
        if (chunk.front() != '\n')
          return fail(fmt::format("object {} is not followed by a newline", m_blob.oid));
        chunk.remove_prefix(1);
        if (m_keep)
          m_emit(std::move(m_blob));
        m_blob = Blob{};
        m_state = State::header;
        break;
      }
    }
    return true;
  }

  /// True when the stream ended between objects.
  bool complete() const { return m_state == State::header && m_header.empty(); }
  const std::string& error() const { return m_error; }
  unsigned long long objects() const { return m_objects; }

private:
  enum class State { header, body, newline };

  bool fail(std::string message) {
    m_error = std::move(message);
    return false;
  }

  bool start_object() {
    std::string header = std::move(m_header);
    m_header.clear();
    size_t sp1 = header.find(' ');
    size_t sp2 = sp1 == std::string::npos ? std::string::npos : header.find(' ', sp1 + 1);
    if (sp1 == std::string::npos)
      return fail(fmt::format("unreadable object header '{}'", header.substr(0, 80)));
    std::string oid = header.substr(0, sp1);
    if (sp2 == std::string::npos) { // "<oid> missing" and the like: nothing follows
      m_notes.push_back(fmt::format("object {}: {}", oid, header.substr(sp1 + 1)));
      return true;
    }
    std::string_view type(header.data() + sp1 + 1, sp2 - sp1 - 1);
    std::string_view size_text(header.data() + sp2 + 1, header.size() - sp2 - 1);
    unsigned long long size = 0;
    auto [end, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), size);
    if (ec != std::errc() || end != size_text.data() + size_text.size())
      return fail(fmt::format("unreadable object size in '{}'", header.substr(0, 80)));
    ++m_objects;
    m_keep = type == "blob" && size <= m_max_blob;
    if (type == "blob" && !m_keep)
      m_notes.push_back(fmt::format("blob {}: skipped, {} bytes is over the {} byte limit", oid,
                                    size, m_max_blob));
    m_blob.oid = std::move(oid);
    if (m_keep)
      m_blob.data.reserve(static_cast<size_t>(size));
    m_remaining = size;
    m_state = State::body;
    return true;
  }

  unsigned long long m_max_blob;
  std::function<void(Blob&&)> m_emit;
  std::vector<std::string>& m_notes;
  State m_state = State::header;
  std::string m_header;
  Blob m_blob;
  bool m_keep = false;
  unsigned long long m_remaining = 0;
  unsigned long long m_objects = 0;
  std::string m_error;
};

/// libgit2 is initialised once and never shut down: a shutdown deletes its thread-state key
/// without freeing the calling thread's state (an error message after a failed call), a leak.
void init_libgit2() {
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}

template <class T, void (*Free)(T*)> struct GitPtr {
  T* p = nullptr;
  GitPtr() = default;
  GitPtr(const GitPtr&) = delete;
  GitPtr& operator=(const GitPtr&) = delete;
  GitPtr(GitPtr&&) = delete;
  GitPtr& operator=(GitPtr&&) = delete;
  ~GitPtr() {
    if (p != nullptr)
      Free(p);
  }
  T** out() { return &p; }
};
using Repo = GitPtr<git_repository, git_repository_free>;
using Diff = GitPtr<git_diff, git_diff_free>;
using Commit = GitPtr<git_commit, git_commit_free>;
using Tree = GitPtr<git_tree, git_tree_free>;

/// HEAD's tree into `tree`; false when there is none (an unborn branch, a corrupt object).
/// Resolved step by step: git_revparse_single leaks in libgit2 1.5 when the object is corrupt.
bool head_tree(git_repository* repo, Tree& tree) {
  git_oid head;
  Commit commit;
  return git_reference_name_to_id(&head, repo, "HEAD") == 0 &&
         git_commit_lookup(commit.out(), repo, &head) == 0 &&
         git_commit_tree(tree.out(), commit.p) == 0;
}
using Index = GitPtr<git_index, git_index_free>;
using BlobObj = GitPtr<git_blob, git_blob_free>;

std::string git_message(std::string_view what) {
  const git_error* e = git_error_last();
  return fmt::format("{}: {}", what, e != nullptr && e->message != nullptr ? e->message : "failed");
}

std::string raw_key(const git_oid* oid) {
  return {reinterpret_cast<const char*>(oid->id), GIT_OID_RAWSZ};
}

Expected<void> open_repo(Repo& repo, const std::string& path) {
  if (git_repository_open_ext(repo.out(), path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) !=
      0)
    return unexpected(ErrorKind::io, git_message(fmt::format("{} is not a git repository", path)));
  return {};
}

struct Origin {
  Provenance provenance;
  long long time = 0; // seconds since the epoch, for ordering
};

/// The first commit that added each target blob (raw oid keys): one `git log --all --reverse
/// --topo-order --raw` stream, oldest commit first, each commit diffed against its first parent
/// (the root against the empty tree), stopped as soon as every target has been seen being added.
/// git's own tree diffs are several times faster than a libgit2 diff per commit, and the stream
/// keeps launchgate's memory flat however long the history is.
std::unordered_map<std::string, Origin> trace_blobs(const std::string& git_dir,
                                                    const std::unordered_set<std::string>& targets,
                                                    size_t& commits,
                                                    std::vector<std::string>& notes) {
  std::unordered_map<std::string, Origin> found;
  if (targets.empty())
    return found;
  Origin commit; // the commit whose entries are being read
  std::string pending;
  bool path_next = false; // the next token is the path of an entry that added a target
  std::string wanted;     // that target
  auto token = [&](std::string_view t) {
    if (path_next) {
      path_next = false;
      if (!found.contains(wanted)) {
        Origin origin = commit;
        origin.provenance.path = std::string(t);
        found.emplace(wanted, std::move(origin));
      }
      return;
    }
    while (!t.empty() && t.front() == '\n')
      t.remove_prefix(1);
    if (t.starts_with("commit ")) { // commit <id> <epoch> <RFC 3339 date>
      ++commits;
      std::string_view rest = t.substr(7);
      size_t sp1 = rest.find(' ');
      size_t sp2 = sp1 == std::string_view::npos ? sp1 : rest.find(' ', sp1 + 1);
      if (sp2 == std::string_view::npos)
        return;
      commit.provenance.commit = std::string(rest.substr(0, sp1));
      long long time = 0;
      std::from_chars(rest.data() + sp1 + 1, rest.data() + sp2, time);
      commit.time = time;
      commit.provenance.author_date = std::string(rest.substr(sp2 + 1));
      return;
    }
    if (t.starts_with(':')) { // :<old mode> <new mode> <old id> <new id> <status>
      size_t status = t.rfind(' ');
      size_t id = status == std::string_view::npos ? status : t.rfind(' ', status - 1);
      if (id == std::string_view::npos)
        return;
      std::string_view blob = t.substr(id + 1, status - id - 1);
      git_oid oid;
      if (t.substr(status + 1) == "D" || git_oid_fromstrn(&oid, blob.data(), blob.size()) != 0)
        return;
      std::string key = raw_key(&oid);
      if (targets.contains(key) && !found.contains(key)) {
        wanted = std::move(key);
        path_next = true;
      }
    }
  };
  ProcessOptions git;
  git.argv = {"git",
              "--git-dir=" + git_dir,
              "log",
              "--all",
              "--reverse",
              "--topo-order",
              "--raw",
              "--no-abbrev",
              "--no-renames",
              "--diff-merges=first-parent",
              "--root",
              "-z",
              "--format=commit %H %at %aI"};
  git.env = {"LC_ALL=C", "GIT_TERMINAL_PROMPT=0"};
  auto run = run_process(git, [&](std::string_view chunk) {
    pending.append(chunk);
    size_t start = 0;
    for (size_t nul = pending.find('\0'); nul != std::string::npos;
         nul = pending.find('\0', start)) {
      token(std::string_view(pending).substr(start, nul - start));
      start = nul + 1;
      if (found.size() == targets.size() && !path_next)
        return false; // every blob traced: the rest of the history is not needed
    }
    pending.erase(0, start);
    return true;
  });
  if (!run)
    notes.push_back("tracing commits: " + run.error().message);
  else if (!run->stopped && run->exit_code != 0)
    notes.push_back(fmt::format("git log stopped (exit {}): {}", run->exit_code,
                                run->stderr_text.substr(0, run->stderr_text.find('\n'))));
  return found;
}

/// The target blobs that HEAD's tree holds.
std::unordered_set<std::string> blobs_at_head(git_repository* repo,
                                              const std::unordered_set<std::string>& targets) {
  struct Payload {
    const std::unordered_set<std::string>* targets;
    std::unordered_set<std::string> present;
  } payload{&targets, {}};
  Tree tree;
  if (!head_tree(repo, tree))
    return {};
  auto visit = [](const char*, const git_tree_entry* entry, void* data) -> int {
    auto* p = static_cast<Payload*>(data);
    if (git_tree_entry_type(entry) == GIT_OBJECT_BLOB) {
      std::string key = raw_key(git_tree_entry_id(entry));
      if (p->targets->contains(key))
        p->present.insert(std::move(key));
    }
    return 0;
  };
  git_tree_walk(tree.p, GIT_TREEWALK_PRE, visit, &payload);
  return std::move(payload.present);
}

struct RawHit {
  std::string oid; // hex
  Match match;
};

} // namespace

Expected<HistoryResult> scan_history(const Matcher& matcher, const HistoryOptions& options) {
  auto started = Clock::now();
  init_libgit2();
  Repo repo;
  LG_TRY_VOID(open_repo(repo, options.repo));
  std::string git_dir = git_repository_path(repo.p);

  HistoryResult result;
  result.shallow = git_repository_is_shallow(repo.p) == 1;
  if (result.shallow)
    result.notes.push_back("shallow clone: commits before its cut-off are not here to scan; scan "
                           "a full clone (CI: fetch-depth: 0)");

  // Stage 1: every blob once, scanned on every core while git streams the next ones.
  BlobQueue queue(size_t{64} << 20);
  std::mutex lock;
  std::vector<RawHit> raw_hits;
  std::atomic<size_t> matches{0};
  std::atomic<size_t> blobs{0};
  std::atomic<size_t> binary{0};
  std::atomic<unsigned long long> bytes{0};
  std::atomic<bool> first{true};
  auto worker = [&] {
    std::vector<RawHit> mine;
    while (auto blob = queue.pop()) {
      if (looks_binary(blob->data)) {
        ++binary;
        continue;
      }
      ++blobs;
      bytes += blob->data.size();
      auto found = matcher.scan(blob->data, "");
      if (found.empty())
        continue;
      if (first.exchange(false))
        result.first_finding_seconds =
            std::chrono::duration<double>(Clock::now() - started).count();
      matches += found.size();
      for (auto& m : found)
        mine.push_back(RawHit{blob->oid, std::move(m)});
    }
    std::lock_guard<std::mutex> guard(lock);
    std::move(mine.begin(), mine.end(), std::back_inserter(raw_hits));
  };
  unsigned threads =
      options.threads != 0 ? options.threads : std::max(1U, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back(worker);

  std::vector<std::string> stream_notes;
  ObjectStreamParser parser(
      options.max_blob_bytes, [&](Blob&& blob) { queue.push(std::move(blob)); }, stream_notes);
  unsigned long long streamed = 0;
  unsigned long long reported = 0;
  bool malformed = false;
  ProcessOptions git;
  git.argv = {"git",     "--git-dir=" + git_dir, "cat-file", "--batch-all-objects",
              "--batch", "--unordered"};
  git.env = {"LC_ALL=C", "GIT_TERMINAL_PROMPT=0"};
  auto run = run_process(git, [&](std::string_view chunk) {
    streamed += chunk.size();
    if (!parser.feed(chunk)) {
      malformed = true;
      return false;
    }
    if (options.progress && streamed - reported >= (64ULL << 20)) {
      reported = streamed;
      options.progress(HistoryProgress{bytes.load(), blobs.load(), matches.load()});
    }
    return true;
  });
  queue.close();
  for (auto& t : pool)
    t.join();
  if (!run)
    return unexpected(run.error());
  if (malformed)
    result.notes.push_back("git's object stream is malformed: " + parser.error() +
                           "; the scan stopped there");
  else if (run->exit_code != 0 || !parser.complete()) {
    std::string why = run->stderr_text.substr(0, run->stderr_text.find('\n'));
    result.notes.push_back(fmt::format("git cat-file stopped (exit {}){}{}; blobs after that point "
                                       "were not scanned",
                                       run->exit_code, why.empty() ? "" : ": ", why));
  }
  std::move(stream_notes.begin(), stream_notes.end(), std::back_inserter(result.notes));
  result.blobs = blobs;
  result.binary = binary;
  result.bytes = bytes;
  if (options.progress)
    options.progress(HistoryProgress{result.bytes, result.blobs, matches.load()});

  // Stage 2: provenance for the blobs that hold a secret.
  std::unordered_set<std::string> targets;
  for (const auto& h : raw_hits) {
    git_oid oid;
    if (git_oid_fromstr(&oid, h.oid.c_str()) == 0)
      targets.insert(raw_key(&oid));
  }
  auto origins = trace_blobs(git_dir, targets, result.commits, result.notes);
  auto at_head = blobs_at_head(repo.p, targets);
  size_t dangling = 0;
  std::vector<std::pair<long long, HistoryHit>> ordered;
  for (auto& h : raw_hits) {
    git_oid oid;
    git_oid_fromstr(&oid, h.oid.c_str());
    std::string key = raw_key(&oid);
    HistoryHit hit;
    hit.blob = h.oid;
    hit.at_head = at_head.contains(key);
    long long time = std::numeric_limits<long long>::max();
    if (auto it = origins.find(key); it != origins.end()) {
      if (!matcher.path_allows(h.match.rule, it->second.provenance.path))
        continue; // the rule does not apply to that path, or the path is allow-listed
      hit.first = it->second.provenance;
      time = it->second.time;
    } else {
      ++dangling;
    }
    hit.match = std::move(h.match);
    ordered.emplace_back(time, std::move(hit));
  }
  if (dangling > 0)
    result.notes.push_back(fmt::format(
        "{} secret(s) stand in blobs that no ref reaches (dangling objects, old reflog entries); "
        "`git gc --prune=now` after expiring the reflog removes them locally",
        dangling));
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first, a.second.blob, a.second.match.offset) <
           std::tie(b.first, b.second.blob, b.second.match.offset);
  });
  for (auto& [time, hit] : ordered)
    result.hits.push_back(std::move(hit));
  std::sort(result.notes.begin(), result.notes.end());
  return result;
}

Expected<std::vector<StagedHit>> scan_staged(const Matcher& matcher, const std::string& path,
                                             size_t* files) {
  init_libgit2();
  Repo repo;
  LG_TRY_VOID(open_repo(repo, path));
  Index index;
  if (git_repository_index(index.out(), repo.p) != 0)
    return unexpected(ErrorKind::io, git_message("the index"));
  Tree head;
  head_tree(repo.p, head); // none before the first commit: everything staged is new
  Diff diff;
  git_diff_options options{};
  git_diff_options_init(&options, GIT_DIFF_OPTIONS_VERSION);
  options.flags = GIT_DIFF_SKIP_BINARY_CHECK;
  if (git_diff_tree_to_index(diff.out(), repo.p, head.p, index.p, &options) != 0)
    return unexpected(ErrorKind::io, git_message("the staged changes"));
  std::vector<StagedHit> hits;
  size_t scanned = 0;
  size_t deltas = git_diff_num_deltas(diff.p);
  for (size_t i = 0; i < deltas; ++i) {
    const git_diff_delta* delta = git_diff_get_delta(diff.p, i);
    if (delta->status == GIT_DELTA_DELETED || git_oid_is_zero(&delta->new_file.id) != 0)
      continue;
    BlobObj blob;
    if (git_blob_lookup(blob.out(), repo.p, &delta->new_file.id) != 0)
      continue;
    std::string_view text(static_cast<const char*>(git_blob_rawcontent(blob.p)),
                          static_cast<size_t>(git_blob_rawsize(blob.p)));
    if (looks_binary(text))
      continue;
    ++scanned;
    for (auto& m : matcher.scan(text, delta->new_file.path))
      hits.push_back(StagedHit{delta->new_file.path, std::move(m)});
  }
  if (files != nullptr)
    *files = scanned;
  return hits;
}

} // namespace lg::secrets
