// edge.rate-limit against the sample portal on loopback: a burst of wrong passwords to
// POST /api/login meets the portal's 429 (10 failures per IP and email within --login-window),
// and meets none with --flaw no-rate-limit.

#include "app/portal_process.hpp"
#include "checks/catalog.hpp"
#include "checks/registry.hpp"
#include "engine/context.hpp"
#include "net/impl/curl_http.hpp"

#include <gtest/gtest.h>

namespace lg::checks {
namespace {

CheckResult rate_limit_run(const std::vector<std::string>& flaws) {
  app::PortalProcess portal;
  app::PortalOptions options;
  options.binary = LG_PORTAL_BIN;
  options.flaws = flaws;
  options.seed_password = "integration-test-password";
  auto started = portal.start(options);
  EXPECT_TRUE(started) << started.error().message;
  if (!started)
    return {};
  auto config = parse_config("target:\n  base_url: " + portal.base_url() +
                                 "\n  max_rps: 10\n"
                                 "edge:\n  rate_limit:\n    method: POST\n    path: /api/login\n"
                                 "    burst: 20\n    rps: 100\n"
                                 "    json: {email: alice@acme.test, password: not-her-password}\n",
                             "t", "");
  EXPECT_TRUE(config) << config.error().message;
  if (!config)
    return {};
  net::CurlHttpClient http{{}};
  net::SystemClock clock;
  engine::Context context(*config, engine::Services{http, clock, nullptr}, {});
  return run_edge_rate_limit(context, *find_check("edge.rate-limit"));
}

TEST(EdgeRateLimitPortal, TheDefaultPortalThrottlesTheBurst) {
  auto r = rate_limit_run({});
  ASSERT_EQ(r.status, Status::pass) << r.reason;
  EXPECT_NE(r.reason.find("limited after 11 requests (429, Retry-After:"), std::string::npos)
      << r.reason;
}

TEST(EdgeRateLimitPortal, WithoutItsRateLimitTheBurstMeetsNoLimit) {
  auto r = rate_limit_run({"no-rate-limit"});
  ASSERT_EQ(r.status, Status::fail) << r.reason;
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_NE(r.findings[0].message.find("POST /api/login: 20 requests in"), std::string::npos)
      << r.findings[0].message;
  EXPECT_EQ(r.findings[0].evidence["statuses"]["401"], 20);
}

} // namespace
} // namespace lg::checks
