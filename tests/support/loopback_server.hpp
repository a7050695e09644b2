#pragma once
// A scripted HTTP/1.1 server on 127.0.0.1 for adapter tests: each connection reads one request
// and answers with what `respond` returns (raw bytes), or holds the connection open without an
// answer. It counts connections, so tests can assert that nothing was sent.

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace lg::test {

class LoopbackServer {
public:
  /// `respond` gets the raw request head and returns the raw response; an empty string means
  /// "never answer" (the connection stays open until the server stops).
  explicit LoopbackServer(std::function<std::string(const std::string&)> respond);
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  int port() const { return m_port; }
  std::string url(const std::string& path = "/") const;
  int connections() const { return m_connections.load(); }

private:
  void serve();

  std::function<std::string(const std::string&)> m_respond;
  int m_fd = -1;
  int m_port = 0;
  std::atomic<bool> m_stop{false};
  std::atomic<int> m_connections{0};
  std::thread m_thread;
};

} // namespace lg::test
