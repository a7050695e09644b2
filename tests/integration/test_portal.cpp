// Integration tests of the sample portal (testbed/): each test starts the real launchgate-portal
// binary on a free loopback port and drives it over HTTP with libcurl — health, OpenAPI, login,
// sessions, org isolation, record CRUD and search, admin roles, logout, password reset and invites
// through an in-process SMTP sink, the session gate (login throttling, lifetimes, fixation, CORS,
// CSRF, JWT sessions), the JSON access log (request ids, no secrets) and the health probe — then
// checks that each --flaw changes exactly its behaviour.

#include "integration/test_portal_support.hpp"
#include "util/text.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

namespace {

using nlohmann::json;
using portal_test::bearer;
using portal_test::cookie;
using portal_test::HttpClient;
using portal_test::HttpResponse;
using portal_test::PortalProcess;
using portal_test::SmtpSink;

#ifdef LG_PORTAL_BIN
const std::string k_portal_bin = LG_PORTAL_BIN;
#else
const std::string k_portal_bin;
#endif
const std::string k_password = "portal-demo-password";

json parse(const HttpResponse& res) {
  return json::parse(res.body, nullptr, false);
}

std::string login_body(const std::string& email, const std::string& password) {
  return json{{"email", email}, {"password", password}}.dump();
}

// `text` percent-encoded for a query string (RFC 3986 unreserved characters kept).
std::string url_encode(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
        (byte >= '0' && byte <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      constexpr std::string_view k_hex = "0123456789ABCDEF";
      out += '%';
      out += k_hex[byte >> 4u];
      out += k_hex[byte & 15u];
    }
  }
  return out;
}

// The seeded ids: orgs acme 1 and globex 2; users alice 1, bob 2 (acme), carol 3, dave 4 (globex).
constexpr std::int64_t k_acme_id = 1;
constexpr std::int64_t k_globex_id = 2;

class PortalTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (k_portal_bin.empty() || !std::filesystem::exists(k_portal_bin)) {
      GTEST_SKIP() << "launchgate-portal binary not found: " << k_portal_bin;
    }
  }

  void TearDown() override {
    m_portal.stop();
    m_portal.remove_log();
  }

  // Starts the portal with `args` (plus a small seed unless given) and points `m_http` at it.
  void start(std::vector<std::string> args = {}) {
    ASSERT_TRUE(m_portal.start(k_portal_bin, args)) << m_portal.error();
    ASSERT_EQ(m_portal.url().rfind("http://127.0.0.1:", 0), 0u) << m_portal.url();
    m_http = HttpClient(m_portal.url());
  }

  HttpResponse login_response(const std::string& email, const std::string& password = k_password) {
    return m_http.request("POST", "/api/login", login_body(email, password));
  }

  // A session token for `email`; fails the test if login does not succeed.
  std::string login(const std::string& email, const std::string& password = k_password) {
    const auto res = login_response(email, password);
    EXPECT_EQ(res.status, 200) << res.body;
    const auto body = parse(res);
    return body.is_object() && body.contains("token") ? body["token"].get<std::string>() : "";
  }

  HttpResponse get(const std::string& path, const std::string& token = {}) const {
    return m_http.request("GET", path, std::nullopt,
                          token.empty() ? std::vector<std::string>{} : std::vector{bearer(token)});
  }
  HttpResponse send(const std::string& method, const std::string& path, const json& body,
                    const std::string& token = {}) const {
    return m_http.request(method, path, body.dump(),
                          token.empty() ? std::vector<std::string>{} : std::vector{bearer(token)});
  }

  // The id of some record of `token`'s org.
  std::int64_t first_record_id(const std::string& token) {
    const auto body = parse(get("/api/records?limit=1", token));
    return body["records"].at(0)["id"].get<std::int64_t>();
  }

  HttpResponse search(const std::string& query, const std::string& token) const {
    return get("/api/search?q=" + url_encode(query), token);
  }
  // The results of a successful search; fails the test on another status.
  json search_results(const std::string& query, const std::string& token) const {
    const auto res = search(query, token);
    EXPECT_EQ(res.status, 200) << query << ": " << res.body;
    const auto body = parse(res);
    return body.is_object() && body.contains("results") ? body["results"] : json::array();
  }
  // The orgs of the rows of a successful search.
  std::set<std::string> search_orgs(const std::string& query, const std::string& token) const {
    std::set<std::string> orgs;
    for (const auto& row : search_results(query, token)) {
      orgs.insert(row["org"].get<std::string>());
    }
    return orgs;
  }

  HttpResponse patch_me(const json& body, const std::string& token = {}) const {
    return send("PATCH", "/api/me", body, token);
  }

  PortalProcess m_portal;
  HttpClient m_http;
};

void expect_security_headers(const HttpResponse& res) {
  EXPECT_EQ(res.header("Content-Security-Policy"),
            "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  EXPECT_EQ(res.header("X-Frame-Options"), "DENY");
  EXPECT_EQ(res.header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(res.header("Referrer-Policy"), "strict-origin-when-cross-origin");
  EXPECT_EQ(res.header("Cache-Control"), "no-store");
}

void expect_secure_cookie(const std::string& set_cookie) {
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("Secure"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("SameSite=Lax"), std::string::npos) << set_cookie;
}

// The access-log lines in `log` (the lines that start with '{'), parsed; an invalid one is a
// discarded value, so that a test can tell.
std::vector<json> access_lines(const std::string& log) {
  std::vector<json> lines;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.front() == '{') {
      lines.push_back(json::parse(line, nullptr, false));
    }
  }
  return lines;
}

// The first access-log line of `method` `path` with `status`, waiting up to 5 s for it (the line
// is written just after the response); null when none comes.
json wait_for_access(const PortalProcess& portal, const std::string& method,
                     const std::string& path, int status) {
  const auto deadline = portal_test::Clock::now() + std::chrono::seconds(5);
  do {
    for (const auto& line : access_lines(portal.stderr_text())) {
      if (line.is_object() && line.value("method", "") == method &&
          line.value("path", "") == path && line.value("status", 0) == status) {
        return line;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  } while (portal_test::Clock::now() < deadline);
  return nullptr;
}

// The token of the first "/PATH?token=HEX" link in a mail.
std::string link_token(const std::string& mail, const std::string& path) {
  const std::regex link(path + R"(\?token=([0-9a-f]{64}))");
  std::smatch match;
  return std::regex_search(mail, match, link) ? match[1].str() : "";
}

TEST_F(PortalTest, HealthIsPublicAndCarriesSecurityHeaders) {
  start();
  const auto res = get("/api/health");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(parse(res), json({{"status", "ok"}, {"database", "ok"}}));
  EXPECT_EQ(res.header("Content-Type"), "application/json");
  expect_security_headers(res);
  EXPECT_FALSE(res.has_header("Strict-Transport-Security"));
}

TEST_F(PortalTest, UnknownRouteAnswersJson404WithHeaders) {
  start();
  const auto res = get("/api/nope");
  EXPECT_EQ(res.status, 404);
  EXPECT_TRUE(parse(res).contains("error"));
  expect_security_headers(res);
}

TEST_F(PortalTest, OpenApiDescribesEveryOperationAndItsSecurity) {
  start();
  const auto res = get("/openapi.json");
  ASSERT_EQ(res.status, 200);
  const auto doc = parse(res);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["openapi"], "3.0.3");
  const auto& paths = doc["paths"];
  for (const auto* path : {"/api/health", "/openapi.json", "/api/login", "/api/logout", "/api/me",
                           "/api/search", "/api/records", "/api/records/{id}", "/api/admin/users",
                           "/api/admin/invites", "/api/admin/audit-log", "/api/password-reset",
                           "/api/password-reset/confirm", "/api/invites/accept"}) {
    EXPECT_TRUE(paths.contains(path)) << path;
  }
  EXPECT_EQ(paths["/api/health"]["get"]["security"], json::array());
  EXPECT_EQ(paths["/api/login"]["post"]["security"], json::array());
  EXPECT_EQ(paths["/api/password-reset"]["post"]["security"], json::array());
  const json both = json::array({{{"cookieAuth", json::array()}}, {{"bearerAuth", json::array()}}});
  EXPECT_EQ(paths["/api/records/{id}"]["get"]["security"], both);
  EXPECT_EQ(paths["/api/logout"]["post"]["security"], both);
  EXPECT_EQ(paths["/api/records/{id}"]["get"]["parameters"][0]["name"], "id");
  EXPECT_TRUE(paths["/api/records"]["post"].contains("requestBody"));
  EXPECT_EQ(paths["/api/admin/users"]["get"]["x-admin-only"], true);
  EXPECT_FALSE(paths["/api/records"]["get"].contains("x-admin-only"));
  const auto& schemes = doc["components"]["securitySchemes"];
  EXPECT_EQ(schemes["cookieAuth"]["in"], "cookie");
  EXPECT_EQ(schemes["cookieAuth"]["name"], "session");
  EXPECT_EQ(schemes["bearerAuth"]["scheme"], "bearer");
}

TEST_F(PortalTest, OpenApiDescribesProfileSearchAndReadOnlyFields) {
  start();
  const auto doc = parse(get("/openapi.json"));
  const auto& paths = doc["paths"];
  const auto& patch = paths["/api/me"]["patch"];
  EXPECT_EQ(patch["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ProfileUpdate");
  EXPECT_TRUE(patch["responses"].contains("204"));
  const auto& schemas = doc["components"]["schemas"];
  EXPECT_EQ(schemas["ProfileUpdate"]["required"], json::array({"name"}));
  EXPECT_EQ(schemas["ProfileUpdate"]["properties"]["name"]["maxLength"], 100);
  EXPECT_FALSE(schemas["ProfileUpdate"].contains("additionalProperties"));

  const auto& search_op = paths["/api/search"]["get"];
  ASSERT_EQ(search_op["parameters"].size(), 1u);
  EXPECT_EQ(search_op["parameters"][0]["name"], "q");
  EXPECT_EQ(search_op["parameters"][0]["in"], "query");
  EXPECT_EQ(search_op["parameters"][0]["required"], true);
  EXPECT_EQ(search_op["parameters"][0]["schema"]["minLength"], 1);
  EXPECT_EQ(search_op["parameters"][0]["schema"]["maxLength"], 200);

  for (const auto* field : {"id", "org", "org_id", "role", "created_at"}) {
    EXPECT_EQ(schemas["User"]["properties"][field]["readOnly"], true) << field;
  }
  for (const auto* field : {"email", "name"}) {
    EXPECT_FALSE(schemas["User"]["properties"][field].contains("readOnly")) << field;
  }
  for (const auto* field :
       {"id", "org", "org_id", "owner", "owner_id", "created_at", "updated_at"}) {
    EXPECT_EQ(schemas["Record"]["properties"][field]["readOnly"], true) << field;
  }
  for (const auto* field : {"title", "body"}) {
    EXPECT_FALSE(schemas["Record"]["properties"][field].contains("readOnly")) << field;
  }
  // The org_id filter is not part of the API (only the filter-tampering flaw reads it).
  for (const auto& param : paths["/api/records"]["get"]["parameters"]) {
    EXPECT_NE(param["name"], "org_id");
  }
}

TEST_F(PortalTest, JsonCarriesIdsAndNames) {
  start();
  const struct {
    const char* email;
    std::int64_t id;
    std::int64_t org_id;
    const char* name;
  } seeded[] = {{"alice@acme.test", 1, k_acme_id, "Alice Anders"},
                {"bob@acme.test", 2, k_acme_id, "Bob Brennan"},
                {"carol@globex.test", 3, k_globex_id, "Carol Castillo"},
                {"dave@globex.test", 4, k_globex_id, "Dave Dimitrov"}};
  for (const auto& user : seeded) {
    const auto res = login_response(user.email);
    ASSERT_EQ(res.status, 200) << res.body;
    const auto body = parse(res)["user"];
    EXPECT_EQ(body["id"], user.id) << user.email;
    EXPECT_EQ(body["org_id"], user.org_id) << user.email;
    EXPECT_EQ(body["name"], user.name) << user.email;
    EXPECT_EQ(parse(get("/api/me", parse(res)["token"].get<std::string>())), body);
  }
  const auto alice = login("alice@acme.test");
  const auto users = parse(get("/api/admin/users", alice));
  ASSERT_EQ(users["users"].size(), 2u);
  for (const auto& user : users["users"]) {
    EXPECT_EQ(user["org_id"], k_acme_id);
    EXPECT_TRUE(user.contains("name"));
    EXPECT_TRUE(user.contains("created_at"));
  }
  const auto records = parse(get("/api/records?limit=200", alice))["records"];
  ASSERT_FALSE(records.empty());
  for (const auto& record : records) {
    EXPECT_EQ(record["org_id"], k_acme_id);
    const auto owner = record["owner"] == "alice@acme.test" ? 1 : 2;
    EXPECT_EQ(record["owner_id"], owner) << record.dump();
  }
}

TEST_F(PortalTest, SeededRecordsTellTheirOrgApart) {
  start();
  std::set<std::string> acme_texts;
  const auto acme = parse(get("/api/records?limit=200", login("bob@acme.test")));
  for (const auto& record : acme["records"]) {
    acme_texts.insert(record["title"].get<std::string>());
    acme_texts.insert(record["body"].get<std::string>());
  }
  ASSERT_FALSE(acme_texts.empty());
  const auto globex = parse(get("/api/records?limit=200", login("carol@globex.test")))["records"];
  ASSERT_EQ(globex.size(), 50u);
  for (const auto& record : globex) {
    EXPECT_EQ(acme_texts.count(record["title"].get<std::string>()), 0u) << record["title"];
    EXPECT_EQ(acme_texts.count(record["body"].get<std::string>()), 0u) << record["body"];
  }
}

TEST_F(PortalTest, PatchMeChangesOnlyTheName) {
  start();
  const auto bob = login("bob@acme.test");
  const auto before = parse(get("/api/me", bob));
  const auto res = patch_me({{"name", "Robert Brennan"}}, bob);
  EXPECT_EQ(res.status, 204) << res.body;
  EXPECT_TRUE(res.body.empty());
  EXPECT_EQ(parse(get("/api/me", bob))["name"], "Robert Brennan");
  const std::string hundred = "\u00e9" + std::string(99, 'n'); // 100 characters, 101 bytes
  EXPECT_EQ(patch_me({{"name", hundred}}, bob).status, 204);
  EXPECT_EQ(parse(get("/api/me", bob))["name"], hundred);
  EXPECT_EQ(patch_me({{"name", "Bob"},
                      {"role", "admin"},
                      {"org_id", k_globex_id},
                      {"org", "globex"},
                      {"id", 4},
                      {"email", "boss@acme.test"}},
                     bob)
                .status,
            204);
  auto after = parse(get("/api/me", bob));
  EXPECT_EQ(after["name"], "Bob");
  after["name"] = before["name"];
  EXPECT_EQ(after, before);
  EXPECT_NE(get("/api/admin/audit-log", login("alice@acme.test")).body.find("profile_update"),
            std::string::npos);
}

TEST_F(PortalTest, PatchMeValidation) {
  start();
  const auto bob = login("bob@acme.test");
  for (const auto& body :
       {json::object(), json{{"name", ""}}, json{{"name", std::string(101, 'x')}},
        json{{"name", 42}}, json{{"name", nullptr}}, json::array({"name"}),
        json{{"role", "admin"}}}) {
    EXPECT_EQ(patch_me(body, bob).status, 400) << body.dump();
  }
  EXPECT_EQ(parse(get("/api/me", bob))["name"], "Bob Brennan");
  EXPECT_EQ(parse(get("/api/me", bob))["role"], "staff");
  const auto malformed = m_http.request("PATCH", "/api/me", "{\"name\": ", {bearer(bob)});
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(parse(malformed)["error"], "malformed JSON");
  EXPECT_EQ(
      m_http
          .request("PATCH", "/api/me", "name=x", {bearer(bob)}, "application/x-www-form-urlencoded")
          .status,
      415);
  EXPECT_EQ(patch_me({{"name", "Mallory"}}).status, 401);
}

TEST_F(PortalTest, SearchFindsTheCallersOrgOnly) {
  start();
  const auto alice = login("alice@acme.test");
  ASSERT_EQ(
      send("POST", "/api/records", {{"title", "Quokka audit"}, {"body", "100% done_now"}}, alice)
          .status,
      201);
  const auto hits = search_results("qUoKkA", alice);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0]["title"], "Quokka audit");
  EXPECT_EQ(hits[0]["org"], "acme");
  EXPECT_EQ(hits[0]["org_id"], k_acme_id);
  EXPECT_EQ(hits[0]["owner"], "alice@acme.test");
  EXPECT_EQ(hits[0].size(), 5u) << hits[0].dump(); // id, org, org_id, title, owner
  EXPECT_EQ(search_results("DONE_NOW", alice).size(), 1u);
  // '_' and '%' are literals, not LIKE wildcards.
  EXPECT_EQ(search_results("done_", alice).size(), 1u);
  EXPECT_EQ(search_results("d_ne", alice).size(), 0u);
  EXPECT_EQ(search_results("0% d", alice).size(), 1u);
  EXPECT_EQ(search_results("Qu%ka", alice).size(), 0u);
  // At most 50 rows, all of the caller's org.
  const auto many = search_results("e", alice);
  EXPECT_EQ(many.size(), 50u);
  for (const auto& row : many) {
    EXPECT_EQ(row["org"], "acme");
  }
  EXPECT_EQ(search_orgs("Gdansk", alice), std::set<std::string>{}); // a globex-only city
  EXPECT_EQ(search_orgs("Gdansk", login("carol@globex.test")), std::set<std::string>{"globex"});
  // Injection attempts are text.
  EXPECT_TRUE(search_results("' OR 1=1 --", alice).empty());
  EXPECT_TRUE(search_results("zz%' OR 1=1 OR '%'='", alice).empty());
}

TEST_F(PortalTest, SearchValidation) {
  start();
  const auto bob = login("bob@acme.test");
  EXPECT_EQ(get("/api/search", bob).status, 400);
  EXPECT_EQ(get("/api/search?q=", bob).status, 400);
  EXPECT_EQ(search(std::string(201, 'x'), bob).status, 400);
  EXPECT_EQ(search(std::string(200, 'x'), bob).status, 200);
  EXPECT_EQ(get("/api/search?q=%FF", bob).status, 400);
  const auto bad = get("/api/search", bob);
  EXPECT_TRUE(parse(bad).contains("error"));
  EXPECT_EQ(search("invoice", "").status, 401);
}

TEST_F(PortalTest, LoginReturnsTokenUserAndSecureCookie) {
  start();
  const auto res = login_response("alice@acme.test");
  ASSERT_EQ(res.status, 200) << res.body;
  const auto body = parse(res);
  const auto token = body["token"].get<std::string>();
  EXPECT_TRUE(std::regex_match(token, std::regex("[0-9a-f]{64}")));
  EXPECT_EQ(body["user"]["email"], "alice@acme.test");
  EXPECT_EQ(body["user"]["org"], "acme");
  EXPECT_EQ(body["user"]["role"], "admin");
  const auto set_cookie = res.header("Set-Cookie");
  EXPECT_EQ(set_cookie.rfind("session=" + token + ";", 0), 0u) << set_cookie;
  expect_secure_cookie(set_cookie);
  EXPECT_NE(set_cookie.find("Max-Age=28800"), std::string::npos);
}

TEST_F(PortalTest, LoginFailuresLookTheSame) {
  start();
  const auto wrong = login_response("alice@acme.test", "not-the-password");
  const auto unknown = login_response("nobody@acme.test", "not-the-password");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.body, unknown.body);
  EXPECT_EQ(parse(wrong)["error"], "invalid email or password");
  EXPECT_FALSE(wrong.has_header("Set-Cookie"));
}

TEST_F(PortalTest, MeWorksWithBearerAndCookieOnly) {
  start();
  const auto token = login("carol@globex.test");
  const auto with_bearer = get("/api/me", token);
  EXPECT_EQ(with_bearer.status, 200);
  EXPECT_EQ(parse(with_bearer)["email"], "carol@globex.test");
  const auto with_cookie = m_http.request("GET", "/api/me", std::nullopt, {cookie(token)});
  EXPECT_EQ(with_cookie.status, 200);
  EXPECT_EQ(parse(with_cookie)["org"], "globex");
  EXPECT_EQ(get("/api/me").status, 401);
  EXPECT_EQ(get("/api/me", std::string(64, 'a')).status, 401);
}

TEST_F(PortalTest, RecordListsAreIsolatedByOrg) {
  start({"--seed-records", "30"});
  const auto alice = parse(get("/api/records?limit=200", login("alice@acme.test")));
  const auto carol = parse(get("/api/records?limit=200", login("carol@globex.test")));
  EXPECT_EQ(alice["total"], 30);
  EXPECT_EQ(carol["total"], 30);
  std::set<std::int64_t> acme_ids;
  for (const auto& record : alice["records"]) {
    EXPECT_EQ(record["org"], "acme");
    acme_ids.insert(record["id"].get<std::int64_t>());
  }
  for (const auto& record : carol["records"]) {
    EXPECT_EQ(record["org"], "globex");
    EXPECT_EQ(acme_ids.count(record["id"].get<std::int64_t>()), 0u);
  }
  EXPECT_EQ(get("/api/records").status, 401);
}

TEST_F(PortalTest, ListPagingAndBadParameters) {
  start({"--seed-records", "12"});
  const auto token = login("bob@acme.test");
  const auto page = parse(get("/api/records?limit=5&offset=10", token));
  EXPECT_EQ(page["total"], 12);
  EXPECT_EQ(page["records"].size(), 2u);
  EXPECT_EQ(get("/api/records?limit=0", token).status, 400);
  EXPECT_EQ(get("/api/records?limit=abc", token).status, 400);
  EXPECT_EQ(get("/api/records?offset=-1", token).status, 400);
}

TEST_F(PortalTest, CreateReadUpdateDelete) {
  start();
  const auto bob = login("bob@acme.test");
  const auto created = send("POST", "/api/records",
                            {{"title", "Call Initech about pallets"},
                             {"body", "Ask for the delivery window."},
                             {"org", "globex"},
                             {"owner", "dave@globex.test"},
                             {"id", 1}},
                            bob);
  ASSERT_EQ(created.status, 201) << created.body;
  const auto record = parse(created);
  EXPECT_EQ(record["org"], "acme");
  EXPECT_EQ(record["owner"], "bob@acme.test");
  EXPECT_EQ(record["title"], "Call Initech about pallets");
  const auto id = record["id"].get<std::int64_t>();
  const auto path = "/api/records/" + std::to_string(id);

  const auto read = get(path, bob);
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(parse(read)["body"], "Ask for the delivery window.");
  for (const auto* key :
       {"id", "org", "org_id", "title", "body", "owner", "owner_id", "created_at", "updated_at"}) {
    EXPECT_TRUE(parse(read).contains(key)) << key;
  }

  const auto updated = send("PUT", path, {{"title", "Called Initech"}, {"body", "Done."}}, bob);
  EXPECT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(parse(get(path, bob))["title"], "Called Initech");

  const auto deleted = m_http.request("DELETE", path, std::nullopt, {bearer(bob)});
  EXPECT_EQ(deleted.status, 204);
  EXPECT_EQ(get(path, bob).status, 404);
}

TEST_F(PortalTest, OnlyAdminOrOwnerMayDelete) {
  start();
  const auto alice = login("alice@acme.test");
  const auto bob = login("bob@acme.test");
  const auto id = parse(send("POST", "/api/records", {{"title", "Alice's note"}}, alice))["id"];
  const auto path = "/api/records/" + std::to_string(id.get<std::int64_t>());
  EXPECT_EQ(m_http.request("DELETE", path, std::nullopt, {bearer(bob)}).status, 403);
  const auto bobs = parse(send("POST", "/api/records", {{"title", "Bob's note"}}, bob))["id"];
  const auto bobs_path = "/api/records/" + std::to_string(bobs.get<std::int64_t>());
  EXPECT_EQ(m_http.request("DELETE", bobs_path, std::nullopt, {bearer(alice)}).status, 204);
  EXPECT_EQ(m_http.request("DELETE", path, std::nullopt, {bearer(alice)}).status, 204);
}

TEST_F(PortalTest, RecordValidation) {
  start();
  const auto bob = login("bob@acme.test");
  EXPECT_EQ(send("POST", "/api/records", {{"title", ""}}, bob).status, 400);
  EXPECT_EQ(send("POST", "/api/records", {{"title", std::string(201, 'x')}}, bob).status, 400);
  EXPECT_EQ(send("POST", "/api/records", {{"title", std::string(200, 'x')}}, bob).status, 201);
  EXPECT_EQ(
      send("POST", "/api/records", {{"title", "t"}, {"body", std::string(10001, 'b')}}, bob).status,
      400);
  EXPECT_EQ(send("POST", "/api/records", {{"title", 42}}, bob).status, 400);
  EXPECT_EQ(send("POST", "/api/records", {{"title", "t"}, {"body", json::array()}}, bob).status,
            400);
  EXPECT_EQ(send("POST", "/api/records", json::array({1, 2}), bob).status, 400);
  const auto malformed = m_http.request("POST", "/api/records", "{\"title\": ", {bearer(bob)});
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(parse(malformed)["error"], "malformed JSON");
  const auto form = m_http.request("POST", "/api/records", "title=x", {bearer(bob)},
                                   "application/x-www-form-urlencoded");
  EXPECT_EQ(form.status, 415);
  const auto huge = m_http.request("POST", "/api/records",
                                   json{{"title", "t"}, {"body", std::string(2 << 20, 'b')}}.dump(),
                                   {bearer(bob)});
  EXPECT_EQ(huge.status, 413);
}

TEST_F(PortalTest, SearchIsCaseInsensitiveAndParameterised) {
  start();
  const auto bob = login("bob@acme.test");
  ASSERT_EQ(
      send("POST", "/api/records", {{"title", "Zebra crossing permit"}, {"body", "x"}}, bob).status,
      201);
  const auto hits = parse(get("/api/records?q=zEbRa", bob));
  ASSERT_EQ(hits["total"], 1);
  EXPECT_EQ(hits["records"][0]["title"], "Zebra crossing permit");
  const auto invoices = parse(get("/api/records?q=invoice&limit=200", bob));
  EXPECT_GT(invoices["total"].get<int>(), 0);
  for (const auto& record : invoices["records"]) {
    const auto text = portal_test::lower(record["title"].get<std::string>() + " " +
                                         record["body"].get<std::string>());
    EXPECT_NE(text.find("invoice"), std::string::npos);
    EXPECT_EQ(record["org"], "acme");
  }
  const auto injection = get("/api/records?q=%27%20OR%201%3D1%20--", bob);
  EXPECT_EQ(injection.status, 200);
  EXPECT_EQ(parse(injection)["total"], 0);
  // '%' is a literal, not a LIKE wildcard: only the meeting notes with "(87%)" match.
  const auto percent = parse(get("/api/records?q=%25&limit=200", bob));
  EXPECT_LT(percent["total"].get<int>(), 50);
  for (const auto& record : percent["records"]) {
    EXPECT_NE(record["body"].get<std::string>().find('%'), std::string::npos);
  }
}

TEST_F(PortalTest, OtherOrgsRecordsAreNotFound) {
  start();
  const auto alice = login("alice@acme.test");
  const auto carol = login("carol@globex.test");
  const auto path = "/api/records/" + std::to_string(first_record_id(alice));
  const auto read = get(path, carol);
  EXPECT_EQ(read.status, 404);
  EXPECT_EQ(read.body, get("/api/records/999999", carol).body);
  EXPECT_EQ(send("PUT", path, {{"title", "mine now"}, {"body", ""}}, carol).status, 404);
  EXPECT_EQ(
      m_http.request("DELETE", path, std::nullopt, {bearer(login("dave@globex.test"))}).status,
      404);
  EXPECT_EQ(get(path, alice).status, 200);
}

TEST_F(PortalTest, StaffGetsForbiddenOnAdmin) {
  start();
  const auto bob = login("bob@acme.test");
  EXPECT_EQ(get("/api/admin/users", bob).status, 403);
  EXPECT_EQ(get("/api/admin/audit-log", bob).status, 403);
  EXPECT_EQ(
      send("POST", "/api/admin/invites", {{"email", "x@acme.test"}, {"role", "staff"}}, bob).status,
      403);
  EXPECT_EQ(get("/api/admin/users").status, 401);
  const auto alice = login("alice@acme.test");
  const auto users = parse(get("/api/admin/users", alice));
  ASSERT_EQ(users["users"].size(), 2u);
  for (const auto& user : users["users"]) {
    EXPECT_EQ(user["org"], "acme");
    EXPECT_FALSE(user.contains("password_hash"));
  }
  const auto audit = get("/api/admin/audit-log", alice);
  ASSERT_EQ(audit.status, 200);
  EXPECT_NE(audit.body.find("\"login\""), std::string::npos);
  EXPECT_EQ(audit.body.find(alice), std::string::npos);
}

TEST_F(PortalTest, LogoutEndsTheSession) {
  start();
  const auto token = login("alice@acme.test");
  const auto res = m_http.request("POST", "/api/logout", std::nullopt, {bearer(token)});
  EXPECT_EQ(res.status, 204);
  const auto set_cookie = res.header("Set-Cookie");
  EXPECT_EQ(set_cookie.rfind("session=;", 0), 0u) << set_cookie;
  EXPECT_NE(set_cookie.find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(get("/api/me", token).status, 401);
  EXPECT_EQ(m_http.request("POST", "/api/logout", std::nullopt, {bearer(token)}).status, 401);
}

TEST_F(PortalTest, PasswordResetMailWorksExactlyOnce) {
  SmtpSink sink;
  ASSERT_NE(sink.port(), 0);
  start({"--smtp", "127.0.0.1:" + std::to_string(sink.port())});
  const auto old_session = login("bob@acme.test");

  const auto unknown = send("POST", "/api/password-reset", {{"email", "nobody@acme.test"}});
  const auto known = send("POST", "/api/password-reset", {{"email", "bob@acme.test"}});
  EXPECT_EQ(known.status, 202);
  EXPECT_EQ(unknown.status, 202);
  EXPECT_EQ(known.body, unknown.body);

  const auto mails = sink.wait_for(1, std::chrono::seconds(10));
  ASSERT_EQ(mails.size(), 1u);
  const auto& mail = mails[0];
  EXPECT_NE(mail.mail_from.find("<no-reply@portal.test>"), std::string::npos);
  ASSERT_EQ(mail.rcpt_to.size(), 1u);
  EXPECT_NE(mail.rcpt_to[0].find("<bob@acme.test>"), std::string::npos);
  for (const auto* header :
       {"\r\nSubject: ", "\r\nTo: <bob@acme.test>", "\r\nMessage-ID: <", "Date: ", "\r\nFrom: "}) {
    EXPECT_NE(mail.data.find(header), std::string::npos) << header;
  }
  const auto token = link_token(mail.data, m_portal.url() + "/reset");
  ASSERT_FALSE(token.empty()) << mail.data;

  const std::string new_password = "a-much-better-passphrase";
  EXPECT_EQ(
      send("POST", "/api/password-reset/confirm", {{"token", token}, {"password", "short"}}).status,
      400);
  EXPECT_EQ(send("POST", "/api/password-reset/confirm",
                 {{"token", std::string(64, '0')}, {"password", new_password}})
                .status,
            400);
  EXPECT_EQ(
      send("POST", "/api/password-reset/confirm", {{"token", token}, {"password", new_password}})
          .status,
      204);
  EXPECT_EQ(send("POST", "/api/password-reset/confirm",
                 {{"token", token}, {"password", "yet-another-passphrase"}})
                .status,
            400);
  EXPECT_EQ(get("/api/me", old_session).status, 401);
  EXPECT_EQ(login_response("bob@acme.test").status, 401);
  EXPECT_EQ(login_response("bob@acme.test", new_password).status, 200);

  // The recipient is masked in the log: no customer's email there.
  EXPECT_TRUE(m_portal.wait_for_stderr("mail: sent to=b***@acme.test", std::chrono::seconds(5)));
  EXPECT_FALSE(wait_for_access(m_portal, "POST", "/api/login", 200).is_null());
  const auto log = m_portal.stderr_text();
  EXPECT_EQ(log.find(token), std::string::npos);
  EXPECT_EQ(log.find(old_session), std::string::npos);
  EXPECT_EQ(log.find(new_password), std::string::npos);
}

TEST_F(PortalTest, InviteCreatesUserInInvitersOrg) {
  SmtpSink sink;
  ASSERT_NE(sink.port(), 0);
  start({"--smtp", "127.0.0.1:" + std::to_string(sink.port())});
  const auto dave = login("dave@globex.test");
  const auto invite =
      send("POST", "/api/admin/invites", {{"email", "erin@globex.test"}, {"role", "staff"}}, dave);
  ASSERT_EQ(invite.status, 201) << invite.body;
  EXPECT_EQ(invite.body.find("token"), std::string::npos);
  EXPECT_EQ(
      send("POST", "/api/admin/invites", {{"email", "bob@acme.test"}, {"role", "staff"}}, dave)
          .status,
      409);
  EXPECT_EQ(send("POST", "/api/admin/invites", {{"email", "x@globex.test"}, {"role", "root"}}, dave)
                .status,
            400);
  const auto mails = sink.wait_for(1, std::chrono::seconds(10));
  ASSERT_EQ(mails.size(), 1u);
  const auto token = link_token(mails[0].data, m_portal.url() + "/invite");
  ASSERT_FALSE(token.empty()) << mails[0].data;
  const std::string password = "erins-long-passphrase";
  const auto accepted =
      send("POST", "/api/invites/accept", {{"token", token}, {"password", password}});
  ASSERT_EQ(accepted.status, 201) << accepted.body;
  EXPECT_EQ(parse(accepted)["org"], "globex");
  EXPECT_EQ(parse(accepted)["role"], "staff");
  EXPECT_EQ(send("POST", "/api/invites/accept", {{"token", token}, {"password", password}}).status,
            400);
  const auto erin = login("erin@globex.test", password);
  EXPECT_EQ(parse(get("/api/me", erin))["org"], "globex");
  EXPECT_NE(get("/api/admin/audit-log", dave).body.find("invite_accepted"), std::string::npos);
}

TEST_F(PortalTest, HtmlPagesRenderServerSide) {
  start();
  const auto home = get("/");
  EXPECT_EQ(home.status, 200);
  EXPECT_NE(home.header("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(home.body.find("<form method=\"post\" action=\"/login\">"), std::string::npos);
  expect_security_headers(home);
  EXPECT_EQ(get("/records").status, 401);
  const auto token = login("alice@acme.test");
  ASSERT_EQ(send("POST", "/api/records", {{"title", "<script>alert(1)</script>"}}, token).status,
            201);
  const auto page = m_http.request("GET", "/records", std::nullopt, {cookie(token)});
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<table>"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(page.body.find("<script>"), std::string::npos);
  const auto cross_site =
      m_http.request("POST", "/login", "email=alice%40acme.test&password=portal-demo-password",
                     {"Origin: https://evil.test"}, "application/x-www-form-urlencoded");
  EXPECT_EQ(cross_site.status, 403);
  const auto form_login =
      m_http.request("POST", "/login", "email=alice%40acme.test&password=portal-demo-password",
                     {"Origin: " + m_portal.url()}, "application/x-www-form-urlencoded");
  EXPECT_EQ(form_login.status, 303);
  EXPECT_EQ(form_login.header("Location"), "/records");
  expect_secure_cookie(form_login.header("Set-Cookie"));
}

TEST_F(PortalTest, LogsNameRequestsButNoSecrets) {
  start();
  const auto token = login("alice@acme.test");
  EXPECT_EQ(get("/api/me", token).status, 200);
  EXPECT_FALSE(wait_for_access(m_portal, "POST", "/api/login", 200).is_null());
  EXPECT_FALSE(wait_for_access(m_portal, "GET", "/api/me", 200).is_null());
  const auto log = m_portal.stderr_text();
  EXPECT_EQ(log.find(token), std::string::npos);
  EXPECT_EQ(log.find(k_password), std::string::npos);
}

TEST_F(PortalTest, SigtermExitsCleanly) {
  start();
  EXPECT_EQ(get("/api/health").status, 200);
  EXPECT_EQ(m_portal.stop(), 0);
}

TEST_F(PortalTest, BadFlagsExitWithStatus2) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--flaw", "no-such-flaw"}, {"--bogus"}, {"--port", "70000"}, {"--smtp", "nohost"}}) {
    PortalProcess child;
    ASSERT_TRUE(child.spawn(k_portal_bin, args)) << child.error();
    EXPECT_EQ(child.wait_exit(std::chrono::seconds(10)), 2) << args[0];
    EXPECT_FALSE(child.stderr_text().empty());
    child.remove_log();
  }
}

// --- flaws: each one changes exactly its behaviour ---------------------------------------------

TEST_F(PortalTest, FlawInsecureCookie) {
  start({"--flaw", "insecure-cookie"});
  const auto res = login_response("alice@acme.test");
  ASSERT_EQ(res.status, 200);
  const auto set_cookie = res.header("Set-Cookie");
  EXPECT_EQ(set_cookie.find("HttpOnly"), std::string::npos) << set_cookie;
  EXPECT_EQ(set_cookie.find("Secure"), std::string::npos) << set_cookie;
  EXPECT_EQ(set_cookie.find("SameSite"), std::string::npos) << set_cookie;
  expect_security_headers(res);
  EXPECT_EQ(get("/api/records").status, 401);
}

TEST_F(PortalTest, FlawNoSecurityHeaders) {
  start({"--flaw", "no-security-headers"});
  for (const auto* path : {"/api/health", "/", "/api/nope"}) {
    const auto res = get(path);
    for (const auto* header : {"Content-Security-Policy", "X-Frame-Options",
                               "X-Content-Type-Options", "Referrer-Policy", "Cache-Control"}) {
      EXPECT_FALSE(res.has_header(header)) << path << " " << header;
    }
  }
  expect_secure_cookie(login_response("alice@acme.test").header("Set-Cookie"));
}

TEST_F(PortalTest, FlawOpenEndpoint) {
  start({"--flaw", "open-endpoint"});
  const auto res = get("/api/records");
  ASSERT_EQ(res.status, 200);
  const auto body = parse(res);
  EXPECT_GT(body["total"].get<int>(), 0);
  for (const auto& record : body["records"]) {
    EXPECT_EQ(record["org"], "acme");
  }
  EXPECT_EQ(parse(get("/api/records", login("carol@globex.test")))["records"][0]["org"], "globex");
  EXPECT_EQ(get("/api/me").status, 401);
  EXPECT_EQ(get("/api/records/1").status, 401);
  EXPECT_EQ(send("POST", "/api/records", {{"title", "x"}}).status, 401);
}

TEST_F(PortalTest, FlawIdor) {
  start({"--flaw", "idor"});
  const auto alice = login("alice@acme.test");
  const auto carol = login("carol@globex.test");
  const auto id = first_record_id(alice);
  const auto path = "/api/records/" + std::to_string(id);
  const auto read = get(path, carol);
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(parse(read)["org"], "acme");
  EXPECT_EQ(send("PUT", path, {{"title", "mine now"}, {"body", ""}}, carol).status, 404);
  EXPECT_EQ(parse(get("/api/records?limit=200", carol))["records"][0]["org"], "globex");
  EXPECT_EQ(get(path).status, 401);
}

TEST_F(PortalTest, FlawStaffCanAdmin) {
  start({"--flaw", "staff-can-admin"});
  const auto bob = login("bob@acme.test");
  const auto users = get("/api/admin/users", bob);
  EXPECT_EQ(users.status, 200);
  EXPECT_EQ(parse(users)["users"].size(), 2u);
  EXPECT_EQ(get("/api/admin/audit-log", bob).status, 200);
  EXPECT_EQ(get("/api/admin/users").status, 401);
}

TEST_F(PortalTest, FlawStaleLogout) {
  start({"--flaw", "stale-logout"});
  const auto token = login("alice@acme.test");
  const auto res = m_http.request("POST", "/api/logout", std::nullopt, {bearer(token)});
  EXPECT_EQ(res.status, 204);
  EXPECT_EQ(res.header("Set-Cookie").rfind("session=;", 0), 0u);
  EXPECT_EQ(get("/api/me", token).status, 200);
  EXPECT_EQ(get("/api/me").status, 401);
}

TEST_F(PortalTest, FlawsCombine) {
  start({"--flaw", "idor", "--flaw", "stale-logout"});
  const auto carol = login("carol@globex.test");
  EXPECT_EQ(get("/api/records/1", carol).status, 200);
  EXPECT_EQ(m_http.request("POST", "/api/logout", std::nullopt, {bearer(carol)}).status, 204);
  EXPECT_EQ(get("/api/me", carol).status, 200);
  EXPECT_EQ(get("/api/admin/users", carol).status, 403);
}

// --- idor-write -------------------------------------------------------------------------------

TEST_F(PortalTest, WritesToOtherOrgsRecordsAreRefused) {
  start();
  const auto bob = login("bob@acme.test");
  const auto carol = login("carol@globex.test");
  const auto id = first_record_id(carol);
  const auto path = "/api/records/" + std::to_string(id);
  const auto before = parse(get(path, carol));
  EXPECT_EQ(send("PUT", path, {{"title", "owned by acme"}, {"body", "x"}}, bob).status, 404);
  EXPECT_EQ(m_http.request("DELETE", path, std::nullopt, {bearer(bob)}).status, 404);
  EXPECT_EQ(m_http.request("DELETE", path, std::nullopt, {bearer(login("alice@acme.test"))}).status,
            404);
  EXPECT_EQ(parse(get(path, carol)), before);
}

TEST_F(PortalTest, FlawIdorWrite) {
  start({"--flaw", "idor-write"});
  const auto alice = login("alice@acme.test");
  const auto bob = login("bob@acme.test");
  const auto carol = login("carol@globex.test");
  const auto globex = parse(get("/api/records?limit=2", carol))["records"];
  const auto path = "/api/records/" + std::to_string(globex[0]["id"].get<std::int64_t>());
  const auto updated = send("PUT", path, {{"title", "owned by acme"}, {"body", "x"}}, bob);
  ASSERT_EQ(updated.status, 200) << updated.body;
  const auto changed = parse(get(path, carol));
  EXPECT_EQ(changed["title"], "owned by acme");
  EXPECT_EQ(changed["org"], "globex");
  // Staff bob deletes a globex record he does not own.
  const auto other = "/api/records/" + std::to_string(globex[1]["id"].get<std::int64_t>());
  EXPECT_EQ(m_http.request("DELETE", other, std::nullopt, {bearer(bob)}).status, 204);
  EXPECT_EQ(get(other, carol).status, 404);
  // Reads stay org-scoped, and within acme the admin-or-owner rule still holds.
  EXPECT_EQ(get(path, bob).status, 404);
  const auto alices = parse(send("POST", "/api/records", {{"title", "Alice's"}}, alice))["id"];
  const auto alices_path = "/api/records/" + std::to_string(alices.get<std::int64_t>());
  EXPECT_EQ(m_http.request("DELETE", alices_path, std::nullopt, {bearer(bob)}).status, 403);
  EXPECT_EQ(send("PUT", path, {{"title", "x"}, {"body", "x"}}).status, 401);
}

// --- filter-tampering -------------------------------------------------------------------------

TEST_F(PortalTest, OrgIdQueryParameterIsIgnored) {
  start();
  const auto alice = login("alice@acme.test");
  const auto plain = parse(get("/api/records?limit=200", alice));
  const auto tampered =
      parse(get("/api/records?limit=200&org_id=" + std::to_string(k_globex_id), alice));
  EXPECT_EQ(tampered, plain);
  for (const auto& record : tampered["records"]) {
    EXPECT_EQ(record["org_id"], k_acme_id);
  }
}

TEST_F(PortalTest, FlawFilterTampering) {
  start({"--flaw", "filter-tampering"});
  const auto alice = login("alice@acme.test");
  const auto tampered =
      parse(get("/api/records?limit=200&org_id=" + std::to_string(k_globex_id), alice));
  ASSERT_EQ(tampered["records"].size(), 50u);
  for (const auto& record : tampered["records"]) {
    EXPECT_EQ(record["org"], "globex");
  }
  EXPECT_EQ(parse(get("/api/records?limit=1", alice))["records"][0]["org"], "acme");
  EXPECT_EQ(parse(get("/api/records?limit=1&org_id=abc", alice))["records"][0]["org"], "acme");
  EXPECT_EQ(get("/api/records?org_id=2").status, 401);
  // The parameter stays undocumented.
  const auto doc = parse(get("/openapi.json"));
  for (const auto& param : doc["paths"]["/api/records"]["get"]["parameters"]) {
    EXPECT_NE(param["name"], "org_id");
  }
}

// --- mass-assignment --------------------------------------------------------------------------

TEST_F(PortalTest, RoleInProfileUpdateIsIgnored) {
  start();
  const auto bob = login("bob@acme.test");
  EXPECT_EQ(patch_me({{"name", "Bob"}, {"role", "admin"}}, bob).status, 204);
  EXPECT_EQ(parse(get("/api/me", bob))["role"], "staff");
  EXPECT_EQ(get("/api/admin/users", bob).status, 403);
}

TEST_F(PortalTest, FlawMassAssignment) {
  start({"--flaw", "mass-assignment"});
  const auto bob = login("bob@acme.test");
  EXPECT_EQ(patch_me({{"name", "Bob"}, {"role", "admin"}}, bob).status, 204);
  const auto me = parse(get("/api/me", bob));
  EXPECT_EQ(me["role"], "admin");
  EXPECT_EQ(me["name"], "Bob");
  EXPECT_EQ(me["org"], "acme");
  EXPECT_EQ(get("/api/admin/users", bob).status, 200);
  // Only valid roles, only with a valid name, and only for oneself.
  const auto carol = login("carol@globex.test");
  EXPECT_EQ(patch_me({{"name", "Carol"}, {"role", "root"}}, carol).status, 204);
  EXPECT_EQ(patch_me({{"role", "admin"}}, carol).status, 400);
  EXPECT_EQ(parse(get("/api/me", carol))["role"], "staff");
  EXPECT_EQ(parse(get("/api/me", login("alice@acme.test")))["role"], "admin");
}

// --- search-leak ------------------------------------------------------------------------------

TEST_F(PortalTest, SearchNeverCrossesOrgs) {
  start();
  const auto alice = login("alice@acme.test");
  for (const auto* query : {"e", "Gdansk", "Margie", "invoice", "a"}) {
    const auto orgs = search_orgs(query, alice);
    EXPECT_EQ(orgs.count("globex"), 0u) << query;
  }
}

TEST_F(PortalTest, FlawSearchLeak) {
  start({"--flaw", "search-leak"});
  const auto alice = login("alice@acme.test");
  EXPECT_EQ(search_orgs("Gdansk", alice), std::set<std::string>{"globex"});
  EXPECT_EQ(search_orgs("invoice", alice), (std::set<std::string>{"acme", "globex"}));
  for (const auto& row : search_results("Gdansk", alice)) {
    EXPECT_EQ(row["org_id"], k_globex_id);
  }
  // The record list and reads stay org-scoped.
  EXPECT_EQ(parse(get("/api/records?q=Gdansk", alice))["total"], 0);
  EXPECT_EQ(search("Gdansk", "").status, 401);
}

// --- no-validation ----------------------------------------------------------------------------

TEST_F(PortalTest, MalformedInputAnswers400WithoutInternals) {
  start();
  const auto bob = login("bob@acme.test");
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"POST", "/api/records"}, {"PATCH", "/api/me"}, {"POST", "/api/login"}}) {
    const auto res = m_http.request(method, path, "{\"title\": ", {bearer(bob)});
    EXPECT_EQ(res.status, 400) << path;
    EXPECT_EQ(parse(res), json({{"error", "malformed JSON"}})) << path;
  }
  for (const auto* query : {"limit=abc", "offset=x", "limit=", "limit=99999999999999999999"}) {
    const auto res = get(std::string("/api/records?") + query, bob);
    EXPECT_EQ(res.status, 400) << query;
    EXPECT_EQ(res.header("Content-Type"), "application/json") << query;
  }
}

TEST_F(PortalTest, FlawNoValidation) {
  start({"--flaw", "no-validation"});
  const auto bob = login("bob@acme.test");
  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"POST", "/api/records"},
                                                        {"PATCH", "/api/me"},
                                                        {"POST", "/api/login"},
                                                        {"POST", "/api/password-reset"}}) {
    const auto res = m_http.request(method, path, "{\"title\": ", {bearer(bob)});
    EXPECT_EQ(res.status, 500) << path;
    EXPECT_EQ(res.header("Content-Type"), "text/plain") << path;
    for (const auto* needle : {"terminate called after throwing an instance of 'nlohmann::",
                               "parse_error", "what():  [json.exception.parse_error.101]", "#0  0x",
                               "json_body", "testbed/api.cpp:", "httplib::Server::"}) {
      EXPECT_NE(res.body.find(needle), std::string::npos) << path << " " << needle << "\n"
                                                          << res.body;
    }
  }
  for (const auto* path :
       {"/api/records?limit=abc", "/api/records?offset=x", "/api/admin/audit-log?limit=ten"}) {
    const auto res = get(path, login("alice@acme.test"));
    EXPECT_EQ(res.status, 500) << path;
    EXPECT_NE(res.body.find("std::invalid_argument"), std::string::npos) << res.body;
    EXPECT_NE(res.body.find("stoll"), std::string::npos) << res.body;
  }
  // Well-formed but invalid input keeps its 400.
  EXPECT_EQ(get("/api/records?limit=0", bob).status, 400);
  EXPECT_EQ(send("POST", "/api/records", {{"title", ""}}, bob).status, 400);
  EXPECT_EQ(send("POST", "/api/records", json::array(), bob).status, 400);
  EXPECT_EQ(get("/api/records?limit=5", bob).status, 200);
}

// --- sql-injection ----------------------------------------------------------------------------

TEST_F(PortalTest, SearchQueryIsBoundNotPasted) {
  start();
  const auto alice = login("alice@acme.test");
  ASSERT_EQ(send("POST", "/api/records", {{"title", "Jazz night catering"}}, alice).status, 201);
  const auto quote = search("'", alice);
  EXPECT_EQ(quote.status, 200);
  EXPECT_EQ(parse(quote), json({{"results", json::array()}}));
  EXPECT_FALSE(search_results("zz", alice).empty());
  EXPECT_EQ(search_results("zz%' AND 1=1 AND '%'='", alice).size(),
            search_results("zz%' AND 1=2 AND '%'='", alice).size());
  EXPECT_TRUE(search_results("zz%' OR 1=1 OR '%'='", alice).empty());
}

TEST_F(PortalTest, FlawSqlInjection) {
  start({"--flaw", "sql-injection"});
  const auto alice = login("alice@acme.test");
  ASSERT_EQ(send("POST", "/api/records", {{"title", "Jazz night catering"}}, alice).status, 201);
  const auto quote = search("'", alice);
  EXPECT_EQ(quote.status, 500);
  EXPECT_EQ(parse(quote), json({{"error", "internal error"}})); // no SQLite text
  const auto jazz = search_results("zz", alice).size();
  EXPECT_GT(jazz, 0u);
  EXPECT_EQ(search_results("zz%' AND 1=1 AND '%'='", alice).size(), jazz);
  EXPECT_EQ(search_results("zz%' AND 1=2 AND '%'='", alice).size(), 0u);
  const auto all = search_results("zz%' OR 1=1 OR '%'='", alice);
  EXPECT_EQ(all.size(), 50u);
  EXPECT_EQ(search_orgs("zz%' OR 1=1 OR '%'='", alice), std::set<std::string>{"acme"});
  EXPECT_TRUE(m_portal.wait_for_stderr("unrecognized token", std::chrono::seconds(5)));
  // The record list is still parameterised.
  EXPECT_EQ(get("/api/records?q=" + url_encode("'"), alice).status, 200);
}

TEST_F(PortalTest, FlawSqlInjectionCombines) {
  start({"--flaw", "sql-injection", "--flaw", "no-validation", "--flaw", "search-leak"});
  const auto alice = login("alice@acme.test");
  const auto quote = search("'", alice);
  EXPECT_EQ(quote.status, 500);
  EXPECT_EQ(parse(quote)["error"], "internal error");
  EXPECT_NE(parse(quote).value("detail", "").find("unrecognized token"), std::string::npos)
      << quote.body;
  EXPECT_EQ(search_orgs("zz%' OR 1=1 OR '%'='", alice), (std::set<std::string>{"acme", "globex"}));
}

// --- session gate: password reset ---------------------------------------------------------------

// A portal with an SMTP sink for the reset tests; `extra` are further flags.
class PortalMailTest : public PortalTest {
protected:
  void start_with_mail(std::vector<std::string> extra = {}) {
    ASSERT_NE(m_sink.port(), 0);
    extra.push_back("--smtp");
    extra.push_back("127.0.0.1:" + std::to_string(m_sink.port()));
    start(std::move(extra));
  }

  // Asks for a reset of `email` and returns the token of the `nth` mail (1-based).
  std::string reset_token(const std::string& email, std::size_t nth) {
    EXPECT_EQ(send("POST", "/api/password-reset", {{"email", email}}).status, 202);
    const auto mails = m_sink.wait_for(nth, std::chrono::seconds(10));
    if (mails.size() < nth) {
      ADD_FAILURE() << "no reset mail " << nth;
      return {};
    }
    return link_token(mails[nth - 1].data, m_portal.url() + "/reset");
  }

  long confirm(const std::string& token, const std::string& password) {
    return send("POST", "/api/password-reset/confirm", {{"token", token}, {"password", password}})
        .status;
  }

  SmtpSink m_sink;
};

TEST_F(PortalMailTest, ResetTokensAreSingleUseAndSuperseded) {
  start_with_mail();
  const auto older = reset_token("bob@acme.test", 1);
  const auto newer = reset_token("bob@acme.test", 2);
  ASSERT_FALSE(older.empty());
  ASSERT_FALSE(newer.empty());
  EXPECT_NE(m_sink.wait_for(2, std::chrono::seconds(1))[1].data.find("within 30 minutes"),
            std::string::npos);
  EXPECT_EQ(confirm(older, "first-new-passphrase"), 400); // voided by the newer request
  EXPECT_EQ(confirm(newer, "second-new-passphrase"), 204);
  EXPECT_EQ(confirm(newer, "third-new-passphrase"), 400); // used
  EXPECT_EQ(login_response("bob@acme.test", "second-new-passphrase").status, 200);
}

TEST_F(PortalMailTest, FlawResetReusable) {
  start_with_mail({"--flaw", "reset-reusable"});
  const auto older = reset_token("bob@acme.test", 1);
  const auto newer = reset_token("bob@acme.test", 2);
  EXPECT_EQ(confirm(older, "first-new-passphrase"), 204);  // not voided by the newer request
  EXPECT_EQ(confirm(older, "second-new-passphrase"), 204); // reused
  EXPECT_EQ(confirm(newer, "third-new-passphrase"), 204);  // survived two password changes
  EXPECT_EQ(login_response("bob@acme.test", "third-new-passphrase").status, 200);
}

TEST_F(PortalMailTest, LifetimesFollowTheFlags) {
  start_with_mail({"--reset-ttl", "1", "--invite-ttl", "7200"});
  const auto token = reset_token("bob@acme.test", 1);
  EXPECT_NE(m_sink.wait_for(1, std::chrono::seconds(1))[0].data.find("within 1 second:"),
            std::string::npos);
  const auto alice = login("alice@acme.test");
  const auto invite =
      send("POST", "/api/admin/invites", {{"email", "erin@acme.test"}, {"role", "staff"}}, alice);
  EXPECT_EQ(invite.status, 201);
  const auto mails = m_sink.wait_for(2, std::chrono::seconds(10));
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_NE(mails[1].data.find("within 2 hours and"), std::string::npos) << mails[1].data;
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_EQ(confirm(token, "a-much-better-passphrase"), 400); // expired
}

TEST_F(PortalMailTest, FlawResetNeverExpires) {
  start_with_mail({"--reset-ttl", "1", "--flaw", "reset-never-expires"});
  const auto token = reset_token("bob@acme.test", 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_EQ(confirm(token, "a-much-better-passphrase"), 204);
  EXPECT_EQ(confirm(token, "another-better-passphrase"), 400); // still single use
}

TEST_F(PortalTest, FlawResetEnumeration) {
  start({"--flaw", "reset-enumeration"});
  const auto unknown = send("POST", "/api/password-reset", {{"email", "nobody@acme.test"}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(parse(unknown), json({{"error", "no account with this email"}}));
  EXPECT_EQ(send("POST", "/api/password-reset", {{"email", "bob@acme.test"}}).status, 202);
}

// --- session gate: login rate limit -------------------------------------------------------------

TEST_F(PortalTest, FailedLoginsAreThrottled) {
  start();
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(login_response("alice@acme.test", "wrong-password").status, 401) << i;
  }
  const auto refused = login_response("alice@acme.test"); // the right password: not even checked
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(parse(refused), json({{"error", "too many failed logins, try again later"}}));
  const auto retry = std::stoi(refused.header("Retry-After"));
  EXPECT_GE(retry, 1);
  EXPECT_LE(retry, 900);
  EXPECT_EQ(login_response("ALICE@acme.test").status, 429); // the email is compared lower-cased
  const auto form =
      m_http.request("POST", "/login", "email=alice%40acme.test&password=portal-demo-password",
                     {"Origin: " + m_portal.url()}, "application/x-www-form-urlencoded");
  EXPECT_EQ(form.status, 429);
  EXPECT_FALSE(form.header("Retry-After").empty());
  // Another account from the same client still signs in, and that frees nothing for alice.
  EXPECT_EQ(login_response("bob@acme.test").status, 200);
  EXPECT_EQ(login_response("alice@acme.test").status, 429);
  // 25 failures from one client lock the client out for every email.
  for (int i = 0; i < 15; ++i) {
    ASSERT_EQ(login_response("user" + std::to_string(i) + "@acme.test", "wrong").status, 401) << i;
  }
  EXPECT_EQ(login_response("bob@acme.test").status, 429);
}

TEST_F(PortalTest, ThrottleFreesUpAfterTheWindow) {
  start({"--login-window", "4"});
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(login_response("carol@globex.test", "wrong-password").status, 401) << i;
  }
  const auto refused = login_response("carol@globex.test");
  ASSERT_EQ(refused.status, 429);
  const auto retry = std::stoi(refused.header("Retry-After"));
  ASSERT_GE(retry, 1);
  ASSERT_LE(retry, 4);
  std::this_thread::sleep_for(std::chrono::seconds(retry) + std::chrono::milliseconds(1100));
  EXPECT_EQ(login_response("carol@globex.test").status, 200);
}

TEST_F(PortalTest, FlawNoRateLimit) {
  start({"--flaw", "no-rate-limit"});
  for (int i = 0; i < 12; ++i) {
    ASSERT_EQ(login_response("alice@acme.test", "wrong-password").status, 401) << i;
  }
  const auto res = login_response("alice@acme.test");
  EXPECT_EQ(res.status, 200);
  EXPECT_FALSE(res.has_header("Retry-After"));
}

// --- session gate: lifetimes and fixation -------------------------------------------------------

TEST_F(PortalTest, CookieSessionsExpireWhenIdle) {
  start({"--session-idle", "2"});
  const auto res = login_response("alice@acme.test");
  ASSERT_EQ(res.status, 200);
  EXPECT_NE(res.header("Set-Cookie").find("Max-Age=2"), std::string::npos);
  const auto token = parse(res)["token"].get<std::string>();
  EXPECT_EQ(get("/api/me", token).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_EQ(get("/api/me", token).status, 401);
}

TEST_F(PortalTest, CookieSessionsEndAtTheAbsoluteLimit) {
  start({"--session-idle", "60", "--session-absolute", "3"});
  const auto signed_in = portal_test::Clock::now();
  const auto token = login("alice@acme.test");
  // Used three times over 1.2 s (the expiry is kept in whole seconds: at least 2 s away)...
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(get("/api/me", token).status, 200) << i;
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
  }
  // ...and still over once 3 s have passed.
  std::this_thread::sleep_until(signed_in + std::chrono::milliseconds(3100));
  EXPECT_EQ(get("/api/me", token).status, 401);
}

TEST_F(PortalTest, FlawSessionForever) {
  start({"--flaw", "session-forever", "--session-idle", "1", "--session-absolute", "1"});
  const auto res = login_response("alice@acme.test");
  ASSERT_EQ(res.status, 200);
  EXPECT_NE(res.header("Set-Cookie").find("Max-Age=315360000"), std::string::npos);
  expect_secure_cookie(res.header("Set-Cookie"));
  const auto token = parse(res)["token"].get<std::string>();
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_EQ(get("/api/me", token).status, 200);
}

TEST_F(PortalTest, LoginIgnoresAPlantedSessionCookie) {
  start();
  const std::string planted(64, 'c');
  const auto res = m_http.request("POST", "/api/login", login_body("alice@acme.test", k_password),
                                  {cookie(planted)});
  ASSERT_EQ(res.status, 200);
  const auto token = parse(res)["token"].get<std::string>();
  EXPECT_NE(token, planted);
  EXPECT_EQ(res.header("Set-Cookie").rfind("session=" + token + ";", 0), 0u);
  EXPECT_EQ(get("/api/me", planted).status, 401);
  const auto form = m_http.request(
      "POST", "/login", "email=alice%40acme.test&password=portal-demo-password",
      {"Origin: " + m_portal.url(), cookie(planted)}, "application/x-www-form-urlencoded");
  EXPECT_EQ(form.status, 303);
  EXPECT_EQ(form.header("Set-Cookie").find(planted), std::string::npos);
  EXPECT_EQ(get("/api/me", planted).status, 401);
}

TEST_F(PortalTest, FlawFixation) {
  start({"--flaw", "fixation"});
  const std::string planted(64, 'c');
  const auto res = m_http.request("POST", "/api/login", login_body("alice@acme.test", k_password),
                                  {cookie(planted)});
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(parse(res)["token"], planted);
  EXPECT_EQ(res.header("Set-Cookie").rfind("session=" + planted + ";", 0), 0u);
  EXPECT_EQ(parse(get("/api/me", planted))["email"], "alice@acme.test"); // the attacker's id
  // A live session id is not taken over, and a value of another shape is never adopted.
  const auto again = m_http.request("POST", "/api/login", login_body("bob@acme.test", k_password),
                                    {cookie(planted)});
  EXPECT_NE(parse(again)["token"], planted);
  EXPECT_EQ(parse(get("/api/me", planted))["email"], "alice@acme.test");
  const auto odd = m_http.request("POST", "/api/login", login_body("bob@acme.test", k_password),
                                  {cookie("attacker-chosen")});
  EXPECT_NE(parse(odd)["token"], "attacker-chosen");
}

// --- session gate: CORS and CSRF ----------------------------------------------------------------

TEST_F(PortalTest, CorsAnswersOnlyTheListedOrigins) {
  start({"--cors-origin", "https://app.example", "--cors-origin", "http://localhost:3000"});
  const auto allowed =
      m_http.request("GET", "/api/health", std::nullopt, {"Origin: http://localhost:3000"});
  EXPECT_EQ(allowed.header("Access-Control-Allow-Origin"), "http://localhost:3000");
  EXPECT_EQ(allowed.header("Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(allowed.header("Vary"), "Origin");
  for (const auto* origin : {"https://evil.test", "null", "https://app.example.evil.test"}) {
    const auto res =
        m_http.request("GET", "/api/health", std::nullopt, {std::string("Origin: ") + origin});
    EXPECT_EQ(res.status, 200);
    EXPECT_FALSE(res.has_header("Access-Control-Allow-Origin")) << origin;
    EXPECT_FALSE(res.has_header("Access-Control-Allow-Credentials")) << origin;
  }
  const std::vector<std::string> preflight{"Origin: https://app.example",
                                           "Access-Control-Request-Method: DELETE"};
  const auto ok = m_http.request("OPTIONS", "/api/records/1", std::nullopt, preflight);
  EXPECT_EQ(ok.status, 204);
  EXPECT_EQ(ok.header("Access-Control-Allow-Origin"), "https://app.example");
  EXPECT_NE(ok.header("Access-Control-Allow-Methods").find("DELETE"), std::string::npos);
  EXPECT_NE(ok.header("Access-Control-Allow-Headers").find("Authorization"), std::string::npos);
  const auto refused =
      m_http.request("OPTIONS", "/api/records/1", std::nullopt,
                     {"Origin: https://evil.test", "Access-Control-Request-Method: DELETE"});
  EXPECT_EQ(refused.status, 204);
  for (const auto& [name, value] : refused.headers) {
    EXPECT_NE(name.rfind("access-control-", 0), 0u) << name;
  }
}

TEST_F(PortalTest, NoCorsHeadersWithoutOrigins) {
  start();
  const auto res =
      m_http.request("GET", "/api/health", std::nullopt, {"Origin: https://evil.test"});
  EXPECT_FALSE(res.has_header("Access-Control-Allow-Origin"));
  const auto preflight =
      m_http.request("OPTIONS", "/api/me", std::nullopt, {"Origin: https://evil.test"});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_FALSE(preflight.has_header("Access-Control-Allow-Methods"));
}

TEST_F(PortalTest, FlawCorsReflect) {
  start({"--flaw", "cors-reflect"});
  for (const auto* origin : {"https://evil.test", "null"}) {
    const auto res =
        m_http.request("GET", "/api/me", std::nullopt, {std::string("Origin: ") + origin});
    EXPECT_EQ(res.header("Access-Control-Allow-Origin"), origin);
    EXPECT_EQ(res.header("Access-Control-Allow-Credentials"), "true");
  }
  const auto preflight =
      m_http.request("OPTIONS", "/api/records", std::nullopt, {"Origin: https://evil.test"});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.header("Access-Control-Allow-Origin"), "https://evil.test");
  EXPECT_FALSE(preflight.header("Access-Control-Allow-Methods").empty());
}

TEST_F(PortalTest, CrossSiteWritesWithTheCookieAreRefused) {
  start({"--cors-origin", "https://app.example"});
  const auto login_res =
      m_http.request("POST", "/api/login", login_body("alice@acme.test", k_password),
                     {"Origin: https://evil.test"}); // login is exempt
  ASSERT_EQ(login_res.status, 200);
  expect_secure_cookie(login_res.header("Set-Cookie"));
  const auto token = parse(login_res)["token"].get<std::string>();
  const std::string body = json{{"title", "csrf"}}.dump();
  for (const auto* header :
       {"Origin: https://evil.test", "Origin: null", "Sec-Fetch-Site: cross-site"}) {
    const auto res = m_http.request("POST", "/api/records", body, {cookie(token), header});
    EXPECT_EQ(res.status, 403) << header;
    EXPECT_EQ(parse(res), json({{"error", "cross-site request refused"}})) << header;
  }
  EXPECT_EQ(m_http
                .request("PATCH", "/api/me", json{{"name", "x"}}.dump(),
                         {cookie(token), "Origin: https://evil.test"})
                .status,
            403);
  EXPECT_EQ(m_http
                .request("POST", "/api/logout", std::nullopt,
                         {cookie(token), "Origin: https://evil.test"})
                .status,
            403);
  EXPECT_EQ(
      m_http.request("POST", "/logout", std::nullopt, {cookie(token), "Sec-Fetch-Site: cross-site"})
          .status,
      403);
  // Same origin, a listed front end, no Origin, same-site fetches, reads and bearer tokens pass.
  for (const auto& header :
       std::vector<std::string>{"Origin: " + m_portal.url(), "Origin: https://app.example",
                                "Sec-Fetch-Site: same-origin", "X-None: 1"}) {
    EXPECT_EQ(m_http.request("POST", "/api/records", body, {cookie(token), header}).status, 201)
        << header;
  }
  EXPECT_EQ(
      m_http.request("GET", "/api/me", std::nullopt, {cookie(token), "Origin: https://evil.test"})
          .status,
      200);
  EXPECT_EQ(
      m_http.request("POST", "/api/records", body, {bearer(token), "Origin: https://evil.test"})
          .status,
      201);
  EXPECT_EQ(get("/api/me", token).status, 200); // nothing above signed alice out
}

TEST_F(PortalTest, FlawNoCsrf) {
  start({"--flaw", "no-csrf"});
  const auto login_res = login_response("alice@acme.test");
  const auto set_cookie = login_res.header("Set-Cookie");
  EXPECT_NE(set_cookie.find("SameSite=None"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("Secure"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos) << set_cookie;
  const auto token = parse(login_res)["token"].get<std::string>();
  for (const auto* header : {"Origin: https://evil.test", "Sec-Fetch-Site: cross-site"}) {
    EXPECT_EQ(m_http
                  .request("POST", "/api/records", json{{"title", "csrf"}}.dump(),
                           {cookie(token), header})
                  .status,
              201)
        << header;
  }
  EXPECT_EQ(m_http
                .request("POST", "/api/logout", std::nullopt,
                         {cookie(token), "Origin: https://evil.test"})
                .status,
            204);
}

// --- session gate: JWT sessions -----------------------------------------------------------------

// Encoding and signing come from launchgate's own util (an independent implementation of the
// portal's testbed/jwt.cpp).
std::string b64url_encode(const std::string& bytes) {
  return lg::base64url_encode(bytes);
}

std::string b64url_decode(const std::string& text) {
  return lg::base64url_decode(text).value_or("");
}

std::string hmac_sha256(const std::string& key, const std::string& data) {
  return lg::hmac_sha(256, key, data);
}

// The three dot-separated parts of a compact JWS.
std::vector<std::string> jwt_parts(const std::string& token) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (auto dot = token.find('.'); dot != std::string::npos; dot = token.find('.', start)) {
    parts.push_back(token.substr(start, dot - start));
    start = dot + 1;
  }
  parts.push_back(token.substr(start));
  return parts;
}

json jwt_payload(const std::string& token) {
  const auto parts = jwt_parts(token);
  return parts.size() == 3 ? json::parse(b64url_decode(parts[1]), nullptr, false) : json();
}

// A token with `header` and `payload`, signed with HS256 under `key`, or unsigned when `key` is
// nullopt (empty signature).
std::string forge(const json& header, const json& payload, const std::optional<std::string>& key) {
  const auto input = b64url_encode(header.dump()) + "." + b64url_encode(payload.dump());
  return input + "." + (key ? b64url_encode(hmac_sha256(*key, input)) : "");
}

TEST_F(PortalTest, JwtSessionsSignInOutAndVerify) {
  start({"--session", "jwt"});
  const auto res = login_response("alice@acme.test");
  ASSERT_EQ(res.status, 200) << res.body;
  const auto token = parse(res)["token"].get<std::string>();
  const auto parts = jwt_parts(token);
  ASSERT_EQ(parts.size(), 3u) << token;
  EXPECT_EQ(json::parse(b64url_decode(parts[0]), nullptr, false),
            json({{"alg", "HS256"}, {"typ", "JWT"}}));
  const auto claims = jwt_payload(token);
  EXPECT_EQ(claims["sub"], "1");
  EXPECT_EQ(claims["org"], k_acme_id);
  EXPECT_EQ(claims["role"], "admin");
  EXPECT_EQ(claims["exp"].get<std::int64_t>() - claims["iat"].get<std::int64_t>(), 43200);
  EXPECT_TRUE(std::regex_match(claims["jti"].get<std::string>(), std::regex("[0-9a-f]{32}")));
  EXPECT_EQ(token.find('='), std::string::npos);
  EXPECT_EQ(parts[2].size(), 43u);
  const auto set_cookie = res.header("Set-Cookie");
  EXPECT_EQ(set_cookie.rfind("session=" + token + ";", 0), 0u) << set_cookie;
  EXPECT_NE(set_cookie.find("Max-Age=43200"), std::string::npos) << set_cookie;
  expect_secure_cookie(set_cookie);

  EXPECT_EQ(parse(get("/api/me", token))["email"], "alice@acme.test");
  EXPECT_EQ(m_http.request("GET", "/api/me", std::nullopt, {cookie(token)}).status, 200);
  EXPECT_NE(m_http.request("GET", "/records", std::nullopt, {cookie(token)}).body.find("acme"),
            std::string::npos);

  // Tampered claims, an unknown key, alg none and an expired token are all refused.
  auto promoted = claims;
  promoted["sub"] = "4";
  const json header{{"alg", "HS256"}, {"typ", "JWT"}};
  EXPECT_EQ(get("/api/me", parts[0] + "." + b64url_encode(promoted.dump()) + "." + parts[2]).status,
            401);
  EXPECT_EQ(get("/api/me", forge(header, promoted, std::string("secret"))).status, 401);
  EXPECT_EQ(get("/api/me", forge({{"alg", "none"}, {"typ", "JWT"}}, promoted, std::nullopt)).status,
            401);
  EXPECT_EQ(get("/api/me", forge({{"alg", "none"}, {"typ", "JWT"}}, claims, std::nullopt)).status,
            401);
  EXPECT_EQ(get("/api/me", parts[0] + "." + parts[1] + ".").status, 401);

  const auto logout = m_http.request("POST", "/api/logout", std::nullopt, {bearer(token)});
  EXPECT_EQ(logout.status, 204);
  EXPECT_EQ(get("/api/me", token).status, 401); // the jti is denylisted
  EXPECT_EQ(get("/api/me", login("alice@acme.test")).status, 200);
}

TEST_F(PortalTest, JwtExpiresAndLeavesNoIdleTimeout) {
  start({"--session", "jwt", "--session-idle", "1", "--session-absolute", "3"});
  const auto token = login("bob@acme.test");
  EXPECT_EQ(jwt_payload(token)["exp"].get<std::int64_t>() -
                jwt_payload(token)["iat"].get<std::int64_t>(),
            3);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500)); // past the (cookie) idle limit
  EXPECT_EQ(get("/api/me", token).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(2600)); // past exp
  EXPECT_EQ(get("/api/me", token).status, 401);
}

TEST_F(PortalMailTest, JwtSessionsEndWithAPasswordReset) {
  start_with_mail({"--session", "jwt"});
  const auto old_session = login("bob@acme.test");
  const auto token = reset_token("bob@acme.test", 1);
  EXPECT_EQ(confirm(token, "a-much-better-passphrase"), 204);
  EXPECT_EQ(get("/api/me", old_session).status, 401);
  EXPECT_EQ(get("/api/me", login("bob@acme.test", "a-much-better-passphrase")).status, 200);
}

TEST_F(PortalTest, FlawJwtNone) {
  start({"--session", "jwt", "--flaw", "jwt-none"});
  const auto token = login("bob@acme.test");
  auto claims = jwt_payload(token);
  claims["sub"] = "4"; // dave, an admin of globex
  for (const auto* alg : {"none", "None", "NONE"}) {
    const auto res = get("/api/me", forge({{"alg", alg}, {"typ", "JWT"}}, claims, std::nullopt));
    EXPECT_EQ(res.status, 200) << alg;
    EXPECT_EQ(parse(res)["email"], "dave@globex.test") << alg;
  }
  // A signature is still required on HS256 tokens, and alg none must come without one.
  EXPECT_EQ(get("/api/me", forge({{"alg", "HS256"}}, claims, std::string("guess"))).status, 401);
  EXPECT_EQ(get("/api/me", forge({{"alg", "none"}}, claims, std::string("guess"))).status, 401);
  EXPECT_EQ(get("/api/me", token).status, 200);
}

TEST_F(PortalTest, FlawJwtWeakSecret) {
  start({"--session", "jwt", "--flaw", "jwt-weak-secret"});
  const auto token = login("bob@acme.test");
  const auto parts = jwt_parts(token);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(b64url_encode(hmac_sha256("secret", parts[0] + "." + parts[1])), parts[2]);
  auto claims = jwt_payload(token);
  claims["sub"] = "4";
  const auto res = get("/api/me", forge({{"alg", "HS256"}, {"typ", "JWT"}}, claims, "secret"));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(parse(res)["email"], "dave@globex.test");
  EXPECT_EQ(get("/api/me", forge({{"alg", "none"}}, claims, std::nullopt)).status, 401);
}

TEST_F(PortalTest, FlawSessionForeverInJwtMode) {
  start({"--session", "jwt", "--flaw", "session-forever"});
  const auto res = login_response("alice@acme.test");
  const auto token = parse(res)["token"].get<std::string>();
  EXPECT_FALSE(jwt_payload(token).contains("exp"));
  EXPECT_NE(res.header("Set-Cookie").find("Max-Age=315360000"), std::string::npos);
  EXPECT_EQ(get("/api/me", token).status, 200);
}

TEST_F(PortalTest, SessionGateFlagsAreValidated) {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"--session", "opaque"},
                                             {"--session-idle", "0"},
                                             {"--reset-ttl", "soon"},
                                             {"--login-window", "100000"},
                                             {"--cors-origin", "https://app.example/"},
                                             {"--cors-origin", "null"},
                                             {"--cors-origin", "*"},
                                             {"--flaw", "jwt-none"},
                                             {"--flaw", "jwt-weak-secret", "--session", "cookie"},
                                             {"--session", "jwt", "--flaw", "fixation"}}) {
    PortalProcess child;
    ASSERT_TRUE(child.spawn(k_portal_bin, args)) << child.error();
    EXPECT_EQ(child.wait_exit(std::chrono::seconds(10)), 2) << args[0] << " " << args[1];
    EXPECT_NE(child.stderr_text().find("launchgate-portal: "), std::string::npos);
    if (args[1] == "jwt-none") {
      EXPECT_NE(child.stderr_text().find("--flaw jwt-none needs --session jwt"), std::string::npos)
          << child.stderr_text();
    }
    child.remove_log();
  }
}

// --- perf flaws ---------------------------------------------------------------------------------

TEST_F(PortalTest, FlawSlowSearchTakes800MsWithoutBlockingOtherRoutes) {
  start({"--flaw", "slow-search"});
  const auto alice = login("alice@acme.test");
  const auto started = portal_test::Clock::now();
  const auto hits = search_results("e", alice);
  EXPECT_GE(portal_test::Clock::now() - started, std::chrono::milliseconds(800));
  ASSERT_FALSE(hits.empty());
  for (const auto& row : hits) {
    EXPECT_EQ(row["org"], "acme");
  }

  // A search in flight holds one worker thread, not the server: health answers meanwhile.
  portal_test::Clock::time_point search_done;
  long search_status = 0;
  std::thread searcher([&] {
    search_status = search("e", alice).status;
    search_done = portal_test::Clock::now();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100)); // let the search reach its handler
  const auto health = get("/api/health");
  const auto health_done = portal_test::Clock::now();
  searcher.join();
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(search_status, 200);
  EXPECT_LT(health_done, search_done);
}

TEST_F(PortalTest, SearchWithoutSlowSearchAnswers) {
  start();
  const auto hits = search_results("e", login("alice@acme.test"));
  EXPECT_FALSE(hits.empty());
}

TEST_F(PortalTest, FlawSlowPageServesTheNoticeScript3SecondsLate) {
  start({"--flaw", "slow-page"});
  const auto token = login("alice@acme.test");
  const auto records = m_http.request("GET", "/records", std::nullopt, {cookie(token)});
  ASSERT_EQ(records.status, 200);
  for (const auto& page : {get("/"), records}) {
    const auto& html = page.body;
    expect_security_headers(page);
    EXPECT_NE(html.find(R"(<p id="portal-notice" class="muted">)"), std::string::npos) << html;
    // The script loads async at the end of the body: it does not hold up the first paint.
    const auto script_tag = html.find(R"(<script src="/notice.js" async></script>)");
    EXPECT_NE(script_tag, std::string::npos) << html;
    EXPECT_GT(script_tag, html.find("</main>")) << html;
    // The large notice ships only inside the inert template.
    const auto open = html.find(R"(<template id="portal-notice-late">)");
    const auto notice = html.find(R"(<p id="portal-notice" class="notice">Welcome)");
    const auto close = html.find("</template>");
    ASSERT_NE(open, std::string::npos) << html;
    EXPECT_LT(open, notice);
    EXPECT_LT(notice, close);
    EXPECT_EQ(html.find(R"(class="notice")", close), std::string::npos);
  }
  // The script itself arrives 3 s late (the network is what is slow) and swaps at once.
  const auto asked = portal_test::Clock::now();
  const auto script = get("/notice.js");
  EXPECT_GE(portal_test::Clock::now() - asked, std::chrono::milliseconds(3000));
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(script.body.find("setTimeout("), std::string::npos) << script.body;
  EXPECT_NE(script.body.find("portal-notice-late"), std::string::npos) << script.body;
}

TEST_F(PortalTest, PagesWithoutSlowPageShipTheNoticeInTheHtml) {
  start();
  const auto token = login("alice@acme.test");
  const auto records = m_http.request("GET", "/records", std::nullopt, {cookie(token)});
  ASSERT_EQ(records.status, 200);
  for (const auto& page : {get("/"), records}) {
    EXPECT_NE(page.body.find(R"(<p id="portal-notice" class="notice">Welcome)"), std::string::npos)
        << page.body;
    EXPECT_EQ(page.body.find("<template"), std::string::npos) << page.body;
    EXPECT_EQ(page.body.find("<script"), std::string::npos) << page.body;
  }
  EXPECT_EQ(get("/notice.js").status, 404);
}

// ---------------------------------------------------------------------------------------------
// The JSON access log, the request id, the health probe and the failing export job.

TEST_F(PortalTest, AccessLogLineNamesTheRequestInOrder) {
  start();
  const auto bob = login("bob@acme.test");
  const auto res = m_http.request("GET", "/api/records/999999?q=needle-in-query", std::nullopt,
                                  {bearer(bob), "X-Request-Id: lg-test-1"});
  ASSERT_EQ(res.status, 404);
  EXPECT_EQ(res.header("X-Request-Id"), "lg-test-1");
  const auto line = wait_for_access(m_portal, "GET", "/api/records/999999", 404);
  ASSERT_TRUE(line.is_object()) << m_portal.stderr_text();
  std::vector<std::string> keys;
  for (const auto& item : line.items()) {
    keys.push_back(item.key());
  }
  // nlohmann::json sorts members, so the order is read from the text itself.
  const auto log = m_portal.stderr_text();
  const auto at = log.find(R"("request_id":"lg-test-1")");
  ASSERT_NE(at, std::string::npos) << log;
  const auto begin = log.rfind('\n', at) + 1;
  const auto text = log.substr(begin, log.find('\n', at) - begin);
  std::size_t last = 0;
  for (const auto* key : {"\"ts\":", "\"level\":", "\"request_id\":", "\"method\":", "\"path\":",
                          "\"status\":", "\"duration_ms\":", "\"user_id\":", "\"error\":"}) {
    const auto pos = text.find(key);
    ASSERT_NE(pos, std::string::npos) << key << " in " << text;
    EXPECT_GE(pos, last) << key << " out of order in " << text;
    last = pos;
  }
  EXPECT_EQ(keys.size(), 9u) << text;
  EXPECT_TRUE(std::regex_match(line["ts"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << line["ts"];
  EXPECT_EQ(line["level"], "warn");
  EXPECT_EQ(line["request_id"], "lg-test-1");
  EXPECT_EQ(line["user_id"], 2);
  EXPECT_EQ(line["error"], "record not found");
  EXPECT_TRUE(line["duration_ms"].is_number());
  EXPECT_EQ(log.find("needle-in-query"), std::string::npos);
}

TEST_F(PortalTest, AccessLogRequestIdsAreGeneratedWhenMissingOrInsane) {
  start();
  const std::regex hex16("[0-9a-f]{16}");
  const auto plain = get("/api/health");
  EXPECT_TRUE(std::regex_match(plain.header("X-Request-Id"), hex16))
      << plain.header("X-Request-Id");
  for (const auto& asked :
       {std::string("has space"), std::string("semi;colon"), std::string(129, 'a')}) {
    const auto res = m_http.request("GET", "/api/nope", std::nullopt, {"X-Request-Id: " + asked});
    EXPECT_EQ(res.status, 404);
    EXPECT_TRUE(std::regex_match(res.header("X-Request-Id"), hex16))
        << asked << " -> " << res.header("X-Request-Id");
  }
  const std::string longest(128, 'b');
  const auto kept = m_http.request("GET", "/api/nope", std::nullopt,
                                   {"X-Request-Id: A.b_c:d-" + longest.substr(8)});
  EXPECT_EQ(kept.header("X-Request-Id"), "A.b_c:d-" + longest.substr(8));
  // Anonymous requests carry no user_id; every line is valid JSON with a request id, and a
  // path with an encoded newline stays on its line.
  EXPECT_EQ(get("/api/nope%0A%7B%22level%22:%22info%22%7D").status, 404);
  const auto health = wait_for_access(m_portal, "GET", "/api/health", 200);
  ASSERT_TRUE(health.is_object());
  EXPECT_FALSE(health.contains("user_id"));
  EXPECT_FALSE(health.contains("error"));
  EXPECT_EQ(health["level"], "info");
  EXPECT_EQ(health["request_id"], plain.header("X-Request-Id"));
  ASSERT_FALSE(wait_for_access(m_portal, "GET", R"(/api/nope?{"level":"info"})", 404).is_null())
      << m_portal.stderr_text();
  // Each line is written after its response, on the request's own thread: wait (bounded) for
  // all six.
  auto lines = access_lines(m_portal.stderr_text());
  for (int i = 0; i < 100 && lines.size() < 6; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    lines = access_lines(m_portal.stderr_text());
  }
  EXPECT_EQ(lines.size(), 6u) << m_portal.stderr_text();
  for (const auto& line : lines) {
    ASSERT_TRUE(line.is_object()) << m_portal.stderr_text();
    EXPECT_TRUE(line.contains("request_id"));
  }
}

TEST_F(PortalTest, AccessLogHasNoQueryOrSecretsAfterALogin) {
  start();
  const auto token = login("carol@globex.test");
  const auto form =
      m_http.request("POST", "/login", "email=dave%40globex.test&password=portal-demo-password",
                     {"Origin: " + m_portal.url()}, "application/x-www-form-urlencoded");
  EXPECT_EQ(form.status, 303);
  EXPECT_EQ(get("/api/records?q=query-secret-text&limit=1", token).status, 200);
  EXPECT_EQ(login_response("carol@globex.test", "wrong-password-here").status, 401);
  const auto list = wait_for_access(m_portal, "GET", "/api/records", 200);
  ASSERT_TRUE(list.is_object()) << m_portal.stderr_text();
  EXPECT_EQ(list["user_id"], 3);
  const auto failed = wait_for_access(m_portal, "POST", "/api/login", 401);
  ASSERT_TRUE(failed.is_object());
  EXPECT_EQ(failed["error"], "invalid email or password");
  EXPECT_FALSE(failed.contains("user_id"));
  EXPECT_FALSE(failed.contains("body"));
  ASSERT_FALSE(wait_for_access(m_portal, "POST", "/login", 303).is_null());
  const auto log = m_portal.stderr_text();
  for (const auto& secret :
       {std::string("query-secret-text"), k_password, std::string("wrong-password-here"), token,
        std::string("carol@globex.test"), std::string("dave@globex.test"), std::string("Carol")}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret;
  }
}

TEST_F(PortalTest, HealthChecksTheDatabase) {
  start();
  const auto res = get("/api/health");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(parse(res)["database"], "ok");
  const auto doc = parse(get("/openapi.json"));
  const auto& health = doc["paths"]["/api/health"]["get"];
  EXPECT_EQ(health["security"], json::array());
  EXPECT_TRUE(health["responses"].contains("503"));
  EXPECT_EQ(doc["components"]["schemas"]["Health"]["required"],
            json::array({"status", "database"}));
}

TEST_F(PortalTest, ExportAlwaysFailsAndIsLoggedAsAnError) {
  start();
  EXPECT_EQ(get("/api/reports/export").status, 401);
  const auto alice = login("alice@acme.test");
  const auto res = get("/api/reports/export", alice);
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(parse(res), json({{"error", "export backend unavailable"}}));
  EXPECT_FALSE(res.header("X-Request-Id").empty());
  const auto line = wait_for_access(m_portal, "GET", "/api/reports/export", 500);
  ASSERT_TRUE(line.is_object()) << m_portal.stderr_text();
  EXPECT_EQ(line["level"], "error");
  EXPECT_EQ(line["error"], "export backend unavailable");
  EXPECT_EQ(line["user_id"], 1);
  EXPECT_EQ(line["request_id"], res.header("X-Request-Id"));
  const auto anonymous = wait_for_access(m_portal, "GET", "/api/reports/export", 401);
  ASSERT_TRUE(anonymous.is_object());
  EXPECT_EQ(anonymous["level"], "warn");
  EXPECT_EQ(anonymous["error"], "authentication required");
  // Undocumented on purpose.
  EXPECT_FALSE(parse(get("/openapi.json"))["paths"].contains("/api/reports/export"));
}

TEST_F(PortalTest, InternalErrorsAreLoggedWithTheirCauseButNoRequestData) {
  start({"--flaw", "sql-injection", "--flaw", "no-validation"});
  const auto alice = login("alice@acme.test");
  EXPECT_EQ(search("'needle", alice).status, 500);
  const auto sql = wait_for_access(m_portal, "GET", "/api/search", 500);
  ASSERT_TRUE(sql.is_object()) << m_portal.stderr_text();
  EXPECT_EQ(sql["level"], "error");
  const auto cause = sql["error"].get<std::string>();
  EXPECT_EQ(cause.rfind("internal error: sqlite: ", 0), 0u) << cause;
  EXPECT_EQ(cause.find("needle"), std::string::npos) << cause;
  EXPECT_EQ(m_http.request("POST", "/api/records", "{not json", {bearer(alice)}).status, 500);
  const auto crash = wait_for_access(m_portal, "POST", "/api/records", 500);
  ASSERT_TRUE(crash.is_object()) << m_portal.stderr_text();
  EXPECT_EQ(crash["error"].get<std::string>().rfind("internal error: nlohmann::", 0), 0u)
      << crash["error"];
  EXPECT_EQ(m_portal.stderr_text().find("needle"), std::string::npos);
}

TEST_F(PortalTest, FlawLogsBodies) {
  start({"--flaw", "logs-bodies"});
  login("bob@acme.test");
  const auto line = wait_for_access(m_portal, "POST", "/api/login", 200);
  ASSERT_TRUE(line.is_object()) << m_portal.stderr_text();
  EXPECT_EQ(line["body"], login_body("bob@acme.test", k_password));
  EXPECT_NE(m_portal.stderr_text().find(k_password), std::string::npos);
  // Capped at 2 KiB, and still valid JSON for a body that is not UTF-8.
  const std::string big = "\xff" + std::string(5000, 'x');
  EXPECT_EQ(m_http.request("POST", "/api/login", big).status, 400);
  const auto capped = wait_for_access(m_portal, "POST", "/api/login", 400);
  ASSERT_TRUE(capped.is_object()) << m_portal.stderr_text();
  EXPECT_LE(capped["body"].get<std::string>().size(), 2048u + 2u);
  EXPECT_TRUE(capped.contains("request_id"));
}

TEST_F(PortalTest, FlawNoRequestId) {
  start({"--flaw", "no-request-id"});
  const auto res = m_http.request("GET", "/api/health", std::nullopt, {"X-Request-Id: lg-test-1"});
  EXPECT_EQ(res.status, 200);
  EXPECT_FALSE(res.has_header("X-Request-Id"));
  EXPECT_FALSE(get("/api/nope").has_header("X-Request-Id"));
  const auto line = wait_for_access(m_portal, "GET", "/api/health", 200);
  ASSERT_TRUE(line.is_object()) << m_portal.stderr_text();
  EXPECT_FALSE(line.contains("request_id"));
  EXPECT_EQ(line["level"], "info");
  EXPECT_FALSE(line.contains("body"));
  EXPECT_EQ(m_portal.stderr_text().find("lg-test-1"), std::string::npos);
}

TEST_F(PortalTest, FlawNoHealth) {
  start({"--flaw", "no-health"});
  const auto res = get("/api/health");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(parse(res), json({{"error", "not found"}}));
  EXPECT_EQ(get("/openapi.json").status, 200);
  EXPECT_FALSE(res.header("X-Request-Id").empty());
}

TEST_F(PortalTest, FlawSilentErrors) {
  start({"--flaw", "silent-errors"});
  const auto alice = login("alice@acme.test");
  EXPECT_EQ(get("/api/reports/export", alice).status, 500);
  EXPECT_EQ(get("/api/nope").status, 404);
  const auto not_found = wait_for_access(m_portal, "GET", "/api/nope", 404);
  ASSERT_TRUE(not_found.is_object()) << m_portal.stderr_text();
  EXPECT_EQ(not_found["level"], "warn");
  EXPECT_FALSE(wait_for_access(m_portal, "POST", "/api/login", 200).is_null());
  const auto log = m_portal.stderr_text();
  EXPECT_EQ(log.find("/api/reports/export"), std::string::npos) << log;
  EXPECT_EQ(log.find("export backend unavailable"), std::string::npos) << log;
}

} // namespace
