#pragma once
// What a traced command did, from strace's output (`-f -ff -y -s 4096 -e trace=execve,open,
// openat,openat2,creat`, one file per process): every file it opened successfully, with the path
// the kernel resolved, and every program it started, with its arguments. deploy.clean-build uses
// it to find reads outside the clone and README steps the build never ran. Pure and bounded.

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace lg::analyze {

/// At most this many distinct opens and as many program starts are kept.
inline constexpr size_t k_trace_max_events = 200000;

struct FileOpen {
  std::string path;   ///< absolute, as the kernel resolved it (the `-y` annotation)
  bool write = false; ///< O_WRONLY, O_RDWR, O_CREAT or creat()
};

struct Trace {
  std::vector<FileOpen> opens; ///< successful opens of files (not directories), each path once for
                               ///< reading and once for writing: a compiler opens the same
                               ///< headers for every file it builds
  std::vector<std::vector<std::string>> execs; ///< argv of every successful execve
  size_t unparsed = 0;                         ///< lines that matched no form (counted)
  bool truncated = false;                      ///< the bound was reached
  std::unordered_set<std::string> seen;        ///< "r:path" / "w:path" of the opens kept
};

/// Adds the events of one strace output file to `trace`.
void parse_strace(std::string_view text, Trace& trace);

/// Decodes one strace string literal body (`\n`, `\t`, `\"`, `\\`, `\ooo`, `\xhh`).
std::string strace_unescape(std::string_view quoted_body);

} // namespace lg::analyze
