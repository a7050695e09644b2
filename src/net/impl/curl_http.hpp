#pragma once
// The libcurl adapter of net::HttpClient.

#include "net/http.hpp"

#include <memory>
#include <string>

namespace lg::net {

struct CurlOptions {
  int timeout_ms = 10000;
  int connect_timeout_ms = 5000;
  long long max_body_bytes = 8 << 20; ///< larger bodies are cut and marked truncated
  std::string ca_file; ///< extra trust anchors (PEM), added to the system store; none when empty
  std::string user_agent = "launchgate";
};

/// One reusable easy handle (keep-alive); not thread-safe. Never follows redirects, ignores
/// proxy environment variables (a proxy would take bytes outside the scope), speaks only HTTP(S).
class CurlHttpClient final : public HttpClient {
public:
  explicit CurlHttpClient(CurlOptions options);
  ~CurlHttpClient() override;
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;
  CurlHttpClient(CurlHttpClient&&) = delete; // the guard and sessions hold it by reference
  CurlHttpClient& operator=(CurlHttpClient&&) = delete;

  Expected<HttpResponse> send(const HttpRequest& request) override;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace lg::net
