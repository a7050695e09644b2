// Temporary directories and file helpers for the tests.

#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace lg::test {

TempDir::TempDir() {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = std::filesystem::temp_directory_path() /
                     ("launchgate-test-" + std::to_string(rd()) + std::to_string(attempt));
    if (std::filesystem::create_directory(candidate)) {
      m_path = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
}

std::string TempDir::write(const std::string& name, const std::string& content) const {
  auto p = m_path / name;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  return p.string();
}

CommandResult run_command(const std::vector<std::string>& argv, const std::string& cwd,
                          const std::vector<std::string>& env, int timeout_s) {
  TempDir io;
  auto out_path = io.path() / "out";
  auto err_path = io.path() / "err";
  pid_t pid = fork();
  if (pid == 0) {
    int in = open("/dev/null", O_RDONLY);
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0)
      _exit(126);
    for (const auto& e : env)
      putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> args;
    for (const auto& a : argv)
      args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data()); // a bare name (git) is looked up on PATH
    _exit(127);
  }
  CommandResult result;
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  result.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  return result;
}

std::string validate_sarif(const std::string& sarif, std::string& skip) {
  const std::string python = "/usr/bin/python3";
  auto schema = std::filesystem::path(LG_SHARED_DIR) / "testdata/sarif/sarif-schema-2.1.0.json";
  if (!std::filesystem::exists(schema)) {
    skip = "no SARIF schema at " + schema.string();
    return "";
  }
  if (access(python.c_str(), X_OK) != 0) {
    skip = "no " + python;
    return "";
  }
  TempDir dir;
  auto doc = dir.write("report.sarif", sarif);
  auto script = dir.write("validate.py", R"py(
import json, sys
try:
    import jsonschema
except ImportError:
    sys.exit(77)
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
for e in errors[:10]:
    print("/".join(str(p) for p in e.absolute_path), ":", e.message)
sys.exit(1 if errors else 0)
)py");
  auto result = run_command({python, script, schema.string(), doc});
  if (result.code == 77) {
    skip = python + " has no jsonschema module";
    return "";
  }
  if (result.code != 0)
    return result.out.empty()
               ? "validator exited " + std::to_string(result.code) + ": " + result.err
               : result.out;
  return "";
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

GitRepo::GitRepo() {
  git({"init", "-q", "-b", "main"});
}

std::string GitRepo::git(const std::vector<std::string>& args, const std::string& date) const {
  std::vector<std::string> argv = {"git", "-C", dir()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run_command(argv, "",
                       {"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1", "GIT_AUTHOR_NAME=T",
                        "GIT_AUTHOR_EMAIL=t@example.test", "GIT_COMMITTER_NAME=T",
                        "GIT_COMMITTER_EMAIL=t@example.test", "GIT_AUTHOR_DATE=" + date,
                        "GIT_COMMITTER_DATE=" + date});
  EXPECT_EQ(r.code, 0) << "git " << args.front() << ": " << r.err;
  return r.out;
}

void GitRepo::commit(const std::string& message, const std::string& date) {
  git({"add", "-A"}, date);
  git({"commit", "-q", "--allow-empty", "-m", message}, date);
}

std::string GitRepo::head() const {
  auto out = git({"rev-parse", "HEAD"});
  return out.substr(0, out.find('\n'));
}

std::string dump_results(const std::vector<CheckResult>& results) {
  std::string out;
  for (const auto& r : results) {
    out += r.meta.id + " " + std::string(to_string(r.status)) + ": " + r.reason + "\n";
    for (const auto& f : r.findings)
      out += "    " + f.message + "\n";
  }
  return out;
}

std::set<std::string> failing(const std::vector<CheckResult>& results) {
  std::set<std::string> out;
  for (const auto& r : results)
    if (r.status == Status::fail || r.status == Status::warn || r.status == Status::error)
      out.insert(r.meta.id);
  return out;
}

const CheckResult& result_of(const std::vector<CheckResult>& results, const std::string& id) {
  static const CheckResult k_none;
  for (const auto& r : results)
    if (r.meta.id == id)
      return r;
  return k_none;
}

} // namespace lg::test
