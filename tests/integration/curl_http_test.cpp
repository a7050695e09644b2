// The libcurl adapter against scripted servers on loopback: the body cap while receiving, timeouts,
// refused connections, no redirect following, proxy variables ignored, headers as received.

#include "core/guard.hpp"
#include "net/impl/curl_http.hpp"
#include "support/loopback_server.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace lg::net {
namespace {

std::string http_response(int status, const std::string& body,
                          const std::string& extra_headers = "") {
  return "HTTP/1.1 " + std::to_string(status) +
         " X\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n" +
         extra_headers + "\r\n" + body;
}

TEST(CurlHttp, SendsTheRequestAndKeepsHeadersInOrder) {
  std::string seen;
  test::LoopbackServer server([&](const std::string& head) {
    seen = head;
    return http_response(201, "hello", "Set-Cookie: a=1\r\nset-cookie: b=2\r\n");
  });
  CurlHttpClient http({});
  auto r = http.send({"POST", server.url("/p?q=1"), {{"X-Test", "yes"}}, "{}"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(r->headers_named("Set-Cookie"), (std::vector<std::string>{"a=1", "b=2"}));
  EXPECT_NE(seen.find("POST /p?q=1 HTTP/1.1"), std::string::npos) << seen;
  EXPECT_NE(seen.find("X-Test: yes"), std::string::npos);
  EXPECT_NE(seen.find("User-Agent: launchgate"), std::string::npos);
}

TEST(CurlHttp, CapsTheBodyWhileReceiving) {
  test::LoopbackServer server(
      [](const std::string&) { return http_response(200, std::string(1 << 20, 'x')); });
  CurlOptions options;
  options.max_body_bytes = 1000;
  CurlHttpClient http(options);
  auto r = http.send({"GET", server.url(), {}, ""});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->truncated);
  EXPECT_EQ(r->body.size(), 1000u);
  EXPECT_EQ(r->status, 200);
}

TEST(CurlHttp, TimesOutOnAServerThatNeverAnswers) {
  test::LoopbackServer server([](const std::string&) { return std::string(); });
  CurlOptions options;
  options.timeout_ms = 300;
  CurlHttpClient http(options);
  auto started = std::chrono::steady_clock::now();
  auto r = http.send({"GET", server.url("/slow?token=abcdefghijklmnopqrstuvwxyz"), {}, ""});
  auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::network);
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_EQ(r.error().message.find("abcdefghijklmnopqrstuvwxyz"), std::string::npos)
      << r.error().message;
}

TEST(CurlHttp, RefusedConnectionIsANetworkError) {
  int port = 0;
  {
    test::LoopbackServer server([](const std::string&) { return std::string("x"); });
    port = server.port();
  }
  CurlHttpClient http({});
  auto r = http.send({"GET", "http://127.0.0.1:" + std::to_string(port) + "/", {}, ""});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::network);
}

TEST(CurlHttp, NeverFollowsRedirectsItself) {
  test::LoopbackServer target([](const std::string&) { return http_response(200, "target"); });
  test::LoopbackServer server([&](const std::string&) {
    return http_response(302, "", "Location: " + target.url("/elsewhere") + "\r\n");
  });
  CurlHttpClient http({});
  auto r = http.send({"GET", server.url(), {}, ""});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 302);
  EXPECT_EQ(target.connections(), 0);
}

TEST(CurlHttp, IgnoresProxyEnvironmentVariables) {
  test::LoopbackServer proxy([](const std::string&) { return http_response(200, "proxy"); });
  test::LoopbackServer server([](const std::string&) { return http_response(200, "direct"); });
  setenv("http_proxy", proxy.url().c_str(), 1);
  setenv("ALL_PROXY", proxy.url().c_str(), 1);
  CurlHttpClient http({});
  auto r = http.send({"GET", server.url(), {}, ""});
  unsetenv("http_proxy");
  unsetenv("ALL_PROXY");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "direct");
  EXPECT_EQ(proxy.connections(), 0);
}

TEST(CurlHttp, RefusesOtherSchemes) {
  CurlHttpClient http({});
  EXPECT_FALSE(http.send({"GET", "file:///etc/passwd", {}, ""}));
  EXPECT_FALSE(http.send({"GET", "gopher://127.0.0.1/", {}, ""}));
}

TEST(GuardOverCurl, AnOutOfScopeRedirectSendsNothingToTheOtherHost) {
  test::LoopbackServer other([](const std::string&) { return http_response(200, "other"); });
  test::LoopbackServer server([&](const std::string&) {
    // Same address, other name: localhost is not in the scope below.
    return http_response(302, "",
                         "Location: http://localhost:" + std::to_string(other.port()) + "/x\r\n");
  });
  CurlHttpClient http({});
  SystemClock clock;
  GuardedHttpClient guard(http, clock, GuardLimits{{"127.0.0.1"}, 100, 10, 5});
  auto r = guard.send_following({"GET", server.url(), {}, ""});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::out_of_scope);
  EXPECT_EQ(other.connections(), 0);
}

} // namespace
} // namespace lg::net
