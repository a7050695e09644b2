#pragma once
// A scripted HTTP/1.1 server on 127.0.0.1 for adapter tests: each connection reads one request
// and answers with what `respond` returns (raw bytes), or holds the connection open without an
// answer. It counts connections, so tests can assert that nothing was sent. Given a certificate
// and key it speaks HTTPS instead (OpenSSL), for checks that only ask over https://.

#include <atomic>
#include <functional>
#include <string>
#include <thread>

struct ssl_ctx_st; // OpenSSL's SSL_CTX, kept out of the header

namespace lg::test {

/// A certificate (chain) and its private key, as PEM file paths.
struct LoopbackTls {
  std::string cert_file;
  std::string key_file;
};

class LoopbackServer {
public:
  /// `respond` gets the raw request (its head, and its body when Content-Length announces one)
  /// and returns the raw response; an empty string means "never answer" (the connection stays
  /// open until the server stops).
  explicit LoopbackServer(std::function<std::string(const std::string&)> respond);
  /// The same over TLS with `tls`'s certificate: each connection is a TLS handshake (bounded by
  /// a 2 s socket timeout), then one request. Throws when the files cannot be loaded.
  LoopbackServer(std::function<std::string(const std::string&)> respond, const LoopbackTls& tls);
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  int port() const { return m_port; }
  /// "http://127.0.0.1:port`path`" ("https://" over TLS).
  std::string url(const std::string& path = "/") const;
  int connections() const { return m_connections.load(); }

private:
  void listen_on_loopback();
  void serve();

  std::function<std::string(const std::string&)> m_respond;
  ssl_ctx_st* m_tls = nullptr; ///< null: plain HTTP
  int m_fd = -1;
  int m_port = 0;
  std::atomic<bool> m_stop{false};
  std::atomic<int> m_connections{0};
  std::thread m_thread;
};

/// The request path of a raw request head ("GET /x HTTP/1.1" -> "/x"); "" when malformed.
std::string request_path(const std::string& head);

/// A whole HTTP/1.1 response with `body`: its status, Content-Type, Content-Length, no caching
/// and Connection: close.
std::string http_answer(int status, const std::string& type, const std::string& body);

} // namespace lg::test
