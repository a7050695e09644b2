// perf.lcp: each of `pages` in a real browser (context.browser(): headless Chromium), carrying
// the session cookies of `perf.lcp_as` (or the first account), one warm-up visit with an empty
// cache and then `perf.lcp_runs` measured visits with the cache kept, as a returning user loads
// the page. Judged by perf::judge_lcp: the median LCP of each page under `perf.lcp_ms`. Without
// Chromium the check is skipped with the install command.

#include "perf/lcp.hpp"
#include "checks/registry.hpp"
#include "engine/session.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

#include <fmt/format.h>

namespace lg::checks {

CheckResult run_perf_lcp(engine::Context& context, const CheckMeta& meta) {
  const auto& config = context.config();
  if (config.pages.empty())
    return engine::skipped(meta, SkipKind::not_configured,
                           "no pages: list the portal's key pages (paths) under pages:");
  auto* browser = context.browser();
  if (browser == nullptr)
    return engine::skipped(meta, SkipKind::not_configured, "no browser in this run");
  const auto& perf = config.perf;

  auto seen = engine::page_session(context);
  if (!seen)
    return engine::errored(meta, "the pages are measured " + seen.error().message);

  net::PageVisit visit;
  visit.cookies = seen->cookies;
  visit.timeout = std::chrono::milliseconds(std::max<long long>(15000, config.target.timeout_ms));
  visit.cpu_slowdown = perf.cpu_slowdown;
  visit.network.latency_ms = static_cast<double>(perf.network.latency_ms);
  visit.network.download_bytes_per_s = perf.network.download_kbps * 1000 / 8;
  visit.network.upload_bytes_per_s = perf.network.upload_kbps * 1000 / 8;

  std::vector<perf::PageRuns> pages;
  for (const auto& page : config.pages) {
    perf::PageRuns runs;
    runs.page = page;
    visit.url = context.url(page);
    for (int k = 0; k <= perf.lcp_runs; ++k) {
      visit.cold = k == 0;
      auto timing = browser->visit(visit);
      if (!timing) {
        if (timing.error().kind == ErrorKind::config) // no browser installed
          return engine::skipped(meta, SkipKind::not_configured, timing.error().message);
        return engine::errored(meta, fmt::format("{}: {}", page, timing.error().message));
      }
      if (k == 0)
        runs.cold = std::move(*timing);
      else
        runs.runs.push_back(std::move(*timing));
    }
    pages.push_back(std::move(runs));
  }

  perf::LcpPolicy policy;
  policy.lcp_ms = perf.lcp_ms;
  auto checked = perf::judge_lcp(meta, pages, policy);
  std::string profile = fmt::format(
      "{} page{} {}, median of {} visits after a warm-up{}", pages.size(),
      pages.size() == 1 ? "" : "s", seen->seen_as, perf.lcp_runs,
      perf.cpu_slowdown > 1 ? fmt::format(", CPU {:g}x slower", perf.cpu_slowdown) : "");
  checked.reason = checked.reason.empty() ? profile : profile + ": " + checked.reason;
  return checked;
}

} // namespace lg::checks
