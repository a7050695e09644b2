// Accounts and sessions against a scripted server: cookie jars, bearer tokens by JSON path, one
// re-login on 401, logout, the login styles (CSRF-scraping form logins, HTTP Basic, API keys),
// replay hints, and login errors that never carry a secret.

#include "core/config.hpp"
#include "engine/context.hpp"
#include "unit/fakes.hpp"
#include "util/text.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fmt/format.h>

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

// ---- login styles: CSRF-scraping form logins, HTTP Basic, API keys -----------------------------

namespace lg::engine {
namespace {

Config make_login_config(const std::string& login) {
  auto c = parse_config("target:\n  base_url: http://portal.test\n  max_rps: 1000\naccounts:\n"
                        "  - name: alice\n    org: acme\n    role: admin\n    login: " +
                            login + "\n",
                        "t.yaml", "");
  EXPECT_TRUE(c) << c.error().message;
  return c ? *c : Config{};
}

std::string header_of(const net::HttpRequest& r, std::string_view name) {
  for (const auto& h : r.headers)
    if (iequals(h.name, name))
      return h.value;
  return "";
}

/// A portal whose login form carries a CSRF token bound to a pre-session cookie: the POST is
/// refused unless it brings both the token and that cookie.
struct CsrfPortal {
  test::FakeHttp http;
  test::FakeClock clock;
  std::string page = R"(<html><head><meta name="csrf-token" content="unused"></head><body>
    <form method="post" action="/login"><input name="email">
    <input value="t0k&#43;en/&amp;=" type="hidden" name="csrf_token"></form></body></html>)";
  int page_status = 200;

  CsrfPortal() {
    http.handler = [this](const net::HttpRequest& r) {
      if (r.method == "GET" && r.url == "http://portal.test/login")
        return test::respond(page_status, page, {{"Set-Cookie", "pre=p1; HttpOnly"}});
      if (r.method == "POST" && r.url == "http://portal.test/login") {
        bool bound = header_of(r, "Cookie") == "pre=p1";
        bool token = r.body.find("csrf_token=t0k%2Ben%2F%26%3D") != std::string::npos ||
                     r.body.find("csrfmiddlewaretoken=dj") != std::string::npos;
        if (!bound || !token)
          return test::respond(403, "CSRF verification failed");
        return test::respond(303, "", {{"Location", "/home"}, {"Set-Cookie", "sid=s1; HttpOnly"}});
      }
      return test::respond(200, header_of(r, "Cookie"));
    };
  }
};

TEST(CsrfLogin, TheTokenFromTheLoginPageIsPostedWithItsCookie) {
  CsrfPortal portal;
  auto config = make_login_config("{method: POST, path: /login, form: {email: a@acme.test, "
                                  "password: hunter2-hunter2}, csrf: {page: /login, field: "
                                  "csrf_token, header: X-CSRF-Token}}");
  Context ctx(config, {portal.http, portal.clock}, {});
  auto s = ctx.session("alice");
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(portal.http.seen.size(), 2u);
  EXPECT_EQ(portal.http.seen[0].method, "GET");
  EXPECT_EQ(header_of(portal.http.seen[0], "Cookie"), "");
  const auto& post = portal.http.seen[1];
  EXPECT_EQ(post.body, "csrf_token=t0k%2Ben%2F%26%3D&email=a%40acme.test&password=hunter2-hunter2");
  EXPECT_EQ(header_of(post, "X-CSRF-Token"), "t0k+en/&=");
  EXPECT_EQ(header_of(post, "Content-Type"), "application/x-www-form-urlencoded");
  // The session jar is the page's cookie and the login's.
  auto r = (*s)->send({"GET", "/home", {}, ""});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "pre=p1; sid=s1");
  EXPECT_EQ((*s)->replay_auth_hint(), R"(-b "pre=$TOKEN_PRE; sid=$TOKEN_SID")");
  EXPECT_EQ((*s)->login_response().status, 303);
}

TEST(CsrfLogin, PageDefaultsToTheLoginPathAndCommonNamesAreTried) {
  CsrfPortal portal;
  portal.page = R"(<form><input type=hidden name=csrfmiddlewaretoken value=dj></form>)";
  auto config = make_login_config("{path: /login, form: {u: a}, csrf: {}}");
  Context ctx(config, {portal.http, portal.clock}, {});
  auto s = ctx.session("alice");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(portal.http.seen[0].url, "http://portal.test/login");
  EXPECT_EQ(portal.http.seen[1].body, "csrfmiddlewaretoken=dj&u=a");
}

TEST(CsrfLogin, NoTokenOnThePageSaysWhichFieldWasLookedFor) {
  CsrfPortal portal;
  portal.page = "<form><input name=email></form>";
  auto config = make_login_config(
      "{path: /login, form: {password: hunter2-hunter2}, csrf: {field: authenticity_token}}");
  Context ctx(config, {portal.http, portal.clock}, {});
  auto s = ctx.session("alice");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, ErrorKind::auth);
  const auto& m = s.error().message;
  EXPECT_NE(m.find("account 'alice'"), std::string::npos) << m;
  EXPECT_NE(m.find("no CSRF token on /login"), std::string::npos) << m;
  EXPECT_NE(m.find("'authenticity_token'"), std::string::npos) << m;
  EXPECT_EQ(m.find("hunter2"), std::string::npos) << m;
  EXPECT_EQ(portal.http.seen.size(), 1u); // nothing posted without a token

  auto common = make_login_config("{path: /login, form: {u: a}, csrf: {page: /login}}");
  CsrfPortal other;
  other.page = "<p>maintenance</p>";
  Context ctx2(common, {other.http, other.clock}, {});
  auto s2 = ctx2.session("alice");
  ASSERT_FALSE(s2);
  EXPECT_NE(s2.error().message.find("'csrf_token', '_csrf', 'csrfmiddlewaretoken', "
                                    "'authenticity_token', '_token', "
                                    "'__RequestVerificationToken'"),
            std::string::npos)
      << s2.error().message;
}

TEST(CsrfLogin, APageThatDoesNotAnswer2xxOrAMetaWithoutAFieldNameIsAnError) {
  CsrfPortal portal;
  portal.page_status = 302;
  auto config = make_login_config("{path: /login, form: {u: a}, csrf: {page: /login}}");
  Context ctx(config, {portal.http, portal.clock}, {});
  auto s = ctx.session("alice");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("GET /login (the page with the CSRF token) answered 302"),
            std::string::npos)
      << s.error().message;

  CsrfPortal meta_only;
  meta_only.page = R"(<meta name="csrf-token" content="m">)";
  Context ctx2(config, {meta_only.http, meta_only.clock}, {});
  auto s2 = ctx2.session("alice");
  ASSERT_FALSE(s2);
  EXPECT_NE(s2.error().message.find("set login.csrf.field"), std::string::npos)
      << s2.error().message;
  // With a header the meta's token is enough for a JSON login.
  CsrfPortal spa;
  spa.page = R"(<meta name="csrf-token" content="m">)";
  spa.http.handler = [](const net::HttpRequest& r) {
    if (r.method == "GET")
      return test::respond(200, R"(<meta name="csrf-token" content="m">)",
                           {{"Set-Cookie", "XSRF=x"}});
    return test::respond(header_of(r, "X-CSRF-Token") == "m" ? 200 : 419, "",
                         {{"Set-Cookie", "sid=s"}});
  };
  auto json =
      make_login_config("{path: /login, json: {u: a}, csrf: {page: /login, header: X-CSRF-Token}}");
  Context ctx3(json, {spa.http, spa.clock}, {});
  auto s3 = ctx3.session("alice");
  ASSERT_TRUE(s3) << s3.error().message;
  EXPECT_EQ(spa.http.seen[1].body, R"({"u":"a"})");
}

struct KeyPortal {
  test::FakeHttp http;
  test::FakeClock clock;
  int status = 200;

  KeyPortal() {
    http.handler = [this](const net::HttpRequest& r) {
      std::string seen = r.url + "\n";
      for (const auto& h : r.headers)
        seen += h.name + ": " + h.value + "\n";
      return test::respond(status, seen);
    };
  }
};

TEST(BasicLogin, EveryRequestCarriesTheCredentialsAndNothingIsSentToLogIn) {
  KeyPortal portal;
  setenv("LG_TEST_BASIC_PW", "open sesame", 1);
  auto config =
      make_login_config("{basic: {username: Aladdin, password: \"${LG_TEST_BASIC_PW}\"}}");
  Context ctx(config, {portal.http, portal.clock}, {});
  auto s = ctx.session("alice");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(portal.http.seen.empty());
  auto r = (*s)->send({"GET", "/api/records", {}, ""});
  ASSERT_TRUE(r);
  // RFC 7617's example.
  EXPECT_NE(r->body.find("Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\n"), std::string::npos)
      << r->body;
  EXPECT_EQ((*s)->credentials().basic, "Aladdin:open sesame");
  EXPECT_EQ((*s)->replay_auth_hint(), R"(-u "$BASIC_USER:$PASSWORD")");
  // A 401 is an answer, not an expired session: no second attempt.
  portal.status = 401;
  auto denied = (*s)->send({"GET", "/api/admin", {}, ""});
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 401);
  EXPECT_EQ(portal.http.seen.size(), 2u);
}

TEST(BasicLogin, AFailedCheckNamesTheAccountAndStatusNeverTheSecret) {
  KeyPortal portal;
  portal.status = 401;
  auto config = make_login_config("{basic: {username: alice, password: s3cret-basic-pw}, "
                                  "check: /api/me}");
  Context ctx(config, {portal.http, portal.clock}, {});
  auto s = ctx.session("alice");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, ErrorKind::auth);
  const auto& m = s.error().message;
  EXPECT_NE(m.find("account 'alice'"), std::string::npos) << m;
  EXPECT_NE(m.find("GET /api/me with its HTTP Basic credentials answered 401"), std::string::npos)
      << m;
  EXPECT_EQ(m.find("s3cret"), std::string::npos) << m;
  EXPECT_EQ(m.find(base64_encode("alice:s3cret-basic-pw")), std::string::npos) << m;
  ASSERT_EQ(portal.http.seen.size(), 1u);
  EXPECT_EQ(portal.http.seen[0].method, "GET");
  EXPECT_EQ(header_of(portal.http.seen[0], "Authorization"),
            fmt::format("Basic {}", base64_encode("alice:s3cret-basic-pw")));

  KeyPortal ok;
  Context ctx2(config, {ok.http, ok.clock}, {});
  auto s2 = ctx2.session("alice");
  ASSERT_TRUE(s2) << s2.error().message;
  EXPECT_EQ((*s2)->login_response().status, 200);
}

TEST(ApiKeyLogin, AHeaderKeyOnEveryRequestAndNoReloginOn401) {
  KeyPortal portal;
  auto config = make_login_config(
      "{api_key: {header: X-Api-Key, value: key-0123456789abcdef}, check: /api/me}");
  Context ctx(config, {portal.http, portal.clock}, {});
  auto s = ctx.session("alice");
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(portal.http.seen.size(), 1u);
  EXPECT_EQ(portal.http.seen[0].url, "http://portal.test/api/me");
  EXPECT_EQ(header_of(portal.http.seen[0], "X-Api-Key"), "key-0123456789abcdef");
  portal.status = 401;
  auto r = (*s)->send({"GET", "/api/records", {}, ""});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(portal.http.seen.size(), 2u);
  EXPECT_EQ(header_of(portal.http.seen[1], "X-Api-Key"), "key-0123456789abcdef");
  EXPECT_EQ((*s)->replay_auth_hint(), R"(-H "X-Api-Key: $TOKEN")");
}

TEST(ApiKeyLogin, AQueryKeyIsEncodedAppendedAndNeverLogged) {
  KeyPortal portal;
  std::vector<std::string> log;
  const std::string key = "k3y+with/odd=chars&more";
  setenv("LG_TEST_API_KEY", key.c_str(), 1);
  auto config = make_login_config(
      "{api_key: {query: api_key, value: \"${LG_TEST_API_KEY}\"}, check: /api/me}");
  Context ctx(config, {portal.http, portal.clock},
              {false, [&](const std::string& line) { log.push_back(line); }});
  auto s = ctx.session("alice");
  ASSERT_TRUE(s) << s.error().message;
  auto r = (*s)->send({"GET", "/api/records?page=2#top", {}, ""});
  ASSERT_TRUE(r);
  ASSERT_EQ(portal.http.seen.size(), 2u);
  EXPECT_EQ(portal.http.seen[0].url,
            "http://portal.test/api/me?api_key=k3y%2Bwith%2Fodd%3Dchars%26more");
  EXPECT_EQ(portal.http.seen[1].url,
            "http://portal.test/api/records?page=2&api_key=k3y%2Bwith%2Fodd%3Dchars%26more#top");
  EXPECT_EQ((*s)->replay_auth_hint(), R"(--url-query "api_key=$TOKEN")");
  ASSERT_EQ(log.size(), 2u);
  for (const auto& line : log) {
    // redact(): at most a 4-character prefix, the length and a fingerprint.
    EXPECT_EQ(line.find("with"), std::string::npos) << line;
    EXPECT_NE(line.find("api_key=k3y%… (31 chars, fp "), std::string::npos) << line;
  }
  // A failed check and a network error say so without the key, even where the client would show
  // the URL whole (the fake's errors do).
  portal.status = 403;
  Context ctx2(config, {portal.http, portal.clock}, {});
  auto s2 = ctx2.session("alice");
  ASSERT_FALSE(s2);
  EXPECT_NE(s2.error().message.find("GET /api/me with its API key answered 403"), std::string::npos)
      << s2.error().message;
  EXPECT_EQ(s2.error().message.find("k3y"), std::string::npos);
  portal.http.fail_when = [](const net::HttpRequest&) { return true; };
  Context ctx3(config, {portal.http, portal.clock}, {});
  auto s3 = ctx3.session("alice");
  ASSERT_FALSE(s3);
  EXPECT_NE(s3.error().message.find("timed out"), std::string::npos) << s3.error().message;
  EXPECT_EQ(s3.error().message.find("k3y"), std::string::npos) << s3.error().message;
  EXPECT_EQ(s3.error().message.find("k3y%2B"), std::string::npos) << s3.error().message;
}

TEST(ApiKeyLogin, WithoutACheckTheFirstRequestTells) {
  KeyPortal portal;
  auto config = make_login_config("{api_key: {header: Authorization, value: Token abc123}}");
  Context ctx(config, {portal.http, portal.clock}, {});
  auto s = ctx.session("alice");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(portal.http.seen.empty());
  EXPECT_EQ((*s)->login_response().status, 0);
  auto r = (*s)->send({"GET", "/x", {}, ""});
  ASSERT_TRUE(r);
  EXPECT_EQ(header_of(portal.http.seen[0], "Authorization"), "Token abc123");
}

TEST(Credentials, NewKindsReplayAfterLogoutExactly) {
  KeyPortal portal;
  auto config = make_login_config("{basic: {username: bob, password: pw-123456}}");
  Context ctx(config, {portal.http, portal.clock}, {});
  auto s = ctx.session("alice");
  ASSERT_TRUE(s);
  auto creds = (*s)->credentials();
  RequestRecipe logout;
  logout.path = "/logout";
  ASSERT_TRUE((*s)->logout(logout));
  EXPECT_EQ(header_of(portal.http.seen.back(), "Authorization"),
            fmt::format("Basic {}", base64_encode("bob:pw-123456")));
  EXPECT_FALSE((*s)->logged_in());
  EXPECT_EQ((*s)->replay_auth_hint(), "");
  auto replay = (*s)->send_with({"GET", "/api/me", {}, ""}, creds);
  ASSERT_TRUE(replay);
  EXPECT_EQ(header_of(portal.http.seen.back(), "Authorization"),
            fmt::format("Basic {}", base64_encode("bob:pw-123456")));

  Session::Credentials key;
  key.api_key_query = "token";
  key.api_key = "v 1";
  auto q = (*s)->send_with({"GET", "/a?", {}, ""}, key);
  ASSERT_TRUE(q);
  EXPECT_EQ(portal.http.seen.back().url, "http://portal.test/a?token=v%201");
}

TEST(Credentials, ReplayHintsKeepSecretsAsShellVariables) {
  Session::Credentials bearer;
  bearer.token = "tok-secret";
  bearer.cookies = {{"sid", "cookie-secret"}};
  EXPECT_EQ(replay_auth_hint(bearer), R"(-H "Authorization: Bearer $TOKEN" -b "sid=$COOKIE")");
  Session::Credentials jar;
  jar.cookies = {{"sid", "s"}};
  EXPECT_EQ(replay_auth_hint(jar), R"(-b "sid=$TOKEN")");
  // Names from the server are data: quoted for the shell, variables made unique.
  Session::Credentials odd;
  odd.cookies = {{"a-b", "1"}, {"a_b", "2"}, {"x$(id)`y\"", "3"}};
  EXPECT_EQ(replay_auth_hint(odd),
            R"(-b "a-b=$TOKEN_A_B; a_b=$TOKEN_A_B_2; x\$(id)\`y\"=$TOKEN_X__ID__Y_")");
  Session::Credentials header;
  header.api_key_header = "X-Key";
  header.api_key = "k";
  header.cookies = {{"lb", "1"}};
  EXPECT_EQ(replay_auth_hint(header), R"(-H "X-Key: $TOKEN" -b "lb=$COOKIE")");
  EXPECT_EQ(replay_auth_hint({}), "");
  for (const auto& c : {bearer, jar, odd, header}) {
    auto hint = replay_auth_hint(c);
    for (const auto& secret : {"tok-secret", "cookie-secret"})
      EXPECT_EQ(hint.find(secret), std::string::npos) << hint;
  }
}

TEST_F(SessionTest, BearerAndCookieHintsFromALogin) {
  auto config = make_config(", token: $.data.token");
  Context ctx(config, {http, clock}, {});
  auto s = ctx.session("alice");
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)->replay_auth_hint(), R"(-H "Authorization: Bearer $TOKEN" -b "sid=$COOKIE")");
}

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string_view("\xff\xfe\x00", 3)), "//4A");
}

} // namespace
} // namespace lg::engine
