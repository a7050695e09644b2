// The access and input gates end to end against the sample portal on loopback: each planted flaw
// makes exactly the checks it is meant for fail, with replayable evidence, and the hardened portal
// gives no finding at all in either gate, with writes allowed.

#include "checks/registry.hpp"
#include "integration/demo_portal.hpp"
#include "support/test_support.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <set>

namespace lg {
namespace {

using test::failing;
using test::result_of;

constexpr const char* k_password = test::k_portal_password;

struct GateRun {
  std::vector<CheckResult> results;
  std::map<std::string, int> requests;
};

GateRun run_gates(const std::vector<std::string>& flaws, bool allow_writes) {
  test::DemoPortal portal(flaws, allow_writes);
  auto& context = *portal.context();
  GateRun run;
  run.results = checks::run_checks(context, {"access", "input"}, {}, &run.requests);
  return run;
}

std::string dump(const std::vector<CheckResult>& results) {
  return test::dump_results(results);
}

/// Every finding carries what a developer needs to replay it, and never a credential.
void expect_replayable(const CheckResult& r) {
  for (const auto& f : r.findings) {
    const auto& e = f.evidence;
    EXPECT_TRUE(e.contains("method")) << e.dump();
    EXPECT_TRUE(e.contains("path")) << e.dump();
    EXPECT_TRUE(e.contains("as")) << e.dump();
    ASSERT_TRUE(e.contains("curl")) << e.dump();
    auto curl = e["curl"].get<std::string>();
    EXPECT_EQ(curl.rfind("curl -sS -X ", 0), 0u) << curl;
    if (e["as"] != "anonymous") {
      EXPECT_NE(curl.find("$TOKEN"), std::string::npos) << curl;
    }
    EXPECT_EQ(curl.find(k_password), std::string::npos);
    EXPECT_FALSE(f.fingerprint.empty());
  }
}

TEST(AccessInputGates, TheHardenedPortalHasNoFindingWithWritesAllowed) {
  auto run = run_gates({}, true);
  EXPECT_TRUE(failing(run.results).empty()) << dump(run.results);
  for (const auto& r : run.results)
    EXPECT_EQ(r.status, Status::pass) << dump(run.results);
  EXPECT_GT(run.requests["access"], 100);
  EXPECT_LE(run.requests["access"], 2000);
  EXPECT_GT(run.requests["input"], 100);
}

TEST(AccessInputGates, ReadOnlyTheWriteChecksSkipWithTheReason) {
  auto run = run_gates({}, false);
  for (const char* id : {"access.cross-tenant-write", "access.mass-assignment"}) {
    const auto& r = result_of(run.results, id);
    EXPECT_EQ(r.status, Status::skip) << dump(run.results);
    EXPECT_NE(r.reason.find("--allow-writes"), std::string::npos) << r.reason;
  }
  EXPECT_NE(result_of(run.results, "input.malformed").reason.find("not probed"), std::string::npos);
  EXPECT_TRUE(failing(run.results).empty()) << dump(run.results);
}

struct FlawCase {
  const char* flaw;
  std::set<std::string> fails;
};

class PlantedFlaw : public ::testing::TestWithParam<FlawCase> {};

TEST_P(PlantedFlaw, FailsExactlyItsChecksWithReplayableEvidence) {
  const auto& c = GetParam();
  auto run = run_gates({c.flaw}, true);
  EXPECT_EQ(failing(run.results), c.fails) << dump(run.results);
  for (const auto& id : c.fails) {
    const auto& r = result_of(run.results, id);
    EXPECT_FALSE(r.findings.empty()) << id;
    expect_replayable(r);
  }
}

INSTANTIATE_TEST_SUITE_P(
    SamplePortal, PlantedFlaw,
    ::testing::Values(FlawCase{"idor", {"access.cross-tenant-read"}},
                      FlawCase{"idor-write", {"access.cross-tenant-write"}},
                      FlawCase{"filter-tampering", {"access.filter-tampering"}},
                      FlawCase{"search-leak", {"access.filter-tampering"}},
                      FlawCase{"staff-can-admin", {"access.role-escalation"}},
                      FlawCase{"mass-assignment", {"access.mass-assignment"}},
                      FlawCase{"open-endpoint", {"access.unauthenticated"}},
                      FlawCase{"no-validation",
                               {"input.malformed", "input.oversize", "input.error-disclosure"}},
                      FlawCase{"sql-injection", {"input.injection"}}),
    [](const auto& test_info) {
      std::string name = test_info.param.flaw;
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

TEST(CrossTenantRead, NamesAttackerOwnerAndTheLeakedFields) {
  auto run = run_gates({"idor"}, false);
  const auto& r = result_of(run.results, "access.cross-tenant-read");
  ASSERT_EQ(r.status, Status::fail) << dump(run.results);
  // Both directions: acme reads globex and globex reads acme.
  ASSERT_EQ(r.findings.size(), 2u) << dump(run.results);
  const auto& e = r.findings[0].evidence;
  EXPECT_EQ(e["method"], "GET");
  EXPECT_EQ(e["path"], "/api/records/{id}");
  EXPECT_EQ(e["status"], 200);
  EXPECT_NE(e["as"], e["owner"]);
  EXPECT_GE(e["pairs"].size(), 2u) << e.dump(); // alice and bob both read globex's records
  EXPECT_FALSE(e["matched_fields"].empty());
}

TEST(FilterTampering, FindsTheUndeclaredOrgIdParameter) {
  auto run = run_gates({"filter-tampering"}, false);
  const auto& r = result_of(run.results, "access.filter-tampering");
  ASSERT_EQ(r.status, Status::fail) << dump(run.results);
  bool org_id = false;
  for (const auto& f : r.findings)
    org_id = org_id || f.evidence["parameter"] == "org_id";
  EXPECT_TRUE(org_id) << dump(run.results);
}

TEST(MassAssignment, TheRoleIsSetBackAfterTheProbe) {
  auto run = run_gates({"mass-assignment"}, true);
  const auto& r = result_of(run.results, "access.mass-assignment");
  ASSERT_EQ(r.status, Status::fail) << dump(run.results);
  EXPECT_EQ(r.reason.find("could not restore"), std::string::npos) << r.reason;
  // The checks after it still saw the staff accounts as staff: role escalation passed.
  EXPECT_EQ(result_of(run.results, "access.role-escalation").status, Status::pass);
}

TEST(Injection, TheBooleanPairAndTheQuoteAreBothSigns) {
  auto run = run_gates({"sql-injection"}, false);
  const auto& r = result_of(run.results, "input.injection");
  ASSERT_EQ(r.status, Status::fail) << dump(run.results);
  std::set<std::string> techniques;
  for (const auto& f : r.findings) {
    EXPECT_EQ(f.evidence["path"], "/api/search");
    techniques.insert(f.evidence["technique"].get<std::string>());
  }
  EXPECT_TRUE(techniques.contains("boolean")) << dump(run.results);
  EXPECT_TRUE(techniques.contains("error")) << dump(run.results);
}

} // namespace
} // namespace lg
