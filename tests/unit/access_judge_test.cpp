// The data judge of the access gate (analyze/objects), schema samples (analyze/samples) and
// replayable evidence (engine/replay): pure functions, no server.

#include "analyze/objects.hpp"
#include "analyze/samples.hpp"
#include "engine/replay.hpp"

#include <gtest/gtest.h>

using lg::analyze::collect_objects;
using lg::analyze::OwnershipMap;
using nlohmann::json;

namespace {

/// acme and globex each read their own records; both read the same country list.
OwnershipMap two_orgs() {
  OwnershipMap map;
  auto acme = json::parse(R"({"records": [
      {"id": 1, "org": "acme", "title": "Acme supply contract", "created_at": "2024-01-26T18:00:00Z"},
      {"id": 2, "org": "acme", "title": "Acme audit", "created_at": "2024-01-27T09:00:00Z"}]})");
  auto globex = json::parse(R"({"records": [
      {"id": 7, "org": "globex", "title": "Globex label printers", "created_at": "2024-01-27T09:00:00Z"},
      {"id": 8, "org": "globex", "title": "Globex freight", "created_at": "2024-01-28T10:00:00Z",
       "note": "2024-02-01T00:00:00Z"}]})");
  for (const auto& o : collect_objects(acme))
    map.add("acme", o);
  for (const auto& o : collect_objects(globex))
    map.add("globex", o);
  for (const auto& o : collect_objects(json::parse(R"([{"code": "DEU", "name": "Germany"}])")))
    map.add_shared(o);
  return map;
}

} // namespace

TEST(CollectObjects, FindsListItemsWithTheirIds) {
  auto objects = collect_objects(json::parse(R"({"data": [{"uuid": "u-1", "name": "x"},
      {"project_id": "p-2", "name": "y"}], "total": 2})"));
  ASSERT_EQ(objects.size(), 3u); // the wrapper (total) and the two items
  EXPECT_EQ(objects[1].id_key, "uuid");
  EXPECT_EQ(objects[1].id, "u-1");
  EXPECT_EQ(objects[2].id_key, "project_id");
  EXPECT_EQ(objects[2].id, "p-2");
}

TEST(CollectObjects, SkipsErrorBodiesAndBoundsItsWork) {
  EXPECT_TRUE(collect_objects(json::parse(R"({"error": "not found", "code": 404})")).empty());
  json big = json::array();
  for (int i = 0; i < 100; ++i)
    big.push_back({{"id", i}, {"name", "n"}});
  EXPECT_EQ(collect_objects(big, 10).size(), 10u);
}

TEST(RefusalBody, ErrorEnvelopesAndEmptyListsAreRefusals) {
  EXPECT_TRUE(
      lg::analyze::is_refusal_body(json::parse(R"({"ok": false, "data": [{"id": 1, "a": 2}]})")));
  EXPECT_TRUE(lg::analyze::is_refusal_body(json::parse(R"({"error": "forbidden"})")));
  EXPECT_TRUE(lg::analyze::is_refusal_body(json::parse(R"({"records": [], "total": 0})")));
  EXPECT_TRUE(lg::analyze::is_refusal_body(json::parse(R"([])")));
  EXPECT_FALSE(
      lg::analyze::is_refusal_body(json::parse(R"({"users": [{"id": 1, "email": "a@b"}]})")));
}

TEST(FindLeaks, TheVictimsObjectInAnAttackersAnswerIsALeak) {
  auto map = two_orgs();
  auto leaks =
      map.find_leaks(json::parse(R"({"id": 7, "org": "globex", "title": "Globex label printers"})"),
                     "globex", "acme");
  ASSERT_EQ(leaks.size(), 1u);
  EXPECT_EQ(leaks[0].id, "7");
  EXPECT_EQ(leaks[0].fields, (std::vector<std::string>{"org", "title"}));
}

TEST(FindLeaks, TheAttackersOwnDataIsNoLeak) {
  auto map = two_orgs();
  EXPECT_TRUE(map.find_leaks(json::parse(R"({"records": [{"id": 1, "org": "acme",
      "title": "Acme supply contract"}]})"),
                             "globex", "acme")
                  .empty());
}

TEST(FindLeaks, SharedReferenceDataIsNoLeak) {
  auto map = two_orgs();
  EXPECT_TRUE(
      map.find_leaks(json::parse(R"([{"code": "DEU", "name": "Germany"}])"), "globex", "acme")
          .empty());
}

TEST(FindLeaks, TimestampsAloneNeverMakeALeak) {
  // Two of globex's dates in one of acme's objects: dates are not identifying.
  auto map = two_orgs();
  EXPECT_TRUE(map.find_leaks(json::parse(R"({"id": 3, "created_at": "2024-01-28T10:00:00Z",
      "note": "2024-02-01T00:00:00Z"})"),
                             "globex", "acme")
                  .empty());
}

TEST(FindLeaks, AnIdAloneIsNoLeakButAnIdWithAValueIs) {
  auto map = two_orgs();
  // An error message that echoes the requested id.
  EXPECT_TRUE(
      map.find_leaks(json::parse(R"({"id": 7, "status": "missing"})"), "globex", "acme").empty());
  EXPECT_EQ(map.find_leaks(json::parse(R"({"id": 7, "title": "Globex label printers"})"), "globex",
                           "acme")
                .size(),
            1u);
}

TEST(FindLeaks, TwoVictimValuesWithoutTheIdAreALeak) {
  auto map = two_orgs();
  EXPECT_EQ(map.find_leaks(json::parse(R"({"results": [{"ref": "x", "org": "globex",
      "title": "Globex freight"}]})"),
                           "globex", "acme")
                .size(),
            1u);
}

TEST(OwnershipMap, ValuesOfAFieldPerOrg) {
  auto map = two_orgs();
  EXPECT_EQ(map.values_of("globex", "org"), (std::vector<std::string>{"globex"}));
  EXPECT_TRUE(map.seen_by("acme", "Acme audit"));
  EXPECT_FALSE(map.seen_by("acme", "Globex freight"));
}

TEST(ScopeField, OrgTenantAndOwnerNames) {
  for (const char* name : {"org", "org_id", "orgId", "tenant_id", "owner_id", "created_by"})
    EXPECT_TRUE(lg::analyze::is_scope_field(name)) << name;
  for (const char* name : {"title", "id", "organic", "role"})
    EXPECT_FALSE(lg::analyze::is_scope_field(name)) << name;
}

TEST(SampleValue, FollowsTheSchema) {
  auto schema = json::parse(R"({"type": "object", "required": ["title", "email", "n", "kind"],
      "properties": {"title": {"type": "string", "minLength": 30, "maxLength": 40},
                     "email": {"type": "string", "format": "email"},
                     "n": {"type": "integer", "minimum": 5},
                     "kind": {"type": "string", "enum": ["a", "b"]},
                     "id": {"type": "integer", "readOnly": true}}})");
  auto v = lg::analyze::sample_value(schema, "mark");
  EXPECT_EQ(v["title"].get<std::string>().size(), 30u);
  EXPECT_EQ(v["title"].get<std::string>().substr(0, 4), "mark");
  EXPECT_EQ(v["email"], "mark@example.invalid");
  EXPECT_EQ(v["n"], 5);
  EXPECT_EQ(v["kind"], "a");
  EXPECT_FALSE(v.contains("id"));
}

TEST(SampleBody, ARecordedExampleGetsTheMarkerInItsFreeText) {
  auto body = lg::analyze::sample_body(
      nullptr, json::parse(R"({"name": "old", "status": "open", "org_id": "o1"})"), "mark");
  EXPECT_EQ(body["name"], "mark");
  EXPECT_EQ(body["status"], "open");
  EXPECT_EQ(body["org_id"], "o1");
  EXPECT_EQ(lg::analyze::sample_body(nullptr, nullptr, "m"), json::parse(R"({"name": "m"})"));
}

TEST(SampleValue, DeepOrOddSchemasStayBounded) {
  json schema = {{"type", "object"}, {"properties", json::object()}};
  json* at = &schema;
  for (int i = 0; i < 100; ++i) {
    (*at)["properties"]["x"] = {{"type", "object"}, {"properties", json::object()}};
    at = &(*at)["properties"]["x"];
  }
  EXPECT_NO_THROW(lg::analyze::sample_value(schema, "m"));
  EXPECT_EQ(lg::analyze::sample_value(json::parse(R"({"type": ["string", "null"]})"), "m"), "m");
  EXPECT_EQ(lg::analyze::sample_value(json::parse("42"), "m"), "m");
}

TEST(Replay, CurlCarriesTheCredentialAsAVariable) {
  lg::net::HttpRequest request;
  request.method = "PUT";
  request.url = "http://127.0.0.1:8080/api/records/7?x=it's";
  request.body = R"({"title":"a"})";
  request.headers.push_back({"Content-Type", "application/json"});
  request.headers.push_back({"Cookie", "session=abcdef0123456789"});
  auto curl = lg::engine::curl_command(request, "-b \"session=$TOKEN\"");
  EXPECT_EQ(curl, "curl -sS -X PUT 'http://127.0.0.1:8080/api/records/7?x=it'\\''s' "
                  "-b \"session=$TOKEN\" -H 'Content-Type: application/json' "
                  "--data-binary '{\"title\":\"a\"}'");
  EXPECT_EQ(curl.find("abcdef"), std::string::npos);
}

TEST(Replay, ExcerptsCutLongStringsAndRedactCredentials) {
  auto text = lg::engine::excerpt(
      R"({"title": "a very long title that goes on and on", "api_token": "tok_1234567890abcdef"})");
  EXPECT_NE(text.find("a very long title that g…"), std::string::npos);
  EXPECT_EQ(text.find("1234567890abcdef"), std::string::npos);
  EXPECT_LE(lg::engine::excerpt(std::string(5000, 'x'), 100).size(), 130u);
}
