// The Observatory-style scorer (analyze/observatory) on hand-built responses, and the grade's
// place in domain.headers (summary, measurements, and a finding only when the header problems
// do not already fail the check).

#include "analyze/observatory.hpp"
#include "checks/catalog.hpp"
#include "checks/registry.hpp"
#include "unit/fakes.hpp"

#include <gtest/gtest.h>

namespace lg::analyze {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

// What the hardened sample portal sends, served over HTTPS with a year of HSTS.
const Headers k_hardened = {
    {"Content-Type", "text/html; charset=utf-8"},
    {"Content-Security-Policy",
     "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"},
    {"X-Frame-Options", "DENY"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "strict-origin-when-cross-origin"},
    {"Cache-Control", "no-store"},
    {"Strict-Transport-Security", "max-age=31536000; includeSubDomains"},
    {"Set-Cookie", "session=abc; Path=/; HttpOnly; Secure; SameSite=Lax"},
};

ObservatoryScore score(Headers headers, bool https = true, std::string_view body = "") {
  ObservatoryInput input;
  input.status = 200;
  input.headers = std::move(headers);
  input.body = body;
  input.https = https;
  input.origin = https ? "https://portal.test" : "http://portal.test";
  return score_observatory(input);
}

const ObservatoryTest& test_of(const ObservatoryScore& s, std::string_view id) {
  for (const auto& t : s.tests)
    if (t.test == id)
      return t;
  static const ObservatoryTest none;
  ADD_FAILURE() << "no test " << id;
  return none;
}

Headers with(Headers h, const std::string& name, const std::string& value) {
  for (auto& [n, v] : h)
    if (n == name) {
      v = value;
      return h;
    }
  h.emplace_back(name, value);
  return h;
}

Headers without(Headers h, const std::string& name) {
  std::erase_if(h, [&](const auto& p) { return p.first == name; });
  return h;
}

TEST(Observatory, GradingChartFollowsThePublishedRanges) {
  EXPECT_EQ(observatory_grade(135), "A+");
  EXPECT_EQ(observatory_grade(100), "A+");
  EXPECT_EQ(observatory_grade(99), "A");
  EXPECT_EQ(observatory_grade(85), "A-");
  EXPECT_EQ(observatory_grade(84), "B+");
  EXPECT_EQ(observatory_grade(70), "B");
  EXPECT_EQ(observatory_grade(65), "B-");
  EXPECT_EQ(observatory_grade(60), "C+");
  EXPECT_EQ(observatory_grade(50), "C");
  EXPECT_EQ(observatory_grade(45), "C-");
  EXPECT_EQ(observatory_grade(40), "D+");
  EXPECT_EQ(observatory_grade(30), "D");
  EXPECT_EQ(observatory_grade(25), "D-");
  EXPECT_EQ(observatory_grade(24), "F");
  EXPECT_EQ(observatory_grade(0), "F");
  EXPECT_EQ(observatory_modifier("csp-not-implemented"), -25);
  EXPECT_EQ(observatory_modifier("no-such-result"), 0);
}

TEST(Observatory, TheHardenedPortalGradesAPlus) {
  auto s = score(k_hardened);
  EXPECT_EQ(s.penalties, 0);
  // CSP without unsafe sources +5, cookies Secure/HttpOnly/SameSite +5, a private
  // Referrer-Policy +5, frame-ancestors +5.
  EXPECT_EQ(s.bonuses, 20);
  EXPECT_EQ(s.score, 120);
  EXPECT_EQ(s.grade, "A+");
  EXPECT_EQ(test_of(s, "redirection").judged, false);
  EXPECT_EQ(test_of(s, "x-frame-options").result, "x-frame-options-implemented-via-csp");
  EXPECT_EQ(test_of(s, "cookies").result, "cookies-secure-with-httponly-sessions-and-samesite");
}

TEST(Observatory, OverPlainHttpHstsCannotApply) {
  auto s = score(without(k_hardened, "Set-Cookie"), false);
  EXPECT_EQ(test_of(s, "strict-transport-security").result, "hsts-not-implemented-no-https");
  EXPECT_EQ(s.score, 80); // 100 - 20: under 90, so the bonuses do not count
  EXPECT_EQ(s.grade, "B+");
}

TEST(Observatory, NoHeadersAtAllIsAFailingGrade) {
  auto s = score({}, true);
  // CSP -25, X-Frame-Options -20, HSTS -20, X-Content-Type-Options -5; the redirection test
  // (-20 more on Observatory itself) is left to domain.https-redirect.
  EXPECT_EQ(s.penalties, -70);
  EXPECT_EQ(s.score, 30);
  EXPECT_EQ(s.grade, "D");
  EXPECT_EQ(test_of(s, "subresource-integrity").result, "sri-not-implemented-response-not-html");
}

TEST(Observatory, UnsafeInlineAndUnsafeEvalInScripts) {
  auto inline_ = score(with(k_hardened, "Content-Security-Policy",
                            "default-src 'self'; script-src 'self' 'unsafe-inline'"));
  EXPECT_EQ(test_of(inline_, "content-security-policy").result,
            "csp-implemented-with-unsafe-inline");
  EXPECT_EQ(test_of(inline_, "content-security-policy").modifier, -20);
  EXPECT_EQ(inline_.score, 80);
  // A nonce makes browsers ignore 'unsafe-inline' (CSP2 and later).
  auto nonce = score(with(k_hardened, "Content-Security-Policy",
                          "default-src 'self'; script-src 'nonce-abc' 'unsafe-inline'"));
  EXPECT_EQ(test_of(nonce, "content-security-policy").result, "csp-implemented-with-no-unsafe");
  auto eval = score(with(k_hardened, "Content-Security-Policy",
                         "default-src 'self'; script-src 'self' 'unsafe-eval'"));
  EXPECT_EQ(test_of(eval, "content-security-policy").modifier, -10);
  auto none = score(with(k_hardened, "Content-Security-Policy",
                         "default-src 'none'; script-src 'self'; frame-ancestors 'none'"));
  EXPECT_EQ(test_of(none, "content-security-policy").modifier, 10);
  auto report_only = score(without(k_hardened, "Content-Security-Policy"));
  EXPECT_EQ(test_of(report_only, "content-security-policy").result, "csp-not-implemented");
  auto broad =
      score(with(k_hardened, "Content-Security-Policy", "default-src 'self'; object-src *"));
  EXPECT_EQ(test_of(broad, "content-security-policy").result, "csp-implemented-with-unsafe-inline");
  auto http_img =
      score(with(k_hardened, "Content-Security-Policy", "default-src 'self'; img-src http:"));
  EXPECT_EQ(test_of(http_img, "content-security-policy").modifier, -10);
}

TEST(Observatory, CookiesWithoutSecureOverHttps) {
  auto no_hsts = without(k_hardened, "Strict-Transport-Security");
  auto session = score(with(no_hsts, "Set-Cookie", "session=abc; HttpOnly; SameSite=Lax"));
  EXPECT_EQ(test_of(session, "cookies").result, "cookies-session-without-secure-flag");
  EXPECT_EQ(test_of(session, "cookies").modifier, -40);
  auto hsts = score(with(k_hardened, "Set-Cookie", "session=abc; HttpOnly; SameSite=Lax"));
  EXPECT_EQ(test_of(hsts, "cookies").modifier, -10);
  auto plain = score(with(no_hsts, "Set-Cookie", "theme=dark; SameSite=Lax"));
  EXPECT_EQ(test_of(plain, "cookies").result, "cookies-without-secure-flag");
  auto script_readable = score(with(k_hardened, "Set-Cookie", "sid=1; Secure; SameSite=Strict"));
  EXPECT_EQ(test_of(script_readable, "cookies").modifier, -30);
  auto none = score(with(k_hardened, "Set-Cookie", "pref=1; Secure; SameSite=None"));
  EXPECT_EQ(test_of(none, "cookies").result, "cookies-samesite-flag-invalid");
  auto deleted = score(with(no_hsts, "Set-Cookie", "session=; Max-Age=0"));
  EXPECT_EQ(test_of(deleted, "cookies").result, "cookies-not-found");
}

TEST(Observatory, ShortHsts) {
  auto s = score(with(k_hardened, "Strict-Transport-Security", "max-age=86400"));
  EXPECT_EQ(test_of(s, "strict-transport-security").result,
            "hsts-implemented-max-age-less-than-six-months");
  EXPECT_EQ(s.score, 110); // 90 after the penalty, so the +20 bonuses still count
  auto invalid = score(with(k_hardened, "Strict-Transport-Security", "max-age=1; max-age=2"));
  EXPECT_EQ(test_of(invalid, "strict-transport-security").result, "hsts-header-invalid");
}

TEST(Observatory, BonusesCountOnlyFromNinety) {
  auto h = with(k_hardened, "Strict-Transport-Security", "max-age=86400");
  h = without(h, "X-Content-Type-Options");
  auto s = score(h);
  EXPECT_EQ(s.penalties, -15);
  EXPECT_EQ(s.bonuses, 20);
  EXPECT_EQ(s.score, 85);
  EXPECT_EQ(s.grade, "A-");
}

TEST(Observatory, SubresourceIntegrityOnCrossOriginScripts) {
  const std::string cdn = R"(<html><script src="https://cdn.example/lib.js"></script>)";
  auto bare = score(k_hardened, true, cdn);
  EXPECT_EQ(test_of(bare, "subresource-integrity").result,
            "sri-not-implemented-but-external-scripts-loaded-securely");
  EXPECT_EQ(test_of(bare, "subresource-integrity").modifier, -5);
  auto pinned =
      score(k_hardened, true,
            R"(<SCRIPT integrity="sha384-x" crossorigin src=//cdn.example/l.js></SCRIPT>)");
  EXPECT_EQ(test_of(pinned, "subresource-integrity").modifier, 5);
  auto http = score(k_hardened, true, R"(<script src='http://cdn.example/lib.js'></script>)");
  EXPECT_EQ(test_of(http, "subresource-integrity").modifier, -50);
  auto own = score(k_hardened, true,
                   R"(<script src="/app.js"></script><script src="https://portal.test/b.js">)");
  EXPECT_EQ(test_of(own, "subresource-integrity").result,
            "sri-not-implemented-but-all-scripts-loaded-from-secure-origin");
  // Comments and script text hold no tags.
  auto hidden = score(k_hardened, true,
                      "<!-- <script src=\"http://x.example/a.js\"></script> -->"
                      "<script>var s = '<script src=http://x.example/b.js>';</script>");
  EXPECT_EQ(test_of(hidden, "subresource-integrity").result,
            "sri-not-implemented-but-no-scripts-loaded");
  auto json = score(with(k_hardened, "Content-Type", "application/json"), true, cdn);
  EXPECT_EQ(test_of(json, "subresource-integrity").result, "sri-not-implemented-response-not-html");
}

TEST(Observatory, CorsAndCorp) {
  auto pub = score(with(k_hardened, "Access-Control-Allow-Origin", "*"));
  EXPECT_EQ(test_of(pub, "cross-origin-resource-sharing").modifier, 0);
  auto null_origin = score(with(with(k_hardened, "Access-Control-Allow-Origin", "null"),
                                "Access-Control-Allow-Credentials", "true"));
  EXPECT_EQ(test_of(null_origin, "cross-origin-resource-sharing").modifier, -50);
  auto corp = score(with(k_hardened, "Cross-Origin-Resource-Policy", "cross-origin"));
  EXPECT_EQ(test_of(corp, "cross-origin-resource-policy").modifier, -20);
  auto same = score(with(k_hardened, "Cross-Origin-Resource-Policy", "same-origin"));
  EXPECT_EQ(test_of(same, "cross-origin-resource-policy").modifier, 0);
}

TEST(Observatory, TheScoreHasAFloorOfZero) {
  Headers h = {{"Content-Type", "text/html"},
               {"Set-Cookie", "session=1"},
               {"Access-Control-Allow-Origin", "null"},
               {"Access-Control-Allow-Credentials", "true"},
               {"Referrer-Policy", "unsafe-url"}};
  auto s = score(h, false, R"(<script src="http://cdn.example/a.js"></script>)");
  EXPECT_LT(s.penalties, -100);
  EXPECT_EQ(s.score, 0);
  EXPECT_EQ(s.grade, "F");
}

} // namespace
} // namespace lg::analyze

namespace lg::checks {
namespace {

CheckResult run_headers(test::FakeHttp& http, const std::string& base = "https://portal.test") {
  auto config = parse_config("target:\n  base_url: " + base + "\n  max_rps: 1000\n", "t", "");
  EXPECT_TRUE(config) << config.error().message;
  test::FakeClock clock;
  engine::Context context(*config, {http, clock}, {});
  const auto& impls = implementations();
  auto impl = std::find_if(impls.begin(), impls.end(),
                           [](const Implementation& i) { return i.id == "domain.headers"; });
  return impl->run(context, *find_check("domain.headers"));
}

const std::vector<std::pair<std::string, std::string>> k_good = {
    {"Content-Type", "text/html"},
    {"Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"Strict-Transport-Security", "max-age=31536000"}};

net::HttpResponse good(std::string body = "", std::string cookie = "") {
  auto r = test::respond(200, std::move(body));
  for (const auto& [n, v] : k_good)
    r.headers.push_back({n, v});
  if (!cookie.empty())
    r.headers.push_back({"Set-Cookie", cookie});
  return r;
}

TEST(HeadersObservatory, APassReportsTheScoreAndItsTests) {
  test::FakeHttp http;
  http.handler = [](const net::HttpRequest&) { return good(); };
  auto r = run_headers(http);
  ASSERT_EQ(r.status, Status::pass) << r.reason;
  EXPECT_NE(r.reason.find("Observatory-style score 115/100, grade A+"), std::string::npos)
      << r.reason;
  ASSERT_TRUE(r.measurements.is_array());
  ASSERT_EQ(r.measurements.size(), 11u) << r.measurements.dump();
  EXPECT_EQ(r.measurements[0]["grade"], "A+");
  EXPECT_EQ(r.measurements[1]["test"], "content-security-policy");
  EXPECT_EQ(r.measurements[1]["modifier"], 5);
}

TEST(HeadersObservatory, AFailingGradeFailsWhenTheHeadersAloneWouldNot) {
  // Every header is right, but the page sets a session cookie readable by scripts over a
  // connection without Secure and loads a script from another host over plain HTTP.
  test::FakeHttp http;
  http.handler = [](const net::HttpRequest&) {
    return good(R"(<script src="http://cdn.example/a.js"></script>)", "session=1; SameSite=Lax");
  };
  auto r = run_headers(http);
  ASSERT_EQ(r.status, Status::fail) << r.reason;
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].evidence["grade"], "F");
  EXPECT_NE(r.findings[0].message.find("Observatory-style grade F (score 20/100)"),
            std::string::npos)
      << r.findings[0].message;
  EXPECT_NE(r.findings[0].message.find("subresource-integrity -50"), std::string::npos);
  EXPECT_FALSE(r.measurements.empty());
}

TEST(HeadersObservatory, AGradeOfCWarns) {
  test::FakeHttp http;
  http.handler = [](const net::HttpRequest&) {
    return good(R"(<script src="http://cdn.example/a.js"></script>)");
  };
  auto r = run_headers(http);
  EXPECT_EQ(r.status, Status::warn) << r.reason;
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].evidence["grade"], "C");
}

TEST(HeadersObservatory, HeaderProblemsStayTheFindingsWhenTheyAlreadyFail) {
  test::FakeHttp http;
  http.handler = [](const net::HttpRequest&) { return test::respond(200, "<p>hi</p>"); };
  auto r = run_headers(http, "http://portal.test");
  ASSERT_EQ(r.status, Status::fail);
  for (const auto& f : r.findings)
    EXPECT_NE(f.evidence["header"], "Observatory-style grade") << f.message;
  EXPECT_NE(r.reason.find("Observatory-style score 30/100, grade D"), std::string::npos)
      << r.reason;
  EXPECT_FALSE(r.measurements.empty());
}

} // namespace
} // namespace lg::checks
