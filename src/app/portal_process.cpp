// Starts launchgate-portal with fork/exec (tied to launchgate's life by PR_SET_PDEATHSIG), reads
// its one "listening on http://127.0.0.1:PORT" line from a pipe with a deadline, and stops it with
// SIGTERM (SIGKILL after a grace period).

#include "app/portal_process.hpp"

#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <poll.h>
#include <string_view>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h> // environ (glibc declares it: g++ defines _GNU_SOURCE)

namespace lg::app {

std::string find_portal_binary() {
  if (const char* env = std::getenv("LAUNCHGATE_PORTAL"); env != nullptr && *env != '\0')
    return env;
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto candidate = self.parent_path() / "launchgate-portal";
    if (std::filesystem::exists(candidate))
      return candidate.string();
  }
  return ""; // never a PATH or current-directory look-up: that could run someone else's binary
}

PortalProcess::~PortalProcess() {
  stop();
}

Expected<void> PortalProcess::start(const PortalOptions& options) {
  std::string binary = options.binary.empty() ? find_portal_binary() : options.binary;
  if (binary.empty())
    return unexpected(ErrorKind::io, "cannot find launchgate-portal beside the launchgate "
                                     "binary; set LAUNCHGATE_PORTAL to its path");
  std::vector<std::string> args = {binary, "--host", "127.0.0.1", "--port",
                                   std::to_string(options.port)};
  for (const auto& flaw : options.flaws) {
    args.emplace_back("--flaw");
    args.push_back(flaw);
  }
  args.insert(args.end(), options.extra.begin(), options.extra.end());
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e)
    if (std::strncmp(*e, "PORTAL_SEED_PASSWORD=", 21) != 0)
      env_strings.emplace_back(*e);
  if (!options.seed_password.empty())
    env_strings.push_back("PORTAL_SEED_PASSWORD=" + options.seed_password);
  std::vector<char*> envp;
  envp.reserve(env_strings.size() + 1);
  for (auto& e : env_strings)
    envp.push_back(e.data());
  envp.push_back(nullptr);

  std::array<int, 2> fds{};
  if (pipe2(fds.data(), O_CLOEXEC) != 0)
    return unexpected(ErrorKind::internal, fmt::format("pipe: {}", std::strerror(errno)));
  int devnull = !options.log_file.empty() ? open(options.log_file.c_str(),
                                                 O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)
                : options.quiet           ? open("/dev/null", O_WRONLY | O_CLOEXEC)
                                          : -1;
  if (!options.log_file.empty() && devnull < 0) {
    close(fds[0]);
    close(fds[1]);
    return unexpected(ErrorKind::io, fmt::format("cannot open the portal's log {}: {}",
                                                 options.log_file, std::strerror(errno)));
  }
  pid_t parent = getpid();
  m_pid = fork();
  if (m_pid == 0) {
    // The portal ends with launchgate, however launchgate ends (even SIGKILL).
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent)
      _exit(127);
    dup2(fds[1], STDOUT_FILENO);
    if (devnull >= 0)
      dup2(devnull, STDERR_FILENO);
    execve(binary.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  int fork_errno = errno;
  close(fds[1]);
  if (devnull >= 0)
    close(devnull);
  if (m_pid < 0) {
    close(fds[0]);
    m_pid = -1;
    return unexpected(ErrorKind::io, fmt::format("cannot start the sample portal {}: {}", binary,
                                                 std::strerror(fork_errno)));
  }

  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (line.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    pollfd p{fds[0], POLLIN, 0};
    if (left <= 0 || poll(&p, 1, static_cast<int>(left)) <= 0)
      break;
    std::array<char, 256> buf{};
    ssize_t n = read(fds[0], buf.data(), buf.size());
    if (n <= 0)
      break;
    line.append(buf.data(), static_cast<size_t>(n));
  }
  close(fds[0]);
  const std::string marker = "listening on ";
  size_t at = line.find(marker);
  size_t end = line.find('\n', at == std::string::npos ? 0 : at);
  if (at == std::string::npos || end == std::string::npos) {
    stop();
    return unexpected(ErrorKind::io,
                      fmt::format("the sample portal {} exited or did not report a port "
                                  "within 15 s (does --port {} conflict?)",
                                  binary, options.port));
  }
  m_base_url = line.substr(at + marker.size(), end - at - marker.size());
  // The port after the last ':' (atoi would read garbage as 0 without a word).
  size_t colon = m_base_url.rfind(':');
  std::string_view digits = colon == std::string::npos
                                ? std::string_view()
                                : std::string_view(m_base_url).substr(colon + 1);
  int port = 0;
  auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (parsed.ec != std::errc() || port <= 0) {
    stop();
    return unexpected(ErrorKind::io, fmt::format("the sample portal {} reported no port in '{}'",
                                                 binary, m_base_url));
  }
  m_port = port;
  return {};
}

void PortalProcess::stop() {
  if (m_pid <= 0)
    return;
  kill(m_pid, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    if (waitpid(m_pid, nullptr, WNOHANG) == m_pid) {
      m_pid = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(m_pid, SIGKILL);
  waitpid(m_pid, nullptr, 0);
  m_pid = -1;
}

} // namespace lg::app
