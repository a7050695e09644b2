// The API surface: OpenAPI parameters, inlined body schemas and readOnly properties; HAR and
// Postman recordings templated into operations; the api config keys; and the merge of every
// source in engine::Context::operations().

#include "analyze/har.hpp"
#include "analyze/openapi.hpp"
#include "analyze/postman.hpp"
#include "core/config.hpp"
#include "engine/context.hpp"
#include "support/test_support.hpp"
#include "unit/fakes.hpp"
#include "util/text.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>

namespace lg::analyze {
namespace {

const Operation* find_op(const std::vector<Operation>& ops, const std::string& method,
                         const std::string& path) {
  auto it = std::find_if(ops.begin(), ops.end(),
                         [&](const Operation& o) { return o.method == method && o.path == path; });
  return it == ops.end() ? nullptr : &*it;
}

const Parameter* find_param(const Operation& op, const std::string& name,
                            const std::string& in = "") {
  auto it = std::find_if(op.params.begin(), op.params.end(), [&](const Parameter& p) {
    return p.name == name && (in.empty() || p.in == in);
  });
  return it == op.params.end() ? nullptr : &*it;
}

std::vector<std::string> names(const Operation& op) {
  std::vector<std::string> out;
  for (const auto& p : op.params)
    out.push_back(p.in + ":" + p.name);
  return out;
}

std::vector<std::string> keys(const std::vector<Operation>& ops) {
  std::vector<std::string> out;
  for (const auto& o : ops)
    out.push_back(o.method + " " + o.path);
  return out;
}

// ---- OpenAPI ----------------------------------------------------------------------------------

TEST(OpenApiSurface, ParametersMergePathItemAndOperationLevels) {
  auto doc = nlohmann::json::parse(R"({
    "openapi": "3.0.3",
    "paths": {"/api/orgs/{orgId}/records/{id}": {
      "parameters": [
        {"$ref": "#/components/parameters/OrgId"},
        {"name": "verbose", "in": "query", "schema": {"type": "boolean"}},
        {"name": "Accept", "in": "header"},
        {"name": "sid", "in": "cookie"}
      ],
      "get": {"parameters": [
        {"name": "verbose", "in": "query", "required": true, "example": true},
        {"name": "X-Request-Owner", "in": "header", "schema": {"$ref": "#/components/schemas/Uuid"}},
        {"name": "limit", "in": "query", "schema": {"type": "integer", "example": 20}},
        "not a parameter", {"in": "query"}, {"name": 5, "in": "query"}
      ]}}},
    "components": {
      "parameters": {"OrgId": {"name": "orgId", "in": "path", "required": true,
                               "schema": {"$ref": "#/components/schemas/Uuid"}}},
      "schemas": {"Uuid": {"type": "string", "format": "uuid"}}}})");
  auto ops = parse_openapi(doc);
  ASSERT_TRUE(ops) << ops.error().message;
  ASSERT_EQ(ops->size(), 1u);
  const auto& op = (*ops)[0];
  EXPECT_EQ(op.source, "openapi");
  EXPECT_EQ(names(op),
            (std::vector<std::string>{"path:orgId", "query:verbose", "header:X-Request-Owner",
                                      "query:limit", "path:id"}));
  const auto* org = find_param(op, "orgId");
  EXPECT_EQ(org->schema, nlohmann::json({{"type", "string"}, {"format", "uuid"}}));
  EXPECT_TRUE(org->required);
  EXPECT_TRUE(org->object_ref);
  const auto* verbose = find_param(op, "verbose");
  EXPECT_TRUE(verbose->required); // the operation's definition wins
  EXPECT_EQ(verbose->example, "true");
  EXPECT_TRUE(verbose->schema.is_null());
  EXPECT_FALSE(verbose->object_ref);
  EXPECT_TRUE(find_param(op, "X-Request-Owner")->object_ref); // format: uuid
  EXPECT_EQ(find_param(op, "limit")->example, "20");          // schema.example
  const auto* id = find_param(op, "id");                      // in the template, declared nowhere
  ASSERT_NE(id, nullptr);
  EXPECT_TRUE(id->required);
  EXPECT_TRUE(id->object_ref);
}

TEST(OpenApiSurface, ExamplesAndObjectReferences) {
  auto doc = nlohmann::json::parse(R"({
    "openapi": "3.0.0",
    "paths": {"/r": {"get": {"parameters": [
      {"name": "owner_id", "in": "query"},
      {"name": "ref", "in": "query", "example": "0b6c2a4e-3f1d-4c8e-9a7b-1d2e3f4a5b6c"},
      {"name": "sort", "in": "query", "examples": {"byName": {"value": "name"}}},
      {"name": "page", "in": "query", "examples": {"a": {"$ref": "#/components/examples/Two"}}},
      {"name": "ratio", "in": "query", "example": 1.5},
      {"name": "filter", "in": "query", "example": {"a": 1}},
      {"name": "ownerId", "in": "header"}
    ]}}},
    "components": {"examples": {"Two": {"value": 2}}}})");
  auto ops = parse_openapi(doc);
  ASSERT_TRUE(ops);
  const auto& op = (*ops)[0];
  EXPECT_TRUE(find_param(op, "owner_id")->object_ref);
  EXPECT_TRUE(find_param(op, "ref")->object_ref); // a UUID example
  EXPECT_EQ(find_param(op, "sort")->example, "name");
  EXPECT_FALSE(find_param(op, "sort")->object_ref);
  EXPECT_EQ(find_param(op, "page")->example, "2");
  EXPECT_EQ(find_param(op, "ratio")->example, "1.5");
  EXPECT_EQ(find_param(op, "filter")->example, ""); // not a scalar
  EXPECT_TRUE(find_param(op, "ownerId")->object_ref);
}

TEST(OpenApiSurface, BodySchemaInlinesRefsAndBreaksCycles) {
  auto doc = nlohmann::json::parse(R"({
    "openapi": "3.0.3",
    "paths": {"/api/nodes": {"post": {"requestBody": {"$ref": "#/components/requestBodies/Node"}}}},
    "components": {
      "requestBodies": {"Node": {"content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Node"}}}}},
      "schemas": {
        "Node": {"type": "object", "properties": {
          "name": {"$ref": "#/components/schemas/Name"},
          "child": {"$ref": "#/components/schemas/Node"},
          "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Name"}},
          "ext": {"$ref": "other.yaml#/Thing"},
          "enum~field": {"enum": [{"$ref": "#/not/followed"}]}}},
        "Name": {"type": "string", "example": "n"}}}})");
  auto ops = parse_openapi(doc);
  ASSERT_TRUE(ops);
  const auto& schema = (*ops)[0].body_schema;
  EXPECT_EQ(schema["type"], "object");
  EXPECT_EQ(schema["properties"]["name"], nlohmann::json({{"type", "string"}, {"example", "n"}}));
  EXPECT_EQ(schema["properties"]["child"], nlohmann::json::object()); // the cycle
  EXPECT_EQ(schema["properties"]["tags"]["items"]["type"], "string");
  EXPECT_EQ(schema["properties"]["ext"], nlohmann::json::object()); // another document
  // enum values are data: a "$ref" inside them is not a reference
  EXPECT_EQ(schema["properties"]["enum~field"]["enum"][0]["$ref"], "#/not/followed");
  EXPECT_TRUE((*ops)[0].body_example.is_null());
}

TEST(OpenApiSurface, ExponentialReferencesStayBounded) {
  nlohmann::json schemas = nlohmann::json::object();
  for (int i = 0; i < 60; ++i) {
    std::string next = "#/components/schemas/S" + std::to_string(i + 1);
    schemas["S" + std::to_string(i)] = {
        {"properties", {{"a", {{"$ref", next}}}, {"b", {{"$ref", next}}}}}};
  }
  nlohmann::json doc = {{"openapi", "3.0.0"},
                        {"components", {{"schemas", schemas}}},
                        {"paths",
                         {{"/x",
                           {{"put",
                             {{"requestBody",
                               {{"content",
                                 {{"application/json",
                                   {{"schema", {{"$ref", "#/components/schemas/S0"}}}}}}}}}}}}}}}};
  auto ops = parse_openapi(doc);
  ASSERT_TRUE(ops);
  EXPECT_TRUE((*ops)[0].body_schema.contains("properties"));
  EXPECT_LT((*ops)[0].body_schema.dump().size(), 4u << 20);
}

TEST(OpenApiSurface, AllOfIsMergedAndReadOnlyComesFromEveryPlace) {
  auto doc = nlohmann::json::parse(R"({
    "openapi": "3.0.3",
    "paths": {"/api/records": {
      "get": {"responses": {"200": {"content": {"application/json": {"schema": {
        "type": "array", "items": {"$ref": "#/components/schemas/Record"}}}}}}},
      "post": {
        "requestBody": {"content": {"application/vnd.api+json": {
          "schema": {"$ref": "#/components/schemas/RecordInput"},
          "example": {"title": "t", "id": 9}}}},
        "responses": {"201": {"$ref": "#/components/responses/Created"}}}}},
    "components": {
      "responses": {"Created": {"content": {"application/json": {"schema": {
        "properties": {"receipt": {"type": "string", "readOnly": true}}}}}}},
      "schemas": {
        "Base": {"properties": {"id": {"type": "integer", "readOnly": true}}, "required": ["id"]},
        "Record": {"allOf": [{"$ref": "#/components/schemas/Base"},
                             {"properties": {"created_at": {"readOnly": true}, "title": {}}}]},
        "RecordInput": {"allOf": [
          {"$ref": "#/components/schemas/Base"},
          {"type": "object", "required": ["title"],
           "properties": {"title": {"type": "string"}, "owner": {"readOnly": true},
                          "id": {"description": "server-side"}}}]}}}})");
  auto ops = parse_openapi(doc);
  ASSERT_TRUE(ops);
  const auto* post = find_op(*ops, "POST", "/api/records");
  ASSERT_NE(post, nullptr);
  const auto& schema = post->body_schema;
  EXPECT_FALSE(schema.contains("allOf"));
  EXPECT_EQ(schema["type"], "object");
  EXPECT_EQ(schema["required"], nlohmann::json({"id", "title"}));
  EXPECT_EQ(schema["properties"]["id"]["readOnly"], true);
  EXPECT_EQ(schema["properties"]["id"]["description"], "server-side");
  EXPECT_EQ(post->body_example, nlohmann::json({{"title", "t"}, {"id", 9}}));
  // body (id, owner), its 201 response (receipt), the GET on the same path (created_at, id)
  EXPECT_EQ(post->read_only, (std::vector<std::string>{"created_at", "id", "owner", "receipt"}));
  const auto* get = find_op(*ops, "GET", "/api/records");
  EXPECT_EQ(get->read_only, (std::vector<std::string>{"created_at", "id"}));
  EXPECT_TRUE(get->body_schema.is_null());
}

TEST(OpenApiSurface, OpenApi31TypesAndExamples) {
  auto doc = nlohmann::json::parse(R"({
    "openapi": "3.1.0",
    "paths": {"/api/items/{itemId}": {
      "get": {
        "parameters": [{"name": "itemId", "in": "path",
                        "schema": {"type": ["string", "null"], "examples": ["it_1"]}}],
        "responses": {"200": {"content": {"application/json": {"schema": {
          "type": ["array", "null"], "items": {"properties": {"uid": {"readOnly": true}}}}}}}}},
      "patch": {"requestBody": {"content": {"application/merge-patch+json": {"schema": {
        "type": ["object", "null"], "examples": [{"name": "x"}],
        "properties": {"name": {"type": "string"}}}}}}}}}})");
  auto ops = parse_openapi(doc);
  ASSERT_TRUE(ops);
  const auto* get = find_op(*ops, "GET", "/api/items/{itemId}");
  EXPECT_EQ(find_param(*get, "itemId")->example, "it_1");
  EXPECT_EQ(get->read_only, std::vector<std::string>{"uid"});
  const auto* patch = find_op(*ops, "PATCH", "/api/items/{itemId}");
  EXPECT_EQ(patch->body_example, nlohmann::json({{"name", "x"}}));
  EXPECT_EQ(patch->read_only, std::vector<std::string>{"uid"}); // the GET's response
}

TEST(OpenApiSurface, WrongTypesAreSkippedNotThrown) {
  auto doc = nlohmann::json::parse(R"({
    "openapi": "3.0.0",
    "components": {"schemas": {"Loop": {"$ref": "#/components/schemas/Loop"}}},
    "paths": {
      "/a": {"parameters": "x", "get": {"parameters": [1, null, {"$ref": 5}, {"$ref": "#/x/y"}],
             "requestBody": 5, "responses": []}},
      "/b": {"post": {"requestBody": {"content": []}, "responses": {"200": 3}}},
      "/c": {"post": {"requestBody": {"content": {"application/json": 1}}}},
      "/d": {"post": {"requestBody": {"content": {"application/json": {"schema": 7,
                                                                       "example": null}}}}},
      "/e": {"put": {"requestBody": {"content": {"application/json": {
                       "schema": {"$ref": "#/components/schemas/Loop"}}}},
             "responses": {"200": {"content": {"application/json": {"schema": {
               "properties": [], "items": 5}}}}}}},
      "/f": {"$ref": "#/paths/~1a"},
      "/g": {"get": {"parameters": [{"name": "q", "in": "query", "schema": [],
                                     "examples": [1]}]}},
      "/h": {"get": {"parameters": [{"$ref": "#/components/schemas/%4Coop"}]}},
      "x": {"get": {}}
    }})");
  auto ops = parse_openapi(doc);
  ASSERT_TRUE(ops);
  EXPECT_EQ(keys(*ops), (std::vector<std::string>{"GET /a", "POST /b", "POST /c", "POST /d",
                                                  "PUT /e", "GET /f", "GET /g", "GET /h"}));
  EXPECT_TRUE(find_op(*ops, "GET", "/a")->params.empty());
  EXPECT_EQ(find_op(*ops, "POST", "/d")->body_schema, nlohmann::json::object());
  EXPECT_EQ(find_op(*ops, "PUT", "/e")->body_schema, nlohmann::json::object());
  EXPECT_EQ(find_param(*find_op(*ops, "GET", "/g"), "q")->schema, nlohmann::json::object());
}

TEST(OpenApiSurface, HandListedEndpointsAndShapes) {
  auto op = parse_endpoint("DELETE /api/orgs/{org}/users/{id}");
  ASSERT_TRUE(op);
  EXPECT_EQ(op->source, "config");
  EXPECT_EQ(names(*op), (std::vector<std::string>{"path:org", "path:id"}));
  EXPECT_TRUE(same_shape("/api/orgs/{org}", "/api/orgs/{id}"));
  EXPECT_TRUE(same_shape("/api/orgs/{org}/", "/api/orgs/{id}"));
  EXPECT_FALSE(same_shape("/api/orgs/{id}", "/api/orgs/me"));
  EXPECT_FALSE(same_shape("/api/orgs/{id}", "/api/orgs/{id}/users"));
  EXPECT_FALSE(same_shape("/api/orgs/{id}", "/api/teams/{id}"));
}

// ---- recordings: templates and helpers --------------------------------------------------------

TEST(Recordings, SingularNamesAndCredentials) {
  EXPECT_EQ(singular("records"), "record");
  EXPECT_EQ(singular("companies"), "company");
  EXPECT_EQ(singular("addresses"), "address");
  EXPECT_EQ(singular("boxes"), "box");
  EXPECT_EQ(singular("statuses"), "status");
  EXPECT_EQ(singular("warehouses"), "warehouse");
  EXPECT_EQ(singular("responses"), "response");
  EXPECT_EQ(singular("status"), "status");
  EXPECT_EQ(singular("access"), "access");
  EXPECT_EQ(singular("data"), "data");
  for (const char* name : {"Authorization", "Cookie", "X-Api-Key", "x-auth-token", "password",
                           "new_password", "access_token", "client_secret", "sessionId", "sig"})
    EXPECT_TRUE(is_credential_name(name)) << name;
  for (const char* name : {"X-Org-Id", "title", "id", "author", "keyword", "page"})
    EXPECT_FALSE(is_credential_name(name)) << name;
}

TEST(Recordings, JsonBodiesAreMaskedAndBounded) {
  auto body = recorded_json_body(
      R"( {"email": "a@b.c", "password": "hunter2", "nested": {"api_key": 42, "ok": true},
           "tokens": ["t1", {"x": 1}], "note": null} )");
  EXPECT_EQ(body, nlohmann::json::parse(R"({"email": "a@b.c", "password": "<redacted>",
      "nested": {"api_key": "<redacted>", "ok": true},
      "tokens": ["<redacted>", {"x": "<redacted>"}], "note": null})"));
  EXPECT_TRUE(recorded_json_body("42").is_null());
  EXPECT_TRUE(recorded_json_body("{broken").is_null());
  EXPECT_TRUE(recorded_json_body("a=1&b=2").is_null());
  EXPECT_TRUE(recorded_json_body(std::string(100, '[') + std::string(100, ']')).is_null());
  EXPECT_FALSE(recorded_json_body(std::string(60, '[') + std::string(60, ']')).is_null());
}

TEST(Recordings, HeadersKeptOnlyWhenTheyNameAnObject) {
  auto org = recorded_header("X-Org-Id", "42");
  ASSERT_TRUE(org);
  EXPECT_EQ(org->in, "header");
  EXPECT_EQ(org->example, "42");
  EXPECT_TRUE(org->object_ref);
  EXPECT_TRUE(recorded_header("X-Tenant", "acme"));
  EXPECT_FALSE(recorded_header("Authorization", "Bearer abc"));
  EXPECT_FALSE(recorded_header("Cookie", "sid=1"));
  EXPECT_FALSE(recorded_header("X-Api-Key", "k"));
  EXPECT_FALSE(recorded_header("X-Request-Id", "1"));
  EXPECT_FALSE(recorded_header("X-Account-Id", "eyJhbGciOi.x.y"));
  EXPECT_FALSE(recorded_header("User-Agent", "x"));
  EXPECT_EQ(recorded_query("access_token", "abc").example, "");
  EXPECT_TRUE(recorded_query("q", "0b6c2a4e-3f1d-4c8e-9a7b-1d2e3f4a5b6c").object_ref);
}

RecordedRequest req(const std::string& method, const std::string& path) {
  RecordedRequest r;
  r.method = method;
  for (auto s : split(path, '/'))
    if (!s.empty())
      r.segments.emplace_back(s);
  return r;
}

TEST(Recordings, IdsBecomeNamedParameters) {
  auto ops = operations_from_recordings(
      {req("GET", "/api/records/5"), req("GET", "/api/records/6"),
       req("GET", "/v2/orgs/0b6c2a4e-3f1d-4c8e-9a7b-1d2e3f4a5b6c/projects/"
                  "9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f"),
       req("GET", "/api/files/507f1f77bcf86cd799439011"), req("GET", "/users/5/users/6"),
       req("GET", "/42"), req("GET", "/api/api-keys/3"), req("GET", "/api/records/export"),
       req("GET", "/api/v1/status"), req("GET", "/api/v2/status")},
      "har");
  EXPECT_EQ(keys(ops), (std::vector<std::string>{
                           "GET /api/api-keys/{api_key}",
                           "GET /api/files/{file}",
                           "GET /api/records/export",
                           "GET /api/records/{record}",
                           "GET /api/v1/status",
                           "GET /api/v2/status",
                           "GET /users/{user}/users/{user2}",
                           "GET /v2/orgs/{org}/projects/{project}",
                           "GET /{id}",
                       }));
  const auto* records = find_op(ops, "GET", "/api/records/{record}");
  EXPECT_EQ(records->source, "har");
  EXPECT_EQ(records->path_params, std::vector<std::string>{"record"});
  EXPECT_EQ(find_param(*records, "record")->example, "5"); // the first value seen
  EXPECT_TRUE(find_param(*records, "record")->object_ref);
  const auto* projects = find_op(ops, "GET", "/v2/orgs/{org}/projects/{project}");
  EXPECT_EQ(find_param(*projects, "project")->example, "9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f");
}

TEST(Recordings, MixedTokensBecomeParametersWhenTheyVary) {
  auto ops = operations_from_recordings(
      {req("GET", "/api/invoices/inv20240017"), req("GET", "/api/invoices/inv20240018/lines"),
       req("DELETE", "/api/invoices/inv20240019"), req("GET", "/api/reports/q1x2y3"),
       req("GET", "/api/invoices/inv20240020/lines/ln0099a"),
       req("GET", "/api/invoices/inv20240020/lines/ln0098b")},
      "har");
  EXPECT_EQ(keys(ops),
            (std::vector<std::string>{
                "GET /api/invoices/{invoice}", "DELETE /api/invoices/{invoice}",
                "GET /api/invoices/{invoice}/lines", "GET /api/invoices/{invoice}/lines/{line}",
                "GET /api/reports/q1x2y3", // seen once: nothing says it varies
            }));
}

// ---- HAR ----------------------------------------------------------------------------------------

nlohmann::json har(const nlohmann::json& entries) {
  return {{"log", {{"version", "1.2"}, {"entries", entries}}}};
}

nlohmann::json entry(const std::string& method, const std::string& url,
                     const std::string& response_type = "application/json") {
  return {{"request", {{"method", method}, {"url", url}, {"headers", nlohmann::json::array()}}},
          {"response", {{"status", 200}, {"content", {{"mimeType", response_type}}}}}};
}

TEST(Har, KeepsTheTargetsRequestsAndMergesThem) {
  auto a = entry("GET", "http://portal.test/api/records/5?expand=owner");
  a["request"]["queryString"] = {{{"name", "expand"}, {"value", "owner"}}};
  a["request"]["headers"] = {{{"name", "Authorization"}, {"value", "Bearer s3cr3t"}},
                             {{"name", "Cookie"}, {"value", "sid=s3cr3t"}},
                             {{"name", "X-Api-Key"}, {"value", "s3cr3t"}},
                             {{"name", "X-Org-Id"}, {"value", "7"}}};
  auto b = entry("GET", "http://portal.test/api/records/6?page=2&access_token=s3cr3t");
  auto c = entry("POST", "http://portal.test/api/records");
  c["request"]["postData"] = {{"mimeType", "application/json; charset=utf-8"},
                              {"text", R"({"title": "x", "password": "s3cr3t"})"}};
  auto d = entry("POST", "http://portal.test/api/records");
  d["request"]["postData"] = {{"mimeType", "application/json"}, {"text", R"({"title": "y"})"}};
  auto doc = har({a, b, c, d, entry("GET", "http://other.test/api/records/7"),
                  entry("OPTIONS", "http://portal.test/api/records/5"),
                  entry("HEAD", "http://portal.test/api/records/5"),
                  entry("GET", "http://portal.test/static/app.js", "application/javascript"),
                  entry("GET", "http://portal.test/fonts/a.woff2?v=3", "font/woff2"),
                  entry("GET", "http://portal.test/logo", "image/png"),
                  entry("GET", "http://portal.test/dashboard", "text/html; charset=utf-8"),
                  entry("POST", "http://portal.test/settings", "text/html"),
                  entry("GET", "http://portal.test/app.css", "text/plain")});
  auto ops = parse_har(doc, "http://portal.test/");
  ASSERT_TRUE(ops) << ops.error().message;
  EXPECT_EQ(keys(*ops), (std::vector<std::string>{"POST /api/records", "GET /api/records/{record}",
                                                  "POST /settings"}));
  const auto* get = find_op(*ops, "GET", "/api/records/{record}");
  EXPECT_EQ(get->source, "har");
  EXPECT_EQ(names(*get), (std::vector<std::string>{"path:record", "query:expand", "header:X-Org-Id",
                                                   "query:page", "query:access_token"}));
  EXPECT_EQ(find_param(*get, "expand")->example, "owner");
  EXPECT_EQ(find_param(*get, "page")->example, "2");
  EXPECT_EQ(find_param(*get, "access_token")->example, "");
  EXPECT_TRUE(get->body_schema.is_null());
  const auto* post = find_op(*ops, "POST", "/api/records");
  EXPECT_EQ(post->body_example, nlohmann::json({{"title", "x"}, {"password", "<redacted>"}}));
  EXPECT_TRUE(post->body_schema.is_null());
  for (const auto& op : *ops)
    for (const auto& p : op.params)
      EXPECT_EQ(p.example.find("s3cr3t"), std::string::npos) << p.name;
}

TEST(Har, FallsBackToTheMostCommonOrigin) {
  auto doc = har({entry("GET", "http://localhost:3000/api/records/1"),
                  entry("GET", "http://localhost:3000/api/records/2"),
                  entry("GET", "https://cdn.example/lib/x.js"),
                  entry("GET", "https://cdn.example/lib/y.js"),
                  entry("GET", "https://cdn.example/lib/z.js"),
                  entry("GET", "https://telemetry.example/collect"),
                  entry("GET", "http://localhost:3000/api/me")});
  auto ops = parse_har(doc, "https://portal.example.com");
  ASSERT_TRUE(ops);
  EXPECT_EQ(keys(*ops), (std::vector<std::string>{"GET /api/me", "GET /api/records/{record}"}));
  // the same port matters: localhost:3001 is another origin
  auto exact = parse_har(
      har({entry("GET", "http://localhost:3001/a"), entry("GET", "http://localhost:3000/b"),
           entry("GET", "http://localhost:3001/c")}),
      "http://localhost:3000");
  ASSERT_TRUE(exact);
  EXPECT_EQ(keys(*exact), std::vector<std::string>{"GET /b"});
}

TEST(Har, RejectsWhatIsNotAHarAndSkipsBrokenEntries) {
  EXPECT_FALSE(parse_har(nlohmann::json::parse("[]"), "http://portal.test"));
  EXPECT_FALSE(parse_har(nlohmann::json::parse(R"({"log": {}})"), "http://portal.test"));
  EXPECT_FALSE(parse_har(nlohmann::json::parse(R"({"log": {"entries": {}}})"), "x"));
  auto ops = parse_har(nlohmann::json::parse(R"({"log": {"entries": [
      1, {"request": 2}, {"request": {"method": 3, "url": "http://p.test/a"}},
      {"request": {"method": "GET", "url": "ftp://p.test/a"}},
      {"request": {"method": "G E T", "url": "http://p.test/a"}},
      {"request": {"method": "get", "url": "http://p.test/ok", "queryString": 5,
                   "headers": "h", "postData": {"mimeType": "application/json", "text": 7}}}]}})"),
                       "not a url");
  ASSERT_TRUE(ops);
  EXPECT_EQ(keys(*ops), std::vector<std::string>{"GET /ok"});
}

// ---- Postman ------------------------------------------------------------------------------------

TEST(Postman, WalksFoldersAndTemplatesVariables) {
  auto doc = nlohmann::json::parse(R"({
    "info": {"name": "Portal", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/"},
    "variable": [{"key": "baseUrl", "value": "http://portal.test"},
                 {"key": "orgId", "value": "0b6c2a4e-3f1d-4c8e-9a7b-1d2e3f4a5b6c"},
                 {"key": "apiToken", "value": "s3cr3t"}],
    "item": [
      {"name": "Records", "item": [
        {"name": "one", "request": {"method": "GET", "url": {
          "raw": "{{baseUrl}}/api/records/:id?expand=owner&debug=1",
          "host": ["{{baseUrl}}"], "path": ["api", "records", ":id"],
          "query": [{"key": "expand", "value": "owner"},
                    {"key": "debug", "value": "1", "disabled": true},
                    {"key": "org", "value": "{{orgId}}"}],
          "variable": [{"key": "id", "value": "5"}]}}},
        {"name": "nested", "item": [
          {"name": "create", "request": {"method": "post",
            "url": "{{baseUrl}}/v2/orgs/{{orgId}}/records",
            "header": [{"key": "Authorization", "value": "Bearer s3cr3t"},
                       {"key": "X-Org-Id", "value": "{{orgId}}"}],
            "body": {"mode": "raw", "raw": "{\"title\": \"x\", \"token\": \"s3cr3t\"}",
                     "options": {"raw": {"language": "json"}}}}}]}]},
      {"name": "concrete", "request": "https://portal.test/api/records/7/notes/12"},
      {"name": "same again", "request": {"method": "GET", "url": {
        "raw": "{{baseUrl}}/api/records/:id", "path": ["api", "records", ":id"]}}},
      {"name": "xml", "request": {"method": "PUT", "url": "{{baseUrl}}/api/raw",
        "body": {"mode": "raw", "raw": "{\"a\": 1}", "options": {"raw": {"language": "xml"}}}}},
      {"name": "preflight", "request": {"method": "OPTIONS", "url": "{{baseUrl}}/api/records"}}
    ]})");
  auto ops = parse_postman(doc);
  ASSERT_TRUE(ops) << ops.error().message;
  EXPECT_EQ(keys(*ops), (std::vector<std::string>{"PUT /api/raw", "GET /api/records/{id}",
                                                  "GET /api/records/{record}/notes/{note}",
                                                  "POST /v2/orgs/{orgId}/records"}));
  const auto* one = find_op(*ops, "GET", "/api/records/{id}");
  EXPECT_EQ(one->source, "postman");
  EXPECT_EQ(names(*one), (std::vector<std::string>{"path:id", "query:expand", "query:org"}));
  EXPECT_EQ(find_param(*one, "id")->example, "5");
  EXPECT_EQ(find_param(*one, "org")->example, "0b6c2a4e-3f1d-4c8e-9a7b-1d2e3f4a5b6c");
  EXPECT_TRUE(find_param(*one, "org")->object_ref);
  const auto* create = find_op(*ops, "POST", "/v2/orgs/{orgId}/records");
  EXPECT_EQ(find_param(*create, "orgId")->example, "0b6c2a4e-3f1d-4c8e-9a7b-1d2e3f4a5b6c");
  EXPECT_EQ(create->body_example, nlohmann::json({{"title", "x"}, {"token", "<redacted>"}}));
  // Authorization is never kept; X-Org-Id names an object, its {{orgId}} resolved
  EXPECT_EQ(names(*create), (std::vector<std::string>{"path:orgId", "header:X-Org-Id"}));
  EXPECT_EQ(find_param(*create, "X-Org-Id")->example, "0b6c2a4e-3f1d-4c8e-9a7b-1d2e3f4a5b6c");
  EXPECT_TRUE(find_op(*ops, "PUT", "/api/raw")->body_example.is_null());
  const auto* notes = find_op(*ops, "GET", "/api/records/{record}/notes/{note}");
  EXPECT_EQ(find_param(*notes, "note")->example, "12");
}

TEST(Postman, RejectsWhatIsNotACollection) {
  EXPECT_FALSE(parse_postman(nlohmann::json::parse(R"({"item": []})")));
  EXPECT_FALSE(parse_postman(nlohmann::json::parse(R"({"info": {}, "item": {}})")));
  EXPECT_FALSE(parse_postman(nlohmann::json::parse("[]")));
  auto empty = parse_postman(nlohmann::json::parse(R"({"info": {}, "item": [
      1, {"request": null}, {"request": {"method": 5, "url": 6}}, {"item": "x"}]})"));
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

} // namespace
} // namespace lg::analyze

// ---- config and the merged surface
// ----------------------------------------------------------------

namespace lg::engine {
namespace {

const char* k_openapi = R"({
  "openapi": "3.0.3",
  "paths": {
    "/api/orgs/{orgId}/records/{id}": {"get": {"parameters": [
      {"name": "orgId", "in": "path", "required": true},
      {"name": "id", "in": "path", "required": true},
      {"name": "expand", "in": "query"},
      {"name": "slug", "in": "query"}]}},
    "/api/records": {"post": {"requestBody": {"content": {"application/json": {
      "schema": {"properties": {"title": {"type": "string"}}}}}}}}}})";

const char* k_har = R"({"log": {"entries": [
  {"request": {"method": "GET", "url": "http://portal.test/api/orgs/3/records/41?expand=all&x=1"}},
  {"request": {"method": "POST", "url": "http://portal.test/api/records",
               "postData": {"mimeType": "application/json", "text": "{\"title\": \"t\"}"}}},
  {"request": {"method": "GET", "url": "http://portal.test/api/health"}}]}})";

const char* k_postman = R"({"info": {"name": "p"}, "item": [
  {"request": {"method": "GET", "url": "{{baseUrl}}/api/orgs/:org/records/:rid"}},
  {"request": {"method": "DELETE", "url": "{{baseUrl}}/api/records/:id",
               "body": {"mode": "raw", "raw": "{}"}}}]})";

Config config_in(const test::TempDir& dir, const std::string& api) {
  auto c = parse_config("target:\n  base_url: http://portal.test\n" + api,
                        (dir.path() / "launchgate.yaml").string(), dir.path().string());
  EXPECT_TRUE(c) << c.error().message;
  return c ? *c : Config{};
}

TEST(ApiConfig, AcceptsHarPostmanAndObjectRefs) {
  test::TempDir dir;
  auto c = config_in(dir, "api:\n  har: rec/portal.har\n  postman: p.json\n"
                          "  object_refs: [slug, ' accountNo ']\n");
  EXPECT_EQ(c.api.har, "rec/portal.har");
  EXPECT_EQ(c.resolve_path(c.api.har), (dir.path() / "rec/portal.har").string());
  EXPECT_EQ(c.api.postman, "p.json");
  EXPECT_EQ(c.api.object_refs, (std::vector<std::string>{"slug", "accountNo"}));
  auto bad = parse_config("target:\n  base_url: http://portal.test\napi:\n  har: ''\n"
                          "  object_refs: x\n",
                          "t.yaml", "");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("api.object_refs must be a list"), std::string::npos)
      << bad.error().message;
  auto empty =
      parse_config("target:\n  base_url: http://portal.test\napi:\n  har: ''\n", "t.yaml", "");
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("api.har must name a file"), std::string::npos);
}

struct Loaded {
  test::FakeHttp http;
  test::FakeClock clock;
  Expected<std::vector<analyze::Operation>> ops = std::vector<analyze::Operation>{};
};

void load(const Config& config, Loaded& out) {
  out.http.handler = [](const net::HttpRequest&) { return test::respond(404); };
  Context context(config, {out.http, out.clock}, {});
  auto ops = context.operations();
  if (ops)
    out.ops = **ops;
  else
    out.ops = unexpected(ops.error());
}

TEST(ApiSurface, MergesOpenApiRecordingsAndEndpoints) {
  test::TempDir dir;
  dir.write("openapi.json", k_openapi);
  dir.write("portal.har", k_har);
  dir.write("collection.json", k_postman);
  auto config = config_in(dir, "api:\n  openapi: openapi.json\n  har: portal.har\n"
                               "  postman: collection.json\n  object_refs: [slug]\n"
                               "  endpoints: ['GET /api/orgs/{o}/records/{r}', 'GET /api/x']\n");
  Loaded loaded;
  load(config, loaded);
  ASSERT_TRUE(loaded.ops) << loaded.ops.error().message;
  const auto& ops = *loaded.ops;
  EXPECT_EQ(analyze::keys(ops), (std::vector<std::string>{
                                    "GET /api/orgs/{orgId}/records/{id}",
                                    "POST /api/records",
                                    "GET /api/health",
                                    "DELETE /api/records/{id}",
                                    "GET /api/x",
                                }));
  const auto& get = ops[0];
  EXPECT_EQ(get.source, "openapi");
  EXPECT_EQ(analyze::names(get), (std::vector<std::string>{"path:orgId", "path:id", "query:expand",
                                                           "query:slug"})); // no x from the HAR
  EXPECT_EQ(analyze::find_param(get, "orgId")->example, "3");
  EXPECT_EQ(analyze::find_param(get, "id")->example, "41");
  EXPECT_EQ(analyze::find_param(get, "expand")->example, "all");
  EXPECT_TRUE(analyze::find_param(get, "slug")->object_ref); // api.object_refs
  EXPECT_EQ(ops[1].body_example, nlohmann::json({{"title", "t"}}));
  EXPECT_FALSE(ops[1].body_schema.is_null());
  EXPECT_EQ(ops[2].source, "har");
  EXPECT_EQ(ops[3].source, "postman");
  EXPECT_EQ(ops[3].body_example, nlohmann::json::object());
  EXPECT_EQ(ops[4].source, "config");
  EXPECT_TRUE(loaded.http.seen.empty());
}

TEST(ApiSurface, NamesTheFileThatCannotBeReadOrParsed) {
  test::TempDir dir;
  dir.write("broken.har", "{\"log\": ");
  dir.write("notes.json", R"({"log": {"entries": []}})");
  dir.write("list.json", "[1]");
  auto expect_error = [&](const std::string& api, const std::string& part) {
    Loaded loaded;
    load(config_in(dir, api), loaded);
    ASSERT_FALSE(loaded.ops) << api;
    EXPECT_NE(loaded.ops.error().message.find(part), std::string::npos)
        << loaded.ops.error().message;
  };
  expect_error("api:\n  har: missing.har\n",
               "api.har file " + (dir.path() / "missing.har").string());
  expect_error("api:\n  har: broken.har\n", "broken.har is not valid JSON");
  expect_error("api:\n  postman: notes.json\n", "notes.json: not a Postman collection");
  expect_error("api:\n  har: list.json\n", "list.json: not a HAR file");
  expect_error("api:\n  har: notes.json\n", "notes.json holds no API request");
  expect_error("api:\n  openapi: nothing.json\n", "cannot read api.openapi file");
  expect_error("", "set api.openapi, api.har, api.postman or api.endpoints");

  std::filesystem::path big = dir.path() / "big.har";
  { std::ofstream(big.string()) << "{}"; }
  std::filesystem::resize_file(big, (std::uintmax_t{64} << 20) + 1); // sparse: no disk used
  expect_error("api:\n  har: big.har\n", "launchgate reads at most 64 MiB");
}

} // namespace
} // namespace lg::engine
