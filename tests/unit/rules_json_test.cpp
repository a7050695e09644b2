// analyze/rules_json: the frame the provider rules loaders share (a JSON object with a non-empty
// "providers" list of named objects), the check that no key is claimed twice, and the error that
// lists every problem.

#include "analyze/rules_json.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace lg::analyze {
namespace {

struct Visited {
  std::string provider;
  std::string where;
};

/// Reads `json` as "test rules", recording each entry read; an entry's keys are its "keys"
/// strings, and an entry without a "keys" list is a problem of the reader's own.
Expected<void> read(std::string_view json, std::vector<Visited>& visited) {
  return read_rules_providers(json, "test rules", "key",
                              [&visited](const RulesEntry& entry, RulesProblems& problems) {
                                visited.push_back({entry.provider, entry.where});
                                std::vector<std::string> keys;
                                auto list = entry.json.find("keys");
                                if (list == entry.json.end() || !list->is_array())
                                  problems.push_back(entry.where + ": 'keys' is missing");
                                else
                                  for (const auto& k : *list)
                                    if (k.is_string())
                                      keys.push_back(k.get<std::string>());
                                return keys;
                              });
}

std::string message_of(std::string_view json) {
  std::vector<Visited> visited;
  auto r = read(json, visited);
  return r ? "" : r.error().message;
}

TEST(RulesJson, TheFrameMustBeAnObjectWithANonEmptyProviderList) {
  std::vector<Visited> visited;
  for (const char* bad : {"not json", "[]", "{}", R"({"providers": {}})", R"({"providers": []})",
                          R"({"providers": "A"})", ""}) {
    auto r = read(bad, visited);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::parse);
    EXPECT_TRUE(r.error().message.starts_with("test rules: ")) << r.error().message;
  }
  EXPECT_TRUE(visited.empty());
  EXPECT_EQ(message_of("[]"), "test rules: not a JSON object");
  EXPECT_EQ(message_of("{}"), "test rules: 'providers' must be a non-empty list");
}

TEST(RulesJson, AGoodFileReadsEveryEntryInOrder) {
  std::vector<Visited> visited;
  auto r = read(R"({"providers": [{"provider": "A", "keys": ["a"]},
                                  {"provider": "B", "keys": ["b", "c"]}], "other": 1})",
                visited);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(visited.size(), 2u);
  EXPECT_EQ(visited[0].provider, "A");
  EXPECT_EQ(visited[0].where, "providers[0] (A)");
  EXPECT_EQ(visited[1].where, "providers[1] (B)");
}

TEST(RulesJson, EveryProblemIsListedWithItsPlaceEntriesFirst) {
  std::vector<Visited> visited;
  auto r = read(R"({"providers": [{"provider": "A", "keys": ["x", "y"]}, 7,
                                  {"provider": "", "keys": ["y"]}, {"keys": []},
                                  {"provider": 3, "keys": ["x", "y"]}, {"provider": "B"}]})",
                visited);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::parse);
  EXPECT_EQ(r.error().message, "test rules:\n"
                               "providers[1]: not an object\n"
                               "providers[2]: 'provider' must be a non-empty string\n"
                               "providers[3]: 'provider' must be a non-empty string\n"
                               "providers[4]: 'provider' must be a non-empty string\n"
                               "providers[5] (B): 'keys' is missing\n"
                               "key 'x' is listed twice\n"
                               "key 'y' is listed twice\n"
                               "key 'y' is listed twice");
  // The number 7 is not read; the unnamed entries are, with an empty name.
  ASSERT_EQ(visited.size(), 5u);
  EXPECT_EQ(visited[1].provider, "");
  EXPECT_EQ(visited[1].where, "providers[2]");
  EXPECT_EQ(visited[4].where, "providers[5] (B)");
}

TEST(RulesJson, AKeyRepeatedWithinOneEntryIsARepeatToo) {
  EXPECT_EQ(message_of(R"({"providers": [{"provider": "A", "keys": ["x", "x"]}]})"),
            "test rules:\nkey 'x' is listed twice");
  EXPECT_EQ(message_of(R"({"providers": [{"provider": "A", "keys": ["x"]},
                                         {"provider": "B", "keys": ["X"]}]})"),
            "");
}

} // namespace
} // namespace lg::analyze
