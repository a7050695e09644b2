// Checks against a scripted server (fakes behind net::HttpClient), for the judgements that the
// sample portal has no flaw for: hand-listed endpoints, refusals that still carry data, redirects
// to a sign-in page, odd statuses, token-only sessions, the runner's skips.

#include "checks/catalog.hpp"
#include "checks/registry.hpp"
#include "unit/fakes.hpp"

#include <gtest/gtest.h>

#include <set>

namespace lg::checks {
namespace {

Config config_with(const std::string& extra) {
  auto c =
      parse_config("target:\n  base_url: http://portal.test\n  max_rps: 1000\n" + extra, "t", "");
  EXPECT_TRUE(c) << c.error().message;
  return *c;
}

CheckResult run_with(const std::string& id, const Config& config, test::FakeHttp& http,
                     bool allow_writes) {
  test::FakeClock clock;
  engine::RunOptions options;
  options.allow_writes = allow_writes;
  engine::Context context(config, {http, clock}, options);
  const auto& impls = implementations();
  auto impl =
      std::find_if(impls.begin(), impls.end(), [&](const Implementation& i) { return i.id == id; });
  return impl->run(context, *find_check(id));
}

/// A page with every header domain.headers asks for over plain HTTP.
net::HttpResponse good_headers_response() {
  return test::respond(200, "",
                       {{"Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"},
                        {"X-Content-Type-Options", "nosniff"},
                        {"Referrer-Policy", "no-referrer"}});
}

CheckResult run(const std::string& id, const Config& config, test::FakeHttp& http) {
  return run_with(id, config, http, false);
}

TEST(Unauthenticated, JudgesEachAnswer) {
  auto config = config_with("api:\n  endpoints: [GET /a, GET /b, GET /c, GET /d, GET /e, "
                            "POST /f, GET /health]\n  public: [/health]\n");
  test::FakeHttp http;
  http.handler = [](const net::HttpRequest& r) {
    if (r.url.ends_with("/a"))
      return test::respond(401, R"({"error": "sign in"})");
    if (r.url.ends_with("/b"))
      return test::respond(302, "", {{"Location", "/login?next=/b"}});
    if (r.url.ends_with("/c"))
      return test::respond(403, R"({"items": [{"id": 1, "name": "x"}]})");
    if (r.url.ends_with("/d"))
      return test::respond(404, "{}");
    if (r.url.ends_with("/e"))
      return test::respond(200, "[]");
    return test::respond(500);
  };
  auto r = run("access.unauthenticated", config, http);
  ASSERT_EQ(r.status, Status::fail);
  ASSERT_EQ(r.findings.size(), 3u);
  EXPECT_EQ(r.findings[0].evidence["path"], "/c");
  EXPECT_NE(r.findings[0].message.find("still returned records"), std::string::npos);
  EXPECT_EQ(r.findings[1].evidence["path"], "/d");
  EXPECT_NE(r.findings[1].message.find("instead of 401 or 403"), std::string::npos);
  EXPECT_EQ(r.findings[2].evidence["path"], "/e");
  // Not the write, not the public one; a refused operation is asked again with a garbage
  // token (a server that checks only that a credential is present fails that one).
  EXPECT_EQ(http.seen.size(), 7u);
  for (const auto& req : http.seen)
    for (const auto& h : req.headers)
      EXPECT_NE(h.name, "Cookie");
  ASSERT_TRUE(http.seen[1].url.ends_with("/a"));
  bool garbage = false;
  for (const auto& h : http.seen[1].headers)
    garbage =
        garbage || (h.name == "Authorization" && h.value.find("invalid") != std::string::npos);
  EXPECT_TRUE(garbage);
}

TEST(Unauthenticated, OddAnswersAloneAreAWarning) {
  auto config = config_with("api:\n  endpoints: [GET /a]\n");
  test::FakeHttp http;
  http.handler = [](const net::HttpRequest&) { return test::respond(404); };
  EXPECT_EQ(run("access.unauthenticated", config, http).status, Status::warn);
}

TEST(Unauthenticated, NoApiDescriptionIsASkipNotAPass) {
  auto config = config_with("");
  test::FakeHttp http;
  auto r = run("access.unauthenticated", config, http);
  EXPECT_EQ(r.status, Status::skip);
  EXPECT_EQ(r.skip_kind, SkipKind::not_configured);
}

TEST(Unauthenticated, OnlyPublicOperationsIsNotApplicable) {
  auto config = config_with("api:\n  endpoints: [GET /health, POST /x]\n  public: [/health]\n");
  test::FakeHttp http;
  auto r = run("access.unauthenticated", config, http);
  EXPECT_EQ(r.status, Status::skip);
  EXPECT_TRUE(http.seen.empty());
}

TEST(CookieFlags, TokenSessionsMakeItNotApplicable) {
  auto config = config_with("accounts:\n  - {name: a, org: o, role: r, login: {path: /login, "
                            "token: $.token}}\n");
  test::FakeHttp http;
  http.handler = [](const net::HttpRequest&) { return test::respond(200, R"({"token": "t"})"); };
  auto r = run("session.cookie-flags", config, http);
  EXPECT_EQ(r.status, Status::skip);
  EXPECT_EQ(r.skip_kind, SkipKind::not_applicable);
}

TEST(CookieFlags, CsrfCookiesNeedNoHttpOnlyAndSameSiteNoneIsAWarning) {
  auto config = config_with("accounts:\n  - {name: a, org: o, role: r, login: {path: /login}}\n");
  test::FakeHttp http;
  http.handler = [](const net::HttpRequest&) {
    return test::respond(200, "{}",
                         {{"Set-Cookie", "XSRF-TOKEN=abc; Secure; SameSite=Strict"},
                          {"Set-Cookie", "sid=abcdefghijklmnop; HttpOnly; Secure; SameSite=None"}});
  };
  auto r = run("session.cookie-flags", config, http);
  ASSERT_EQ(r.status, Status::warn);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].evidence["cookie"], "sid");
  EXPECT_EQ(r.findings[0].evidence.dump().find("abcdefghijklmnop"), std::string::npos);
}

TEST(CookieFlags, FailedLoginIsAnErrorNotAPass) {
  auto config = config_with("accounts:\n  - {name: a, org: o, role: r, login: {path: /login}}\n");
  test::FakeHttp http;
  http.handler = [](const net::HttpRequest&) { return test::respond(403); };
  auto r = run("session.cookie-flags", config, http);
  EXPECT_EQ(r.status, Status::error);
  EXPECT_NE(r.reason.find("answered 403"), std::string::npos);
}

TEST(Headers, HttpsResponsesAreAskedForHsts) {
  auto config = config_with("pages: [/a]\n");
  config.target.base_url = "https://portal.test";
  test::FakeHttp http;
  http.handler = [](const net::HttpRequest&) { return good_headers_response(); };
  auto r = run("domain.headers", config, http);
  ASSERT_EQ(r.status, Status::fail);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].evidence["header"], "Strict-Transport-Security");
  EXPECT_EQ(r.findings[0].evidence["paths"], nlohmann::json({"/", "/a"}));
}

TEST(Runner, AGateWithoutItsSectionIsSkippedNeverPassed) {
  auto config = config_with("");
  test::FakeHttp http;
  http.handler = [](const net::HttpRequest&) { return test::respond(200); };
  test::FakeClock clock;
  engine::Context context(config, {http, clock}, {});
  auto results = run_checks(context, {"deploy"});
  ASSERT_EQ(results.size(), 6u);
  for (const auto& r : results) {
    EXPECT_EQ(r.meta.gate, "deploy");
    EXPECT_EQ(r.status, Status::skip) << r.meta.id;
    EXPECT_EQ(r.skip_kind, SkipKind::not_configured) << r.meta.id << ": " << r.reason;
    EXPECT_NE(r.reason.find("deploy"), std::string::npos) << r.reason;
  }
  EXPECT_TRUE(http.seen.empty());
  EXPECT_EQ(compute_verdict(results), Verdict::incomplete);
}

TEST(Runner, EveryCatalogCheckIsImplemented) {
  std::set<std::string> implemented;
  for (const auto& impl : implementations())
    implemented.insert(std::string(impl.id));
  for (const auto& meta : catalog())
    EXPECT_EQ(implemented.count(meta.id), 1u) << meta.id << " has no implementation";
}

TEST(Runner, EveryImplementationIsInTheCatalog) {
  for (const auto& impl : implementations())
    EXPECT_NE(find_check(impl.id), nullptr) << impl.id;
}

} // namespace
} // namespace lg::checks

namespace lg::checks {
namespace {

TEST(Unauthenticated, AnOperationThatTimedOutIsNoPass) {
  auto config = config_with("api:\n  endpoints: [GET /a, GET /b]\n");
  test::FakeHttp http;
  http.handler = [](const net::HttpRequest&) { return test::respond(401); };
  http.fail_when = [](const net::HttpRequest& r) { return r.url.ends_with("/b"); };
  auto r = run("access.unauthenticated", config, http);
  EXPECT_EQ(r.status, Status::error);
  EXPECT_NE(r.reason.find("GET /b: GET http://portal.test/b: timed out"), std::string::npos)
      << r.reason;
}

TEST(Unauthenticated, ASpentBudgetIsNoPassButAFailureStillStands) {
  auto config = config_with("api:\n  endpoints: [GET /a, GET /b, GET /c]\n");
  config.target.max_requests = 2;
  test::FakeHttp http;
  http.handler = [](const net::HttpRequest& r) {
    return r.url.ends_with("/a") ? test::respond(200, "[{\"id\": 1}]") : test::respond(401);
  };
  auto failing = run("access.unauthenticated", config, http);
  EXPECT_EQ(failing.status, Status::fail);
  EXPECT_NE(failing.reason.find("GET /c: request budget"), std::string::npos) << failing.reason;
  test::FakeHttp closed;
  closed.handler = [](const net::HttpRequest&) { return test::respond(401); };
  auto spent = run("access.unauthenticated", config, closed);
  EXPECT_EQ(spent.status, Status::error);
  EXPECT_EQ(closed.seen.size(), 2u);
}

TEST(Unauthenticated, WritesNeedTheFlagAnIdAndNeverTouchAWholeCollection) {
  auto config = config_with("api:\n  endpoints: [DELETE /records, PATCH /users, \"PUT "
                            "/records/{id}\", POST /records, OPTIONS /records, GET /records]\n");
  test::FakeHttp http;
  http.handler = [](const net::HttpRequest&) { return test::respond(401); };
  auto r = run_with("access.unauthenticated", config, http, true);
  EXPECT_EQ(r.status, Status::pass) << r.reason;
  std::vector<std::string> sent;
  for (const auto& req : http.seen)
    sent.push_back(req.method + " " + req.url);
  // An empty PATCH changes nothing, so it is sent; DELETE on a whole collection never is.
  // Each twice: without credentials, then with a garbage token.
  EXPECT_EQ(sent, (std::vector<std::string>{
                      "PATCH http://portal.test/users", "PATCH http://portal.test/users",
                      "PUT http://portal.test/records/0", "PUT http://portal.test/records/0",
                      "POST http://portal.test/records", "POST http://portal.test/records",
                      "GET http://portal.test/records", "GET http://portal.test/records"}));
  EXPECT_NE(r.reason.find("1 write operation(s) not probed"), std::string::npos) << r.reason;
  http.seen.clear();
  auto read_only = run_with("access.unauthenticated", config, http, false);
  EXPECT_EQ(read_only.status, Status::pass);
  ASSERT_EQ(http.seen.size(), 2u);
  EXPECT_EQ(http.seen[0].method, "GET");
  EXPECT_EQ(http.seen[1].method, "GET");
}

TEST(Headers, APageThatCouldNotBeFetchedIsNoPass) {
  auto config = config_with("pages: [/slow]\n");
  test::FakeHttp http;
  http.handler = [](const net::HttpRequest&) { return good_headers_response(); };
  http.fail_when = [](const net::HttpRequest& r) { return r.url.ends_with("/slow"); };
  auto r = run("domain.headers", config, http);
  EXPECT_EQ(r.status, Status::error);
  EXPECT_NE(r.reason.find("/slow"), std::string::npos) << r.reason;
}

TEST(CookieFlags, EveryAccountIsJudgedNotJustTheFirstWithThatCookieName) {
  auto config = config_with("accounts:\n  - {name: admin, org: o, role: admin, login: {path: "
                            "/login/admin}}\n  - {name: staff, org: o, role: staff, login: {path: "
                            "/login/staff}}\n");
  test::FakeHttp http;
  http.handler = [](const net::HttpRequest& r) {
    if (r.url.ends_with("/admin"))
      return test::respond(200, "{}", {{"Set-Cookie", "sid=a1; HttpOnly; Secure; SameSite=Lax"}});
    return test::respond(200, "{}", {{"Set-Cookie", "sid=s1"}});
  };
  auto r = run("session.cookie-flags", config, http);
  ASSERT_EQ(r.status, Status::fail);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].evidence["as"], "staff");
}

} // namespace
} // namespace lg::checks

namespace lg::checks {
namespace {

/// An API described at /openapi.json with one search operation, GET /items?q=.
const char* k_items_spec = R"({"openapi": "3.0.3", "paths": {"/items": {"get": {
    "security": [], "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
    "responses": {"200": {"description": "ok"}}}}}})";

Config items_config() {
  return config_with("api:\n  openapi: /openapi.json\n");
}

TEST(Injection, ASleepThatRepeatsIsATimeSign) {
  test::FakeHttp http;
  http.handler = [](const net::HttpRequest& r) {
    if (r.url.ends_with("/openapi.json"))
      return test::respond(200, k_items_spec);
    auto response = test::respond(200, R"({"items": []})");
    response.elapsed_ms = r.url.find("PG_SLEEP") != std::string::npos ? 2100 : 15;
    return response;
  };
  auto r = run_with("input.injection", items_config(), http, false);
  ASSERT_EQ(r.status, Status::fail) << r.reason;
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].evidence["technique"], "time");
  EXPECT_EQ(r.findings[0].evidence["parameter"], "q");
  EXPECT_NE(r.findings[0].message.find("2100 ms"), std::string::npos) << r.findings[0].message;
}

TEST(Injection, ASlowAnswerThatDoesNotRepeatIsNoise) {
  test::FakeHttp http;
  int sleeps = 0;
  http.handler = [&](const net::HttpRequest& r) {
    if (r.url.ends_with("/openapi.json"))
      return test::respond(200, k_items_spec);
    auto response = test::respond(200, R"({"items": []})");
    response.elapsed_ms = r.url.find("SLEEP") != std::string::npos && sleeps++ == 0 ? 2500 : 20;
    return response;
  };
  auto r = run_with("input.injection", items_config(), http, false);
  EXPECT_EQ(r.status, Status::pass) << r.reason;
}

TEST(Injection, ABooleanPairThatChangesTheRowsIsASign) {
  test::FakeHttp http;
  http.handler = [](const net::HttpRequest& r) {
    if (r.url.ends_with("/openapi.json"))
      return test::respond(200, k_items_spec);
    // The true half of the LIKE pair widens the answer, as concatenated SQL would.
    if (r.url.find("1%3D1") != std::string::npos)
      return test::respond(200, R"({"items": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]})");
    return test::respond(200, R"({"items": []})");
  };
  auto r = run_with("input.injection", items_config(), http, false);
  ASSERT_EQ(r.status, Status::fail) << r.reason;
  EXPECT_EQ(r.findings[0].evidence["technique"], "boolean");
}

TEST(Injection, AnEscapingServerHasNoSign) {
  test::FakeHttp http;
  http.handler = [](const net::HttpRequest& r) {
    if (r.url.ends_with("/openapi.json"))
      return test::respond(200, k_items_spec);
    return test::respond(200, R"({"items": []})");
  };
  auto r = run_with("input.injection", items_config(), http, false);
  EXPECT_EQ(r.status, Status::pass) << r.reason;
  auto d = run_with("input.error-disclosure", items_config(), http, false);
  EXPECT_EQ(d.status, Status::pass) << d.reason;
}

TEST(ErrorDisclosure, AStackTraceInAnErrorAnswerIsAFinding) {
  test::FakeHttp http;
  http.handler = [](const net::HttpRequest& r) {
    if (r.url.ends_with("/openapi.json"))
      return test::respond(200, k_items_spec);
    if (r.url.find("%27") != std::string::npos)
      return test::respond(500, "Traceback (most recent call last):\n  File \"/srv/app/views.py\", "
                                "line 12, in search\nsqlite3.OperationalError: unrecognized "
                                "token: \"'\"");
    return test::respond(200, R"({"items": []})");
  };
  auto r = run_with("input.error-disclosure", items_config(), http, false);
  ASSERT_EQ(r.status, Status::fail) << r.reason;
  ASSERT_EQ(r.findings.size(), 1u);
  auto kinds = r.findings[0].evidence["kinds"];
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "stack trace"), kinds.end()) << kinds.dump();
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "database error"), kinds.end());
  auto inj = run_with("input.injection", items_config(), http, false);
  ASSERT_EQ(inj.status, Status::fail);
  EXPECT_EQ(inj.findings[0].evidence["technique"], "error");
}

} // namespace
} // namespace lg::checks

namespace lg::checks {
namespace {

TEST(AccessGate, AnAccountRefusedOnItsOwnRequestsIsABrokenLoginNotAFinding) {
  auto config = config_with("accounts:\n"
                            "  - {name: ann, org: a, role: staff, login: {path: /login/ann}}\n"
                            "  - {name: bob, org: b, role: staff, login: {path: /login/bob}}\n"
                            "api:\n  endpoints: [GET /items, \"GET /items/{id}\", GET /me]\n");
  test::FakeHttp http;
  http.handler = [](const net::HttpRequest& r) {
    if (r.url.find("/login/") != std::string::npos)
      return test::respond(200, "{}", {{"Set-Cookie", "sid=s1; HttpOnly"}});
    return test::respond(403, R"({"error": "forbidden"})"); // every request after the login
  };
  for (const char* id : {"access.cross-tenant-read", "access.filter-tampering",
                         "access.role-escalation", "input.injection"}) {
    auto r = run_with(id, config, http, false);
    EXPECT_EQ(r.status, Status::error) << id << ": " << r.reason;
    EXPECT_NE(r.reason.find("login for ann is broken"), std::string::npos) << r.reason;
    EXPECT_TRUE(r.findings.empty());
  }
}

} // namespace
} // namespace lg::checks

namespace lg::checks {
namespace {

TEST(AccessGate, AProbeWithoutAnAnswerIsAnErrorNotAPass) {
  auto config = config_with("accounts:\n"
                            "  - {name: ann, org: a, role: staff, login: {path: /login/ann}}\n"
                            "  - {name: bob, org: b, role: staff, login: {path: /login/bob}}\n"
                            "api:\n  endpoints: [GET /items, \"GET /items/{id}\"]\n");
  test::FakeHttp http;
  auto who = [](const net::HttpRequest& r) {
    for (const auto& h : r.headers)
      if (h.name == "Cookie")
        return h.value.substr(h.value.find('=') + 1);
    return std::string();
  };
  http.handler = [&](const net::HttpRequest& r) {
    if (r.url.find("/login/") != std::string::npos)
      return test::respond(200, "{}",
                           {{"Set-Cookie", "sid=" + r.url.substr(r.url.rfind('/') + 1)}});
    std::string me = who(r);
    std::string id = me == "ann" ? "1" : "2";
    std::string item = R"({"id": )" + id + R"(, "name": "the data of )" + me + R"("})";
    if (r.url.ends_with("/items"))
      return test::respond(200, "[" + item + "]");
    if (r.url.ends_with("/items/" + id))
      return test::respond(200, item);
    return test::respond(404, R"({"error": "not found"})");
  };
  // Every request for the other org's item times out.
  http.fail_when = [&](const net::HttpRequest& r) {
    return (who(r) == "ann" && r.url.ends_with("/items/2")) ||
           (who(r) == "bob" && r.url.ends_with("/items/1"));
  };
  auto r = run_with("access.cross-tenant-read", config, http, false);
  EXPECT_EQ(r.status, Status::error) << r.reason;
  EXPECT_NE(r.reason.find("got no answer"), std::string::npos) << r.reason;
  http.fail_when = {};
  auto answered = run_with("access.cross-tenant-read", config, http, false);
  EXPECT_EQ(answered.status, Status::pass) << answered.reason;
}

} // namespace
} // namespace lg::checks
