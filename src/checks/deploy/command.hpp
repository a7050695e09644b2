#pragma once
// Runs one of the deploy section's commands (build, test, rollback) the way the deploy gate
// means it: `/bin/sh -c` in a given folder, with a clean environment (an allow-list of the
// caller's variables plus those deploy.env names; HOME and TMPDIR pointed into a scratch folder),
// standard error merged into standard output, under a time limit that kills the whole process
// group. Optionally under strace, to learn every file the command opened and every program it
// started (analyze/strace).

#include "analyze/strace.hpp"
#include "core/config.hpp"
#include "secrets/matcher.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace lg::checks::deploy {

/// An empty folder of our own under the system's temporary folder (`launchgate-<what>-XXXXXX`),
/// removed with everything in it, read-only files included (module caches).
class ScratchDir {
public:
  explicit ScratchDir(const std::string& what);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ScratchDir(ScratchDir&&) = delete;
  ScratchDir& operator=(ScratchDir&&) = delete;
  /// Empty when the folder could not be made.
  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

/// The environment a deploy command gets.
struct CleanEnvironment {
  std::vector<std::string> entries; ///< NAME=value, passed to the command
  std::vector<std::string> names;   ///< the names in entries, for evidence (never values)
  std::vector<std::string> missing; ///< deploy.env names launchgate's own environment lacks
};

/// PATH, LANG, LC_*, TZ, TERM, USER, LOGNAME, SHELL and the proxy variables from launchgate's
/// environment, HOME=`home`, TMPDIR=`tmp`, and each name of `deploy.env` with its value from
/// launchgate's environment.
CleanEnvironment clean_environment(const DeployConfig& deploy, const std::filesystem::path& home,
                                   const std::filesystem::path& tmp);

struct CommandSpec {
  std::string command;          ///< run with /bin/sh -c
  std::filesystem::path cwd;    ///< where it runs
  std::vector<std::string> env; ///< the whole environment (NAME=value)
  long long timeout_ms = 20LL * 60 * 1000;
  bool trace = false;              ///< under strace, when trace_unavailable() is empty
  std::filesystem::path trace_dir; ///< where strace writes (one file per process); required
                                   ///< with trace
};

struct CommandRun {
  std::string command;
  bool started = false; ///< false: /bin/sh could not be started (`error` says why)
  std::string error;
  int exit_code = 0; ///< 128 + signal when killed
  bool timed_out = false;
  long long duration_ms = 0;
  std::string output_tail; ///< the last 8 KiB of stdout and stderr (unmasked: mask before use)
  size_t output_bytes = 0; ///< all output
  bool traced = false;     ///< the accesses and programs below are complete
  analyze::Trace trace;    ///< successful opens and program starts, when traced

  bool ok() const { return started && !timed_out && exit_code == 0; }
};

/// Runs `spec`. Never throws; a command that cannot start is `started == false`.
CommandRun run_command(const CommandSpec& spec);

/// Empty when strace is installed and may trace here (checked once per process); else why not,
/// with the fix ("apt-get install strace", or "ptrace is not permitted in this container").
const std::string& trace_unavailable();

/// `text` with every secret `matcher` finds in it (mask_secrets), and every value of the
/// deploy.env variables (six characters or more) the command was given, replaced by its redacted
/// form: what a command printed is evidence only after this.
std::string mask_output(const Config& config, const secrets::Matcher& matcher,
                        const std::string& text);

/// The last `lines` lines of `text`.
std::string last_lines(const std::string& text, size_t lines);

} // namespace lg::checks::deploy
