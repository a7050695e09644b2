// Properties of each report format beyond the golden bytes: the JSON contract (fields and types),
// SARIF against the official 2.1.0 schema, JUnit well-formedness and counts, HTML
// self-containment and escaping, Markdown and terminal escaping, and the format names.

#include "golden/golden_report.hpp"
#include "report/report.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using lg::report::Format;
using nlohmann::json;

constexpr const char* k_python = "/usr/bin/python3";

using lg::test::TempDir;

/// Runs `command` through the shell; returns its exit status (-1 when it did not exit).
int run(const std::string& command) {
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

lg::Report only_passes() {
  lg::Report r = lg::golden::golden_report();
  std::erase_if(r.checks, [](const lg::CheckResult& c) { return c.status != lg::Status::pass; });
  r.verdict = lg::compute_verdict(r.checks);
  return r;
}

lg::Report empty_report() {
  lg::Report r;
  r.tool_version = "0.1.0";
  r.base_url = "http://127.0.0.1:8080";
  r.started_at = "2026-01-01T00:00:00Z";
  r.verdict = lg::compute_verdict(r.checks);
  return r;
}

// ---- format names ----

TEST(ReportFormat, ParsesEveryNameAndGivesItsExtension) {
  struct Case {
    const char* name;
    Format format;
    const char* ext;
  };
  for (auto c : {Case{"text", Format::text, "txt"}, Case{"json", Format::json, "json"},
                 Case{"sarif", Format::sarif, "sarif"}, Case{"junit", Format::junit, "xml"},
                 Case{"md", Format::markdown, "md"}, Case{"markdown", Format::markdown, "md"},
                 Case{"html", Format::html, "html"}}) {
    auto f = lg::report::parse_format(c.name);
    ASSERT_TRUE(f.has_value()) << c.name;
    EXPECT_EQ(*f, c.format) << c.name;
    EXPECT_EQ(lg::report::extension(*f), c.ext) << c.name;
  }
  for (const char* bad : {"", "JSON", "xml", "txt", "pdf", "html "})
    EXPECT_FALSE(lg::report::parse_format(bad).has_value()) << bad;
}

// ---- JSON contract ----

void expect_location(const json& l) {
  ASSERT_TRUE(l.is_object());
  ASSERT_TRUE(l.contains("file") && l["file"].is_string());
  if (l.contains("line")) {
    EXPECT_TRUE(l["line"].is_number_integer() && l["line"].get<int>() > 0);
  }
  if (l.contains("commit")) {
    EXPECT_TRUE(l["commit"].is_string() && !l["commit"].get<std::string>().empty());
  }
  for (const auto& [key, value] : l.items())
    EXPECT_TRUE(key == "file" || key == "line" || key == "commit") << key;
}

TEST(ReportJson, FollowsTheContract) {
  auto report = lg::golden::golden_report();
  std::string text = lg::report::render(report, Format::json);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.substr(0, 14), "{\n  \"schema\": ");
  json doc = json::parse(text);
  EXPECT_EQ(doc, lg::report::to_json(report));

  EXPECT_EQ(doc["schema"], "launchgate.report/1");
  EXPECT_EQ(doc["tool"], (json{{"name", "launchgate"}, {"version", "0.1.0"}}));
  EXPECT_EQ(doc["target"], (json{{"base_url", "http://127.0.0.1:8080"}}));
  EXPECT_EQ(doc["gates"], (json{"access", "session", "domain", "secrets"}));
  EXPECT_EQ(doc["started_at"], "2026-01-01T00:00:00Z");
  EXPECT_TRUE(doc["duration_ms"].is_number_integer());
  EXPECT_EQ(doc["duration_ms"], 1234);
  EXPECT_EQ(doc["verdict"], "not_ready");

  const std::set<std::string> statuses = {"pass", "fail", "warn", "skip", "error"};
  const std::set<std::string> severities = {"critical", "high", "medium", "low", "info"};
  ASSERT_TRUE(doc["summary"].is_object());
  EXPECT_EQ(doc["summary"].size(), 5u);
  ASSERT_TRUE(doc["checks"].is_array());
  ASSERT_EQ(doc["checks"].size(), report.checks.size());
  std::map<std::string, int> counted;
  for (size_t i = 0; i < doc["checks"].size(); ++i) {
    const json& c = doc["checks"][i];
    SCOPED_TRACE(c.dump());
    EXPECT_EQ(c["id"], report.checks[i].meta.id); // the report's order
    for (const char* key : {"id", "gate", "title", "status", "severity", "reason", "fix"})
      EXPECT_TRUE(c.contains(key) && c[key].is_string()) << key;
    EXPECT_TRUE(statuses.count(c["status"].get<std::string>()));
    EXPECT_TRUE(severities.count(c["severity"].get<std::string>()));
    ++counted[c["status"].get<std::string>()];
    EXPECT_TRUE(c["effort_hours"].is_number());
    ASSERT_TRUE(c["references"].is_array());
    for (const auto& ref : c["references"])
      EXPECT_TRUE(ref.is_string());
    EXPECT_TRUE(c["measurements"].is_array());
    if (c["status"] == "skip" || c["status"] == "error") {
      EXPECT_FALSE(c["reason"].get<std::string>().empty()) << "a skip or error gives its reason";
    }
    EXPECT_EQ(c.contains("skip_kind"), c["status"] == "skip");
    ASSERT_TRUE(c["findings"].is_array());
    for (const auto& f : c["findings"]) {
      EXPECT_TRUE(f["message"].is_string());
      EXPECT_TRUE(f["evidence"].is_object());
      EXPECT_TRUE(f["fingerprint"].is_string());
      if (f.contains("location"))
        expect_location(f["location"]);
      if (f.contains("locations")) {
        ASSERT_TRUE(f["locations"].is_array());
        EXPECT_FALSE(f["locations"].empty());
        for (const auto& l : f["locations"])
          expect_location(l);
      }
      if (f.contains("rule")) {
        EXPECT_FALSE(f["rule"].get<std::string>().empty());
      }
      if (c["gate"] == "access" || c["gate"] == "session") {
        EXPECT_TRUE(f["evidence"]["method"].is_string());
        EXPECT_TRUE(f["evidence"]["path"].is_string());
      }
      if (c["gate"] == "secrets") {
        EXPECT_TRUE(f.contains("location"));
        EXPECT_TRUE(f.contains("rule"));
      }
    }
  }
  for (const auto& s : statuses)
    EXPECT_EQ(doc["summary"][s], counted[s]) << s;
}

TEST(ReportJson, LeavesOptionalMembersOutAndWritesWholeHoursAsIntegers) {
  json doc = lg::report::to_json(lg::golden::golden_report());
  for (const auto& c : doc["checks"]) {
    if (c["id"] == "access.cross-tenant-read") {
      const json& f = c["findings"][0];
      EXPECT_FALSE(f.contains("location"));
      EXPECT_FALSE(f.contains("locations"));
      EXPECT_FALSE(f.contains("rule"));
      EXPECT_TRUE(c["effort_hours"].is_number_integer());
    }
    if (c["id"] == "secrets.tree") {
      const json& f = c["findings"][0];
      EXPECT_EQ(f["location"], (json{{"file", "web/src/config.js"}, {"line", 12}}));
      EXPECT_EQ(f["locations"][1]["commit"], "9f1c2ab");
      EXPECT_EQ(f["rule"], "aws-access-key-id");
    }
    if (c["id"] == "session.cookie-flags") {
      EXPECT_EQ(c["effort_hours"], 0.5);
    }
    if (c["id"] == "session.jwt") {
      EXPECT_EQ(c["skip_kind"], "not_implemented");
    }
    if (c["id"] == "session.login-rate-limit") {
      EXPECT_EQ(c["measurements"][0]["p95_ms"], 72.25);
    }
  }
}

TEST(ReportJson, SurvivesInvalidUtf8) {
  auto report = lg::golden::golden_report();
  report.checks[0].findings[0].message = "bad \xff\xfe bytes";
  std::string text;
  ASSERT_NO_THROW(text = lg::report::render(report, Format::json));
  EXPECT_NE(text.find("bad \xEF\xBF\xBD\xEF\xBF\xBD bytes"), std::string::npos);
  ASSERT_NO_THROW((void)lg::report::to_json(report).dump());
}

// ---- SARIF ----

void validate_sarif(const std::string& sarif, std::string& skip) {
  auto problem = lg::test::validate_sarif(sarif, skip);
  EXPECT_TRUE(problem.empty()) << "SARIF does not validate against the 2.1.0 schema: " << problem
                               << "\n"
                               << sarif;
}

TEST(ReportSarif, ValidatesAgainstTheSchema) {
  for (const auto& report : {lg::golden::golden_report(), empty_report(), only_passes()}) {
    std::string skip;
    validate_sarif(lg::report::render(report, Format::sarif), skip);
    if (!skip.empty())
      GTEST_SKIP() << skip;
  }
}

TEST(ReportSarif, CarriesRulesResultsAndNotifications) {
  auto report = lg::golden::golden_report();
  json doc = json::parse(lg::report::render(report, Format::sarif));
  EXPECT_EQ(doc["version"], "2.1.0");
  EXPECT_EQ(doc["$schema"], "https://json.schemastore.org/sarif-2.1.0.json");
  ASSERT_EQ(doc["runs"].size(), 1u);
  const json& run = doc["runs"][0];
  const json& rules = run["tool"]["driver"]["rules"];
  EXPECT_EQ(run["tool"]["driver"]["name"], "launchgate");
  EXPECT_EQ(run["tool"]["driver"]["version"], "0.1.0");
  EXPECT_FALSE(run["tool"]["driver"].contains("informationUri"));
  ASSERT_EQ(rules.size(), report.checks.size());

  size_t expected_results = 0;
  for (const auto& c : report.checks)
    if (c.status == lg::Status::fail || c.status == lg::Status::warn)
      expected_results += std::max<size_t>(c.findings.size(), 1);
  ASSERT_EQ(run["results"].size(), expected_results);
  for (const auto& r : run["results"]) {
    size_t index = r["ruleIndex"].get<size_t>();
    ASSERT_LT(index, rules.size());
    EXPECT_EQ(rules[index]["id"], r["ruleId"]);
    EXPECT_TRUE(r["message"]["text"].is_string());
    EXPECT_TRUE(r["partialFingerprints"]["launchgate/v1"].is_string());
    if (r["ruleId"] == "secrets.tree") {
      ASSERT_EQ(r["locations"].size(), 3u);
      const json& last = r["locations"][2]["physicalLocation"];
      EXPECT_EQ(last["artifactLocation"]["uri"], "config/old%20env.txt");
      EXPECT_EQ(last["region"]["startLine"], 3);
      EXPECT_EQ(r["level"], "error");
      EXPECT_EQ(r["properties"]["rule"], "aws-access-key-id");
    } else {
      EXPECT_FALSE(r.contains("locations"));
    }
    if (r["ruleId"] == "domain.hsts") {
      EXPECT_EQ(r["level"], "warning");
    }
  }
  const json& invocation = run["invocations"][0];
  EXPECT_EQ(invocation["executionSuccessful"], true);
  ASSERT_EQ(invocation["toolExecutionNotifications"].size(), 1u);
  EXPECT_EQ(invocation["toolExecutionNotifications"][0]["associatedRule"]["id"], "domain.tls-cert");
}

// ---- JUnit ----

size_t count_of(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size()))
    ++n;
  return n;
}

TEST(ReportJunit, CountsMatchTheElements) {
  auto report = lg::golden::golden_report();
  std::string xml = lg::report::render(report, Format::junit);
  auto s = lg::summarize(report.checks);
  EXPECT_NE(xml.find(R"(<testsuites name="launchgate" tests="8" failures="3" errors="1" )"
                     R"(skipped="1" time="1.234">)"),
            std::string::npos)
      << xml;
  EXPECT_EQ(count_of(xml, "<testcase "), report.checks.size());
  EXPECT_EQ(count_of(xml, "<failure "), static_cast<size_t>(s.fail));
  EXPECT_EQ(count_of(xml, "<error "), static_cast<size_t>(s.error));
  EXPECT_EQ(count_of(xml, "<skipped "), static_cast<size_t>(s.skip));
  EXPECT_EQ(count_of(xml, "<testsuite "), 4u); // access, session, secrets, domain
}

TEST(ReportJunit, IsWellFormedXmlWithTheHostileTextIntact) {
  if (access(k_python, X_OK) != 0)
    GTEST_SKIP() << "no " << k_python << " to parse the XML";
  auto report = lg::golden::golden_report();
  report.checks[0].findings[0].message += " ctl:\x01\x1b\x7f"
                                          " end";
  TempDir dir;
  fs::path file = dir.write("report.xml", lg::report::render(report, Format::junit));
  fs::path script = dir.write("check.py", R"py(
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
for suite in root.findall("testsuite"):
    cases = suite.findall("testcase")
    counts = {"tests": len(cases),
              "failures": sum(len(c.findall("failure")) for c in cases),
              "errors": sum(len(c.findall("error")) for c in cases),
              "skipped": sum(len(c.findall("skipped")) for c in cases)}
    for k, v in counts.items():
        assert int(suite.get(k)) == v, (suite.get("name"), k, suite.get(k), v)
        totals[k] += v
for k, v in totals.items():
    assert int(root.get(k)) == v, (k, root.get(k), v)
text = "".join(root.itertext())
assert """<script>alert("x")</script> & 'quoted' |pipe|""" in text, text
assert "\x01" not in text and "\x1b" not in text
)py");
  EXPECT_EQ(run(std::string(k_python) + " " + script.string() + " " + file.string()), 0);
}

// ---- HTML ----

TEST(ReportHtml, IsSelfContainedAndEscapesEverything) {
  std::string html = lg::report::render(lg::golden::golden_report(), Format::html);
  std::string lower = html;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  EXPECT_EQ(lower.rfind("<!doctype html>", 0), 0u);
  EXPECT_NE(lower.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(lower.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(lower.find("name=\"viewport\""), std::string::npos);
  EXPECT_NE(lower.find("<title>"), std::string::npos);
  EXPECT_EQ(lower.find("<script"), std::string::npos);
  EXPECT_EQ(lower.find("<link"), std::string::npos);
  EXPECT_EQ(lower.find("@import"), std::string::npos);
  EXPECT_EQ(lower.find("url("), std::string::npos);
  EXPECT_FALSE(std::regex_search(lower, std::regex(R"((src|href)\s*=\s*["']?\s*(https?:)?//)")));
  EXPECT_NE(html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39; "
                      "|pipe| *star* _under_ `tick` reflected\nwith"),
            std::string::npos);
}

TEST(ReportHtml, DrawsTheLatencyCurveOfEachActionAndTextLeavesItOut) {
  lg::Report r = empty_report();
  lg::CheckResult c;
  c.meta.id = "perf.api-latency";
  c.meta.gate = "perf";
  c.status = lg::Status::pass;
  for (const char* action : {"list", "<b>search</b>"})
    c.measurements.push_back({{"action", action},
                              {"count", 300},
                              {"p95_ms", 4.5},
                              {"curve", {{0, 1.0}, {50, 2.0}, {99, 9.0}, {100, 12.5}}}});
  r.checks.push_back(c);
  const std::string html = lg::report::render(r, Format::html);
  EXPECT_NE(html.find("<svg class=\"chart\""), std::string::npos);
  size_t lines = 0;
  for (size_t at = html.find("<polyline"); at != std::string::npos;
       at = html.find("<polyline", at + 1))
    ++lines;
  EXPECT_EQ(lines, 2u);
  EXPECT_NE(html.find("&lt;b&gt;search&lt;/b&gt;</text>"), std::string::npos);
  EXPECT_EQ(html.find("<b>search"), std::string::npos);
  // The y axis rounds 12.5 ms up to 20 ms; the max sits at the right end.
  EXPECT_NE(html.find(">20 ms</text>"), std::string::npos);
  EXPECT_NE(html.find(">max</text>"), std::string::npos);
  const std::string text = lg::report::render(r, Format::text);
  EXPECT_EQ(text.find("curve"), std::string::npos) << text;
  EXPECT_NE(text.find("p95_ms=4.5"), std::string::npos) << text;
  const auto parsed = json::parse(lg::report::render(r, Format::json));
  EXPECT_EQ(parsed["checks"][0]["measurements"][1]["curve"].size(), 4u);
}

// ---- Markdown ----

TEST(ReportMarkdown, EscapesUntrustedText) {
  std::string md = lg::report::render(lg::golden::golden_report(), Format::markdown);
  EXPECT_NE(md.find(R"(Origin \<script\>alert("x")\</script\> \& 'quoted' \|pipe\| \*star\* )"
                    R"(\_under\_ \`tick\` reflected\)"),
            std::string::npos)
      << md;
  // Evidence holding backticks sits in a longer fence.
  EXPECT_NE(md.find("```header=\"Access-Control-Allow-Origin: ``reflected``\"```"),
            std::string::npos);
  // "<script" stays only inside that code span, where it renders literally.
  EXPECT_EQ(count_of(md, "<script") - count_of(md, "\\<script"), 1u);
  EXPECT_NE(md.find("``origin=\"https://evil.test/<script>"), std::string::npos);
}

TEST(ReportMarkdown, ListsWorkInFixOrder) {
  std::string md = lg::report::render(lg::golden::golden_report(), Format::markdown);
  auto at = [&](const char* s) { return md.find(s); };
  EXPECT_LT(at("`access.cross-tenant-read`"), at("`session.cors`"));
  EXPECT_LT(at("`session.cors`"), at("`secrets.tree`"));
  EXPECT_LT(at("`secrets.tree`"), at("`domain.tls-cert`")); // security gates before domain
  EXPECT_LT(at("`domain.tls-cert`"), at("`domain.hsts`"));  // warnings last
  EXPECT_NE(md.find("**Total effort: ~9.25 h**"), std::string::npos);
}

// ---- text ----

size_t columns(const std::string& line) {
  return static_cast<size_t>(std::count_if(line.begin(), line.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

TEST(ReportText, StaysWithin100ColumnsAndPlainWithoutColour) {
  auto report = lg::golden::golden_report();
  report.checks[0].findings[0].message =
      std::string(250, 'x') + " and a long tail of words " + std::string(40, 'y');
  std::string text = lg::report::render(report, Format::text);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end - start);
    EXPECT_LE(columns(line), 100u) << line;
    start = end + 1;
  }
}

TEST(ReportText, NeutralisesTerminalEscapesInUntrustedText) {
  auto report = lg::golden::golden_report();
  report.checks[0].findings[0].message = "clear\x1b[2Jscreen \xe2\x80\xae"
                                         "evil";
  for (bool color : {false, true}) {
    std::string text = lg::report::render(report, Format::text, {.color = color});
    EXPECT_NE(text.find("clear\\x1b[2Jscreen \\u{202e}evil"), std::string::npos);
    EXPECT_EQ(text.find("\x1b[2J"), std::string::npos);
  }
}

TEST(ReportText, ColoursOnlyOnRequest) {
  std::string text = lg::report::render(lg::golden::golden_report(), Format::text, {.color = true});
  EXPECT_NE(text.find("\x1b[31m[FAIL]\x1b[0m"), std::string::npos);
  EXPECT_NE(text.find("\x1b[32m[PASS]\x1b[0m"), std::string::npos);
  EXPECT_NE(text.find("\x1b[33m[WARN]\x1b[0m"), std::string::npos);
  EXPECT_NE(text.find("\x1b[2m[SKIP]\x1b[0m"), std::string::npos);
  EXPECT_NE(text.find("\x1b[31m[ERR ]\x1b[0m"), std::string::npos);
}

// ---- every format ----

TEST(ReportAll, RendersAnEmptyReport) {
  for (Format f :
       {Format::text, Format::json, Format::sarif, Format::junit, Format::markdown, Format::html}) {
    std::string out;
    ASSERT_NO_THROW(out = lg::report::render(empty_report(), f)) << lg::report::extension(f);
    EXPECT_FALSE(out.empty());
    EXPECT_EQ(out.back(), '\n');
  }
}

} // namespace
