// The session gate end to end: the sample portal on loopback mails its resets and invites to
// launchgate's SMTP sink; each planted session flaw makes its check fail with evidence a
// developer can follow, and the hardened portal (cookie and JWT sessions) passes every check.

#include "checks/registry.hpp"
#include "integration/demo_portal.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace lg {
namespace {

using test::failing;
using test::result_of;

std::vector<CheckResult> run_session_gate(const test::DemoPortalOptions& options) {
  test::DemoPortal portal(options);
  if (portal.context() == nullptr)
    return {};
  return checks::run_checks(*portal.context(), {"session"});
}

/// Every finding says which request, as whom and what came back, and shows no token in full.
void expect_evidence(const CheckResult& r) {
  ASSERT_FALSE(r.findings.empty()) << r.meta.id;
  for (const auto& f : r.findings) {
    EXPECT_TRUE(f.evidence.contains("method")) << f.evidence.dump();
    EXPECT_TRUE(f.evidence.contains("path")) << f.evidence.dump();
    EXPECT_TRUE(f.evidence.contains("as")) << f.evidence.dump();
    EXPECT_TRUE(f.evidence.contains("status")) << f.evidence.dump();
    EXPECT_FALSE(f.fingerprint.empty());
    // Session tokens of the portal are 64 hex characters or JWTs: neither appears whole.
    auto text = f.evidence.dump() + f.message;
    EXPECT_FALSE(std::regex_search(text, std::regex("[0-9a-f]{64}"))) << text;
    EXPECT_FALSE(std::regex_search(text, std::regex(R"(eyJ[\w-]+\.[\w-]+\.)"))) << text;
  }
}

bool any_message(const CheckResult& r, const std::string& part) {
  for (const auto& f : r.findings)
    if (f.message.find(part) != std::string::npos)
      return true;
  return false;
}

TEST(SessionGate, HardenedCookiePortalPassesEveryCheck) {
  auto results =
      run_session_gate({.flaws = {},
                        .allow_writes = true,
                        .args = {"--reset-ttl", "5", "--invite-ttl", "5", "--session-idle", "2"},
                        .auth = "  reset_expiry: 5s\n  invite_expiry: 5s\n"
                                "  idle_timeout: 2s\n",
                        .mail = true});
  ASSERT_EQ(results.size(), 11u);
  for (const auto& r : results) {
    if (r.meta.id == "session.jwt") {
      EXPECT_EQ(r.status, Status::skip) << test::dump_results({r});
      continue;
    }
    EXPECT_EQ(r.status, Status::pass) << test::dump_results({r});
  }
  // The expiry paths ran, and the password was set back.
  EXPECT_NE(
      result_of(results, "session.reset-token").reason.find("refused after auth.reset_expiry"),
      std::string::npos)
      << result_of(results, "session.reset-token").reason;
  EXPECT_NE(result_of(results, "session.invite").reason.find("refused after auth.invite_expiry"),
            std::string::npos);
  EXPECT_NE(result_of(results, "session.login-rate-limit").reason.find("met 429"),
            std::string::npos);
  EXPECT_NE(result_of(results, "session.lifetime").reason.find("idle 2 s tested"),
            std::string::npos)
      << result_of(results, "session.lifetime").reason;
}

TEST(SessionGate, EachPlantedFlawFailsItsCheck) {
  auto results = run_session_gate({.flaws = {"stale-logout", "session-forever", "fixation",
                                             "cors-reflect", "no-rate-limit", "reset-reusable"},
                                   .allow_writes = true,
                                   .auth = "  idle_timeout: 1s\n",
                                   .mail = true});
  EXPECT_EQ(
      failing(results),
      (std::set<std::string>{"session.logout", "session.lifetime", "session.fixation",
                             "session.cors", "session.login-rate-limit", "session.reset-token"}))
      << test::dump_results(results);
  for (const char* id : {"session.logout", "session.lifetime", "session.fixation", "session.cors",
                         "session.login-rate-limit", "session.reset-token"})
    expect_evidence(result_of(results, id));
  const auto& reset = result_of(results, "session.reset-token");
  EXPECT_TRUE(any_message(reset, "older reset token")) << test::dump_results({reset});
  EXPECT_TRUE(any_message(reset, "worked twice"));
  EXPECT_TRUE(any_message(reset, "before the password was changed"));
  EXPECT_EQ(reset.reason.find("COULD NOT BE SET BACK"), std::string::npos) << reset.reason;
  EXPECT_TRUE(any_message(result_of(results, "session.lifetime"), "Max-Age=315360000"));
  EXPECT_TRUE(any_message(result_of(results, "session.lifetime"), "left idle for 1 s"))
      << test::dump_results({result_of(results, "session.lifetime")});
  EXPECT_TRUE(any_message(result_of(results, "session.fixation"), "planted"));
  const auto& cors = result_of(results, "session.cors");
  EXPECT_EQ(cors.status, Status::fail);
  EXPECT_TRUE(any_message(cors, "Origin: null"));
  EXPECT_EQ(result_of(results, "session.login-rate-limit").findings.size(), 2u);
}

TEST(SessionGate, CsrfExpiryAndEnumerationFlaws) {
  auto results = run_session_gate({.flaws = {"no-csrf", "reset-never-expires", "reset-enumeration"},
                                   .allow_writes = false,
                                   .args = {"--reset-ttl", "1"},
                                   .auth = "  reset_expiry: 1s\n",
                                   .mail = true});
  // no-csrf sets SameSite=None, which session.cookie-flags reports too.
  EXPECT_EQ(failing(results),
            (std::set<std::string>{"session.csrf", "session.reset-token",
                                   "session.user-enumeration", "session.cookie-flags"}))
      << test::dump_results(results);
  for (const char* id : {"session.csrf", "session.reset-token", "session.user-enumeration"})
    expect_evidence(result_of(results, id));
  const auto& reset = result_of(results, "session.reset-token");
  EXPECT_TRUE(any_message(reset, "past auth.reset_expiry")) << test::dump_results({reset});
  EXPECT_TRUE(any_message(reset, "404 for an unknown address"));
  EXPECT_TRUE(any_message(result_of(results, "session.csrf"), "SameSite=None"));
  // Read-only: invites create users, so they are not sent.
  EXPECT_EQ(result_of(results, "session.invite").status, Status::skip);
}

TEST(SessionGate, AnInviteThatNeverExpiresFails) {
  auto results = run_session_gate({.flaws = {"invite-never-expires"},
                                   .allow_writes = true,
                                   .args = {"--invite-ttl", "1"},
                                   .auth = "  invite_expiry: 1s\n",
                                   .mail = true});
  const auto& invite = result_of(results, "session.invite");
  EXPECT_EQ(invite.status, Status::fail) << test::dump_results({invite});
  expect_evidence(invite);
  EXPECT_TRUE(any_message(invite, "past auth.invite_expiry")) << test::dump_results({invite});
  EXPECT_EQ(failing(results), std::set<std::string>{"session.invite"})
      << test::dump_results(results);
}

TEST(SessionGate, JwtSessionsHardenedPassAndForgedTokensFail) {
  auto hardened = run_session_gate({.args = {"--session", "jwt"}, .mail = true});
  const auto& jwt = result_of(hardened, "session.jwt");
  EXPECT_EQ(jwt.status, Status::pass) << test::dump_results({jwt});
  EXPECT_EQ(result_of(hardened, "session.logout").status, Status::pass)
      << test::dump_results(hardened);
  EXPECT_EQ(result_of(hardened, "session.lifetime").status, Status::pass)
      << test::dump_results(hardened);

  auto none = run_session_gate({.flaws = {"jwt-none"}, .args = {"--session", "jwt"}});
  const auto& forged = result_of(none, "session.jwt");
  EXPECT_EQ(forged.status, Status::fail) << test::dump_results({forged});
  expect_evidence(forged);
  EXPECT_TRUE(any_message(forged, "alg \"none\"")) << test::dump_results({forged});

  auto weak = run_session_gate({.flaws = {"jwt-weak-secret"}, .args = {"--session", "jwt"}});
  const auto& secret = result_of(weak, "session.jwt");
  EXPECT_EQ(secret.status, Status::fail) << test::dump_results({secret});
  expect_evidence(secret);
  EXPECT_TRUE(any_message(secret, "well-known secrets")) << test::dump_results({secret});
  EXPECT_TRUE(any_message(secret, "signed with it, is accepted")) << test::dump_results({secret});
  // The found key is redacted like any secret.
  for (const auto& f : secret.findings)
    EXPECT_EQ(f.message.find("(secret)"), std::string::npos) << f.message;
}

} // namespace
} // namespace lg
