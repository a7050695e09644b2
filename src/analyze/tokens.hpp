#pragma once
// Judges for the session gate that need no I/O: how much entropy a set of tokens shows, whether
// two sets of timings differ (Mann-Whitney U), and whether a page leaks its URL in Referer.

#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

struct TokenEntropy {
  double bits = 0;         ///< estimated entropy of one token
  int alphabet = 0;        ///< inferred alphabet size (10, 16, 36, 62, 64 …)
  size_t length = 0;       ///< characters of the shortest sample
  size_t varying = 0;      ///< positions that differ between samples (all, for one sample)
  bool sequential = false; ///< numeric samples that count up or down in small steps
  bool repeated = false;   ///< two samples are equal
};

/// Estimates the entropy of tokens from samples of them: bits per character from the alphabet
/// the samples use, times the positions that vary between samples (every position for a
/// single sample). Equal or sequential samples are flagged; their estimate is 0.
TokenEntropy estimate_token_entropy(const std::vector<std::string>& samples);

/// Two-sided p-value of the Mann-Whitney U test (normal approximation with tie correction) that
/// samples `a` and `b` come from the same distribution; 1 when either has fewer than 3 samples.
double mann_whitney_p(const std::vector<double>& a, const std::vector<double>& b);

/// The median of `values` (0 for none).
double median(std::vector<double> values);

/// The effective Referrer-Policy of a page from its header value and <meta name="referrer">
/// (the last recognised token wins, the meta tag over the header); "" when none is set.
std::string referrer_policy(std::string_view header, std::string_view html);

/// True when `policy` sends the full URL (path and query) to other origins: unsafe-url and
/// no-referrer-when-downgrade. "" is the browsers' default, strict-origin-when-cross-origin.
bool policy_leaks_url(std::string_view policy);

/// Absolute URLs of other origins than `origin` ("https://host[:port]") that the page loads or
/// links to (src, href, action attributes), without duplicates.
std::vector<std::string> foreign_urls(std::string_view html, std::string_view origin);

} // namespace lg::analyze
