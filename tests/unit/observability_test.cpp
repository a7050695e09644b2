// The observability gate's log checks over a fake portal that writes its own log file as it
// answers (a JSON line per request, or text, with or without the request id, the body, 5xx),
// and engine/logs: what was written since a mark, rotation, a log command, a wait bounded by
// the clock.

#include "checks/catalog.hpp"
#include "checks/observability/probes.hpp"
#include "checks/registry.hpp"
#include "engine/logs.hpp"
#include "support/test_support.hpp"
#include "unit/fakes.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include <zlib.h>

namespace lg::checks {
namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// How the fake portal logs.
struct Logging {
  bool json = true;
  bool request_id = true;
  bool bodies = false;       ///< the request body in each line
  bool server_errors = true; ///< false: 5xx leave no line
  bool timestamp = true;
};

const char* k_config = R"(target:
  base_url: http://127.0.0.1:8080
  max_rps: 500
accounts:
  - name: alice
    org: acme
    role: admin
    login: {method: POST, path: /api/login, json: {email: alice@acme.test, password: "alice-Secret-pw"}}
api:
  endpoints: ["GET /api/records", "GET /api/admin/users"]
  admin_only: ["/api/admin/**"]
logs: {files: [portal.log], error_request: {path: /api/reports/export}, wait: 1s}
)";

struct World {
  explicit World(Logging logging, std::string yaml = k_config) : how(logging) {
    auto parsed =
        parse_config(yaml, (dir.path() / "launchgate.yaml").string(), dir.path().string());
    EXPECT_TRUE(parsed) << parsed.error().message;
    if (parsed)
      config = std::move(*parsed);
    log_path = dir.path() / "portal.log";
    std::ofstream(log_path) << R"({"ts":"2026-11-29T20:00:00Z","msg":"started"})"
                            << "\n";
    http.handler = [this](const net::HttpRequest& req) { return answer(req); };
    context = std::make_unique<engine::Context>(
        config, engine::Services{http, clock, nullptr, nullptr, nullptr, nullptr, nullptr},
        engine::RunOptions{});
  }

  net::HttpResponse answer(const net::HttpRequest& req) {
    net::HttpResponse r;
    auto path = req.url.substr(req.url.find('/', 8));
    path = path.substr(0, path.find('?'));
    bool session = false;
    for (const auto& h : req.headers)
      session = session || (h.name == "Cookie" && h.value == "sid=s1");
    if (path == "/api/login") {
      auto body = nlohmann::json::parse(req.body, nullptr, false);
      r.status = body.is_discarded()                               ? 400
                 : body.value("password", "") == "alice-Secret-pw" ? 200
                                                                   : 401;
      if (r.status == 200)
        r.headers.push_back({"Set-Cookie", "sid=s1"});
    } else if (path == "/api/records") {
      r.status = session ? 200 : 401;
    } else if (path == "/api/reports/export") {
      r.status = 500;
    } else {
      r.status = 404;
    }
    if (r.status >= 500 && !how.server_errors)
      return r;
    std::string id;
    for (const auto& h : req.headers)
      if (h.name == "X-Request-Id")
        id = h.value;
    std::ofstream out(log_path, std::ios::app);
    if (how.json) {
      nlohmann::json line = {{"method", req.method}, {"path", path}, {"status", r.status}};
      if (how.timestamp)
        line["ts"] = "2026-11-29T20:00:01.000Z";
      if (how.request_id && !id.empty())
        line["request_id"] = id;
      if (how.bodies)
        line["body"] = req.body;
      out << line.dump() << "\n";
    } else {
      out << (how.timestamp ? "2026-11-29 20:00:01 " : "") << req.method << " " << path << " "
          << r.status << (how.request_id ? " rid=" + id : "")
          << (how.bodies ? " body=" + req.body : "") << "\n";
    }
    return r;
  }

  CheckResult run(const char* id) {
    const auto* meta = find_check(id);
    return std::string_view(id) == "observability.error-logging"
               ? run_observability_error_logging(*context, *meta)
               : run_observability_log_leaks(*context, *meta);
  }

  Logging how;
  test::TempDir dir;
  std::filesystem::path log_path;
  Config config;
  test::FakeHttp http;
  test::FakeClock clock;
  std::unique_ptr<engine::Context> context;
};

TEST(ErrorLogging, EveryFailureLoggedWithItsIdPasses) {
  for (bool json : {true, false}) {
    World world({.json = json});
    auto r = world.run("observability.error-logging");
    EXPECT_EQ(r.status, Status::pass) << r.reason << test::dump_results({r});
    // The unknown route, no session, a malformed body, the configured 5xx, and the canaries'
    // failed sign-in and refused token.
    EXPECT_TRUE(has(r.reason, "6 failure(s) sent")) << r.reason;
    EXPECT_TRUE(has(r.reason, "logs.error_request (500)")) << r.reason;
    EXPECT_TRUE(has(r.reason, "a request without a session (401)")) << r.reason;
  }
}

TEST(ErrorLogging, AFailureWithoutItsRequestIdOrATimestampIsAFinding) {
  World world({.request_id = false});
  auto r = world.run("observability.error-logging");
  ASSERT_EQ(r.status, Status::fail);
  ASSERT_EQ(r.findings.size(), 6u);
  EXPECT_TRUE(has(r.findings[0].message, "is logged without the request id it carried"))
      << r.findings[0].message;
  EXPECT_EQ(r.findings[0].location->line, 2); // the first line after the marked end
  World untimed({.timestamp = false});
  auto t = untimed.run("observability.error-logging");
  ASSERT_EQ(t.status, Status::fail);
  EXPECT_TRUE(has(t.findings[0].message, "is logged without a timestamp")) << t.findings[0].message;
}

TEST(ErrorLogging, ASilentServerErrorIsAFindingAndTheWaitIsBounded) {
  World world({.server_errors = false});
  auto r = world.run("observability.error-logging");
  ASSERT_EQ(r.status, Status::fail);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_TRUE(has(r.findings[0].message, "logs.error_request (GET /api/reports/export, answered "
                                         "500) is not in the logs within 1 s"))
      << r.findings[0].message;
  // The fake clock: the reads stopped once logs.wait had passed (and 8 requests at 500/s).
  EXPECT_GE(world.clock.slept, std::chrono::milliseconds(1000));
  EXPECT_LE(world.clock.slept, std::chrono::milliseconds(1100));
}

TEST(ErrorLogging, WithoutALogSourceItIsNotConfiguredAndSendsNothing) {
  std::string yaml = k_config;
  yaml.erase(yaml.find("logs:"));
  World world({}, yaml);
  auto r = world.run("observability.error-logging");
  EXPECT_EQ(r.status, Status::skip);
  EXPECT_EQ(r.skip_kind, SkipKind::not_configured);
  EXPECT_TRUE(world.http.seen.empty());
}

TEST(LogLeaks, CleanLogsPass) {
  World world({});
  auto r = world.run("observability.log-leaks");
  EXPECT_EQ(r.status, Status::pass) << test::dump_results({r});
  EXPECT_TRUE(has(r.reason, "4 canary value(s) sent")) << r.reason;
}

TEST(LogLeaks, LoggedBodiesGiveAwayTheCanariesThePasswordAndPersonalData) {
  World world({.bodies = true});
  // Requests the gate did not send: alice signing in, logged with her body.
  net::HttpRequest login("POST", "http://127.0.0.1:8080/api/login", {},
                         R"({"email":"alice@acme.test","password":"alice-Secret-pw"})");
  world.answer(login);
  auto r = world.run("observability.log-leaks");
  ASSERT_EQ(r.status, Status::fail);
  std::string all;
  for (const auto& f : r.findings)
    all += f.message + "\n";
  EXPECT_TRUE(has(all, "the password of a failed sign-in sent by launchgate is in the log")) << all;
  EXPECT_TRUE(has(all, "the email of a failed sign-in sent by launchgate is in the log")) << all;
  EXPECT_TRUE(has(all, "a card number in a request body sent by launchgate is in the log")) << all;
  EXPECT_TRUE(has(all, "alice's password is in the log")) << all;
  EXPECT_TRUE(has(all, "personal data in " + world.log_path.string() + ": ")) << all;
  EXPECT_TRUE(has(all, " email")) << all;
  // Nothing found is printed whole.
  const std::string dumped = test::dump_results({r});
  EXPECT_FALSE(has(dumped, "alice-Secret-pw")) << dumped;
  EXPECT_FALSE(has(dumped, "alice@acme.test")) << dumped;
  EXPECT_FALSE(has(dumped, "lgCanaryPw")) << dumped;
}

TEST(LogLines, WhatWasWrittenSinceTheMarkAndARotatedFileFromItsStart) {
  test::TempDir dir;
  auto a = dir.write("a.log", "old one\nold two\n");
  auto b = dir.write("b.log", "a long line that will be rotated away\n");
  engine::LogSources sources;
  sources.patterns = {(dir.path() / "*.log").string()};
  auto tail = engine::LogTail::mark(sources);
  std::ofstream(a, std::ios::app) << "new one\nnew two";
  std::ofstream(b, std::ios::trunc) << "fresh\n"; // rotated: shorter than marked
  dir.write("c.log", "a new file\n");
  auto read = tail.since_mark();
  std::vector<std::string> lines;
  for (const auto& l : read.lines)
    lines.push_back(l.text);
  EXPECT_EQ(lines, (std::vector<std::string>{"new one", "new two", "fresh", "a new file"}));
  EXPECT_EQ(read.files, 3u);
  EXPECT_EQ(tail.everything().lines.size(), 6u);
}

/// Writes `text` to `path` gzip-compressed.
void write_gz(const std::filesystem::path& path, const std::string& text) {
  gzFile gz = gzopen(path.c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  ASSERT_EQ(gzwrite(gz, text.data(), static_cast<unsigned>(text.size())),
            static_cast<int>(text.size()));
  gzclose(gz);
}

TEST(LogLines, AFolderOfRotatedFilesIsReadArchivesIncluded) {
  test::TempDir dir;
  auto live = dir.write("portal.log", "kept 1\n");
  write_gz(dir.path() / "portal.log.1.gz", "archived 1\narchived 2\n");
  dir.write(".hidden", "not a log\n");
  engine::LogSources sources;
  sources.patterns = {dir.path().string()}; // the folder itself
  auto tail = engine::LogTail::mark(sources);
  // A rotation that compresses at once: the live file's lines move into a new archive.
  write_gz(dir.path() / "portal.log.2.gz", "kept 1\nwritten after the mark\n");
  std::ofstream(live, std::ios::trunc) << "fresh\n";
  auto read = tail.since_mark();
  std::vector<std::string> lines;
  for (const auto& l : read.lines)
    lines.push_back(l.text);
  EXPECT_EQ(lines, (std::vector<std::string>{"fresh", "kept 1", "written after the mark"}));
  EXPECT_TRUE(read.notes.empty()) << read.notes[0];
  auto all = tail.everything();
  EXPECT_EQ(all.files, 3u);
  EXPECT_EQ(all.lines.size(), 5u);
  // A corrupt archive is a note, not a failure.
  dir.write("portal.log.3.gz", std::string("\x1f\x8b\x08\x00garbage", 12));
  all = tail.everything();
  ASSERT_EQ(all.notes.size(), 1u);
  EXPECT_TRUE(has(all.notes[0], "portal.log.3.gz")) << all.notes[0];
}

TEST(LogLines, TheCommandIsReadAndItsFailureIsANote) {
  engine::LogSources sources;
  sources.command = "printf 'one\\ntwo\\n'; echo oops >&2; exit 3";
  auto read = engine::LogTail::mark(sources).since_mark();
  ASSERT_EQ(read.lines.size(), 2u);
  EXPECT_EQ(read.lines[1].text, "two");
  EXPECT_EQ(read.lines[1].source, "logs.command");
  ASSERT_EQ(read.notes.size(), 1u);
  EXPECT_TRUE(has(read.notes[0], "logs.command exited with 3: oops")) << read.notes[0];
}

TEST(LogLines, TheCanaryCardPassesLuhn) {
  auto card = observability::canary_card("0a9f3c");
  ASSERT_EQ(card.size(), 16u);
  EXPECT_TRUE(card.starts_with("4000"));
  int sum = 0;
  for (size_t i = 0; i < card.size(); ++i) {
    int d = card[card.size() - 1 - i] - '0';
    if (i % 2 == 1)
      d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  EXPECT_EQ(sum % 10, 0) << card;
}

} // namespace
} // namespace lg::checks
