// The monitor's status page: the snapshot read from a store (states, uptime, bars, incidents),
// the HTML page (escaping, self-contained, charts), the JSON document and the Prometheus metrics.

#include "monitor/status_page.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>

namespace lg {
namespace {

using monitor::CheckInfo;
using monitor::CheckRun;
using monitor::CheckStatus;
using monitor::Incident;
using monitor::MonitorStore;
using monitor::StatusSnapshot;

constexpr std::int64_t k_t0 = 1'750'000'000'000; // 2025-06-15T15:06:40Z
constexpr std::int64_t k_minute = 60'000;
constexpr std::int64_t k_hour = 60 * k_minute;
constexpr std::int64_t k_day = 24 * k_hour;

CheckRun run(const std::string& check, std::int64_t at_ms, bool ok, int status = 200,
             double latency_ms = 120, const std::string& message = "") {
  CheckRun r;
  r.check = check;
  r.at_ms = at_ms;
  r.ok = ok;
  r.status = status;
  r.latency_ms = latency_ms;
  r.message = message;
  return r;
}

CheckInfo info(const std::string& name, const std::string& kind, const std::string& target) {
  CheckInfo i;
  i.name = name;
  i.kind = kind;
  i.target = target;
  return i;
}

MonitorStore open_memory() {
  auto store = MonitorStore::open(":memory:");
  EXPECT_TRUE(store.has_value()) << (store ? "" : store.error().message);
  if (!store)
    std::abort();
  return std::move(store).value();
}

/// Three checks at k_t0: "api" up (hourly for 10 days, the run 2 h ago failed), "web" down (hourly
/// for 2 days, the last 3 failed, an incident open since 3 h ago and one closed 3 days ago),
/// "dns" pending (never ran). Plus an open incident of a check no longer configured.
struct Fixture {
  MonitorStore store = open_memory();
  std::vector<CheckInfo> checks;

  explicit Fixture(const std::string& web_name = "web") {
    checks = {info("api", "http", "https://portal.example.com/api/health"),
              info(web_name, "http", "http://portal.example.com/"),
              info("dns", "dns", "portal.example.com:53")};
    std::vector<CheckRun> runs;
    for (std::int64_t k = 1; k <= 240; ++k)
      runs.push_back(run("api", k_t0 - k * k_hour, k != 2, k != 2 ? 200 : 500,
                         100 + static_cast<double>(k % 7)));
    for (std::int64_t k = 1; k <= 48; ++k)
      runs.push_back(run(web_name, k_t0 - k * k_hour, k > 3, k > 3 ? 200 : 503, 300,
                         k > 3 ? "" : "status 503 <img src=x onerror=alert(2)>"));
    EXPECT_TRUE(store.record_all(runs).has_value());
    EXPECT_TRUE(store.open_incident(web_name, k_t0 - 3 * k_day, "timeout").has_value());
    EXPECT_TRUE(store.close_incident(web_name, k_t0 - 3 * k_day + 40 * k_minute).has_value());
    EXPECT_TRUE(store.open_incident(web_name, k_t0 - 3 * k_hour, "status 503").has_value());
    EXPECT_TRUE(store.open_incident("retired", k_t0 - k_hour, "gone").has_value());
  }

  StatusSnapshot snapshot(bool maintenance = false) {
    auto s = monitor::take_snapshot(store, checks, "portal.example.com", k_t0, k_t0 - 10 * k_day,
                                    maintenance);
    EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message);
    if (!s)
      std::abort();
    return std::move(s).value();
  }
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1))
    ++n;
  return n;
}

TEST(MonitorStatusPageSnapshot, StatesUptimeBarsAndIncidents) {
  Fixture f;
  auto s = f.snapshot();
  ASSERT_EQ(s.checks.size(), 3u);
  EXPECT_EQ(s.checks[0].state, "up");
  EXPECT_EQ(s.checks[1].state, "down");
  EXPECT_EQ(s.checks[2].state, "pending");
  EXPECT_EQ(monitor::overall_state(s), "down");

  // api: hourly runs, [now - 24 h, now) holds 24 of them, one failed.
  const auto& api = s.checks[0];
  EXPECT_EQ(api.uptime.day.total, 24);
  EXPECT_EQ(api.uptime.day.ok, 23);
  EXPECT_NEAR(api.uptime.day.share(), 23.0 / 24.0, 1e-12);
  EXPECT_EQ(api.uptime.week.total, 168);
  EXPECT_NEAR(api.uptime.week.share(), 167.0 / 168.0, 1e-12);
  EXPECT_EQ(api.uptime.month.total, 240);
  ASSERT_TRUE(api.last.has_value());
  EXPECT_EQ(api.last->at_ms, k_t0 - k_hour);

  // 48 half-hour slices, oldest first: the run 2 h ago is slice 44, the one 1 h ago slice 46.
  ASSERT_EQ(api.bars.size(), static_cast<std::size_t>(monitor::k_bars));
  EXPECT_EQ(api.bars[44].total, 1);
  EXPECT_EQ(api.bars[44].ok, 0);
  EXPECT_EQ(api.bars[45].total, 0);
  EXPECT_EQ(api.bars[46].total, 1);
  EXPECT_EQ(api.bars[46].ok, 1);
  ASSERT_EQ(api.latency.size(), static_cast<std::size_t>(monitor::k_latency_buckets));
  auto with_runs = std::count_if(api.latency.begin(), api.latency.end(),
                                 [](const monitor::LatencyBucket& b) { return b.count > 0; });
  EXPECT_EQ(with_runs, 24);

  EXPECT_EQ(s.checks[1].uptime.day.ok, 21);
  EXPECT_FALSE(s.checks[2].last.has_value());
  EXPECT_EQ(s.checks[2].uptime.month.total, 0);
  ASSERT_EQ(s.checks[2].bars.size(), static_cast<std::size_t>(monitor::k_bars));

  // The retired check's open incident is left out; recent ones are newest first.
  ASSERT_EQ(s.open_incidents.size(), 1u);
  EXPECT_EQ(s.open_incidents[0].check, "web");
  ASSERT_EQ(s.recent_incidents.size(), 2u);
  EXPECT_TRUE(s.recent_incidents[0].open());
  EXPECT_EQ(s.recent_incidents[1].closed_ms, k_t0 - 3 * k_day + 40 * k_minute);
}

TEST(MonitorStatusPageSnapshot, ThousandChecksOnAnEmptyStore) {
  auto store = open_memory();
  std::vector<CheckInfo> checks;
  for (int i = 0; i < 1000; ++i)
    checks.push_back(info("check-" + std::to_string(i), "http", "https://example.test/"));
  auto s = monitor::take_snapshot(store, checks, "t", k_t0, k_t0, false);
  ASSERT_TRUE(s.has_value()) << s.error().message;
  ASSERT_EQ(s->checks.size(), 1000u);
  for (const auto& c : s->checks) {
    ASSERT_EQ(c.state, "pending");
    ASSERT_EQ(c.bars.size(), static_cast<std::size_t>(monitor::k_bars));
  }
  EXPECT_EQ(monitor::overall_state(*s), "pending");
  EXPECT_NE(monitor::render_status_html(*s).find("Waiting for the first runs"), std::string::npos);
  EXPECT_EQ(monitor::status_json(*s)["checks"].size(), 1000u);
  EXPECT_EQ(count_of(monitor::render_metrics(*s), "launchgate_monitor_check_up{"), 0u);
}

TEST(MonitorStatusPageJson, FieldsAndNulls) {
  Fixture f;
  auto doc = monitor::status_json(f.snapshot());
  EXPECT_EQ(doc["schema"], "launchgate.status/1");
  EXPECT_EQ(doc["title"], "portal.example.com");
  EXPECT_EQ(doc["generated_at"], "2025-06-15T15:06:40Z");
  EXPECT_EQ(doc["started_at"], "2025-06-05T15:06:40Z");
  EXPECT_EQ(doc["maintenance"], false);
  EXPECT_EQ(doc["state"], "down");

  const auto& checks = doc["checks"];
  ASSERT_EQ(checks.size(), 3u);
  EXPECT_EQ(checks[0]["name"], "api");
  EXPECT_EQ(checks[0]["kind"], "http");
  EXPECT_EQ(checks[0]["target"], "https://portal.example.com/api/health");
  EXPECT_EQ(checks[0]["interval_s"], 60);
  EXPECT_EQ(checks[0]["last"]["at"], "2025-06-15T14:06:40Z");
  EXPECT_EQ(checks[0]["last"]["ok"], true);
  EXPECT_EQ(checks[0]["last"]["status"], 200);
  EXPECT_EQ(checks[0]["uptime"]["24h"]["runs"], 24);
  EXPECT_EQ(checks[0]["uptime"]["24h"]["ok"], 23);
  EXPECT_NEAR(checks[0]["uptime"]["24h"]["ratio"].get<double>(), 23.0 / 24.0, 1e-12);
  EXPECT_NEAR(checks[0]["uptime"]["30d"]["ratio"].get<double>(), 239.0 / 240.0, 1e-12);
  EXPECT_EQ(checks[1]["state"], "down");
  EXPECT_EQ(checks[1]["last"]["ok"], false);
  EXPECT_EQ(checks[1]["last"]["status"], 503);
  EXPECT_EQ(checks[2]["state"], "pending");
  EXPECT_TRUE(checks[2]["last"].is_null());
  EXPECT_TRUE(checks[2]["uptime"]["24h"]["ratio"].is_null());
  EXPECT_EQ(checks[2]["uptime"]["7d"]["runs"], 0);

  const auto& open = doc["incidents"]["open"];
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0]["check"], "web");
  EXPECT_TRUE(open[0]["closed_at"].is_null());
  EXPECT_EQ(open[0]["duration_s"], 3 * 3600);
  EXPECT_EQ(open[0]["cause"], "status 503");
  EXPECT_TRUE(open[0]["id"].is_number_integer());
  const auto& recent = doc["incidents"]["recent"];
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_EQ(recent[1]["closed_at"], "2025-06-12T15:46:40Z");
  EXPECT_EQ(recent[1]["duration_s"], 40 * 60);
}

TEST(MonitorStatusPageJson, InvalidUtf8IsRepairedAndDatesAreGregorian) {
  StatusSnapshot s;
  s.title = "bad \xff\xfe title";
  s.now_ms = 951'782'400'000 + 1'500; // 2000-02-29, a leap day of a year divisible by 400
  CheckStatus c;
  c.info = info("c\xc0\xaf", "http", "x");
  c.info.interval_ms = 1500;
  c.state = "up";
  c.last = run("c", s.now_ms, true, 200, 1, "\xed\xa0\x80 surrogate");
  s.checks.push_back(c);
  auto doc = monitor::status_json(s);
  std::string text;
  ASSERT_NO_THROW(text = doc.dump());
  EXPECT_EQ(doc["title"], "bad \xef\xbf\xbd\xef\xbf\xbd title");
  EXPECT_EQ(doc["checks"][0]["name"], "c\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(doc["generated_at"], "2000-02-29T00:00:01Z");
  EXPECT_EQ(doc["started_at"], "1970-01-01T00:00:00Z");
  EXPECT_DOUBLE_EQ(doc["checks"][0]["interval_s"].get<double>(), 1.5);
}

TEST(MonitorStatusPageHtml, EscapesHostileText) {
  Fixture f("<script>alert(1)</script>");
  auto s = f.snapshot();
  s.title = "Portal \"&\" <i>";
  auto html = monitor::render_status_html(s);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<i>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("status 503 &lt;img src=x onerror=alert(2)&gt;"), std::string::npos);
  EXPECT_NE(html.find("Portal &quot;&amp;&quot; &lt;i&gt;"), std::string::npos);
}

TEST(MonitorStatusPageHtml, SelfContainedWithChartsAndTables) {
  Fixture f;
  auto s = f.snapshot();
  auto html = monitor::render_status_html(s);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<meta http-equiv=\"refresh\" content=\"30\">"), std::string::npos);
  EXPECT_NE(html.find("name=\"viewport\""), std::string::npos);
  EXPECT_NE(html.find("max-width"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("<polyline"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src=\""), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);

  // Only the targets, shown as text, name a URL.
  std::string rest = html;
  for (const auto& c : f.checks)
    for (auto pos = rest.find(c.target); pos != std::string::npos; pos = rest.find(c.target))
      rest.erase(pos, c.target.size());
  EXPECT_EQ(rest.find("http://"), std::string::npos);
  EXPECT_EQ(rest.find("https://"), std::string::npos);
  EXPECT_NE(html.find("<code>https://portal.example.com/api/health</code>"), std::string::npos);

  // Banner, uptime figures, the pending check's dashes.
  EXPECT_NE(html.find("1 check down"), std::string::npos);
  EXPECT_NE(html.find("95.83%"), std::string::npos); // api, 23 of 24
  EXPECT_NE(html.find("99.58%"), std::string::npos); // api, 239 of 240
  EXPECT_NE(html.find("87.50%"), std::string::npos); // web, 21 of 24
  EXPECT_GE(count_of(html, "<b>—</b>"), 3u);         // dns, all three windows
  // 48 bars a check, each with a tooltip; red for the failed slice, grey for empty ones.
  EXPECT_EQ(count_of(html, "<rect x="), 3u * monitor::k_bars);
  EXPECT_NE(html.find("fill=\"#d9453d\"><title>13:06–13:36 UTC: 0.00% (0 of 1 run ok)"),
            std::string::npos);
  EXPECT_NE(html.find("fill=\"#c9ced6\"><title>"), std::string::npos);
  EXPECT_NE(html.find("no runs in the last 24 h"), std::string::npos); // dns's chart
  // Incidents: the open one ongoing for 3 h, the closed one 40 min long.
  EXPECT_NE(html.find("ongoing</td><td>3 h</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>40 min</td>"), std::string::npos);
  EXPECT_NE(html.find("2025-06-12 15:06 UTC"), std::string::npos);
}

TEST(MonitorStatusPageHtml, BannerAndPercentRounding) {
  StatusSnapshot s;
  s.now_ms = k_t0;
  CheckStatus c;
  c.info = info("a", "http", "x");
  c.state = "up";
  c.uptime.day = {100000, 99999}; // 99.999%, not 100.00%
  c.uptime.week = {1000, 999};
  c.uptime.month = {100000, 1}; // 0.001%, not 0.00%
  s.checks.push_back(c);
  auto html = monitor::render_status_html(s);
  EXPECT_NE(html.find("All checks up"), std::string::npos);
  EXPECT_NE(html.find("<b>99.999%</b>"), std::string::npos);
  EXPECT_NE(html.find("<b>99.90%</b>"), std::string::npos);
  EXPECT_NE(html.find("<b>0.001%</b>"), std::string::npos);
  s.maintenance = true;
  EXPECT_NE(monitor::render_status_html(s).find("Maintenance in progress"), std::string::npos);
}

/// A sample line `name{labels} value` or `name value`: the name, the raw labels, the value.
struct Sample {
  std::string name, labels, value;
};

/// Parses one sample line of the text format, or fails the test.
Sample parse_sample(const std::string& line) {
  Sample out;
  std::size_t i = 0;
  while (i < line.size() && (std::isalnum(static_cast<unsigned char>(line[i])) != 0 ||
                             line[i] == '_' || line[i] == ':'))
    ++i;
  out.name = line.substr(0, i);
  EXPECT_FALSE(out.name.empty()) << line;
  if (i < line.size() && line[i] == '{') {
    std::size_t start = ++i;
    bool quoted = false;
    for (; i < line.size(); ++i) {
      if (quoted && line[i] == '\\') {
        ++i;
        continue;
      }
      if (line[i] == '"')
        quoted = !quoted;
      else if (!quoted && line[i] == '}')
        break;
    }
    EXPECT_LT(i, line.size()) << "unterminated labels: " << line;
    out.labels = line.substr(start, i - start);
    ++i;
  }
  EXPECT_TRUE(i < line.size() && line[i] == ' ') << line;
  out.value = line.substr(std::min(i + 1, line.size()));
  char* end = nullptr;
  std::strtod(out.value.c_str(), &end);
  EXPECT_TRUE(!out.value.empty() && end != nullptr && *end == '\0') << line;
  return out;
}

TEST(MonitorStatusPageMetrics, LinesParseAndPendingHasNoUp) {
  Fixture f;
  auto text = monitor::render_metrics(f.snapshot());
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  std::vector<Sample> samples;
  std::string typed;
  for (const auto& line : lines_of(text)) {
    if (line.rfind("# HELP ", 0) == 0)
      continue;
    if (line.rfind("# TYPE ", 0) == 0) {
      typed = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_EQ(line, "# TYPE " + typed + " gauge");
      continue;
    }
    auto sample = parse_sample(line);
    EXPECT_EQ(sample.name, typed) << "sample outside its family: " << line;
    samples.push_back(sample);
  }
  auto value_of = [&](const std::string& name, const std::string& labels) -> std::string {
    for (const auto& s : samples)
      if (s.name == name && s.labels == labels)
        return s.value;
    return "absent";
  };
  EXPECT_EQ(value_of("launchgate_monitor_check_up", "check=\"api\""), "1");
  EXPECT_EQ(value_of("launchgate_monitor_check_up", "check=\"web\""), "0");
  EXPECT_EQ(value_of("launchgate_monitor_check_up", "check=\"dns\""), "absent");
  EXPECT_EQ(value_of("launchgate_monitor_check_latency_ms", "check=\"web\""), "300");
  EXPECT_EQ(value_of("launchgate_monitor_check_status_code", "check=\"web\""), "503");
  EXPECT_EQ(value_of("launchgate_monitor_check_last_run_timestamp_seconds", "check=\"api\""),
            "1749996400");
  EXPECT_EQ(value_of("launchgate_monitor_check_uptime_ratio", "check=\"web\",window=\"24h\""),
            "0.875");
  EXPECT_EQ(value_of("launchgate_monitor_check_uptime_ratio", "check=\"dns\",window=\"24h\""),
            "absent");
  EXPECT_EQ(value_of("launchgate_monitor_incidents_open", ""), "1");
  EXPECT_EQ(value_of("launchgate_monitor_maintenance", ""), "0");
  EXPECT_EQ(value_of("launchgate_monitor_start_time_seconds", ""), "1749136000");
  EXPECT_EQ(count_of(text, "check=\"dns\""), 0u);
  EXPECT_EQ(count_of(text, "# TYPE "), 8u);
}

TEST(MonitorStatusPageMetrics, LabelValuesAreEscaped) {
  StatusSnapshot s;
  s.now_ms = k_t0;
  s.started_ms = k_t0 + 250; // a fraction of a second
  CheckStatus c;
  c.info = info("a\"b\\c\nd", "http", "x");
  c.state = "up";
  c.last = run(c.info.name, k_t0, true, 200, 12.5);
  s.checks.push_back(c);
  auto text = monitor::render_metrics(s);
  EXPECT_NE(text.find("launchgate_monitor_check_up{check=\"a\\\"b\\\\c\\nd\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("launchgate_monitor_check_latency_ms{check=\"a\\\"b\\\\c\\nd\"} 12.5\n"),
            std::string::npos);
  EXPECT_NE(text.find("launchgate_monitor_start_time_seconds 1750000000.25\n"), std::string::npos);
  for (const auto& line : lines_of(text))
    if (!line.empty() && line[0] != '#')
      parse_sample(line);
}

} // namespace
} // namespace lg
