// Contract test of the check catalog: every id of DESIGN.md ("The ten gates") is present exactly
// once, well formed, complete and in fix order, and find_check resolves each of them.

#include "checks/catalog.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace {

// Copied from DESIGN.md's table, gate by gate in k_gates order. Ids are stable: never edit one.
const std::vector<std::string_view> k_design_ids = {
    "access.unauthenticated",
    "access.cross-tenant-read",
    "access.cross-tenant-write",
    "access.filter-tampering",
    "access.role-escalation",
    "access.mass-assignment",
    "session.cookie-flags",
    "session.lifetime",
    "session.logout",
    "session.fixation",
    "session.reset-token",
    "session.login-rate-limit",
    "session.user-enumeration",
    "session.jwt",
    "session.csrf",
    "session.cors",
    "input.malformed",
    "input.injection",
    "input.error-disclosure",
    "input.oversize",
    "secrets.tree",
    "secrets.history",
    "secrets.build",
    "secrets.logs",
    "deploy.clean-build",
    "deploy.pinned-deps",
    "deploy.migrations",
    "deploy.rollback",
    "deploy.config",
    "deploy.handover",
    "email.spf",
    "email.dkim",
    "email.dmarc",
    "email.mx",
    "email.mta-sts",
    "domain.dns",
    "domain.tls-cert",
    "domain.tls-protocols",
    "domain.https-redirect",
    "domain.hsts",
    "domain.headers",
    "domain.mixed-content",
    "domain.caa",
    "domain.dangling-cname",
    "edge.cdn",
    "edge.rate-limit",
    "edge.origin-exposure",
    "perf.api-latency",
    "perf.lcp",
    "observability.uptime",
    "observability.error-logging",
    "observability.log-leaks",
};

bool is_gate(std::string_view gate) {
  return std::find(std::begin(lg::k_gates), std::end(lg::k_gates), gate) != std::end(lg::k_gates);
}

TEST(Catalog, EveryEntryIsWellFormedAndComplete) {
  for (const auto& meta : lg::checks::catalog()) {
    SCOPED_TRACE(meta.id);
    const auto dot = meta.id.find('.');
    ASSERT_NE(dot, std::string::npos);
    EXPECT_EQ(meta.id.substr(0, dot), meta.gate);
    EXPECT_LT(dot + 1, meta.id.size());
    EXPECT_EQ(meta.id.find_first_of(" \t\n"), std::string::npos);
    EXPECT_TRUE(is_gate(meta.gate));
    EXPECT_FALSE(meta.title.empty());
    EXPECT_FALSE(meta.summary.empty());
    EXPECT_FALSE(meta.fix.empty());
    EXPECT_GT(meta.effort_hours, 0);
    EXPECT_LE(meta.effort_hours, 16);
    ASSERT_FALSE(meta.references.empty());
    for (const auto& ref : meta.references) {
      EXPECT_FALSE(ref.empty());
    }
  }
}

TEST(Catalog, IdsAreUnique) {
  std::set<std::string> seen;
  for (const auto& meta : lg::checks::catalog()) {
    EXPECT_TRUE(seen.insert(meta.id).second) << "duplicate id " << meta.id;
  }
}

TEST(Catalog, HoldsEveryDesignId) {
  EXPECT_EQ(k_design_ids.size(), 52u);
  for (const auto id : k_design_ids) {
    EXPECT_NE(lg::checks::find_check(id), nullptr) << "missing " << id;
  }
  EXPECT_GE(lg::checks::catalog().size(), k_design_ids.size());
}

TEST(Catalog, IsInGateOrder) {
  const auto& table = lg::checks::catalog();
  for (size_t i = 1; i < table.size(); ++i) {
    EXPECT_LE(lg::gate_rank(table[i - 1].gate), lg::gate_rank(table[i].gate))
        << table[i - 1].id << " before " << table[i].id;
  }
}

TEST(Catalog, DesignIdsKeepTheDesignOrder) {
  // Within a gate the design's ids come in the design table's order (added checks may follow).
  std::vector<std::string_view> in_table;
  for (const auto& meta : lg::checks::catalog()) {
    if (std::find(k_design_ids.begin(), k_design_ids.end(), meta.id) != k_design_ids.end()) {
      in_table.emplace_back(meta.id);
    }
  }
  EXPECT_EQ(in_table, k_design_ids);
}

TEST(Catalog, FindCheckReturnsTheEntry) {
  for (const auto& meta : lg::checks::catalog()) {
    const lg::CheckMeta* found = lg::checks::find_check(meta.id);
    ASSERT_NE(found, nullptr) << meta.id;
    EXPECT_EQ(found, &meta);
  }
}

TEST(Catalog, FindCheckReturnsNullForUnknownIds) {
  EXPECT_EQ(lg::checks::find_check(""), nullptr);
  EXPECT_EQ(lg::checks::find_check("access"), nullptr);
  EXPECT_EQ(lg::checks::find_check("access.no-such-check"), nullptr);
  EXPECT_EQ(lg::checks::find_check("ACCESS.UNAUTHENTICATED"), nullptr);
  EXPECT_EQ(lg::checks::find_check("access.unauthenticated "), nullptr);
}

TEST(Catalog, IsBuiltOnce) {
  EXPECT_EQ(&lg::checks::catalog(), &lg::checks::catalog());
}

} // namespace
