#pragma once
// A loopback HTTP/1.1 keep-alive server for the load engine's tests: a thread per connection
// (at most k_max_connections over its life), each request answered after a delay taken from a
// deterministic schedule of the server-wide request number, optionally held through "stall"
// windows. It counts requests and remembers how long it held each, so a test can compare what
// the engine measured with what the server did. Paths choose the shape of the answer:
//   /missing 404 · /chunked chunked body in pieces · /close Connection: close · /eof body until
//   close · /nocontent 204 · /notmodified 304 · /huge a 17 MiB Content-Length never sent ·
//   /early a 103 before the 200 · /drop closes without an answer · /slow held 1.5 s · anything else
//   200 "hello"; HEAD gets the headers of a 5-byte body.
// Given a certificate and key it speaks HTTPS instead (OpenSSL, blocking I/O on each connection's
// thread, bounded by 2 s socket timeouts) and counts the handshakes that resumed a session.
// Every wait is bounded (50 ms polls, a stop flag), so a test cannot hang on it.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace lg::test {

struct LatencyServerOptions {
  /// The delay of the `n`-th request the server receives (1-based, over all connections).
  std::function<std::chrono::milliseconds(std::int64_t n)> delay = [](std::int64_t) {
    return std::chrono::milliseconds(0);
  };
  /// Stall windows: from `stall_first` after the server started, every `stall_period`, for
  /// `stall_length`, no answer leaves; those due inside wait for the window's end.
  std::chrono::milliseconds stall_first{0};
  std::chrono::milliseconds stall_length{0};
  std::chrono::milliseconds stall_period{std::chrono::hours(1)};
  /// HTTPS with this certificate (chain) and key, PEM files; empty: plain HTTP.
  std::string tls_cert;
  std::string tls_key;
};

class LatencyServer {
public:
  using Clock = std::chrono::steady_clock;
  static constexpr int k_max_connections = 2000;

  explicit LatencyServer(LatencyServerOptions options = {})
      : m_options(std::move(options)), m_started(Clock::now()) {
    if (!m_options.tls_cert.empty()) {
      m_tls = SSL_CTX_new(TLS_server_method());
      if (m_tls == nullptr ||
          SSL_CTX_use_certificate_chain_file(m_tls, m_options.tls_cert.c_str()) != 1 ||
          SSL_CTX_use_PrivateKey_file(m_tls, m_options.tls_key.c_str(), SSL_FILETYPE_PEM) != 1) {
        SSL_CTX_free(m_tls);
        throw std::runtime_error("cannot load " + m_options.tls_cert);
      }
    }
    m_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(m_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(m_fd, 512) != 0) {
      close(m_fd);
      SSL_CTX_free(m_tls);
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    socklen_t len = sizeof addr;
    getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len);
    m_port = ntohs(addr.sin_port);
    m_accepter = std::thread([this] { accept_loop(); });
  }

  ~LatencyServer() {
    {
      std::lock_guard lock(m_mutex);
      m_stop = true;
    }
    m_wake.notify_all();
    m_accepter.join();
    for (auto& t : m_workers)
      t.join();
    close(m_fd);
    SSL_CTX_free(m_tls);
  }
  LatencyServer(const LatencyServer&) = delete;
  LatencyServer& operator=(const LatencyServer&) = delete;

  int port() const { return m_port; }
  std::int64_t requests() const { return m_requests.load(); }
  int connections() const { return m_connections.load(); }
  /// TLS: handshakes that resumed an earlier session.
  int resumed() const { return m_resumed.load(); }
  /// How many answers the server held longer than `threshold` (arrival to answer).
  std::int64_t held_over(std::chrono::milliseconds threshold) const {
    std::lock_guard lock(m_mutex);
    return std::count_if(m_held.begin(), m_held.end(),
                         [&](Clock::duration d) { return d > threshold; });
  }

private:
  void accept_loop() {
    while (!stopping()) {
      pollfd p{m_fd, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0)
        continue;
      const int fd = accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0)
        continue;
      if (m_connections.load() >= k_max_connections) {
        close(fd);
        continue;
      }
      ++m_connections;
      m_workers.emplace_back([this, fd] {
        prctl(PR_SET_TIMERSLACK, 1UL); // answer on time, not up to 50 µs late
        // OpenSSL writes without MSG_NOSIGNAL: a client gone early must not kill the test.
        sigset_t pipe;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
        Peer peer{fd, nullptr};
        if (m_tls == nullptr || accept_tls(peer))
          serve(peer);
        if (peer.ssl != nullptr) {
          SSL_shutdown(peer.ssl);
          SSL_free(peer.ssl);
        }
        close(fd);
      });
    }
  }

  /// A connection: its socket and, over TLS, its SSL.
  struct Peer {
    int fd;
    SSL* ssl;
  };

  /// The server's side of the handshake, blocking, bounded by the socket timeouts.
  bool accept_tls(Peer& peer) {
    timeval limit{2, 0};
    setsockopt(peer.fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    setsockopt(peer.fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    peer.ssl = SSL_new(m_tls);
    if (peer.ssl == nullptr || SSL_set_fd(peer.ssl, peer.fd) != 1 || SSL_accept(peer.ssl) != 1) {
      SSL_free(peer.ssl);
      peer.ssl = nullptr;
      return false;
    }
    if (SSL_session_reused(peer.ssl) == 1)
      ++m_resumed;
    return true;
  }

  bool stopping() const {
    std::lock_guard lock(m_mutex);
    return m_stop;
  }

  /// Sleeps until `at`, or less when the server stops; false when it stopped.
  bool wait_until(Clock::time_point at) {
    std::unique_lock lock(m_mutex);
    return !m_wake.wait_until(lock, at, [this] { return m_stop; });
  }

  /// When an answer due at `at` may leave: after the stall window holding `at`, if any.
  Clock::time_point release(Clock::time_point at) const {
    if (m_options.stall_length.count() <= 0 || at < m_started + m_options.stall_first)
      return at;
    const auto since = at - (m_started + m_options.stall_first);
    const auto into = since % m_options.stall_period;
    return into < m_options.stall_length ? at + (m_options.stall_length - into) : at;
  }

  /// Reads one request head (and its Content-Length body); false on close, stop or garbage.
  bool read_request(const Peer& peer, std::string& buffer, std::string& method, std::string& path) {
    std::size_t end = 0;
    for (;;) {
      end = buffer.find("\r\n\r\n");
      if (end != std::string::npos)
        break;
      if (buffer.size() > 16384 || !read_some(peer, buffer))
        return false;
    }
    const std::string head = buffer.substr(0, end);
    const auto sp1 = head.find(' ');
    const auto sp2 = head.find(' ', sp1 + 1);
    if (sp1 == std::string::npos || sp2 == std::string::npos)
      return false;
    method = head.substr(0, sp1);
    path = head.substr(sp1 + 1, sp2 - sp1 - 1);
    std::size_t length = 0;
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return static_cast<char>(std::tolower(c)); });
    if (const auto at = lower.find("\r\ncontent-length:"); at != std::string::npos)
      length = std::stoul(lower.substr(at + 17, 12));
    if (length > 1 << 20)
      return false;
    while (buffer.size() < end + 4 + length)
      if (!read_some(peer, buffer))
        return false;
    buffer.erase(0, end + 4 + length);
    return true;
  }

  bool read_some(const Peer& peer, std::string& buffer) {
    for (;;) {
      if (stopping())
        return false;
      if (peer.ssl == nullptr || SSL_pending(peer.ssl) == 0) {
        pollfd p{peer.fd, POLLIN, 0};
        const int n = poll(&p, 1, 50);
        if (n < 0)
          return false;
        if (n == 0)
          continue;
      }
      char chunk[4096];
      const ssize_t got = peer.ssl != nullptr ? SSL_read(peer.ssl, chunk, sizeof chunk)
                                              : recv(peer.fd, chunk, sizeof chunk, 0);
      if (got <= 0)
        return false;
      buffer.append(chunk, static_cast<std::size_t>(got));
      return true;
    }
  }

  static bool write_all(const Peer& peer, const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const std::size_t left = std::min<std::size_t>(bytes.size() - sent, 16384);
      const ssize_t n = peer.ssl != nullptr
                            ? SSL_write(peer.ssl, bytes.data() + sent, static_cast<int>(left))
                            : send(peer.fd, bytes.data() + sent, left, MSG_NOSIGNAL);
      if (n <= 0)
        return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  void serve(const Peer& peer) {
    std::string buffer;
    std::string method;
    std::string path;
    while (read_request(peer, buffer, method, path)) {
      const auto arrived = Clock::now();
      const std::int64_t n = ++m_requests;
      auto delay = m_options.delay(n);
      if (path == "/slow")
        delay = std::chrono::milliseconds(1500);
      const auto answer_at = release(arrived + delay);
      if (!wait_until(answer_at))
        return;
      {
        std::lock_guard lock(m_mutex);
        if (m_held.size() < 1000000)
          m_held.push_back(Clock::now() - arrived);
      }
      const bool head = method == "HEAD";
      if (path == "/chunked") {
        // In pieces, so the client sees partial reads of head, chunk sizes and data.
        const std::vector<std::string> pieces = {"HTTP/1.1 200 OK\r\nTransfer-Enc",
                                                 "oding: chunked\r\n\r\n5\r\nhel",
                                                 "lo\r\n6\r\n world\r\n", "0\r\n\r\n"};
        for (const auto& piece : pieces) {
          if (!write_all(peer, piece))
            return;
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        continue;
      }
      std::string answer;
      bool close_after = false;
      if (path == "/missing") {
        answer = "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found";
      } else if (path == "/close") {
        answer = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello";
        close_after = true;
      } else if (path == "/eof") {
        answer = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end";
        close_after = true;
      } else if (path == "/nocontent") {
        answer = "HTTP/1.1 204 No Content\r\n\r\n";
      } else if (path == "/notmodified") {
        answer = "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\nContent-Length: 5\r\n\r\n";
      } else if (path == "/early") {
        answer = "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
                 "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
      } else if (path == "/drop") {
        return; // no answer at all
      } else if (path == "/huge") {
        answer = "HTTP/1.1 200 OK\r\nContent-Length: 17825792\r\n\r\nxx";
      } else {
        answer =
            std::string("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n") + (head ? "" : "hello");
      }
      if (!write_all(peer, answer) || close_after)
        return;
    }
  }

  LatencyServerOptions m_options;
  Clock::time_point m_started;
  int m_fd = -1;
  int m_port = 0;
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stop = false;
  std::vector<Clock::duration> m_held;
  std::atomic<std::int64_t> m_requests{0};
  std::atomic<int> m_connections{0};
  std::atomic<int> m_resumed{0};
  SSL_CTX* m_tls = nullptr; ///< null: plain HTTP
  std::thread m_accepter;
  std::vector<std::thread> m_workers; ///< only the accepting thread adds; joined at the end
};

} // namespace lg::test
