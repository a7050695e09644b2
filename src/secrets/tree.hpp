#pragma once
// The working-tree source of the secrets gate: every regular file under the given roots, ignored
// files included (an ignored .env is what leaks), `.git/` internals, symlinks and binaries skipped
// with a count, files memory-mapped and scanned on every core.

#include "secrets/matcher.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lg::secrets {

struct TreeOptions {
  std::vector<std::string> roots;                   ///< files or directories
  unsigned long long max_file_bytes = 256ULL << 20; ///< larger files are skipped with a note
  unsigned threads = 0;                             ///< 0: every core
  /// Build output: a `.map` file is decoded and its embedded sources (`sourcesContent`) scanned
  /// as the original files; a hit in a bundle that links a source map names its original place.
  bool source_maps = true;
  /// Logs: `.gz` files are decompressed (streamed, at most `max_decompressed_bytes` each).
  bool gzip = true;
  unsigned long long max_decompressed_bytes = 4ULL << 30;
  /// Called now and then (about every 64 MiB or 1,000 files) with the files and bytes scanned
  /// so far and the number of matches; may be empty. Calls never overlap.
  std::function<void(size_t files, unsigned long long bytes, size_t matches)> progress;
};

/// One secret at one place.
struct Hit {
  std::string path; ///< as walked from its root; a git path or a source-map source elsewhere
  size_t line = 0;
  Match match;
  std::string commit;          ///< history: the commit that first added the blob
  std::string date;            ///< history: that commit's author date
  std::optional<bool> at_head; ///< history: whether HEAD still holds the secret there
  std::string origin;          ///< build: the generated file or source map the text came from
};

/// Git's rule for binary content: a NUL byte in the first 8000 bytes.
bool looks_binary(std::string_view bytes);

struct TreeResult {
  std::vector<Hit> hits;          ///< ordered by path, then offset
  std::vector<std::string> notes; ///< files skipped and why (too large, unreadable, …)
  size_t files = 0;               ///< files scanned
  size_t binary = 0;              ///< files skipped as binary
  unsigned long long bytes = 0;   ///< bytes scanned
};

/// Scans the roots. A root that does not exist is a note, not an error.
TreeResult scan_tree(const Matcher& matcher, const TreeOptions& options);

} // namespace lg::secrets
