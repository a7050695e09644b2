#pragma once
// The browser interface of the perf gate: one page visit in a real browser engine, measured the
// way a person's browser would experience it (Core Web Vitals: Largest Contentful Paint, First
// Contentful Paint, Cumulative Layout Shift, time to first byte). The adapter
// (net/impl/chromium_browser) drives headless Chromium; checks see only this header.

#include "util/expected.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace lg::net {

/// A cookie set in the browser before the page is requested (a session, typically).
struct BrowserCookie {
  std::string name{};
  std::string value{};
  /// The cookie's Domain; empty: a host-only cookie for the visited URL's host.
  std::string domain{};
  std::string path = "/";
  bool secure = false;
  bool http_only = true;
};

/// Network throttling for a visit; every field 0 leaves the network as it is.
struct NetworkConditions {
  double latency_ms = 0;           ///< added to each request's round trip
  double download_bytes_per_s = 0; ///< 0: unlimited
  double upload_bytes_per_s = 0;   ///< 0: unlimited
};

/// One page load to measure.
struct PageVisit {
  std::string url{}; ///< absolute http(s) URL
  std::vector<BrowserCookie> cookies{};
  /// Clear the browser's HTTP cache and every cookie (before `cookies` are set): a first visit.
  /// false keeps what earlier visits left (a returning visitor).
  bool cold = true;
  /// The whole visit, browser round trips included.
  std::chrono::milliseconds timeout{15000};
  /// The network counts as quiet once no request has been in flight for this long.
  std::chrono::milliseconds quiet{500};
  /// CPU throttling factor (Emulation.setCPUThrottlingRate) when above 1: 4 is a mid-range phone.
  double cpu_slowdown = 1;
  NetworkConditions network{};
};

/// What a visit measured. Times are milliseconds from the start of the navigation (the page's
/// performance.timeOrigin), as the page's own Performance API reports them.
struct PageTiming {
  std::string url{}; ///< the document's URL after redirects
  int status = 0;    ///< the main document's HTTP status
  double ttfb_ms = 0;
  std::optional<double> fcp_ms{}; ///< none when nothing contentful was painted
  std::optional<double> lcp_ms{}; ///< none when the page reported no LCP candidate
  /// The last LCP candidate, described as tag#id.class ("p#portal-notice.notice"), or its id
  /// ("#hero") when the element has left the document; "" when there is none.
  std::string lcp_element{};
  std::string lcp_resource{}; ///< the image URL of an image LCP candidate, else ""
  double cls = 0;             ///< the largest session window of layout shifts without recent input
  bool loaded = false;        ///< the load event fired within the timeout
  bool network_quiet = false; ///< the network went quiet within the timeout
  double elapsed_ms = 0;      ///< wall time from the navigation request to the measurement
  std::vector<std::string> scripts{}; ///< URLs of the JavaScript files the page loaded
  std::vector<std::string>
      source_maps{};                  ///< their source maps' URLs (resolved, data: URLs left out)
  std::vector<std::string> blocked{}; ///< requests refused because they were out of scope
};

/// A browser that visits pages one at a time.
class Browser {
public:
  virtual ~Browser() = default;
  /// Loads `visit.url` in a fresh tab, waits for the load event and for the network to go quiet
  /// (both bounded by `visit.timeout`; a page still busy at the deadline is measured as it is,
  /// with `loaded`/`network_quiet` false), reads the metrics and closes the tab.
  /// Nothing outside the adapter's scope is requested; the page cannot open WebSockets.
  /// Errors: the navigation failed (network, with the browser's reason: "net::ERR_CONNECTION_
  /// REFUSED"), the URL is out of scope (out_of_scope), the browser died or went silent (network).
  virtual Expected<PageTiming> visit(const PageVisit& visit) = 0;
};

} // namespace lg::net
