// Accounts and sessions against a scripted server: cookie jars, bearer tokens by JSON path, one
// re-login on 401, logout, and login errors that never carry the password.

#include "core/config.hpp"
#include "engine/context.hpp"
#include "unit/fakes.hpp"

#include <gtest/gtest.h>

namespace lg::engine {
namespace {

Config make_config(const std::string& login_extra) {
  auto c = parse_config("target:\n  base_url: http://portal.test/\n  max_rps: 1000\naccounts:\n"
                        "  - name: alice\n    org: acme\n    role: admin\n    login: {path: "
                        "/api/login, json: {email: a@acme.test, password: hunter2-hunter2}" +
                            login_extra + "}\n",
                        "t.yaml", "");
  EXPECT_TRUE(c) << c.error().message;
  return *c;
}

struct SessionTest : ::testing::Test {
  test::FakeHttp http;
  test::FakeClock clock;
  int logins = 0;
  bool expire_next = false;

  void SetUp() override {
    http.handler = [this](const net::HttpRequest& r) {
      if (r.url == "http://portal.test/api/login") {
        ++logins;
        return test::respond(200, R"({"data": {"token": "tok-)" + std::to_string(logins) + "\"}}",
                             {{"Set-Cookie", "sid=s" + std::to_string(logins) + "; HttpOnly"}});
      }
      std::string auth;
      for (const auto& h : r.headers)
        auth += h.name + ": " + h.value + "\n";
      if (expire_next) {
        expire_next = false;
        return test::respond(401);
      }
      return test::respond(200, auth);
    };
  }
};

TEST_F(SessionTest, CookieJarIsSentAfterLogin) {
  auto config = make_config("");
  Context ctx(config, {http, clock}, {});
  auto s = ctx.session("alice");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(http.seen[0].method, "POST");
  EXPECT_EQ(http.seen[0].body, R"({"email":"a@acme.test","password":"hunter2-hunter2"})");
  auto r = (*s)->send({"GET", "/api/me", {}, ""});
  ASSERT_TRUE(r);
  EXPECT_NE(r->body.find("Cookie: sid=s1"), std::string::npos) << r->body;
  EXPECT_EQ(r->body.find("Authorization"), std::string::npos);
}

TEST_F(SessionTest, BearerTokenFromJsonPath) {
  auto config = make_config(", token: $.data.token");
  Context ctx(config, {http, clock}, {});
  auto s = ctx.session("alice");
  ASSERT_TRUE(s) << s.error().message;
  auto r = (*s)->send({"GET", "/api/me", {}, ""});
  ASSERT_TRUE(r);
  EXPECT_NE(r->body.find("Authorization: Bearer tok-1"), std::string::npos) << r->body;
}

TEST_F(SessionTest, LogsInAgainOnceOn401) {
  auto config = make_config("");
  Context ctx(config, {http, clock}, {});
  auto s = ctx.session("alice");
  ASSERT_TRUE(s);
  expire_next = true;
  auto r = (*s)->send({"GET", "/api/me", {}, ""});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(logins, 2);
  EXPECT_NE(r->body.find("sid=s2"), std::string::npos);
}

TEST_F(SessionTest, FailedLoginIsRememberedAndNeverShowsThePassword) {
  http.handler = [](const net::HttpRequest&) { return test::respond(401, "{}"); };
  auto config = make_config("");
  Context ctx(config, {http, clock}, {});
  auto s = ctx.session("alice");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, ErrorKind::auth);
  EXPECT_NE(s.error().message.find("answered 401"), std::string::npos);
  EXPECT_EQ(s.error().message.find("hunter2"), std::string::npos);
  EXPECT_FALSE(ctx.session("alice"));
  EXPECT_EQ(http.seen.size(), 1u);
  EXPECT_FALSE(ctx.session("nobody"));
}

TEST_F(SessionTest, MissingTokenIsAClearError) {
  auto config = make_config(", token: $.nope");
  Context ctx(config, {http, clock}, {});
  auto s = ctx.session("alice");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("no string at $.nope"), std::string::npos);
}

TEST_F(SessionTest, LogoutSendsTheRecipeWithCredentialsThenForgets) {
  auto config = make_config("");
  Context ctx(config, {http, clock}, {});
  auto s = ctx.session("alice");
  ASSERT_TRUE(s);
  auto creds = (*s)->credentials();
  RequestRecipe logout;
  logout.path = "/api/logout";
  ASSERT_TRUE((*s)->logout(logout));
  EXPECT_EQ(http.seen.back().url, "http://portal.test/api/logout");
  EXPECT_FALSE((*s)->logged_in());
  auto replay = (*s)->send_with({"GET", "/api/me", {}, ""}, creds);
  ASSERT_TRUE(replay);
  EXPECT_NE(replay->body.find("sid=s1"), std::string::npos);
}

} // namespace
} // namespace lg::engine

namespace lg::engine {
namespace {

TEST(FormLogin, ARedirectThatSetsACookieIsASuccess) {
  test::FakeHttp http;
  test::FakeClock clock;
  http.handler = [](const net::HttpRequest& r) {
    if (r.url.ends_with("/login"))
      return test::respond(303, "", {{"Location", "/home"}, {"Set-Cookie", "sid=abc; HttpOnly"}});
    return test::respond(302, "", {{"Location", "/login"}});
  };
  auto config = parse_config("target:\n  base_url: http://portal.test\naccounts:\n  - {name: a, "
                             "org: o, role: r, login: {path: /login, form: {u: a, p: b}}}\n",
                             "t", "");
  ASSERT_TRUE(config);
  Context ctx(*config, {http, clock}, {});
  auto s = ctx.session("a");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(http.seen[0].body, "p=b&u=a");
  // A redirect without a cookie is not a login.
  test::FakeHttp bare;
  bare.handler = [](const net::HttpRequest&) {
    return test::respond(302, "", {{"Location", "/login?error=1"}});
  };
  Context ctx2(*config, {bare, clock}, {});
  EXPECT_FALSE(ctx2.session("a"));
}

} // namespace
} // namespace lg::engine
