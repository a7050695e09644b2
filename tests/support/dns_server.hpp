#pragma once
// A real authoritative DNS server for integration tests: Knot DNS (Debian's `knot`, installed by
// scripts/deps.sh) serving test zones from a temporary directory on 127.0.0.1 at a free port,
// started and stopped by the test, with bounded waits. Header-only so any test executable can use
// it without a build change.

#include "analyze/dnsmsg.hpp"
#include "support/test_support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace lg::test {

/// knotd's path, or "" when Knot DNS is not installed.
inline std::string find_knotd() {
  for (const char* candidate : {"/usr/sbin/knotd", "/usr/bin/knotd", "/usr/local/sbin/knotd"})
    if (access(candidate, X_OK) == 0)
      return candidate;
  return "";
}

/// A port on 127.0.0.1 that is free for both UDP and TCP right now (0 when none was found).
inline int free_dns_port() {
  for (int attempt = 0; attempt < 20; ++attempt) {
    int tcp = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (tcp < 0 || bind(tcp, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        getsockname(tcp, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      if (tcp >= 0)
        close(tcp);
      continue;
    }
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    bool ok = udp >= 0 && bind(udp, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    int port = ntohs(addr.sin_port);
    if (udp >= 0)
      close(udp);
    close(tcp);
    if (ok)
      return port;
  }
  return 0;
}

/// One UDP query to `address`:`port` (IPv4, loopback by default) without EDNS; the raw answer,
/// or "" after `wait_ms`.
inline std::string udp_exchange(int port, const std::string& query, int wait_ms,
                                const std::string& address = "127.0.0.1") {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0)
    return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  if (inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1) {
    close(fd);
    return "";
  }
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  std::string answer;
  if (sendto(fd, query.data(), query.size(), 0, reinterpret_cast<sockaddr*>(&addr), sizeof addr) ==
      static_cast<ssize_t>(query.size())) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, wait_ms) == 1) {
      std::string buf(65535, '\0');
      ssize_t n = recv(fd, buf.data(), buf.size(), 0);
      if (n > 0)
        answer = buf.substr(0, static_cast<size_t>(n));
    }
  }
  close(fd);
  return answer;
}

class DnsTestServer {
public:
  /// Starts knotd serving `zones` (origin -> zone file text) on `address` (a loopback IPv4
  /// address) at `port` (0: a free one). Null with `problem` set when it could not start;
  /// `missing` is set when knotd is not installed (the test should skip).
  static std::unique_ptr<DnsTestServer> start(const std::map<std::string, std::string>& zones,
                                              std::string& problem, bool& missing,
                                              const std::string& address = "127.0.0.1",
                                              int port = 0) {
    missing = false;
    std::string knotd = find_knotd();
    if (knotd.empty()) {
      missing = true;
      problem = "knotd (Debian package knot) is not installed: run scripts/deps.sh";
      return nullptr;
    }
    std::unique_ptr<DnsTestServer> server(new DnsTestServer());
    server->m_address = address;
    server->m_port = port != 0 ? port : free_dns_port();
    if (server->m_port == 0) {
      problem = "no free port on 127.0.0.1";
      return nullptr;
    }
    const auto dir = server->m_dir.path().string();
    std::string conf = "server:\n    listen: " + address + "@" + std::to_string(server->m_port) +
                       "\n    rundir: " + dir +
                       "\n    udp-workers: 1\n    tcp-workers: 1\n    background-workers: 1\n"
                       "database:\n    storage: " +
                       dir + "/db\nlog:\n  - target: stderr\n    any: info\n" +
                       "template:\n  - id: default\n    storage: " + dir +
                       "\n    zonefile-sync: -1\n    journal-content: none\nzone:\n";
    for (const auto& [origin, text] : zones) {
      server->m_dir.write(origin + ".zone", text);
      conf += "  - domain: " + origin + "\n    file: " + origin + ".zone\n";
    }
    auto conf_path = server->m_dir.write("knot.conf", conf);
    server->m_log = dir + "/knotd.log";

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, server->m_log.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::vector<std::string> args{knotd, "-c", conf_path};
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, knotd.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      problem = "posix_spawn knotd failed";
      return nullptr;
    }
    server->m_pid = pid;

    // Ready when the first zone's SOA is answered; at most 10 s.
    auto probe = analyze::build_dns_query(1, zones.begin()->first, net::RrType::soa);
    for (int attempt = 0; attempt < 50; ++attempt) {
      auto answer = udp_exchange(server->m_port, *probe, 200, address);
      auto message = analyze::parse_dns_message(answer);
      if (!answer.empty() && message && message->rcode == 0 && !message->answers.empty())
        return server;
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        server->m_pid = -1;
        problem = "knotd exited:\n" + read_file(server->m_log);
        return nullptr;
      }
      if (answer.empty())
        continue; // poll already waited
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    problem = "knotd did not answer within 10 s:\n" + read_file(server->m_log);
    return nullptr;
  }

  ~DnsTestServer() {
    if (m_pid <= 0)
      return;
    kill(m_pid, SIGTERM);
    for (int i = 0; i < 60; ++i) { // 3 s, then SIGKILL
      if (waitpid(m_pid, nullptr, WNOHANG) == m_pid)
        return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(m_pid, SIGKILL);
    waitpid(m_pid, nullptr, 0);
  }
  DnsTestServer(const DnsTestServer&) = delete;
  DnsTestServer& operator=(const DnsTestServer&) = delete;

  int port() const { return m_port; }
  /// "127.0.0.1:<port>", as dns.server takes it.
  std::string address() const { return m_address + ":" + std::to_string(m_port); }
  /// The zone file of `origin` as the server read it.
  std::string zone_path(const std::string& origin) const {
    return (m_dir.path() / (origin + ".zone")).string();
  }
  std::string log() const { return read_file(m_log); }

private:
  DnsTestServer() = default;
  TempDir m_dir;
  std::string m_log;
  std::string m_address = "127.0.0.1";
  int m_port = 0;
  pid_t m_pid = -1;
};

} // namespace lg::test
