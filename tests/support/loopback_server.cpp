// The scripted loopback HTTP server of loopback_server.hpp: poll-based accept loop, one request
// head per connection, bounded waits so a test can never hang on it; optionally over TLS
// (OpenSSL, blocking I/O bounded by socket timeouts).

#include "support/loopback_server.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <cstdlib>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace lg::test {

LoopbackServer::LoopbackServer(std::function<std::string(const std::string&)> respond)
    : m_respond(std::move(respond)) {
  listen_on_loopback();
}

LoopbackServer::LoopbackServer(std::function<std::string(const std::string&)> respond,
                               const LoopbackTls& tls)
    : m_respond(std::move(respond)) {
  m_tls = SSL_CTX_new(TLS_server_method());
  if (m_tls == nullptr || SSL_CTX_use_certificate_chain_file(m_tls, tls.cert_file.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(m_tls, tls.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    SSL_CTX_free(m_tls);
    throw std::runtime_error("cannot load " + tls.cert_file + " and " + tls.key_file);
  }
  try {
    listen_on_loopback();
  } catch (...) {
    SSL_CTX_free(m_tls);
    throw;
  }
}

void LoopbackServer::listen_on_loopback() {
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
  SSL_CTX_free(m_tls);
}

std::string LoopbackServer::url(const std::string& path) const {
  return std::string(m_tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(m_port) + path;
}

void LoopbackServer::serve() {
  // OpenSSL writes without MSG_NOSIGNAL: a client gone early must not kill the test with SIGPIPE.
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
  std::vector<std::pair<int, SSL*>> held;
  while (!m_stop) {
    pollfd p{m_fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0)
      continue;
    int client = accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0)
      continue;
    ++m_connections;
    SSL* ssl = nullptr;
    if (m_tls != nullptr) {
      // Blocking TLS I/O, each call bounded by the socket timeouts.
      timeval limit{2, 0};
      setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
      setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
      ssl = SSL_new(m_tls);
      if (ssl == nullptr || SSL_set_fd(ssl, client) != 1 || SSL_accept(ssl) != 1) {
        SSL_free(ssl);
        close(client);
        continue;
      }
    }
    std::string head;
    char buf[4096];
    // The head, then as much of the body as Content-Length announces (webhook receivers read
    // it), within 100 polls of 50 ms.
    const auto complete = [&head] {
      size_t end = head.find("\r\n\r\n");
      if (end == std::string::npos)
        return false;
      std::string lower = head.substr(0, end);
      for (auto& ch : lower)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      size_t at = lower.find("\r\ncontent-length:");
      if (at == std::string::npos)
        return true;
      size_t length = std::strtoul(lower.c_str() + at + 17, nullptr, 10);
      return head.size() >= end + 4 + std::min<size_t>(length, 1 << 20);
    };
    for (int i = 0; i < 100 && !complete(); ++i) {
      if (ssl == nullptr || SSL_pending(ssl) == 0) {
        pollfd c{client, POLLIN, 0};
        if (poll(&c, 1, 50) <= 0)
          continue;
      }
      ssize_t n =
          ssl != nullptr ? SSL_read(ssl, buf, sizeof buf) : recv(client, buf, sizeof buf, 0);
      if (n <= 0)
        break;
      head.append(buf, static_cast<size_t>(n));
    }
    std::string response = m_respond(head);
    if (response.empty()) {
      held.emplace_back(client, ssl);
      continue;
    }
    size_t sent = 0;
    while (sent < response.size()) {
      ssize_t n = ssl != nullptr
                      ? SSL_write(ssl, response.data() + sent,
                                  static_cast<int>(std::min<size_t>(response.size() - sent, 16384)))
                      : send(client, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
      if (n <= 0)
        break;
      sent += static_cast<size_t>(n);
    }
    if (ssl != nullptr) {
      SSL_shutdown(ssl);
      SSL_free(ssl);
    }
    close(client);
  }
  for (auto [fd, ssl] : held) {
    SSL_free(ssl);
    close(fd);
  }
}

std::string request_path(const std::string& head) {
  const auto first = head.find(' ');
  const auto second = head.find(' ', first + 1);
  return first == std::string::npos || second == std::string::npos
             ? std::string()
             : head.substr(first + 1, second - first - 1);
}

std::string http_answer(int status, const std::string& type, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : " Not Found") +
         "\r\nContent-Type: " + type + "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n" + body;
}

} // namespace lg::test
