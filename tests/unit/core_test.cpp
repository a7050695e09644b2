// Core rules: the verdict and exit codes, fingerprints, redaction, the scope guard, URLs.

#include "core/guard.hpp"
#include "core/result.hpp"
#include "unit/fakes.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

#include <gtest/gtest.h>

namespace lg {
namespace {

CheckResult result(const char* id, Severity severity, Status status,
                   SkipKind kind = SkipKind::none) {
  CheckResult r;
  r.meta.id = id;
  r.meta.gate = std::string(id).substr(0, std::string(id).find('.'));
  r.meta.severity = severity;
  r.status = status;
  r.skip_kind = kind;
  return r;
}

TEST(Verdict, CriticalOrHighFailOrErrorIsNotReady) {
  EXPECT_EQ(compute_verdict({result("a.x", Severity::high, Status::fail)}), Verdict::not_ready);
  EXPECT_EQ(compute_verdict({result("a.x", Severity::critical, Status::error)}),
            Verdict::not_ready);
  EXPECT_EQ(compute_verdict({result("a.x", Severity::medium, Status::fail)}), Verdict::ready);
}

TEST(Verdict, SkipsMakeItIncompleteUnlessNotApplicable) {
  EXPECT_EQ(
      compute_verdict({result("a.x", Severity::low, Status::skip, SkipKind::not_implemented)}),
      Verdict::incomplete);
  EXPECT_EQ(compute_verdict({result("a.x", Severity::low, Status::skip, SkipKind::not_configured)}),
            Verdict::incomplete);
  EXPECT_EQ(compute_verdict({result("a.x", Severity::low, Status::skip, SkipKind::not_applicable),
                             result("a.y", Severity::high, Status::pass)}),
            Verdict::ready);
  EXPECT_EQ(compute_verdict({result("a.x", Severity::low, Status::error)}), Verdict::incomplete);
  EXPECT_EQ(compute_verdict({}), Verdict::ready);
}

TEST(Verdict, ExitCodes) {
  EXPECT_EQ(exit_code(Verdict::ready), 0);
  EXPECT_EQ(exit_code(Verdict::not_ready), 1);
  EXPECT_EQ(exit_code(Verdict::incomplete), 4);
}

TEST(Verdict, SortPutsGatesInFixOrderAndFailuresFirst) {
  std::vector<CheckResult> checks = {result("domain.headers", Severity::medium, Status::fail),
                                     result("access.b", Severity::high, Status::pass),
                                     result("access.a", Severity::critical, Status::fail),
                                     result("deploy.x", Severity::low, Status::fail)};
  sort_for_report(checks);
  EXPECT_EQ(checks[0].meta.id, "access.a");
  EXPECT_EQ(checks[1].meta.id, "access.b");
  EXPECT_EQ(checks[2].meta.id, "deploy.x");
  EXPECT_EQ(checks[3].meta.id, "domain.headers");
}

TEST(Fingerprint, StableAndSensitiveToEachPart) {
  auto a = make_fingerprint("access.x", {"GET", "/a"});
  EXPECT_EQ(a, make_fingerprint("access.x", {"GET", "/a"}));
  EXPECT_EQ(a.size(), 16u);
  EXPECT_NE(a, make_fingerprint("access.x", {"GET", "/b"}));
  EXPECT_NE(a, make_fingerprint("access.y", {"GET", "/a"}));
  EXPECT_NE(make_fingerprint("c", {"ab", "c"}), make_fingerprint("c", {"a", "bc"}));
}

TEST(Redact, NeverMoreThanFourCharactersOfTheSecret) {
  std::string secret = "sk_live_0123456789abcdef";
  auto r = redact(secret);
  EXPECT_TRUE(r.starts_with("sk_l… (24 chars, fp ")) << r;
  EXPECT_EQ(r.find("sk_li"), std::string::npos);
  EXPECT_TRUE(redact("short").starts_with("… (5 chars")) << redact("short");
}

TEST(Redact, UrlQueryCredentials) {
  auto u = redact_url("https://h.test/reset?token=abcdefghijklmnop&page=2&api_key=0123456789abcd");
  EXPECT_EQ(u.find("abcdefghijklmnop"), std::string::npos) << u;
  EXPECT_EQ(u.find("0123456789abcd"), std::string::npos) << u;
  EXPECT_NE(u.find("page=2"), std::string::npos);
  EXPECT_EQ(redact_url("https://h.test/a"), "https://h.test/a");
}

TEST(Url, ParsesHostsPortsAndResolves) {
  auto u = parse_url("HTTPS://Portal.Example.com:8443/a/b?x=1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "portal.example.com");
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->path, "/a/b?x=1");
  EXPECT_EQ(parse_url("http://[::1]/")->host, "::1");
  EXPECT_EQ(parse_url("http://h.test")->port, 80);
  EXPECT_FALSE(parse_url("not a url"));
  EXPECT_EQ(*resolve_url("http://h.test/a/b", "/login?next=1"), "http://h.test/login?next=1");
  EXPECT_EQ(*resolve_url("http://h.test/a/b", "c"), "http://h.test/a/c");
}

struct GuardTest : ::testing::Test {
  test::FakeHttp http;
  test::FakeClock clock;
  GuardLimits limits{{"portal.test"}, 10, 5, 3};
};

TEST_F(GuardTest, RefusesHostsOutsideScopeWithoutSendingAByte) {
  http.handler = [](const net::HttpRequest&) { return test::respond(200); };
  GuardedHttpClient guard(http, clock, limits);
  for (const char* url : {"http://evil.test/", "http://portal.test.evil.test/",
                          "http://evil.test@x.test/", "ftp://portal.test/", "file:///etc/passwd"}) {
    auto r = guard.send({"GET", url, {}, ""});
    ASSERT_FALSE(r) << url;
    EXPECT_EQ(r.error().kind, ErrorKind::out_of_scope);
  }
  EXPECT_TRUE(http.seen.empty());
  EXPECT_TRUE(guard.send({"GET", "https://PORTAL.test/x", {}, ""}));
}

TEST_F(GuardTest, ATargetThatStopsAnsweringIsNotWaitedForAgainUntilTheNextGate) {
  http.handler = [](const net::HttpRequest&) { return test::respond(200); };
  bool silent = false;
  http.fail_when = [&](const net::HttpRequest&) { return silent; };
  GuardLimits many = limits;
  many.max_requests = 100;
  GuardedHttpClient guard(http, clock, many);
  EXPECT_TRUE(guard.send({"GET", "http://portal.test/a", {}, ""}));
  silent = true;
  for (int i = 0; i < 10; ++i)
    EXPECT_FALSE(guard.send({"GET", "http://portal.test/b", {}, ""}));
  EXPECT_EQ(http.seen.size(), 4u); // one answered, three without an answer, then none sent
  auto r = guard.send({"GET", "http://portal.test/c", {}, ""});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::network);
  EXPECT_NE(r.error().message.find("no answer to 3 requests in a row"), std::string::npos)
      << r.error().message;
  silent = false;
  guard.reset_budget(); // the next gate tries again
  EXPECT_TRUE(guard.send({"GET", "http://portal.test/d", {}, ""}));
}

TEST_F(GuardTest, FollowsRedirectsOnlyInsideScope) {
  http.handler = [](const net::HttpRequest& r) {
    if (r.url == "http://portal.test/a")
      return test::respond(302, "", {{"Location", "/b"}});
    if (r.url == "http://portal.test/b")
      return test::respond(301, "", {{"location", "https://evil.test/steal"}});
    return test::respond(200);
  };
  GuardedHttpClient guard(http, clock, limits);
  auto r = guard.send_following({"GET", "http://portal.test/a", {}, ""});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::out_of_scope);
  ASSERT_EQ(http.seen.size(), 2u);
  EXPECT_EQ(http.seen[1].url, "http://portal.test/b");
}

TEST_F(GuardTest, RedirectLoopsStop) {
  http.handler = [](const net::HttpRequest&) {
    return test::respond(302, "", {{"Location", "/loop"}});
  };
  GuardedHttpClient guard(http, clock, limits);
  auto r = guard.send_following({"GET", "http://portal.test/loop", {}, ""});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("more than 3 redirects"), std::string::npos);
  EXPECT_EQ(http.seen.size(), 4u);
}

TEST_F(GuardTest, SeeOtherTurnsAPostIntoAGet) {
  http.handler = [](const net::HttpRequest& r) {
    return r.method == "POST" ? test::respond(303, "", {{"Location", "/done"}})
                              : test::respond(200);
  };
  GuardedHttpClient guard(http, clock, limits);
  auto r = guard.send_following({"POST", "http://portal.test/f", {{"Content-Type", "x"}}, "a=1"});
  ASSERT_TRUE(r);
  EXPECT_EQ(http.seen[1].method, "GET");
  EXPECT_TRUE(http.seen[1].body.empty());
  EXPECT_TRUE(http.seen[1].headers.empty());
}

TEST_F(GuardTest, BudgetAndRateLimit) {
  http.handler = [](const net::HttpRequest&) { return test::respond(200); };
  GuardedHttpClient guard(http, clock, limits);
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(guard.send({"GET", "http://portal.test/", {}, ""}));
  auto over = guard.send({"GET", "http://portal.test/", {}, ""});
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().kind, ErrorKind::budget);
  EXPECT_EQ(http.seen.size(), 5u);
  // 10 requests/s: five requests take four gaps of 100 ms.
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(clock.slept).count(), 400);
  guard.reset_budget();
  EXPECT_TRUE(guard.send({"GET", "http://portal.test/", {}, ""}));
}

TEST_F(GuardTest, LogLinesAreRedacted) {
  http.handler = [](const net::HttpRequest&) { return test::respond(200, "ok"); };
  GuardedHttpClient guard(http, clock, limits);
  std::vector<std::string> lines;
  guard.set_logger([&](const std::string& l) { lines.push_back(l); });
  ASSERT_TRUE(guard.send({"GET", "http://portal.test/r?token=supersecretvalue123", {}, ""}));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].find("supersecretvalue123"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("-> 200"), std::string::npos);
}

} // namespace
} // namespace lg

namespace lg {
namespace {

TEST(Redact, UserinfoFragmentsAndMoreNames) {
  auto u = redact_url("https://deploy:hunter2-staging-pw@portal.test:8443/a?PHPSESSID=abcdef123456"
                      "7890&q=x#access_token=eyJhbGciOiJIUzI1NiJ9.e30.sig&state=1");
  EXPECT_EQ(u.find("hunter2-staging-pw"), std::string::npos) << u;
  EXPECT_EQ(u.find("abcdef1234567890"), std::string::npos) << u;
  EXPECT_EQ(u.find("eyJhbGciOiJIUzI1NiJ9"), std::string::npos) << u;
  EXPECT_TRUE(u.starts_with("https://deploy:")) << u;
  EXPECT_NE(u.find("@portal.test:8443/a?"), std::string::npos) << u;
  EXPECT_NE(u.find("&q=x#"), std::string::npos) << u;
  EXPECT_NE(u.find("&state=1"), std::string::npos) << u;
  auto token_user = redact_url("https://ghp_abcdefghijklmnopqrstuvwxyz@h.test/");
  EXPECT_EQ(token_user.find("ghp_abcdefghijklmnop"), std::string::npos) << token_user;
  EXPECT_EQ(redact_url("/api/login"), "/api/login");
}

} // namespace
} // namespace lg

namespace lg {
namespace {

TEST(Scope, EntriesWithAndWithoutPorts) {
  auto u = *parse_url("https://Portal.test:8443/x");
  EXPECT_TRUE(scope_entry_matches("portal.test", u));
  EXPECT_TRUE(scope_entry_matches("portal.test:8443", u));
  EXPECT_FALSE(scope_entry_matches("portal.test:443", u));
  EXPECT_FALSE(scope_entry_matches("other.test", u));
  auto v6 = *parse_url("http://[::1]:8080/");
  EXPECT_TRUE(scope_entry_matches("[::1]:8080", v6));
  EXPECT_TRUE(scope_entry_matches("::1", v6));
  EXPECT_FALSE(scope_entry_matches("[::1]:80", v6));
}

TEST_F(GuardTest, CredentialsDoNotFollowARedirectToAnotherOrigin) {
  limits.scope = {"portal.test"};
  http.handler = [](const net::HttpRequest& r) {
    if (r.url == "https://portal.test/a")
      return test::respond(302, "", {{"Location", "http://portal.test:6379/b"}});
    return test::respond(200);
  };
  GuardedHttpClient guard(http, clock, limits);
  auto r = guard.send_following({"GET",
                                 "https://portal.test/a",
                                 {{"Cookie", "sid=1"},
                                  {"authorization", "Bearer t"},
                                  {"X-Api-Key", "k"},
                                  {"X-CSRF-Token", "c"},
                                  {"Accept", "application/json"}},
                                 ""});
  ASSERT_TRUE(r);
  ASSERT_EQ(http.seen.size(), 2u);
  EXPECT_EQ(http.seen[0].headers.size(), 5u);
  ASSERT_EQ(http.seen[1].headers.size(), 1u); // an API key or CSRF header is a credential too
  EXPECT_EQ(http.seen[1].headers[0].name, "Accept");
}

} // namespace
} // namespace lg
