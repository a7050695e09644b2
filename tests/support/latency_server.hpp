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
// Every wait is bounded (50 ms polls, a stop flag), so a test cannot hang on it.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
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
};

class LatencyServer {
public:
  using Clock = std::chrono::steady_clock;
  static constexpr int k_max_connections = 2000;

  explicit LatencyServer(LatencyServerOptions options = {})
      : m_options(std::move(options)), m_started(Clock::now()) {
    m_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(m_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(m_fd, 512) != 0) {
      close(m_fd);
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
  }
  LatencyServer(const LatencyServer&) = delete;
  LatencyServer& operator=(const LatencyServer&) = delete;

  int port() const { return m_port; }
  std::int64_t requests() const { return m_requests.load(); }
  int connections() const { return m_connections.load(); }
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
        serve(fd);
        close(fd);
      });
    }
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
  bool read_request(int fd, std::string& buffer, std::string& method, std::string& path) {
    std::size_t end = 0;
    for (;;) {
      end = buffer.find("\r\n\r\n");
      if (end != std::string::npos)
        break;
      if (buffer.size() > 16384 || !read_some(fd, buffer))
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
      if (!read_some(fd, buffer))
        return false;
    buffer.erase(0, end + 4 + length);
    return true;
  }

  bool read_some(int fd, std::string& buffer) {
    for (;;) {
      if (stopping())
        return false;
      pollfd p{fd, POLLIN, 0};
      const int n = poll(&p, 1, 50);
      if (n < 0)
        return false;
      if (n == 0)
        continue;
      char chunk[4096];
      const ssize_t got = recv(fd, chunk, sizeof chunk, 0);
      if (got <= 0)
        return false;
      buffer.append(chunk, static_cast<std::size_t>(got));
      return true;
    }
  }

  static bool write_all(int fd, const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0)
        return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  void serve(int fd) {
    std::string buffer;
    std::string method;
    std::string path;
    while (read_request(fd, buffer, method, path)) {
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
          if (!write_all(fd, piece))
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
      if (!write_all(fd, answer) || close_after)
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
  std::thread m_accepter;
  std::vector<std::thread> m_workers; ///< only the accepting thread adds; joined at the end
};

} // namespace lg::test
