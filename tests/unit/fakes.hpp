#pragma once
// Fakes behind the net/ interfaces for unit tests: a scripted HTTP server and a manual clock.

#include "net/clock.hpp"
#include "net/http.hpp"

#include <functional>
#include <vector>

namespace lg::test {

/// Answers each request with `handler`, recording every request it saw.
class FakeHttp final : public net::HttpClient {
public:
  std::function<net::HttpResponse(const net::HttpRequest&)> handler;
  /// Requests for which this returns true fail with a network error (a timeout, say).
  std::function<bool(const net::HttpRequest&)> fail_when;
  std::vector<net::HttpRequest> seen;

  Expected<net::HttpResponse> send(const net::HttpRequest& request) override {
    seen.push_back(request);
    if (fail_when && fail_when(request))
      return unexpected(ErrorKind::network, request.method + " " + request.url + ": timed out");
    auto response = handler(request);
    response.url = request.url;
    return response;
  }
};

/// A clock that only moves when asked to sleep.
class FakeClock final : public net::Clock {
public:
  std::chrono::steady_clock::time_point t{};
  std::chrono::steady_clock::duration slept{};
  std::chrono::steady_clock::time_point now() override { return t; }
  void sleep_until(std::chrono::steady_clock::time_point until) override {
    if (until > t) {
      slept += until - t;
      t = until;
    }
  }
};

inline net::HttpResponse respond(int status, std::string body = "",
                                 std::vector<net::Header> headers = {}) {
  net::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

} // namespace lg::test
