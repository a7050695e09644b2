// The `edge:` section of launchgate.yaml: origin addresses and the rate-limit burst, with
// file:line errors for what is wrong.

#include "core/config.hpp"

#include <gtest/gtest.h>

namespace lg {
namespace {

constexpr const char* k_target = "target:\n  base_url: https://example.com\n  max_rps: 8\n";

TEST(EdgeConfig, OriginsAndTheBurstAreParsedWithDefaults) {
  auto c = parse_config(std::string(k_target) +
                            "edge:\n"
                            "  origin: [203.0.113.7, '2001:db8::1']\n"
                            "  rate_limit: {path: /api/login, json: {email: a@b.c}}\n",
                        "t.yaml", "");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->edge.origins, (std::vector<std::string>{"203.0.113.7", "2001:db8::1"}));
  ASSERT_TRUE(c->edge.rate_limit);
  EXPECT_EQ(c->edge.rate_limit->request.method, "POST");
  EXPECT_EQ(c->edge.rate_limit->request.path, "/api/login");
  EXPECT_EQ((*c->edge.rate_limit->request.json)["email"], "a@b.c");
  EXPECT_EQ(c->edge.rate_limit->burst, 60);
  EXPECT_DOUBLE_EQ(c->edge.rate_limit->rps, 8); // target.max_rps

  auto one = parse_config(std::string(k_target) +
                              "edge:\n  origin: 198.51.100.2\n"
                              "  rate_limit: {method: get, path: /search, burst: 20, rps: 50}\n",
                          "t.yaml", "");
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(one->edge.origins, (std::vector<std::string>{"198.51.100.2"}));
  EXPECT_EQ(one->edge.rate_limit->request.method, "GET");
  EXPECT_EQ(one->edge.rate_limit->burst, 20);
  EXPECT_DOUBLE_EQ(one->edge.rate_limit->rps, 50);

  auto none = parse_config(k_target, "t.yaml", "");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->edge.origins.empty());
  EXPECT_FALSE(none->edge.rate_limit);
}

TEST(EdgeConfig, BadValuesAreReportedWithTheirLine) {
  auto c = parse_config(std::string(k_target) + "edge:\n"
                                                "  origin: [origin.example.com]\n" // line 5
                                                "  rate_limit:\n"                  // line 6
                                                "    path: api/login\n"            // line 7
                                                "    burst: 1000\n"                // line 8
                                                "    rps: 500\n",                  // line 9
                        "t.yaml", "");
  ASSERT_FALSE(c);
  const auto& m = c.error().message;
  EXPECT_NE(m.find("t.yaml:5:11: edge.origin: 'origin.example.com' is not a literal IPv4 or IPv6"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("t.yaml:7:11: edge.rate_limit.path must be a path"), std::string::npos) << m;
  EXPECT_NE(m.find("t.yaml:8:12: edge.rate_limit.burst must be a whole number from 5 to 500"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("t.yaml:9:10: edge.rate_limit.rps must be above 0 and at most 100"),
            std::string::npos)
      << m;

  auto unknown = parse_config(
      std::string(k_target) + "edge:\n  rate_limit: {path: /x, bursts: 5}\n", "t.yaml", "");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("unknown key 'bursts' in edge.rate_limit"),
            std::string::npos)
      << unknown.error().message;
  auto missing =
      parse_config(std::string(k_target) + "edge:\n  rate_limit: {burst: 5}\n", "t.yaml", "");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("missing the required key 'path'"), std::string::npos);
}

} // namespace
} // namespace lg
