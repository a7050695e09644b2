// posix_spawn with two pipes and a poll loop: stdout goes to the callback, stderr into a bounded
// buffer. The stdout pipe is enlarged to 1 MiB so a fast producer is not throttled by 64 KiB
// round trips.

#include "util/process.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ; // NOLINT(readability-redundant-declaration): POSIX gives no header for it

namespace lg {
namespace {

/// Closes both ends of a pipe that is still open.
struct Pipe {
  std::array<int, 2> fd{-1, -1};
  Pipe() = default;
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  Pipe(Pipe&&) = delete;
  Pipe& operator=(Pipe&&) = delete;
  ~Pipe() {
    for (int& f : fd)
      if (f >= 0)
        close(f);
  }
  void close_end(size_t i) {
    if (fd.at(i) >= 0)
      close(fd.at(i));
    fd.at(i) = -1;
  }
};

int wait_child(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return -1;
}

} // namespace

Expected<ProcessResult> run_process(const ProcessOptions& options,
                                    const std::function<bool(std::string_view)>& on_output) {
  if (options.argv.empty())
    return unexpected(ErrorKind::internal, "run_process: empty argv");
  Pipe out;
  Pipe err;
  if (pipe2(out.fd.data(), O_CLOEXEC) != 0 || pipe2(err.fd.data(), O_CLOEXEC) != 0)
    return unexpected(ErrorKind::io, fmt::format("pipe: {}", std::strerror(errno)));
  fcntl(out.fd[0], F_SETPIPE_SZ, 1 << 20); // best effort: the default still works

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err.fd[1], 2);
  if (!options.cwd.empty())
    posix_spawn_file_actions_addchdir_np(&actions, options.cwd.c_str());

  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  if (options.own_group) {
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
  }

  std::vector<std::string> env_strings;
  for (char** e = environ; !options.clear_env && e != nullptr && *e != nullptr; ++e)
    env_strings.emplace_back(*e);
  for (const auto& add : options.env) {
    auto name = add.substr(0, add.find('=') + 1);
    std::erase_if(env_strings, [&](const std::string& s) { return s.starts_with(name); });
    env_strings.push_back(add);
  }
  std::vector<char*> envp;
  for (auto& s : env_strings)
    envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = options.argv;
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t pid = -1;
  int rc = posix_spawnp(&pid, argv[0], &actions, &attributes, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  const pid_t target = options.own_group ? -pid : pid;
  if (rc != 0)
    return unexpected(ErrorKind::io,
                      fmt::format("cannot run {}: {}", options.argv[0], std::strerror(rc)));
  out.close_end(1);
  err.close_end(1);

  ProcessResult result;
  std::string buffer(options.chunk_bytes, '\0');
  std::array<pollfd, 2> fds{pollfd{out.fd[0], POLLIN, 0}, pollfd{err.fd[0], POLLIN, 0}};
  int open_fds = 2;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.timeout_ms);
  while (open_fds > 0) {
    int wait_ms = -1;
    if (options.timeout_ms > 0 && !result.timed_out) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline - std::chrono::steady_clock::now())
                      .count();
      if (left <= 0) {
        result.timed_out = true;
        kill(target, SIGKILL); // stop reading too: a grandchild may hold the pipes open
        break;
      }
      wait_ms = static_cast<int>(left);
    }
    int ready = poll(fds.data(), fds.size(), wait_ms);
    if (ready < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds.at(i).fd < 0 || fds.at(i).revents == 0)
        continue;
      ssize_t n = read(fds.at(i).fd, buffer.data(), buffer.size());
      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (n <= 0) {
        fds.at(i).fd = -1;
        --open_fds;
        continue;
      }
      std::string_view chunk(buffer.data(), static_cast<size_t>(n));
      if (i == 1) {
        size_t room =
            options.stderr_limit - std::min(options.stderr_limit, result.stderr_text.size());
        result.stderr_text.append(chunk.substr(0, room));
      } else if (!result.stopped && !on_output(chunk)) {
        result.stopped = true;
        kill(target, SIGTERM);
      }
    }
  }
  result.exit_code = wait_child(pid);
  if (options.own_group)
    kill(-pid, SIGKILL); // what the command left running in the background
  return result;
}

} // namespace lg
