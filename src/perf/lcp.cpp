// perf.lcp's judge: the median of each page's measured visits against the limit, with the cold
// visit, FCP, TTFB and CLS beside it so that a slow page shows where its time went (a late first
// byte, a late first paint, or a late largest element).

#include "perf/lcp.hpp"

#include "analyze/tokens.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace lg::perf {

namespace {

using analyze::median;

double round1(double v) {
  return std::round(v * 10) / 10;
}

std::string ms_text(double ms) {
  return ms >= 1000 ? fmt::format("{:.2f} s", ms / 1000) : fmt::format("{:.0f} ms", ms);
}

/// The measured visits' values of one metric (visits without it left out).
template <typename Get> std::vector<double> values(const PageRuns& p, Get get) {
  std::vector<double> out;
  for (const auto& run : p.runs)
    if (auto v = get(run))
      out.push_back(*v);
  return out;
}

/// The element most measured visits named as their LCP (the latest visit's on a tie).
std::string usual_element(const PageRuns& p) {
  std::string best;
  std::size_t best_count = 0;
  for (const auto& run : p.runs) {
    const auto n = static_cast<std::size_t>(
        std::count_if(p.runs.begin(), p.runs.end(),
                      [&](const net::PageTiming& t) { return t.lcp_element == run.lcp_element; }));
    if (n >= best_count) {
      best = run.lcp_element;
      best_count = n;
    }
  }
  return best;
}

} // namespace

CheckResult judge_lcp(const CheckMeta& meta, const std::vector<PageRuns>& pages,
                      const LcpPolicy& policy) {
  CheckResult r;
  r.meta = meta;
  std::vector<std::string> unmeasured, lines, busy, blocked;
  for (const auto& p : pages) {
    const auto lcps = values(p, [](const net::PageTiming& t) { return t.lcp_ms; });
    const auto fcps = values(p, [](const net::PageTiming& t) { return t.fcp_ms; });
    const auto ttfbs = values(p, [](const net::PageTiming& t) { return std::optional(t.ttfb_ms); });
    const auto clss = values(p, [](const net::PageTiming& t) { return std::optional(t.cls); });
    int status = p.runs.empty() ? p.cold.status : p.runs.back().status;
    if (status >= 400 || status == 0) {
      unmeasured.push_back(fmt::format("{} answered {}", p.page, status));
      continue;
    }
    if (static_cast<int>(p.runs.size()) < policy.min_runs) {
      unmeasured.push_back(
          fmt::format("{} had {} of the {} visits needed", p.page, p.runs.size(), policy.min_runs));
      continue;
    }
    const std::string element = usual_element(p);
    nlohmann::json m{{"page", p.page}, {"runs", p.runs.size()}, {"status", status}};
    if (!lcps.empty())
      m["lcp_ms"] = round1(median(lcps));
    if (p.cold.lcp_ms)
      m["lcp_cold_ms"] = round1(*p.cold.lcp_ms);
    if (!fcps.empty())
      m["fcp_ms"] = round1(median(fcps));
    m["ttfb_ms"] = round1(median(ttfbs));
    m["cls"] = std::round(median(clss) * 1000) / 1000;
    if (!element.empty())
      m["element"] = element;
    r.measurements.push_back(m);

    std::vector<const net::PageTiming*> visits{&p.cold};
    for (const auto& t : p.runs)
      visits.push_back(&t);
    for (const auto* t : visits) {
      if ((!t->network_quiet || !t->loaded) &&
          std::find(busy.begin(), busy.end(), p.page) == busy.end())
        busy.push_back(p.page);
      for (const auto& url : t->blocked) {
        std::string shown = url.substr(0, url.find_first_of("?#")); // queries may carry tokens
        if (std::find(blocked.begin(), blocked.end(), shown) == blocked.end())
          blocked.push_back(std::move(shown));
      }
    }

    nlohmann::json evidence = m;
    nlohmann::json each = nlohmann::json::array();
    for (const auto& t : p.runs)
      each.push_back(t.lcp_ms ? nlohmann::json(round1(*t.lcp_ms)) : nlohmann::json(nullptr));
    evidence["lcp_runs_ms"] = each;
    if (lcps.size() * 2 <= p.runs.size()) {
      Finding f;
      f.message = fmt::format("{}: no Largest Contentful Paint in {} of {} visits: the page "
                              "painted no text or image (a blank page, or content the browser "
                              "did not see in time)",
                              p.page, p.runs.size() - lcps.size(), p.runs.size());
      f.evidence = evidence;
      f.fingerprint = make_fingerprint(meta.id, {p.page, "none"});
      r.findings.push_back(std::move(f));
      lines.push_back(fmt::format("{} no LCP", p.page));
      continue;
    }
    const double lcp = median(lcps);
    lines.push_back(fmt::format("{} LCP {}", p.page, ms_text(lcp)));
    if (lcp >= policy.lcp_ms) {
      Finding f;
      f.message = fmt::format(
          "{}: LCP {} (median of {} visits) reaches the {} limit; the largest element is {} "
          "(first byte {}, first paint {}{})",
          p.page, ms_text(lcp), lcps.size(), ms_text(policy.lcp_ms),
          element.empty() ? "unknown" : element, ms_text(median(ttfbs)),
          fcps.empty() ? "none" : ms_text(median(fcps)),
          p.cold.lcp_ms ? fmt::format(", first visit {}", ms_text(*p.cold.lcp_ms)) : "");
      f.evidence = evidence;
      f.fingerprint = make_fingerprint(meta.id, {p.page, "lcp"});
      r.findings.push_back(std::move(f));
    }
  }
  std::vector<std::string> notes;
  if (!busy.empty())
    notes.push_back(fmt::format("measured while the network was still busy at the time limit: {}",
                                join(busy, ", ")));
  if (!blocked.empty())
    notes.push_back(fmt::format(
        "out-of-scope requests refused: {}{}",
        join(std::vector(blocked.begin(),
                         blocked.begin() + std::min<std::ptrdiff_t>(3, std::ssize(blocked))),
             ", "),
        blocked.size() > 3 ? fmt::format(" and {} more", blocked.size() - 3) : ""));
  if (!unmeasured.empty()) {
    r.status = Status::error;
    r.reason = fmt::format("not measured: {}", join(unmeasured, "; "));
    if (!lines.empty())
      r.reason += "; measured: " + join(lines, "; ");
    return r;
  }
  lines.insert(lines.end(), notes.begin(), notes.end());
  r.reason = join(lines, "; ");
  r.status = r.findings.empty() ? Status::pass : Status::fail;
  return r;
}

} // namespace lg::perf
