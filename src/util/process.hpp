#pragma once
// Runs a helper program (git) without a shell and streams its standard output to the caller as it
// arrives, so that a multi-gigabyte object stream never sits in memory. Standard error is kept
// (bounded) for the error message.

#include "util/expected.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace lg {

struct ProcessOptions {
  std::vector<std::string> argv; ///< argv[0] is looked up on PATH
  std::string cwd;               ///< empty: the current directory
  std::vector<std::string> env;  ///< NAME=value entries added to the environment
  bool clear_env = false;        ///< the child gets `env` only, nothing of ours
  bool own_group = false;        ///< the child leads a new process group, and a timeout or a stop
                                 ///< kills the whole group (a build's compilers, a test's server)
  size_t stderr_limit = 8192;    ///< bytes of stderr kept for messages
  size_t chunk_bytes = 1 << 20;  ///< largest chunk handed to the callback
  int timeout_ms = 0;            ///< > 0: the child is killed once this much time has passed
};

struct ProcessResult {
  int exit_code = 0;       ///< 128 + signal number when the child was killed
  bool stopped = false;    ///< the callback asked to stop and the child was terminated
  bool timed_out = false;  ///< the deadline passed and the child was killed
  std::string stderr_text; ///< the first stderr_limit bytes
};

/// Runs `options.argv`, handing stdout to `on_output` in chunks; `on_output` returns false to stop
/// early (the child is then killed). Errors only when the program cannot be started.
Expected<ProcessResult> run_process(const ProcessOptions& options,
                                    const std::function<bool(std::string_view)>& on_output);

} // namespace lg
