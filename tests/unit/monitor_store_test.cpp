// The monitor's SQLite store: round trips through a file, reopening after a restart, uptime over
// windows, incidents, retention, latency series, and refusal of files that are not ours.

#include "monitor/store.hpp"

#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <type_traits>

namespace lg {
namespace {

using monitor::CheckRun;
using monitor::MonitorStore;

constexpr std::int64_t k_t0 = 1'750'000'000'000; // an instant in June 2025, epoch ms
constexpr std::int64_t k_minute = 60'000;
constexpr std::int64_t k_hour = 60 * k_minute;
constexpr std::int64_t k_day = 24 * k_hour;

CheckRun run(const std::string& check, std::int64_t at_ms, bool ok, double latency_ms = 100,
             int status = 200, const std::string& message = "") {
  CheckRun r;
  r.check = check;
  r.at_ms = at_ms;
  r.ok = ok;
  r.status = status;
  r.latency_ms = latency_ms;
  r.message = message;
  return r;
}

MonitorStore open_ok(const std::string& path) {
  auto store = MonitorStore::open(path);
  EXPECT_TRUE(store.has_value()) << (store ? "" : store.error().message);
  if (!store)
    std::abort();
  return std::move(store).value();
}

/// Runs one statement on a SQLite file directly (to plant foreign or old schemas).
void sql(const std::string& path, const std::string& statement) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &error);
  std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

TEST(MonitorStore, RecordsRoundTripThroughAFile) {
  test::TempDir dir;
  auto path = (dir.path() / "monitor.db").string();
  auto store = open_ok(path);
  ASSERT_TRUE(store.record(run("home", k_t0, true, 120.5)));
  ASSERT_TRUE(store.record(run("home", k_t0 + k_minute, false, 3000, 503, "status 503")));
  ASSERT_TRUE(store.record(run("api", k_t0 + k_minute, true, 80)));

  auto last = store.last("home");
  ASSERT_TRUE(last.has_value());
  ASSERT_TRUE(last->has_value());
  EXPECT_EQ((*last)->at_ms, k_t0 + k_minute);
  EXPECT_FALSE((*last)->ok);
  EXPECT_EQ((*last)->status, 503);
  EXPECT_DOUBLE_EQ((*last)->latency_ms, 3000);
  EXPECT_EQ((*last)->message, "status 503");
  EXPECT_EQ((*last)->check, "home");

  auto none = store.last("nothing");
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->has_value());

  auto names = store.checks();
  ASSERT_TRUE(names.has_value());
  EXPECT_EQ(*names, (std::vector<std::string>{"api", "home"}));

  // The file is in WAL mode.
  EXPECT_TRUE(std::filesystem::exists(path + "-wal"));
}

TEST(MonitorStore, ReopeningKeepsResultsAndOpenIncidents) {
  test::TempDir dir;
  auto path = (dir.path() / "monitor.db").string();
  {
    auto store = open_ok(path);
    std::vector<CheckRun> runs;
    for (int i = 0; i < 10; ++i)
      runs.push_back(run("home", k_t0 + i * k_minute, i < 7));
    ASSERT_TRUE(store.record_all(runs));
    auto id = store.open_incident("home", k_t0 + 7 * k_minute, "status 502");
    ASSERT_TRUE(id.has_value());
    // A second open for the same check returns the same incident.
    auto again = store.open_incident("home", k_t0 + 9 * k_minute, "other");
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(*again, *id);
    ASSERT_TRUE(store.open_incident("api", k_t0, "timeout"));
    auto closed = store.close_incident("api", k_t0 + 5 * k_minute);
    ASSERT_TRUE(closed.has_value());
    EXPECT_TRUE(*closed);
  }
  auto store = open_ok(path);
  auto up = store.uptime("home", k_t0, k_t0 + 10 * k_minute);
  ASSERT_TRUE(up.has_value());
  EXPECT_EQ(up->total, 10);
  EXPECT_EQ(up->ok, 7);
  auto open = store.open_incidents();
  ASSERT_TRUE(open.has_value());
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].check, "home");
  EXPECT_EQ((*open)[0].opened_ms, k_t0 + 7 * k_minute);
  EXPECT_EQ((*open)[0].cause, "status 502");
  EXPECT_TRUE((*open)[0].open());

  auto all = store.incidents(k_t0, 10);
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].check, "home"); // newest first
  EXPECT_EQ((*all)[1].check, "api");
  EXPECT_EQ((*all)[1].closed_ms, k_t0 + 5 * k_minute);
  // Incidents closed before `since` are left out; open ones never are.
  auto recent = store.incidents(k_t0 + 6 * k_minute, 10);
  ASSERT_TRUE(recent.has_value());
  ASSERT_EQ(recent->size(), 1u);
  EXPECT_EQ((*recent)[0].check, "home");

  auto closed = store.close_incident("home", k_t0 + 12 * k_minute);
  ASSERT_TRUE(closed.has_value());
  EXPECT_TRUE(*closed);
  auto closed_again = store.close_incident("home", k_t0 + 13 * k_minute);
  ASSERT_TRUE(closed_again.has_value());
  EXPECT_FALSE(*closed_again);
  EXPECT_TRUE(store.open_incidents()->empty());
}

TEST(MonitorStore, UptimeCountsRunsInsideTheWindowOnly) {
  auto store = open_ok(":memory:");
  std::vector<CheckRun> runs;
  // 30 days, one run an hour; the last day has 6 failures, the days before one failure each.
  for (std::int64_t h = 0; h < 30 * 24; ++h) {
    auto at = k_t0 + h * k_hour;
    bool last_day = h >= 29 * 24;
    bool ok = last_day ? (h % 24) >= 6 : (h % 24) != 0;
    runs.push_back(run("home", at, ok));
  }
  runs.push_back(run("other", k_t0, false));
  ASSERT_TRUE(store.record_all(runs));
  auto now = k_t0 + 30 * k_day;
  auto s = store.uptime_summary("home", now);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->day.total, 24);
  EXPECT_EQ(s->day.ok, 18);
  EXPECT_DOUBLE_EQ(s->day.share(), 0.75);
  EXPECT_EQ(s->week.total, 7 * 24);
  EXPECT_EQ(s->week.ok, 7 * 24 - 6 - 6);
  EXPECT_EQ(s->month.total, 30 * 24);
  EXPECT_EQ(s->month.ok, 30 * 24 - 6 - 29);
  // The window is half-open: [from, to).
  auto exact = store.uptime("home", k_t0, k_t0 + k_hour);
  ASSERT_TRUE(exact.has_value());
  EXPECT_EQ(exact->total, 1);
  auto empty = store.uptime("home", now, now + k_day);
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->total, 0);
  EXPECT_DOUBLE_EQ(empty->share(), 0.0);
  auto unknown = store.uptime("nothing", k_t0, now);
  ASSERT_TRUE(unknown.has_value());
  EXPECT_EQ(unknown->total, 0);
}

TEST(MonitorStore, UptimeUsesTheIndex) {
  test::TempDir dir;
  auto path = (dir.path() / "monitor.db").string();
  { auto store = open_ok(path); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "EXPLAIN QUERY PLAN SELECT count(*), coalesce(sum(ok), 0) FROM "
                               "results WHERE check_id = 1 AND at_ms >= 0 AND at_ms < 10",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  std::string plan;
  while (sqlite3_step(stmt) == SQLITE_ROW)
    plan += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3)) + std::string("\n");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  EXPECT_NE(plan.find("COVERING INDEX results_by_check_time"), std::string::npos) << plan;
}

TEST(MonitorStore, PruneRemovesOldResultsAndClosedIncidents) {
  auto store = open_ok(":memory:");
  std::vector<CheckRun> runs;
  for (int d = 0; d < 10; ++d) {
    runs.push_back(run("home", k_t0 + d * k_day, true));
    runs.push_back(run("api", k_t0 + d * k_day, true));
  }
  ASSERT_TRUE(store.record_all(runs));
  ASSERT_TRUE(store.open_incident("home", k_t0, "old and closed"));
  ASSERT_TRUE(store.close_incident("home", k_t0 + k_hour));
  ASSERT_TRUE(store.open_incident("home", k_t0 + 2 * k_day, "closed later"));
  ASSERT_TRUE(store.close_incident("home", k_t0 + 8 * k_day));
  ASSERT_TRUE(store.open_incident("api", k_t0, "old but still open"));

  auto counts = store.prune(k_t0 + 5 * k_day);
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->results, 10); // days 0-4 of both checks
  EXPECT_EQ(counts->incidents, 1);
  EXPECT_EQ(store.uptime("home", 0, k_t0 + 100 * k_day)->total, 5);
  auto left = store.incidents(0, 100);
  ASSERT_TRUE(left.has_value());
  ASSERT_EQ(left->size(), 2u);
  EXPECT_EQ(store.open_incidents()->size(), 1u);

  // Retention by age: results kept 2 days, closed incidents 1 day, at day 10.
  monitor::Retention retention;
  retention.results_ms = 2 * k_day;
  retention.incidents_ms = k_day;
  auto by_age = store.prune(retention, k_t0 + 10 * k_day);
  ASSERT_TRUE(by_age.has_value());
  EXPECT_EQ(by_age->results, 6); // days 5-7
  EXPECT_EQ(by_age->incidents, 1);
  EXPECT_EQ(store.uptime("api", 0, k_t0 + 100 * k_day)->total, 2);
  EXPECT_EQ(store.incidents(0, 100)->size(), 1u);
}

TEST(MonitorStore, LatencySeriesHasMinAvgMaxPerBucket) {
  auto store = open_ok(":memory:");
  std::vector<CheckRun> runs;
  // Hour 0: 100, 200, 300 ms; hour 1: nothing; hour 2: 50 ms (and a failure at 5000 ms).
  runs.push_back(run("home", k_t0, true, 100));
  runs.push_back(run("home", k_t0 + 10 * k_minute, true, 200));
  runs.push_back(run("home", k_t0 + 59 * k_minute, true, 300));
  runs.push_back(run("home", k_t0 + 2 * k_hour, true, 50));
  runs.push_back(run("home", k_t0 + 2 * k_hour + k_minute, false, 5000, 0, "timeout"));
  runs.push_back(run("home", k_t0 + 3 * k_hour, true, 999)); // outside [from, to)
  ASSERT_TRUE(store.record_all(runs));
  auto series = store.latency_series("home", k_t0, k_t0 + 3 * k_hour, 3);
  ASSERT_TRUE(series.has_value());
  ASSERT_EQ(series->size(), 3u);
  const auto& s = *series;
  EXPECT_EQ(s[0].from_ms, k_t0);
  EXPECT_EQ(s[0].to_ms, k_t0 + k_hour);
  EXPECT_EQ(s[0].count, 3);
  EXPECT_DOUBLE_EQ(s[0].min_ms, 100);
  EXPECT_DOUBLE_EQ(s[0].avg_ms, 200);
  EXPECT_DOUBLE_EQ(s[0].max_ms, 300);
  EXPECT_EQ(s[1].count, 0);
  EXPECT_EQ(s[2].count, 2);
  EXPECT_DOUBLE_EQ(s[2].min_ms, 50);
  EXPECT_DOUBLE_EQ(s[2].max_ms, 5000);
  EXPECT_EQ(s[2].to_ms, k_t0 + 3 * k_hour);

  // Bucket counts are capped; an empty or inverted window is empty; an unknown check has
  // empty buckets.
  EXPECT_EQ(store.latency_series("home", k_t0, k_t0 + 30 * k_day, 1'000'000)->size(),
            static_cast<std::size_t>(MonitorStore::k_max_buckets));
  EXPECT_TRUE(store.latency_series("home", k_t0, k_t0, 10)->empty());
  EXPECT_TRUE(store.latency_series("home", k_t0, k_t0 - 1, 10)->empty());
  auto unknown = store.latency_series("nothing", k_t0, k_t0 + k_hour, 4);
  ASSERT_TRUE(unknown.has_value());
  ASSERT_EQ(unknown->size(), 4u);
  EXPECT_EQ((*unknown)[3].count, 0);
  // A window shorter than the bucket count: one bucket per millisecond.
  EXPECT_EQ(store.latency_series("home", k_t0, k_t0 + 5, 100)->size(), 5u);
}

TEST(MonitorStore, LongMessagesAreCut) {
  auto store = open_ok(":memory:");
  ASSERT_TRUE(store.record(run("home", k_t0, false, 1, 500, std::string(100'000, 'x'))));
  auto last = store.last("home");
  ASSERT_TRUE(last.has_value() && last->has_value());
  EXPECT_LE((*last)->message.size(), 2048u);
}

TEST(MonitorStore, AFileThatIsNotADatabaseIsAParseError) {
  test::TempDir dir;
  std::string junk(8192, '\0');
  for (std::size_t i = 0; i < junk.size(); ++i)
    junk[i] = static_cast<char>((i * 131 + 7) % 251);
  auto path = dir.write("junk.db", junk);
  auto store = MonitorStore::open(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().kind, ErrorKind::parse);
  EXPECT_NE(store.error().message.find("not a SQLite database"), std::string::npos)
      << store.error().message;

  // A SQLite header over garbage pages.
  auto fake = dir.write("fake.db", std::string("SQLite format 3", 16) + junk);
  auto corrupt = MonitorStore::open(fake);
  ASSERT_FALSE(corrupt.has_value());
  EXPECT_EQ(corrupt.error().kind, ErrorKind::parse) << corrupt.error().message;
}

TEST(MonitorStore, AForeignDatabaseOrAnotherSchemaVersionIsRefused) {
  test::TempDir dir;
  auto foreign = (dir.path() / "foreign.db").string();
  sql(foreign, "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT)");
  auto store = MonitorStore::open(foreign);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().kind, ErrorKind::parse);
  EXPECT_NE(store.error().message.find("something else"), std::string::npos)
      << store.error().message;

  auto newer = (dir.path() / "newer.db").string();
  { auto created = open_ok(newer); }
  sql(newer, "UPDATE lg_meta SET value = '7' WHERE key = 'schema_version'");
  auto refused = MonitorStore::open(newer);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, ErrorKind::parse);
  EXPECT_NE(refused.error().message.find("schema version 7"), std::string::npos)
      << refused.error().message;

  // A directory cannot be opened at all.
  auto dir_store = MonitorStore::open(dir.path().string());
  ASSERT_FALSE(dir_store.has_value());
  EXPECT_EQ(dir_store.error().kind, ErrorKind::io) << dir_store.error().message;
}

TEST(MonitorStore, IsMoveOnly) {
  static_assert(!std::is_copy_constructible_v<MonitorStore>);
  static_assert(std::is_nothrow_move_constructible_v<MonitorStore>);
  auto a = open_ok(":memory:");
  ASSERT_TRUE(a.record(run("home", k_t0, true)));
  MonitorStore b = std::move(a);
  EXPECT_EQ(b.uptime("home", k_t0, k_t0 + 1)->total, 1);
  auto used = a.record(run("home", k_t0, true)); // NOLINT(bugprone-use-after-move)
  ASSERT_FALSE(used.has_value());
  EXPECT_EQ(used.error().kind, ErrorKind::internal);
}

TEST(MonitorStore, AHundredThousandRunsInBatches) {
  test::TempDir dir;
  auto store = open_ok((dir.path() / "monitor.db").string());
  const char* names[] = {"home", "api", "login", "search"};
  std::vector<CheckRun> batch;
  for (int i = 0; i < 100'000; ++i) {
    batch.push_back(run(names[i % 4], k_t0 + i * 1000, i % 10 != 0, 100 + i % 50));
    if (batch.size() == 1000) {
      ASSERT_TRUE(store.record_all(batch));
      batch.clear();
    }
  }
  auto up = store.uptime("home", k_t0, k_t0 + 100'000 * 1000LL);
  ASSERT_TRUE(up.has_value());
  EXPECT_EQ(up->total, 25'000);
  EXPECT_EQ(up->ok, 20'000); // home is i % 4 == 0; it fails when i % 10 == 0: every 20th
  auto series = store.latency_series("api", k_t0, k_t0 + 100'000 * 1000LL, 100);
  ASSERT_TRUE(series.has_value());
  EXPECT_EQ(series->size(), 100u);
  EXPECT_EQ(series->front().count, 250);
}

} // namespace
} // namespace lg
