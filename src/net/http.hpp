#pragma once
// The HTTP client interface every gate talks through. Adapters (net/impl) implement it; the scope
// guard (core/guard.hpp) wraps one to enforce scope, rate, budget and redirects.

#include "util/expected.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lg::net {

struct Header {
  std::string name;
  std::string value;
};

/// GET, HEAD and OPTIONS: the methods that change nothing on the server (the perf gate sends
/// the others only with --allow-writes).
bool reads_only(std::string_view method);

struct HttpRequest {
  /// A request as most callers write it: {"GET", url, {{"Accept", "…"}}, ""}.
  HttpRequest(std::string method_ = "GET", std::string url_ = "", std::vector<Header> headers_ = {},
              std::string body_ = "")
      : method(std::move(method_)), url(std::move(url_)), headers(std::move(headers_)),
        body(std::move(body_)) {}

  std::string method = "GET";
  std::string url; ///< absolute
  std::vector<Header> headers;
  std::string body;
  /// An IP literal to connect to instead of resolving the URL's host, which stays in the Host
  /// header, SNI and certificate checks (the domain gate resolves names through its Resolver).
  std::string connect_address;
};

struct HttpResponse {
  int status = 0;
  std::vector<Header> headers; ///< in the order received, names as sent
  std::string body;
  std::string url;        ///< the URL that produced this response (after redirects)
  double elapsed_ms = 0;  ///< time to the last byte
  bool truncated = false; ///< the body hit the size cap and was cut

  /// The first header named `name` (case-insensitive), if any.
  std::optional<std::string> header(std::string_view name) const;
  /// Every header named `name` (case-insensitive), in order.
  std::vector<std::string> headers_named(std::string_view name) const;
};

/// Sends one request and returns one response; never follows redirects itself.
/// Errors: network (connect, timeout, TLS), budget (size cap), out_of_scope (guards).
class HttpClient {
public:
  virtual ~HttpClient() = default;
  virtual Expected<HttpResponse> send(const HttpRequest& request) = 0;
};

} // namespace lg::net
