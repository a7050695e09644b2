// The Markdown report's "Handover checklist": rendered only when a check measured the checklist,
// its items escaped (a missing one in bold), then every check that needs work in the report's
// order with its findings and fix; the checklist is not repeated as a measured line.

#include "report/report.hpp"

#include <gtest/gtest.h>

namespace lg::report {
namespace {

CheckResult check(const std::string& id, Status status, const std::string& fix) {
  CheckResult c;
  c.meta.id = id;
  c.meta.gate = id.substr(0, id.find('.'));
  c.meta.title = "Title of " + id;
  c.meta.fix = fix;
  c.meta.severity = Severity::high;
  c.status = status;
  return c;
}

Report sample() {
  Report r;
  r.tool_version = "0.1.0";
  r.gates = {"secrets", "deploy"};
  auto secrets = check("secrets.tree", Status::fail, "Rotate the key.");
  Finding leak;
  leak.message = "a key in config.js\nsecond line";
  secrets.findings.push_back(leak);
  r.checks.push_back(secrets);
  r.checks.push_back(check("deploy.config", Status::pass, "Document them."));
  auto handover = check("deploy.handover", Status::warn, "Say where secrets live.");
  Finding missing;
  missing.message = "Where the secrets live is not said.";
  handover.findings.push_back(missing);
  handover.measurements = nlohmann::json::array({{{"checklist", "handover"},
                                                  {"owners", {"*ops* <team>", "@acme/platform"}},
                                                  {"owners_source", ".github/CODEOWNERS"},
                                                  {"approver", "lee@example.com"},
                                                  {"support", "support@example.com"},
                                                  {"secrets", ""},
                                                  {"notes", ""},
                                                  {"build", "make `build`"},
                                                  {"test", ""},
                                                  {"migrate", ""},
                                                  {"rollback", "make rollback DRY_RUN=1"},
                                                  {"rollback_procedure", "README.md:40"},
                                                  {"rollback_heading", "Rollback"},
                                                  {"monitors", {"home: GET https://p.test/"}},
                                                  {"alert_routes", nlohmann::json::array()},
                                                  {"runbooks", {"docs/runbook.md"}}}});
  r.checks.push_back(handover);
  r.checks.push_back(check("deploy.migrations", Status::error, "Version the schema."));
  r.checks.back().reason = "could not read the repository";
  return r;
}

size_t at(const std::string& md, const std::string& part) {
  auto pos = md.find(part);
  EXPECT_NE(pos, std::string::npos) << part << "\n---\n" << md;
  return pos;
}

TEST(ReportHandover, RendersTheChecklistAndTheOpenFindingsInReportOrder) {
  std::string md = render(sample(), Format::markdown);
  size_t section = at(md, "## Handover checklist\n\n");
  EXPECT_LT(section, at(md, "## What to fix, in order"));
  at(md, "- Owners: \\*ops\\* \\<team\\>, @acme/platform (from `.github/CODEOWNERS`)\n");
  at(md, "- Approves production changes: lee@example.com\n");
  at(md, "- Secrets live in: **missing**\n");
  at(md, "- Build: `` make `build` ``\n");
  at(md, "- Test: not configured\n");
  at(md, "- Rollback command: `make rollback DRY_RUN=1`\n");
  at(md, "- Rollback steps: “Rollback” at `README.md:40`\n");
  at(md, "- Monitors:\n  - home: GET https://p.test/\n");
  at(md, "- Alert routes: **none**\n");
  at(md, "- Runbooks:\n  - `docs/runbook.md`\n");
  size_t open = at(md, "### Open findings\n\n");
  size_t secrets = at(md, "- [ ] `secrets.tree` · fail · high — Title of secrets.tree\n"
                          "  - a key in config.js\n"
                          "  - Fix: Rotate the key.\n");
  size_t handover = at(md, "- [ ] `deploy.handover` · warn · high");
  size_t migrations = at(md, "- [ ] `deploy.migrations` · error · high — Title of "
                             "deploy.migrations\n  - could not read the repository\n"
                             "  - Fix: Version the schema.\n");
  EXPECT_LT(open, secrets);
  EXPECT_LT(secrets, handover);
  EXPECT_LT(handover, migrations);
  EXPECT_LT(migrations, at(md, "## What to fix, in order"));
  EXPECT_EQ(md.find("- [ ] `deploy.config`"), std::string::npos) << "a pass is no open finding";
  EXPECT_EQ(md.find("checklist=handover"), std::string::npos) << md;
}

TEST(ReportHandover, NoChecklistNoSection) {
  auto r = sample();
  r.checks[2].measurements = nlohmann::json::array({{{"count", 3}}});
  std::string md = render(r, Format::markdown);
  EXPECT_EQ(md.find("Handover checklist"), std::string::npos);
  EXPECT_EQ(md.find("Open findings"), std::string::npos);
  at(md, "measured: `count=3`");
}

} // namespace
} // namespace lg::report
