#pragma once
// perf.lcp's judge: each key page's visits in a real browser (one warm-up visit with an empty
// cache, then the measured ones) become the page's measurements — the median LCP of the measured
// visits beside FCP, TTFB and CLS — and a finding when that median reaches the limit, or when the
// page painted nothing. Pure: the visits come from net::Browser.

#include "core/result.hpp"
#include "net/browser.hpp"

#include <string>
#include <vector>

namespace lg::perf {

/// One key page's visits.
struct PageRuns {
  std::string page;                  ///< the configured path ("/records")
  net::PageTiming cold;              ///< the warm-up visit: empty cache, a first-time visitor
  std::vector<net::PageTiming> runs; ///< the measured visits (cache kept)
};

struct LcpPolicy {
  double lcp_ms = 2500; ///< the median LCP must stay under this
  int min_runs = 3;     ///< a verdict needs at least this many measured visits per page
};

/// perf.lcp from the visits of every page: pass when every page's median LCP is under the
/// limit. A page whose document answered an error status, or with too few visits, makes the
/// check `error` (it was not measured); one that painted nothing contentful is a finding.
CheckResult judge_lcp(const CheckMeta& meta, const std::vector<PageRuns>& pages,
                      const LcpPolicy& policy);

} // namespace lg::perf
