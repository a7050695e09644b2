// The scripted loopback HTTP server of loopback_server.hpp: poll-based accept loop, one request
// head per connection, bounded waits so a test can never hang on it.

#include "support/loopback_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace lg::test {

LoopbackServer::LoopbackServer(std::function<std::string(const std::string&)> respond)
    : m_respond(std::move(respond)) {
  m_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(m_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(m_fd, 16) != 0)
    throw std::runtime_error("cannot listen on 127.0.0.1");
  socklen_t len = sizeof addr;
  getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len);
  m_port = ntohs(addr.sin_port);
  m_thread = std::thread([this] { serve(); });
}

LoopbackServer::~LoopbackServer() {
  m_stop = true;
  m_thread.join();
  close(m_fd);
}

std::string LoopbackServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(m_port) + path;
}

void LoopbackServer::serve() {
  std::vector<int> held;
  while (!m_stop) {
    pollfd p{m_fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0)
      continue;
    int client = accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0)
      continue;
    ++m_connections;
    std::string head;
    char buf[4096];
    for (int i = 0; i < 100 && head.find("\r\n\r\n") == std::string::npos; ++i) {
      pollfd c{client, POLLIN, 0};
      if (poll(&c, 1, 50) <= 0)
        continue;
      ssize_t n = recv(client, buf, sizeof buf, 0);
      if (n <= 0)
        break;
      head.append(buf, static_cast<size_t>(n));
    }
    std::string response = m_respond(head);
    if (response.empty()) {
      held.push_back(client);
      continue;
    }
    size_t sent = 0;
    while (sent < response.size()) {
      ssize_t n = send(client, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
      if (n <= 0)
        break;
      sent += static_cast<size_t>(n);
    }
    close(client);
  }
  for (int fd : held)
    close(fd);
}

} // namespace lg::test
