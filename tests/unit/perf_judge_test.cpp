// perf.api-latency judged from load results built by hand: the measurements of the design, the
// p95 limit, the error share, too few samples, and an overloaded instrument that gives no verdict.

#include "checks/catalog.hpp"
#include "perf/judge.hpp"

#include <gtest/gtest.h>

namespace lg::perf {
namespace {

/// An action with `fast` answers at 20 ms and `slow` at `slow_ms`, all 200 but `errors` 500s.
ActionStats action(const std::string& name, std::int64_t fast, std::int64_t slow,
                   std::int64_t slow_ms, std::int64_t errors = 0) {
  ActionStats a;
  a.action = name;
  a.latency.record(20'000, fast);
  if (slow > 0)
    a.latency.record(slow_ms * 1000, slow);
  a.requests = fast + slow;
  a.statuses[200] = fast + slow - errors;
  if (errors > 0)
    a.statuses[500] = errors;
  return a;
}

LoadResult result_of(std::vector<ActionStats> actions) {
  LoadResult r;
  r.actions = std::move(actions);
  r.seconds = 10;
  r.self.send_lag.record(200, 1000); // 0.2 ms: a healthy client
  r.self.cpu_share = 0.2;
  return r;
}

std::vector<LoadRequest> mix_of(const LoadResult& r) {
  std::vector<LoadRequest> mix;
  for (const auto& a : r.actions) {
    LoadRequest q;
    q.action = a.action;
    q.target = "/api/" + a.action;
    mix.push_back(q);
  }
  return mix;
}

const CheckMeta& meta() {
  return *checks::find_check("perf.api-latency");
}

TEST(PerfJudge, FastActionsPassWithTheDesignsMeasurements) {
  auto r = result_of({action("list", 950, 50, 120), action("search", 990, 10, 300)});
  auto c = judge_latency(meta(), mix_of(r), r, {});
  ASSERT_EQ(c.status, Status::pass) << c.reason;
  ASSERT_EQ(c.measurements.size(), 2u);
  const auto& m = c.measurements[0];
  EXPECT_EQ(m["action"], "list");
  EXPECT_EQ(m["count"], 1000);
  EXPECT_DOUBLE_EQ(m["rps"].get<double>(), 100.0);
  EXPECT_EQ(m["errors"], 0);
  EXPECT_NEAR(m["p50_ms"].get<double>(), 20.0, 0.2);  // within the histogram's 1%
  EXPECT_NEAR(m["p95_ms"].get<double>(), 20.0, 0.2);  // the 950th of 1000 is still fast
  EXPECT_NEAR(m["p99_ms"].get<double>(), 120.0, 1.2); // the slow 5% show at p99
  EXPECT_NEAR(m["max_ms"].get<double>(), 120.0, 1.2);
  for (const char* key : {"p90_ms", "p95_ms", "p99_ms", "max_ms"})
    EXPECT_TRUE(m.contains(key)) << key;
  EXPECT_NE(c.reason.find("list p95 20."), std::string::npos) << c.reason;
}

TEST(PerfJudge, AP95AtTheLimitFailsWithEvidence) {
  auto r = result_of({action("list", 990, 10, 100), action("search", 900, 100, 800)});
  auto c = judge_latency(meta(), mix_of(r), r, {});
  ASSERT_EQ(c.status, Status::fail);
  ASSERT_EQ(c.findings.size(), 1u);
  EXPECT_NE(c.findings[0].message.find("search: p95 80"), std::string::npos)
      << c.findings[0].message;
  EXPECT_NE(c.findings[0].message.find("reaches the 500 ms limit"), std::string::npos);
  EXPECT_EQ(c.findings[0].evidence["path"], "/api/search");
  EXPECT_EQ(c.findings[0].evidence["method"], "GET");
  // A stricter or looser limit moves the verdict.
  LatencyPolicy loose;
  loose.p95_ms = 900;
  EXPECT_EQ(judge_latency(meta(), mix_of(r), r, loose).status, Status::pass);
}

TEST(PerfJudge, ErrorsFromOnePercentFail) {
  auto r = result_of({action("save", 1000, 0, 0, 10)});
  r.actions[0].failures["timeout"] = 3;
  r.actions[0].requests += 3;
  auto c = judge_latency(meta(), mix_of(r), r, {});
  ASSERT_EQ(c.status, Status::fail);
  ASSERT_EQ(c.findings.size(), 1u);
  EXPECT_NE(c.findings[0].message.find("save: 1.3% of 1003 requests failed (500 x10, timeout x3)"),
            std::string::npos)
      << c.findings[0].message;
  auto few = result_of({action("save", 1000, 0, 0, 9)});
  EXPECT_EQ(judge_latency(meta(), mix_of(few), few, {}).status, Status::pass); // 0.9%
}

TEST(PerfJudge, TooFewSamplesGiveNoVerdict) {
  auto r = result_of({action("list", 500, 0, 0), action("search", 99, 0, 0)});
  auto c = judge_latency(meta(), mix_of(r), r, {});
  EXPECT_EQ(c.status, Status::error);
  EXPECT_NE(c.reason.find("too few samples for a verdict: search (99)"), std::string::npos)
      << c.reason;
  EXPECT_EQ(c.measurements.size(), 2u); // what was measured is still reported
}

TEST(PerfJudge, AnOverloadedInstrumentIsUnreliableNotTheServersFault) {
  auto lagging = result_of({action("list", 1000, 0, 0)});
  lagging.self.send_lag.record(9'000, 50); // 5% of sends 9 ms late: p99 over 5 ms
  auto c = judge_latency(meta(), mix_of(lagging), lagging, {});
  EXPECT_EQ(c.status, Status::error);
  EXPECT_NE(c.reason.find("unreliable measurement"), std::string::npos) << c.reason;
  EXPECT_NE(c.reason.find("send lag reached 9."), std::string::npos) << c.reason;

  auto busy = result_of({action("list", 1000, 0, 0)});
  busy.self.cpu_share = 0.93;
  auto b = judge_latency(meta(), mix_of(busy), busy, {});
  EXPECT_EQ(b.status, Status::error);
  EXPECT_NE(b.reason.find("93% of its threads' CPU"), std::string::npos) << b.reason;
}

} // namespace
} // namespace lg::perf
