// perf.api-latency: the core actions (perf_scenario: `actions:`, or those found in the API
// description) as the checklist's profile — by default 100 users, one connection each, each
// acting once per think time, so requests are due at users / think_time per second (the open
// model: a stalled server is charged for every request it delayed) — for `perf.duration` after
// `perf.warmup`, each action with the session of its account. Writes (anything but GET, HEAD and
// OPTIONS) only with --allow-writes, on objects created for them and deleted after the run.
// Judged by perf::judge_latency: every action's p95 under perf.p95_ms, errors under 1%, at least
// 100 samples, and an instrument that kept up.

#include "checks/perf/scenario.hpp"
#include "checks/registry.hpp"
#include "engine/session.hpp"
#include "perf/judge.hpp"
#include "perf/load.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

#include <fmt/format.h>

#include <arpa/inet.h>

namespace lg::checks {

namespace {

bool literal_address(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

} // namespace

CheckResult run_perf_api_latency(engine::Context& context, const CheckMeta& meta) {
  const auto& config = context.config();
  if (context.load() == nullptr)
    return engine::skipped(meta, SkipKind::not_configured, "no load engine in this run");

  auto base = parse_url(context.url("/"));
  if (!base)
    return engine::errored(meta, base.error().message);
  if (base->scheme != "http" && base->scheme != "https")
    return engine::errored(meta, fmt::format("{}: the load engine speaks HTTP and HTTPS, so this "
                                             "{} target was not measured",
                                             config.target.base_url, base->scheme));
  perf::LoadTarget target;
  target.port = base->port;
  target.host = base->host.find(':') != std::string::npos ? "[" + base->host + "]" : base->host;
  target.tls = base->scheme == "https";
  if (base->port != (target.tls ? 443 : 80))
    target.host += ":" + std::to_string(base->port);
  if (target.tls) {
    target.sni = base->host; // what the certificate must name
    if (!config.domain.ca_file.empty())
      target.ca_file = config.resolve_path(config.domain.ca_file);
  }
  if (literal_address(base->host)) {
    target.address = base->host;
  } else if (auto* dns = context.resolver()) {
    for (auto type : {net::RrType::a, net::RrType::aaaa}) {
      auto answer = dns->query(base->host, type);
      if (!answer)
        return engine::errored(meta, answer.error().message);
      for (const auto& r : answer->records)
        if (r.type == type && target.address.empty())
          target.address = r.data;
    }
  }
  if (target.address.empty())
    return engine::errored(meta, fmt::format("{} does not resolve to an address", base->host));

  auto scenario = perf_scenario::build(context);
  if (!scenario)
    return engine::errored(meta, scenario.error().message);
  const auto& mix = scenario->mix;
  const auto& left_out = scenario->left_out;
  if (mix.empty()) {
    access::delete_created(context, scenario->created);
    return engine::skipped(meta, SkipKind::not_configured,
                           "no action can be measured: " + join(left_out, "; "));
  }

  const auto& perf = config.perf;
  perf::LoadOptions options;
  options.threads = std::min(perf.threads, perf.users);
  options.connections = perf.users;
  options.rate = perf.rate > 0 ? perf.rate
                               : static_cast<double>(perf.users) * 1000.0 /
                                     static_cast<double>(perf.think_time_ms);
  options.duration = std::chrono::milliseconds(perf.duration_ms);
  options.warmup = std::chrono::milliseconds(perf.warmup_ms);
  options.max_requests = perf.max_requests;
  options.timeout = std::chrono::milliseconds(config.target.timeout_ms);
  auto result = context.load()->run(target, mix, options);
  // What was created for the writes goes, whatever the run gave.
  std::vector<std::string> kept = access::delete_created(context, scenario->created);
  std::string cleanup =
      kept.empty()
          ? std::string()
          : fmt::format("; COULD NOT DELETE what the save action wrote on: {}", join(kept, ", "));
  if (!result)
    return engine::errored(meta, result.error().message + cleanup);

  perf::LatencyPolicy policy;
  policy.p95_ms = perf.p95_ms;
  auto checked = perf::judge_latency(meta, mix, *result, policy);
  std::string profile = fmt::format(
      "{} users at {:.0f} requests/s for {:g} s after a {:g} s warm-up", perf.users, options.rate,
      static_cast<double>(perf.duration_ms) / 1000.0, static_cast<double>(perf.warmup_ms) / 1000.0);
  checked.reason = checked.reason.empty() ? profile : profile + ": " + checked.reason;
  if (!scenario->found.empty())
    checked.reason += "; actions found in the API description: " + join(scenario->found, ", ");
  if (!left_out.empty())
    checked.reason += "; not measured: " + join(left_out, "; ");
  checked.reason += cleanup;
  return checked;
}

} // namespace lg::checks
