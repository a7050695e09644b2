#pragma once
// The git-history source of the secrets gate. Bytes come from git's own object stream
// (`git cat-file --batch-all-objects --unordered`): every blob in the object database is scanned
// exactly once, whatever the number of commits that share it, on every core. Provenance comes from
// libgit2 afterwards and only for the blobs that hold a secret: the oldest commit that added the
// blob (with its author date and path) and whether HEAD still has it.

#include "secrets/matcher.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace lg::secrets {

struct HistoryProgress {
  unsigned long long bytes = 0; ///< blob bytes scanned so far
  size_t blobs = 0;
  size_t findings = 0; ///< secret matches so far
};

struct HistoryOptions {
  std::string repo;                                 ///< a work tree, or a bare repository
  unsigned long long max_blob_bytes = 256ULL << 20; ///< larger blobs are skipped with a note
  unsigned threads = 0;                             ///< scanning threads; 0: every core
  /// Called from the reading thread now and then (at most every 64 MiB); may be empty.
  std::function<void(const HistoryProgress&)> progress;
};

/// Where a blob first entered the history.
struct Provenance {
  std::string commit;      ///< full object id
  std::string author_date; ///< RFC 3339 with the author's offset
  std::string path;        ///< path of the blob in that commit
};

struct HistoryHit {
  std::string blob; ///< object id of the blob that holds the secret
  Match match;
  std::optional<Provenance> first; ///< nullopt: not reachable from any ref (dangling object)
  bool at_head = false;            ///< HEAD's tree holds this very blob
};

struct HistoryResult {
  std::vector<HistoryHit> hits;      ///< oldest first appearance first
  std::vector<std::string> notes;    ///< blobs skipped, shallow clone, unreachable objects …
  size_t blobs = 0;                  ///< blobs scanned
  size_t binary = 0;                 ///< blobs skipped as binary
  size_t commits = 0;                ///< commits walked for provenance
  unsigned long long bytes = 0;      ///< blob bytes scanned
  double first_finding_seconds = -1; ///< time from start to the first match; -1 when none
  bool shallow = false;              ///< a shallow clone: older history is not there
};

/// Scans the object database of `options.repo`. Errors when it is not a git repository or git
/// cannot read it (the message carries git's own words).
Expected<HistoryResult> scan_history(const Matcher& matcher, const HistoryOptions& options);

/// One staged file: its path and the blob the index holds for it.
struct StagedHit {
  std::string path;
  Match match;
};

/// Scans what is staged in `repo` (index entries that differ from HEAD), for a pre-commit hook.
/// `files` receives the number of staged files scanned.
Expected<std::vector<StagedHit>> scan_staged(const Matcher& matcher, const std::string& repo,
                                             size_t* files = nullptr);

} // namespace lg::secrets
