// `launchgate perf --export k6 FILE`: the script written from a config file is a module Node
// parses (k6 runs ES modules), holds no password of the config, reports what it left out, and
// a bad format, a missing config or neither --url nor --export are usage errors.

#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace lg {
namespace {

using test::run_command;

const std::string k_bin = LG_LAUNCHGATE_BIN;

const char* k_config = R"(target: {base_url: "http://127.0.0.1:8080"}
accounts:
  - name: alice
    org: acme
    role: admin
    login: {method: POST, path: /api/login, json: {email: alice@acme.test, password: "${ALICE_PW}"}}
  - name: bob
    org: acme
    role: staff
    login: {method: POST, path: /api/login, json: {email: bob@acme.test, password: in-clear-pw}}
actions:
  - {name: list_records, path: /api/records}
  - {name: search, path: "/api/search?q=report", as: bob}
  - {name: save, method: POST, path: /api/records, json: {title: t}}
perf: {users: 20, think_time: 200ms, duration: 10s, warmup: 1s}
)";

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(CliPerfExport, WritesAK6ModuleWithoutTheConfigsPasswords) {
  test::TempDir dir;
  dir.write("launchgate.yaml", k_config);
  // ALICE_PW is not set: the export keeps the reference rather than asking for the value.
  auto r = run_command({k_bin, "perf", "--export", "k6", "load.mjs"}, dir.path().string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("wrote load.mjs"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("left out: save (POST writes"), std::string::npos) << r.err;
  const auto script = read(dir.path() / "load.mjs");
  EXPECT_NE(script.find("__ENV.ALICE_PW"), std::string::npos) << script;
  EXPECT_NE(script.find("__ENV.BOB_PASSWORD"), std::string::npos) << script;
  EXPECT_EQ(script.find("in-clear-pw"), std::string::npos) << script;
  EXPECT_NE(script.find("rate: 100, timeUnit: '1s'"), std::string::npos) << script;

  if (!std::filesystem::exists("/usr/bin/node"))
    GTEST_SKIP() << "node is not installed: the script's syntax was not checked";
  auto check = run_command({"/usr/bin/node", "--check", (dir.path() / "load.mjs").string()});
  EXPECT_EQ(check.code, 0) << check.err;
}

TEST(CliPerfExport, WritesWithAllowWrites) {
  test::TempDir dir;
  dir.write("cfg.yaml", k_config);
  auto r = run_command(
      {k_bin, "perf", "--export", "k6", "out.js", "--config", "cfg.yaml", "--allow-writes"},
      dir.path().string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(read(dir.path() / "out.js")
                .find(R"(name: "save", as: "alice", login: false, weight: 1, method: "POST")"),
            std::string::npos);
}

TEST(CliPerfExport, BadInvocationsAreUsageErrors) {
  test::TempDir dir;
  dir.write("launchgate.yaml", k_config);
  auto format = run_command({k_bin, "perf", "--export", "jmeter", "x.jmx"}, dir.path().string());
  EXPECT_EQ(format.code, 2);
  EXPECT_NE(format.err.find("the one export format is k6"), std::string::npos) << format.err;
  auto missing = run_command({k_bin, "perf", "--export", "k6", "x.js", "--config", "nope.yaml"},
                             dir.path().string());
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("nope.yaml"), std::string::npos) << missing.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "x.js"));
  auto neither = run_command({k_bin, "perf"}, dir.path().string());
  EXPECT_EQ(neither.code, 2);
  EXPECT_NE(neither.err.find("--url URL to measure, or --export k6 FILE"), std::string::npos)
      << neither.err;
}

} // namespace
} // namespace lg
