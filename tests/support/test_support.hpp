#pragma once
// Helpers shared by the test executables: a temporary directory per test, file reading.

#include "core/result.hpp"

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace lg::test {

/// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  /// Writes `content` to `name` inside the directory and returns the full path.
  std::string write(const std::string& name, const std::string& content) const;

private:
  std::filesystem::path m_path;
};

/// What a finished command printed and how it exited.
struct CommandResult {
  int code = -1; ///< exit status, or 128 + signal
  std::string out;
  std::string err;
};

/// Runs `argv` in `cwd` (empty: the current directory) with `env` added to the environment,
/// no standard input, and a deadline of `timeout_s` seconds (SIGKILL after it).
CommandResult run_command(const std::vector<std::string>& argv, const std::string& cwd = "",
                          const std::vector<std::string>& env = {}, int timeout_s = 120);

/// Validates a SARIF document against the official 2.1.0 schema (../shared/testdata) with
/// /usr/bin/python3's jsonschema (Draft 4). Returns "" when valid, else what is wrong. When the
/// schema or the validator is missing, returns "" and sets `skip` to the reason.
std::string validate_sarif(const std::string& sarif, std::string& skip);

/// A git repository in a temporary directory, driven with the git command line under a fixed
/// identity with the user's git configuration kept out. Failures are test failures.
class GitRepo {
public:
  GitRepo(); ///< `git init -b main`
  const std::filesystem::path& path() const { return m_dir.path(); }
  std::string dir() const { return m_dir.path().string(); }
  void write(const std::string& name, const std::string& text) const { m_dir.write(name, text); }
  /// Runs `git -C dir args...` with author and committer date `date`; returns its stdout.
  std::string git(const std::vector<std::string>& args,
                  const std::string& date = "2024-05-01T12:00:00+02:00") const;
  /// Stages everything and commits it.
  void commit(const std::string& message, const std::string& date = "2024-05-01T12:00:00+02:00");
  /// The full id of HEAD.
  std::string head() const;

private:
  TempDir m_dir;
};

/// The whole content of `path`; empty when it cannot be read.
std::string read_file(const std::filesystem::path& path);

/// Every result as "id status: reason" and its findings' messages, one per line: for assertion
/// messages.
std::string dump_results(const std::vector<CheckResult>& results);

/// The ids of the results that fail, warn or error.
std::set<std::string> failing(const std::vector<CheckResult>& results);

/// The result of check `id`, or an empty result (status skip, no id) when there is none.
const CheckResult& result_of(const std::vector<CheckResult>& results, const std::string& id);

} // namespace lg::test
