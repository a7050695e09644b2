#pragma once
// The portal's logs as the config's `logs:` section names them: files (shell globs, or folders of
// rotated files; plain text or gzip archives) and a command whose output is the log
// (`journalctl -u portal -o cat --since -10min`, `kubectl logs deploy/portal --since=10m`). The
// observability checks mark where the files end, send their probes, then read what was written
// since; the command is simply run again (its own --since bounds it). Everything read is capped.

#include "core/config.hpp"
#include "net/clock.hpp"
#include "util/expected.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace lg::engine {

/// One line of the logs and where it came from.
struct LogLine {
  std::string source; ///< the file's path, or "logs.command"
  size_t line = 0;    ///< 1-based line number in the file (counted from where reading began when
                      ///< that is beyond 256 MiB), or in the command's output
  std::string text;
};

struct LogRead {
  std::vector<LogLine> lines;
  std::vector<std::string> notes; ///< sources that could not be read, cut or skipped, and why
  size_t files = 0;               ///< files read
  std::uint64_t bytes = 0;
};

/// What `logs:` configures.
struct LogSources {
  std::vector<std::string> patterns; ///< logs.files, resolved against the config's folder
  std::string command;               ///< logs.command; empty: none
  bool empty() const { return patterns.empty() && command.empty(); }
};

LogSources log_sources(const Config& config);

class LogTail {
public:
  /// At most this much is read of each file, and of the command's output.
  static constexpr std::uint64_t k_max_bytes = 64ULL << 20;

  /// Notes where each file of `sources` ends now.
  static LogTail mark(const LogSources& sources);

  /// The lines written since mark(): each file from its marked end (from its start when it is
  /// new or shorter than it was: rotated), a gzip archive whole when it is new (a rotation that
  /// compressed at once), and the command's whole output (run with /bin/sh -c, stopped after
  /// 60 s). Lines of the last 64 MiB of each source at most (the first 64 MiB of an archive).
  LogRead since_mark() const;

  /// The whole of each source (the last 64 MiB of each file, archives decompressed): what the
  /// logs hold now.
  LogRead everything() const;

private:
  LogRead read(bool from_mark) const;

  LogSources m_sources;
  std::map<std::string, std::uint64_t> m_ends; ///< file -> size when marked
};

/// Reads `tail.since_mark()` until `found` says everything looked for is there, or `wait` has
/// passed (each new read 250 ms after the last), on `clock`. Returns the last read.
LogRead read_until(const LogTail& tail, net::Clock& clock, std::chrono::milliseconds wait,
                   const std::function<bool(const LogRead&)>& found);

} // namespace lg::engine
