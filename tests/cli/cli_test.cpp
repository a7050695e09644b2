// The command line, one behaviour per case: arguments in, exit code and a line or two out.

#include "app/commands.hpp"
#include "monitor/runner.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <regex>
#include <set>

namespace lg {
namespace {

using test::run_command;

const std::string k_bin = LG_LAUNCHGATE_BIN;
const std::string k_portal_env = std::string("LAUNCHGATE_PORTAL=") + LG_PORTAL_BIN;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(Cli, Version) {
  auto r = run_command({k_bin, "--version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(contains(r.out, "launchgate 0.1.0")) << r.out;
}

TEST(Cli, HelpOnEverySubcommand) {
  for (const char* sub : {"audit", "demo", "init", "checks"}) {
    auto r = run_command({k_bin, sub, "--help"});
    EXPECT_EQ(r.code, 0) << sub;
    EXPECT_TRUE(contains(r.out, "Usage")) << sub << ": " << r.out;
  }
  auto top = run_command({k_bin, "--help"});
  EXPECT_EQ(top.code, 0);
  EXPECT_TRUE(contains(top.out, "4 incomplete"));
}

TEST(Cli, NoSubcommandIsAUsageError) {
  EXPECT_EQ(run_command({k_bin}).code, 2);
  EXPECT_EQ(run_command({k_bin, "frobnicate"}).code, 2);
}

TEST(Cli, MissingConfigIsExit2WithTheFile) {
  test::TempDir dir;
  auto r = run_command({k_bin, "audit"}, dir.path().string());
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "launchgate.yaml: cannot open the config file")) << r.err;
}

TEST(Cli, BadConfigIsExit2WithFileLine) {
  test::TempDir dir;
  auto path = dir.write("lg.yaml", "target:\n  base_url: http://127.0.0.1:9\n  rps: 3\n");
  auto r = run_command({k_bin, "audit", "-c", path});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, path + ":3:3: unknown key 'rps' in target")) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST(Cli, ABrokenZoneFileIsExit2WithItsLines) {
  test::TempDir dir;
  dir.write("export.zone", "$ORIGIN example.com.\n@ IN A 203.0.113.10\nwww IN A 300.1.1.1\n");
  auto path = dir.write("lg.yaml", "target:\n  base_url: http://127.0.0.1:9\n"
                                   "dns: {zone_file: export.zone}\n");
  auto r = run_command({k_bin, "audit", "-c", path});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "dns.zone_file " + (dir.path() / "export.zone").string() +
                                  ":\nline 3: malformed A data '300.1.1.1'"))
      << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST(Cli, UnknownGateOrFormatIsExit2) {
  test::TempDir dir;
  auto path = dir.write("lg.yaml", "target:\n  base_url: http://127.0.0.1:9\n");
  auto gate = run_command({k_bin, "audit", "-c", path, "--only", "access,nope"});
  EXPECT_EQ(gate.code, 2);
  EXPECT_TRUE(contains(gate.err, "unknown gate 'nope'")) << gate.err;
  auto format = run_command({k_bin, "audit", "-c", path, "--format", "yaml"});
  EXPECT_EQ(format.code, 2);
  EXPECT_TRUE(contains(format.err, "unknown --format 'yaml'")) << format.err;
}

TEST(Cli, DeadTargetGivesErrorChecksNotACrash) {
  test::TempDir dir;
  auto path = dir.write("lg.yaml", "target:\n  base_url: http://127.0.0.1:9\n  timeout: 2s\n"
                                   "api:\n  openapi: /openapi.json\n");
  auto r = run_command({k_bin, "audit", "-c", path, "--only", "access,domain", "--format", "json"});
  EXPECT_EQ(r.code, 1) << r.err;
  auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["verdict"], "not_ready");
  for (const auto& c : report["checks"]) {
    if (c["id"] == "access.unauthenticated" || c["id"] == "domain.headers") {
      EXPECT_EQ(c["status"], "error") << c.dump();
      EXPECT_TRUE(contains(c["reason"], "127.0.0.1:9")) << c.dump();
    }
  }
}

TEST(Cli, ChecksListsTheWholeCatalog) {
  auto r = run_command({k_bin, "checks"});
  EXPECT_EQ(r.code, 0);
  // The design's 52 ids plus session.invite.
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 53);
  EXPECT_TRUE(contains(r.out, "access.cross-tenant-read"));
  auto json = run_command({k_bin, "checks", "--format", "json"});
  EXPECT_EQ(nlohmann::json::parse(json.out).size(), 53u);
}

TEST(Cli, DocsChecksMdIsTheGeneratedCatalog) {
  auto doc = test::read_file(std::string(LG_SOURCE_DIR) + "/docs/checks.md");
  EXPECT_EQ(doc, app::checks_markdown())
      << "docs/checks.md is stale: run `launchgate checks --format md > docs/checks.md`";
}

TEST(Cli, InitWritesAStarterThatLoadsAndNeverOverwrites) {
  test::TempDir dir;
  auto r = run_command({k_bin, "init"}, dir.path().string());
  EXPECT_EQ(r.code, 0) << r.err;
  auto again = run_command({k_bin, "init"}, dir.path().string());
  EXPECT_EQ(again.code, 2);
  EXPECT_TRUE(contains(again.err, "exists"));
  // The starter is valid once its variables are set: no target is contacted by validation.
  setenv("ALICE_PASSWORD", "a", 1);
  setenv("BOB_PASSWORD", "b", 1);
  setenv("CAROL_PASSWORD", "c", 1);
  auto config = load_config((dir.path() / "launchgate.yaml").string());
  EXPECT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->accounts.size(), 3u);
  // Its commented monitor section is valid too, once uncommented.
  std::string text = app::starter_config();
  size_t from = text.find("# monitor:");
  size_t to = text.find('\n', text.find("#   listen:"));
  ASSERT_NE(from, std::string::npos);
  ASSERT_NE(to, std::string::npos);
  std::string block = text.substr(from, to - from + 1);
  std::string uncommented;
  for (size_t at = 0; at < block.size();) {
    size_t end = block.find('\n', at);
    uncommented += block.substr(at + 2, end - at - 2) + "\n";
    at = end + 1;
  }
  setenv("ALERT_WEBHOOK_URL", "https://hooks.example.com/x", 1);
  setenv("SMTP_PASSWORD", "s", 1);
  auto with_monitor = parse_config(text.substr(0, from) + uncommented, "starter", "");
  ASSERT_TRUE(with_monitor) << with_monitor.error().message;
  EXPECT_EQ(with_monitor->monitor.checks.size(), 3u);
  EXPECT_TRUE(monitor::make_plan(*with_monitor)) << uncommented;
}

TEST(Cli, DemoIsNotReadyWithItsPlantedFlawsFailingAndWritesTheHtml) {
  test::TempDir dir;
  auto r = run_command({k_bin, "demo", "--format", "json"}, dir.path().string(), {k_portal_env});
  ASSERT_EQ(r.code, 1) << r.err;
  auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["verdict"], "not_ready");
  std::set<std::string> failing;
  for (const auto& c : report["checks"])
    if (c["status"] == "fail") {
      failing.insert(c["id"].get<std::string>());
      EXPECT_FALSE(c["findings"].empty()) << c.dump();
    }
  EXPECT_EQ(failing,
            (std::set<std::string>{
                "access.unauthenticated", "access.cross-tenant-read", "access.filter-tampering",
                "access.role-escalation", "access.mass-assignment",   "session.cookie-flags",
                "session.logout",         "session.lifetime",         "session.reset-token",
                "session.cors",           "session.login-rate-limit", "input.injection",
                "domain.headers",         "secrets.history",          "email.spf",
                "observability.uptime",   "observability.log-leaks",  "deploy.clean-build",
                "deploy.pinned-deps",     "deploy.migrations",        "deploy.rollback",
                "deploy.config",          "deploy.handover"}));
  EXPECT_TRUE(report["requests"]["access"].get<int>() > 0) << report["requests"].dump();
  // The committed-secret flaw: in history only (deleted at HEAD), where it first entered.
  for (const auto& c : report["checks"])
    if (c["id"] == "secrets.history") {
      ASSERT_EQ(c["findings"].size(), 1u) << c.dump();
      const auto& f = c["findings"][0];
      EXPECT_EQ(f["rule"], "stripe-live-secret-key");
      EXPECT_EQ(f["location"]["file"], ".env");
      EXPECT_EQ(f["location"]["line"], 1);
      EXPECT_EQ(f["location"]["commit"].get<std::string>().size(), 40u);
      EXPECT_EQ(f["evidence"]["at_head"], false);
      EXPECT_EQ(f["evidence"]["first_seen"], "2025-01-13T17:42:00+01:00");
    } else if (c["id"] == "secrets.tree") {
      EXPECT_EQ(c["status"], "pass") << c.dump();
    }
  auto html = test::read_file(dir.path() / "launchgate-report.html");
  EXPECT_TRUE(contains(html, "<!doctype html>") || contains(html, "<!DOCTYPE html>"));
}

TEST(Cli, HardenedDemoPassesEveryImplementedCheckAndIsIncomplete) {
  test::TempDir dir;
  auto r = run_command({k_bin, "demo", "--hardened", "--format", "json"}, dir.path().string(),
                       {k_portal_env});
  ASSERT_EQ(r.code, 4) << r.err;
  auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["verdict"], "incomplete");
  int passed = 0;
  for (const auto& c : report["checks"]) {
    if (c["id"] == "perf.api-latency") {
      // Its short profile passes on a quiet machine (tests/timing checks the verdicts, alone);
      // here other tests share the CPU, so the portal may be slow for real (fail) or launchgate's
      // own send lag may make the run unreliable (error, instead of a verdict). Either way three
      // actions were measured (list, read with harvested ids, search); the login is left out,
      // since session.login-rate-limit left the portal's login limit holding against loopback.
      bool unreliable =
          c["status"] == "error" &&
          c["reason"].get<std::string>().find("unreliable measurement") != std::string::npos;
      EXPECT_TRUE(c["status"] == "pass" || c["status"] == "fail" || unreliable) << c.dump();
      EXPECT_EQ(c["measurements"].size(), 3u) << c.dump();
      EXPECT_NE(c["reason"].get<std::string>().find("login (the portal answered a sign-in before "
                                                    "the load with 429"),
                std::string::npos)
          << c.dump();
    } else if (c["status"] == "pass") {
      ++passed;
    } else {
      EXPECT_EQ(c["status"], "skip") << c.dump();
    }
  }
  // access (6, writes allowed on the demo's own portal), input (4), session (10 of 11: not jwt,
  // the demo's sessions are opaque), domain.headers, the secrets gate (4), the email gate on
  // the hardened demo zone (4 of 5: email.mta-sts skips, its policy host is outside the scope)
  // perf.lcp (headless Chromium, which scripts/deps.sh installs), the observability gate (3:
  // the short-lived monitor's history and the health route; the portal's request log) and the
  // deploy gate (6: the demo repository really built and tested twice in clean clones, its
  // rollback's dry run tried).
  EXPECT_EQ(passed, 39);
}

TEST(Cli, OneRunWritesAllSixFormats) {
  test::TempDir dir;
  auto r = run_command({k_bin, "demo", "-q", "-o", "r.txt", "-o", "r.json", "-o", "r.sarif", "-o",
                        "r.xml", "-o", "r.md", "-o", "r.html"},
                       dir.path().string(), {k_portal_env});
  ASSERT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_TRUE(contains(test::read_file(dir.path() / "r.txt"), "N O T   R E A D Y"));
  EXPECT_EQ(nlohmann::json::parse(test::read_file(dir.path() / "r.json"))["schema"],
            "launchgate.report/1");
  auto sarif = test::read_file(dir.path() / "r.sarif");
  EXPECT_EQ(nlohmann::json::parse(sarif)["version"], "2.1.0");
  std::string skip;
  EXPECT_EQ(test::validate_sarif(sarif, skip), "");
  EXPECT_TRUE(contains(test::read_file(dir.path() / "r.xml"), "<testsuites"));
  EXPECT_TRUE(contains(test::read_file(dir.path() / "r.md"), "- [ ]"));
  EXPECT_TRUE(contains(test::read_file(dir.path() / "r.html"), "</html>"));
  // An explicit .html output replaces the demo's default launchgate-report.html.
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "launchgate-report.html"));
}

TEST(Cli, UnwritableOutputIsExit2) {
  test::TempDir dir;
  auto r = run_command({k_bin, "demo", "-q", "-o", "/nonexistent-dir/r.json"}, dir.path().string(),
                       {k_portal_env});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "cannot write /nonexistent-dir/r.json")) << r.err;
}

TEST(Cli, NoSecretAppearsOnAnyOutput) {
  test::TempDir dir;
  auto r =
      run_command({k_bin, "demo", "-v", "--format", "json"}, dir.path().string(), {k_portal_env});
  auto report = nlohmann::json::parse(r.out);
  // The session cookie value is redacted in evidence: no hex token of 32+ characters appears
  // anywhere but the commit ids of history findings. The planted key shows 4 characters at most.
  std::regex commit("\"commit\": ?\"[0-9a-f]{40}\"");
  std::string out = std::regex_replace(r.out, commit, "");
  std::regex token("[0-9a-f]{32,}");
  EXPECT_FALSE(std::regex_search(out, token));
  EXPECT_FALSE(std::regex_search(r.err, token));
  EXPECT_TRUE(contains(r.out, "sk_l")) << "the history finding is in the report";
  std::regex key("sk_live_[A-Za-z0-9]");
  EXPECT_FALSE(std::regex_search(r.out, key));
  EXPECT_FALSE(std::regex_search(r.err, key));
}

} // namespace
} // namespace lg

namespace lg {
namespace {

TEST(CliSecrets, FindsASecretRedactedAndExits1) {
  test::TempDir dir;
  dir.write("app/.env", "STRIPE_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc9Xq3vL\n");
  auto r = test::run_command({k_bin, "secrets", "--format", "json", dir.path().string()});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_EQ(r.out.find("4eC39HqLyjWDarjtT1zdp7dc9Xq3vL"), std::string::npos);
  auto report = nlohmann::json::parse(r.out);
  const auto& check = report["checks"][0];
  EXPECT_EQ(check["id"], "secrets.tree");
  EXPECT_EQ(check["status"], "fail");
  ASSERT_EQ(check["findings"].size(), 1u);
  EXPECT_EQ(check["findings"][0]["location"]["line"], 1);
  EXPECT_FALSE(check["findings"][0]["rule"].get<std::string>().empty());
}

TEST(CliSecrets, ACleanTreePassesAndABadRuleFileIsExit2) {
  test::TempDir dir;
  dir.write("main.c", "int main(void) { return 0; }\n");
  auto clean = test::run_command({k_bin, "secrets", dir.path().string()});
  EXPECT_EQ(clean.code, 0) << clean.out << clean.err;
  auto rules = dir.write("bad.toml", "[[rules]]\nid = 'x'\nregex = '''(oops'''\n");
  auto bad = test::run_command({k_bin, "secrets", "--rules", rules, dir.path().string()});
  EXPECT_EQ(bad.code, 2);
  EXPECT_TRUE(contains(bad.err, "bad.toml:3:")) << bad.err;
  auto missing = test::run_command({k_bin, "secrets", "/nonexistent-launchgate-path"});
  EXPECT_EQ(missing.code, 2);
}

} // namespace
} // namespace lg
