// Pure analyzers: Set-Cookie, security headers, OpenAPI operations and patterns, JSON paths.

#include "analyze/cookies.hpp"
#include "analyze/headers.hpp"
#include "analyze/jsonpath.hpp"
#include "analyze/openapi.hpp"

#include <gtest/gtest.h>

namespace lg::analyze {
namespace {

TEST(Cookies, ParsesAttributesCaseInsensitively) {
  auto c = parse_set_cookie("sid=abc=def; path=/; HTTPONLY; secure; samesite=Strict; Max-Age=60");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->name, "sid");
  EXPECT_EQ(c->value, "abc=def");
  EXPECT_TRUE(c->http_only);
  EXPECT_TRUE(c->secure);
  EXPECT_EQ(c->same_site, "Strict");
  EXPECT_EQ(c->max_age, 60);
  EXPECT_TRUE(judge_session_cookie(*c).empty());
}

TEST(Cookies, HeaderWithoutPairIsIgnored) {
  EXPECT_FALSE(parse_set_cookie("HttpOnly; Secure"));
  EXPECT_FALSE(parse_set_cookie("=value"));
}

TEST(Cookies, MissingFlagsAreEachAProblem) {
  auto c = parse_set_cookie("session=x; Path=/");
  ASSERT_TRUE(c);
  auto problems = judge_session_cookie(*c);
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0].attribute, "HttpOnly");
  EXPECT_EQ(problems[1].attribute, "Secure");
  EXPECT_EQ(problems[2].attribute, "SameSite");
}

TEST(Cookies, SameSiteNoneIsAWeaknessWithSecureAndAFailWithout) {
  auto with = judge_session_cookie(*parse_set_cookie("s=x; HttpOnly; Secure; SameSite=None"));
  ASSERT_EQ(with.size(), 1u);
  EXPECT_FALSE(with[0].serious);
  auto bogus = judge_session_cookie(*parse_set_cookie("s=x; HttpOnly; Secure; SameSite=Maybe"));
  ASSERT_EQ(bogus.size(), 1u);
  EXPECT_TRUE(bogus[0].serious);
}

TEST(Cookies, Deletion) {
  EXPECT_TRUE(is_deletion(*parse_set_cookie("s=; Max-Age=0")));
  EXPECT_TRUE(is_deletion(*parse_set_cookie("s=; Expires=Thu, 01 Jan 1970 00:00:00 GMT")));
  EXPECT_FALSE(is_deletion(*parse_set_cookie("s=v; Max-Age=10")));
}

using Headers = std::vector<std::pair<std::string, std::string>>;

const Headers k_good = {{"content-security-policy", "default-src 'self'; frame-ancestors 'none'"},
                        {"X-Content-Type-Options", "nosniff"},
                        {"Referrer-Policy", "strict-origin-when-cross-origin"},
                        {"Strict-Transport-Security", "max-age=63072000; includeSubDomains"}};

TEST(Headers, AGoodSetHasNoProblemOverHttps) {
  EXPECT_TRUE(judge_security_headers(k_good, true).empty());
}

TEST(Headers, NothingSentIsFourSeriousProblemsAndHstsOnlyOnHttps) {
  auto http = judge_security_headers({}, false);
  ASSERT_EQ(http.size(), 4u);
  for (const auto& p : http)
    EXPECT_TRUE(p.serious) << p.header;
  auto https = judge_security_headers({}, true);
  ASSERT_EQ(https.size(), 5u);
  EXPECT_EQ(https.back().header, "Strict-Transport-Security");
}

TEST(Headers, XFrameOptionsStandsInForFrameAncestors) {
  Headers h = {{"Content-Security-Policy", "default-src 'self'"},
               {"X-Frame-Options", "SAMEORIGIN"},
               {"X-Content-Type-Options", "nosniff"},
               {"Referrer-Policy", "no-referrer"}};
  EXPECT_TRUE(judge_security_headers(h, false).empty());
  h[1].second = "ALLOW-FROM https://x.test";
  auto p = judge_security_headers(h, false);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].header, "X-Frame-Options");
}

TEST(Headers, WeakPoliciesAreWarningsNotFailures) {
  Headers h = {
      {"Content-Security-Policy", "script-src 'self' 'unsafe-inline'; frame-ancestors 'self'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer, unsafe-url"},
      {"Strict-Transport-Security", "max-age=300"}};
  auto p = judge_security_headers(h, true);
  ASSERT_EQ(p.size(), 3u);
  for (const auto& x : p)
    EXPECT_FALSE(x.serious) << x.header << ": " << x.message;
}

TEST(Headers, NonceMakesUnsafeInlineHarmlessAndReportOnlyIsNotEnforced) {
  Headers h = {
      {"Content-Security-Policy", "script-src 'nonce-abc' 'unsafe-inline'; frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "same-origin"}};
  EXPECT_TRUE(judge_security_headers(h, false).empty());
  Headers ro = {{"Content-Security-Policy-Report-Only", "default-src 'self'"}};
  auto p = judge_security_headers(ro, false);
  ASSERT_FALSE(p.empty());
  EXPECT_NE(p[0].message.find("Report-Only"), std::string::npos);
}

TEST(Headers, HstsMaxAgeZeroSwitchesItOff) {
  Headers h = k_good;
  h[3].second = "max-age=0";
  auto p = judge_security_headers(h, true);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_TRUE(p[0].serious);
}

TEST(Headers, CspParserKeepsTheFirstDirective) {
  auto csp = parse_csp("Script-Src a b;  script-src c ; ; default-src 'self'");
  EXPECT_EQ(csp["script-src"], (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(csp.size(), 2u);
}

TEST(OpenApi, ReadsOperationsWithEffectiveSecurity) {
  auto doc = nlohmann::json::parse(R"({
    "openapi": "3.0.3", "security": [{"cookieAuth": []}],
    "paths": {
      "/api/health": {"get": {"security": []}},
      "/api/records/{id}": {"get": {}, "delete": {"x-admin-only": true}, "parameters": []},
      "/api/optional": {"get": {"security": [{}, {"bearer": []}]}}
    }})");
  auto ops = parse_openapi(doc);
  ASSERT_TRUE(ops) << ops.error().message;
  ASSERT_EQ(ops->size(), 4u);
  EXPECT_EQ((*ops)[0].method, "GET");
  EXPECT_TRUE((*ops)[0].spec_public);
  EXPECT_FALSE((*ops)[2].spec_public);
  EXPECT_EQ((*ops)[2].path_params, std::vector<std::string>{"id"});
  EXPECT_EQ((*ops)[3].method, "DELETE");
  EXPECT_TRUE((*ops)[3].spec_admin);
  EXPECT_EQ((*ops)[1].path, "/api/optional");
  EXPECT_TRUE((*ops)[1].spec_public); // {} means "no auth is one of the options"
}

TEST(OpenApi, RejectsWhatIsNotOpenApi3) {
  EXPECT_FALSE(parse_openapi(nlohmann::json::parse(R"({"swagger": "2.0", "paths": {}})")));
  EXPECT_FALSE(parse_openapi(nlohmann::json::parse(R"({"openapi": "3.0.0"})")));
  EXPECT_FALSE(parse_openapi(nlohmann::json::parse("[1]")));
}

TEST(Patterns, MethodsSegmentsAndGlobs) {
  EXPECT_TRUE(pattern_matches("/api/admin/**", "GET", "/api/admin/users"));
  EXPECT_TRUE(pattern_matches("/api/admin/**", "POST", "/api/admin/a/b/c"));
  EXPECT_TRUE(pattern_matches("/api/admin/**", "GET", "/api/admin"));
  EXPECT_FALSE(pattern_matches("/api/admin/**", "GET", "/api/administrators"));
  EXPECT_TRUE(pattern_matches("DELETE /api/users/*", "DELETE", "/api/users/{id}"));
  EXPECT_FALSE(pattern_matches("DELETE /api/users/*", "GET", "/api/users/{id}"));
  EXPECT_FALSE(pattern_matches("/api/users/*", "GET", "/api/users/{id}/roles"));
  EXPECT_TRUE(pattern_matches("post /api/login", "POST", "/api/login"));
  EXPECT_TRUE(pattern_matches("/api/health", "GET", "/api/health?x=1"));
}

TEST(Patterns, EndpointsAndFilling) {
  auto op = parse_endpoint("get /api/records/{id}/notes/{note}");
  ASSERT_TRUE(op);
  EXPECT_EQ(op->method, "GET");
  EXPECT_EQ(op->path_params.size(), 2u);
  EXPECT_EQ(fill_path(op->path, "7"), "/api/records/7/notes/7");
  EXPECT_FALSE(parse_endpoint("/api/records"));
  EXPECT_FALSE(parse_endpoint("GET api"));
}

TEST(JsonPath, Subset) {
  auto doc = nlohmann::json::parse(R"({"a": {"b-c": [{"token": "t"}]}, "token": "top"})");
  EXPECT_EQ(*json_path_get(doc, "$.token"), "top");
  EXPECT_EQ(*json_path_get(doc, "$.a['b-c'][0].token"), "t");
  EXPECT_EQ(json_path_get(doc, "$.a.b-c[1]"), nullptr);
  EXPECT_EQ(json_path_get(doc, "token"), nullptr);
  EXPECT_EQ(json_path_get(doc, "$.a[x]"), nullptr);
  EXPECT_EQ(json_path_get(doc, "$"), &doc);
}

} // namespace
} // namespace lg::analyze
