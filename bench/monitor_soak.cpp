// lg-monitor-soak: the monitor's memory over a simulated week (bench/monitor.sh). N checks of a
// local URL every 60 s, run by the monitor's own engine (lg_monitor: probes through libcurl,
// history in a real SQLite file, alert rules, incidents, hourly pruning) on a clock that jumps to
// each run's due time, so a week of runs takes as long as its requests do. Prints the process's
// resident memory after the first simulated hour and after each simulated day.
//
// usage: lg-monitor-soak URL STORE [--checks N] [--days D]   (10 checks, 7 days by default)

#include "core/config.hpp"
#include "monitor/runner.hpp"
#include "net/impl/curl_http.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace {

/// VmRSS and VmHWM of this process in KiB.
std::pair<long, long> memory_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  long rss = 0, hwm = 0;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0)
      rss = std::atol(line.c_str() + 6);
    else if (line.rfind("VmHWM:", 0) == 0)
      hwm = std::atol(line.c_str() + 6);
  }
  return {rss, hwm};
}

class JumpClock final : public lg::monitor::MonitorClock {
public:
  std::atomic<std::int64_t> now{1'800'000'000'000};
  std::function<void(std::int64_t)> on_sleep;
  std::int64_t now_ms() override { return now.load(); }
  void sleep_until(std::int64_t at_ms) override {
    if (at_ms > now.load())
      now.store(at_ms);
    if (on_sleep)
      on_sleep(now.load());
  }
  void wake() override {}
};

} // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: lg-monitor-soak URL STORE [--checks N] [--days D]\n");
    return 2;
  }
  const std::string url = argv[1];
  const std::string store_path = argv[2];
  int checks = 10;
  int days = 7;
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--checks")
      checks = std::atoi(argv[i + 1]);
    else if (flag == "--days")
      days = std::atoi(argv[i + 1]);
  }
  std::string yaml = fmt::format("target: {{base_url: \"{}\"}}\nmonitor:\n  interval: 60s\n"
                                 "  checks:\n",
                                 url);
  for (int i = 0; i < checks; ++i)
    yaml += fmt::format("    - {{name: c{}, url: \"/?check={}\", expect: \"status == 200 && "
                        "latency < 2s\"}}\n",
                        i, i);
  yaml += fmt::format("  store: \"{}\"\n", store_path);
  auto config = lg::parse_config(yaml, "<soak>", "");
  if (!config) {
    std::fprintf(stderr, "%s\n", config.error().message.c_str());
    return 2;
  }
  auto plan = lg::monitor::make_plan(*config);
  auto store = lg::monitor::MonitorStore::open(store_path);
  if (!plan || !store) {
    std::fprintf(stderr, "cannot start: %s\n",
                 (!plan ? plan.error() : store.error()).message.c_str());
    return 2;
  }
  lg::monitor::ProbeServices services;
  services.make_http = [](std::int64_t timeout_ms) {
    lg::net::CurlOptions curl;
    curl.timeout_ms = static_cast<int>(timeout_ms);
    return std::unique_ptr<lg::net::HttpClient>(std::make_unique<lg::net::CurlHttpClient>(curl));
  };
  JumpClock clock;
  const std::int64_t start = clock.now.load();
  constexpr std::int64_t k_hour = 3600LL * 1000;
  std::int64_t next_mark = start + k_hour;
  std::atomic<std::int64_t> alerts{0};
  lg::monitor::Monitor mon(
      *config, std::move(*plan), services, *store, clock,
      [&](const lg::monitor::AlertEvent&, const lg::monitor::CheckRun*) { ++alerts; }, 1);
  std::printf("simulated_hours\truns\tvmrss_kib\tvmhwm_kib\n");
  clock.on_sleep = [&](std::int64_t now) {
    if (now < next_mark)
      return;
    auto [rss, hwm] = memory_kib();
    std::printf("%lld\t%lld\t%ld\t%ld\n", static_cast<long long>((now - start) / k_hour),
                static_cast<long long>(mon.runs()), rss, hwm);
    std::fflush(stdout);
    next_mark = next_mark == start + k_hour ? start + 24 * k_hour : next_mark + 24 * k_hour;
    if (now - start >= static_cast<std::int64_t>(days) * 24 * k_hour)
      mon.stop();
  };
  mon.run();
  std::fprintf(stderr, "runs %lld, store failures %lld, alerts %lld\n",
               static_cast<long long>(mon.runs()), static_cast<long long>(mon.store_failures()),
               static_cast<long long>(alerts.load()));
  return mon.store_failures() == 0 ? 0 : 1;
}
