// perf.api-latency: the measurements of every action, then the instrument's own health, then the
// samples, then the limits. Latencies come from the open model's due times when a rate was set,
// so a stalled server is charged for the requests it delayed.

#include "perf/judge.hpp"

#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace lg::perf {

namespace {

double ms(std::int64_t micros) {
  return std::round(static_cast<double>(micros) / 100.0) / 10.0; // 0.1 ms steps
}

std::string ms_text(std::int64_t micros) {
  return fmt::format("{:.1f} ms", static_cast<double>(micros) / 1000.0);
}

/// "500 x12, timeout x3": what failed, most frequent first.
std::string error_breakdown(const ActionStats& stats) {
  std::vector<std::pair<std::int64_t, std::string>> parts;
  for (const auto& [status, n] : stats.statuses)
    if (status >= 400)
      parts.emplace_back(n, std::to_string(status));
  for (const auto& [kind, n] : stats.failures)
    parts.emplace_back(n, kind);
  std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::vector<std::string> out;
  for (const auto& [n, what] : parts)
    out.push_back(fmt::format("{} x{}", what, n));
  return join(out, ", ");
}

} // namespace

nlohmann::json measurement(const ActionStats& stats, double seconds) {
  const auto& h = stats.latency;
  double rps = seconds > 0 ? static_cast<double>(stats.requests) / seconds : 0;
  return {{"action", stats.action},
          {"count", stats.requests},
          {"rps", std::round(rps * 10) / 10},
          {"errors", stats.errors()},
          {"p50_ms", ms(h.percentile(50))},
          {"p90_ms", ms(h.percentile(90))},
          {"p95_ms", ms(h.percentile(95))},
          {"p99_ms", ms(h.percentile(99))},
          {"max_ms", ms(h.max())},
          {"curve", curve(h)}};
}

nlohmann::json curve(const Histogram& h) {
  nlohmann::json out = nlohmann::json::array();
  if (h.count() == 0)
    return out;
  for (double p : {0.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.9, 99.99})
    out.push_back({p, ms(h.percentile(p))});
  out.push_back({100.0, ms(h.max())});
  return out;
}

CheckResult judge_latency(const CheckMeta& meta, const std::vector<LoadRequest>& mix,
                          const LoadResult& result, const LatencyPolicy& policy) {
  CheckResult r;
  r.meta = meta;
  for (const auto& stats : result.actions)
    r.measurements.push_back(measurement(stats, result.seconds));

  // The instrument first: a client that could not keep up measured itself.
  std::vector<std::string> overload;
  double lag_p99 = static_cast<double>(result.self.send_lag.percentile(99)) / 1000.0;
  if (result.self.send_lag.count() > 0 && lag_p99 > policy.max_send_lag_p99_ms)
    overload.push_back(fmt::format("its own send lag reached {:.1f} ms at p99 (limit {:.0f} ms)",
                                   lag_p99, policy.max_send_lag_p99_ms));
  if (result.self.cpu_share > policy.max_cpu_share)
    overload.push_back(fmt::format("it used {:.0f}% of its threads' CPU (limit {:.0f}%)",
                                   result.self.cpu_share * 100, policy.max_cpu_share * 100));
  if (!overload.empty()) {
    r.status = Status::error;
    r.reason = fmt::format("unreliable measurement: launchgate was the bottleneck ({}), so the "
                           "latencies describe the client, not the server; lower the rate or the "
                           "connections, or add threads",
                           join(overload, "; "));
    return r;
  }

  std::vector<std::string> thin, lines;
  for (const auto& stats : result.actions) {
    if (stats.requests < policy.min_samples)
      thin.push_back(fmt::format("{} ({})", stats.action, stats.requests));
  }
  if (!thin.empty()) {
    r.status = Status::error;
    r.reason = fmt::format("too few samples for a verdict: {} of the {} needed per action; run "
                           "longer or at a higher rate",
                           join(thin, ", "), policy.min_samples);
    return r;
  }

  for (size_t i = 0; i < result.actions.size(); ++i) {
    const auto& stats = result.actions[i];
    std::vector<const LoadRequest*> sent;
    for (const auto& request : mix)
      if (request.action == stats.action)
        sent.push_back(&request);
    const auto& h = stats.latency;
    double p95 = static_cast<double>(h.percentile(95)) / 1000.0;
    double share = static_cast<double>(stats.errors()) /
                   static_cast<double>(std::max<std::int64_t>(1, stats.requests));
    lines.push_back(fmt::format("{} p95 {} ({} requests, {:.1f}% errors)", stats.action,
                                ms_text(h.percentile(95)), stats.requests, share * 100));
    nlohmann::json evidence = measurement(stats, result.seconds);
    evidence.erase("curve"); // the chart's data: in the measurements, not in every finding
    if (!sent.empty()) {
      evidence["method"] = sent.front()->method;
      evidence["path"] = sent.front()->target;
      if (sent.size() > 1)
        evidence["paths"] = sent.size(); // a template filled with this many values
    }
    if (p95 >= policy.p95_ms) {
      Finding f;
      f.message =
          fmt::format("{}: p95 {} reaches the {:.0f} ms limit (p50 {}, p99 {}, max {})",
                      stats.action, ms_text(h.percentile(95)), policy.p95_ms,
                      ms_text(h.percentile(50)), ms_text(h.percentile(99)), ms_text(h.max()));
      f.evidence = evidence;
      f.fingerprint = make_fingerprint(meta.id, {stats.action, "p95"});
      r.findings.push_back(std::move(f));
    }
    if (share >= policy.max_error_share) {
      Finding f;
      f.message = fmt::format("{}: {:.1f}% of {} requests failed ({})", stats.action, share * 100,
                              stats.requests, error_breakdown(stats));
      f.evidence = evidence;
      f.fingerprint = make_fingerprint(meta.id, {stats.action, "errors"});
      r.findings.push_back(std::move(f));
    }
  }
  r.reason = join(lines, "; ");
  r.status = r.findings.empty() ? Status::pass : Status::fail;
  return r;
}

} // namespace lg::perf
