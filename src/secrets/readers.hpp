#pragma once
// How one file's bytes become scanned text, per source: as they are (the tree), through gzip
// (logs), as a source map's embedded sources or a bundle mapped back to its sources (build
// output); and a scanner for text that arrives in chunks (a decompressed log, a command's output).

#include "secrets/tree.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace lg::secrets {

/// What scanning one file produced.
struct FileScan {
  std::vector<Hit> hits;
  std::vector<std::string> notes;
  unsigned long long bytes = 0; ///< bytes of text scanned (decompressed, decoded)
  bool binary = false;          ///< skipped as binary
};

/// Scans the file at `path` whose bytes are `bytes`, as `options` ask (plain, gzip, source maps).
FileScan scan_file(const Matcher& matcher, const std::string& path, std::string_view bytes,
                   const TreeOptions& options);

/// Scans text that arrives in chunks: whole lines are scanned together (a line longer than
/// 16 MiB is cut), line numbers count across chunks. Hits are reported at `path`.
class StreamScanner {
public:
  StreamScanner(const Matcher& matcher, std::string path, std::vector<Hit>& hits)
      : m_matcher(matcher), m_path(std::move(path)), m_hits(hits) {}
  void feed(std::string_view chunk);
  void finish();
  unsigned long long bytes() const { return m_bytes; }

private:
  void scan(std::string_view text);

  const Matcher& m_matcher;
  std::string m_path;
  std::vector<Hit>& m_hits;
  std::string m_pending;
  size_t m_line = 0; ///< lines before the pending text
  unsigned long long m_bytes = 0;
};

} // namespace lg::secrets
