#pragma once
// perf.api-latency judged from a load run: per action the measurements of the design (count,
// rps, errors, p50/p90/p95/p99/max in ms), a finding for each action whose p95 reaches the limit
// or whose errors reach 1%, and no verdict at all when the instrument was the bottleneck (send
// lag p99 over 5 ms or CPU over 80%) or an action has too few samples to judge.

#include "core/result.hpp"
#include "perf/load.hpp"

#include <nlohmann/json.hpp>

#include <vector>

namespace lg::perf {

struct LatencyPolicy {
  double p95_ms = 500;            ///< perf.p95_ms
  double max_error_share = 0.01;  ///< errors must stay under this share of requests
  std::int64_t min_samples = 100; ///< per action, for a verdict
  double max_send_lag_p99_ms = 5; ///< the instrument's own lag that makes a run unreliable
  double max_cpu_share = 0.8;     ///< the instrument's own CPU share that does the same
};

/// The design's measurement object for one action over `seconds` of measured time, with the
/// percentile curve beside the design's keys (`curve`, for the HTML report's chart).
nlohmann::json measurement(const ActionStats& stats, double seconds);

/// The percentile curve of `h`: [percentile, ms] pairs at 0, 25, 50, 75, 90, 95, 99, 99.9,
/// 99.99 and 100 (the max); empty for an empty histogram.
nlohmann::json curve(const Histogram& h);

/// perf.api-latency for `result`, the run of `mix` (its requests matched to result.actions by
/// action name).
CheckResult judge_latency(const CheckMeta& meta, const std::vector<LoadRequest>& mix,
                          const LoadResult& result, const LatencyPolicy& policy);

} // namespace lg::perf
