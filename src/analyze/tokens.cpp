// Token entropy, timing comparison and Referer leakage for the session gate.

#include "analyze/tokens.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <set>

namespace lg::analyze {

namespace {

int alphabet_of(const std::vector<std::string>& samples) {
  bool digit = false, lower_hex = false, upper_hex = false, lower = false, upper = false;
  bool url_punct = false, std_punct = false, other = false;
  for (const auto& s : samples)
    for (char c : s) {
      if (c >= '0' && c <= '9')
        digit = true;
      else if (c >= 'a' && c <= 'f')
        lower_hex = true;
      else if (c >= 'A' && c <= 'F')
        upper_hex = true;
      else if (c >= 'g' && c <= 'z')
        lower = true;
      else if (c >= 'G' && c <= 'Z')
        upper = true;
      else if (c == '-' || c == '_')
        url_punct = true;
      else if (c == '+' || c == '/' || c == '=')
        std_punct = true;
      else
        other = true;
    }
  bool any_lower = lower || lower_hex;
  bool any_upper = upper || upper_hex;
  if (other)
    return 95;
  if (url_punct || std_punct)
    return 64;
  if (any_lower && any_upper)
    return 62;
  if ((any_lower && lower) || (any_upper && upper))
    return 36;
  if (lower_hex || upper_hex)
    return 16;
  return digit ? 10 : 0;
}

bool sequential(const std::vector<std::string>& samples) {
  if (samples.size() < 2)
    return false;
  std::vector<long double> values;
  for (const auto& s : samples) {
    if (s.empty() || s.size() > 30 ||
        !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return false;
    values.push_back(std::strtold(s.c_str(), nullptr));
  }
  std::sort(values.begin(), values.end());
  for (size_t i = 1; i < values.size(); ++i)
    if (values[i] - values[i - 1] > 1e6L)
      return false;
  return true;
}

/// The value of attribute `name` in an HTML tag (lower-cased already), quoted or not; "".
std::string attribute(const std::string& tag, const std::string& name) {
  for (size_t at = tag.find(name); at != std::string::npos; at = tag.find(name, at + 1)) {
    if (at == 0 || std::isalnum(static_cast<unsigned char>(tag[at - 1])) != 0)
      continue;
    size_t i = at + name.size();
    while (i < tag.size() && tag[i] == ' ')
      ++i;
    if (i >= tag.size() || tag[i] != '=')
      continue;
    ++i;
    while (i < tag.size() && tag[i] == ' ')
      ++i;
    char quote = i < tag.size() && (tag[i] == '"' || tag[i] == '\'') ? tag[i++] : 0;
    size_t end = quote != 0 ? tag.find(quote, i) : tag.find_first_of(" >/", i);
    return tag.substr(i, end == std::string::npos ? std::string::npos : end - i);
  }
  return {};
}

} // namespace

TokenEntropy estimate_token_entropy(const std::vector<std::string>& raw) {
  TokenEntropy e;
  if (raw.empty())
    return e;
  // Dashes and underscores between hex groups (UUIDs, "abcd-ef01") separate, they carry nothing.
  std::vector<std::string> samples = raw;
  const auto hex_with_separators = [](const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
      return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
    });
  };
  if (std::all_of(samples.begin(), samples.end(), hex_with_separators))
    for (auto& s : samples)
      std::erase_if(s, [](char c) { return c == '-' || c == '_'; });
  e.alphabet = alphabet_of(samples);
  e.length = samples.front().size();
  for (const auto& s : samples)
    e.length = std::min(e.length, s.size());
  std::set<std::string> distinct(samples.begin(), samples.end());
  e.repeated = distinct.size() < samples.size();
  e.sequential = sequential(samples);
  if (samples.size() == 1) {
    e.varying = e.length;
  } else {
    for (size_t i = 0; i < e.length; ++i) {
      char first = samples.front()[i];
      if (std::any_of(samples.begin(), samples.end(),
                      [&](const std::string& s) { return s[i] != first; }))
        ++e.varying;
    }
  }
  if (e.repeated || e.sequential || e.alphabet == 0)
    return e;
  e.bits = static_cast<double>(e.varying) * std::log2(static_cast<double>(e.alphabet));
  return e;
}

double mann_whitney_p(const std::vector<double>& a, const std::vector<double>& b) {
  const size_t n1 = a.size(), n2 = b.size();
  if (n1 < 3 || n2 < 3)
    return 1;
  std::vector<std::pair<double, int>> all;
  for (double v : a)
    all.push_back({v, 0});
  for (double v : b)
    all.push_back({v, 1});
  std::sort(all.begin(), all.end());
  const double n = static_cast<double>(all.size());
  double rank_sum_a = 0, tie_term = 0;
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    while (j < all.size() && all[j].first == all[i].first)
      ++j;
    double rank = (static_cast<double>(i) + static_cast<double>(j) + 1) / 2; // 1-based average
    double t = static_cast<double>(j - i);
    tie_term += t * t * t - t;
    for (size_t k = i; k < j; ++k)
      if (all[k].second == 0)
        rank_sum_a += rank;
    i = j;
  }
  const double d1 = static_cast<double>(n1), d2 = static_cast<double>(n2);
  double u = rank_sum_a - d1 * (d1 + 1) / 2;
  double mean = d1 * d2 / 2;
  double variance = d1 * d2 / 12 * ((n + 1) - tie_term / (n * (n - 1)));
  if (variance <= 0)
    return 1;
  double z = (std::abs(u - mean) - 0.5) / std::sqrt(variance);
  if (z < 0)
    z = 0;
  return std::erfc(z / std::sqrt(2.0));
}

double median(std::vector<double> values) {
  if (values.empty())
    return 0;
  std::sort(values.begin(), values.end());
  size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

std::string referrer_policy(std::string_view header, std::string_view html) {
  static const std::set<std::string> k_policies = {"no-referrer",
                                                   "no-referrer-when-downgrade",
                                                   "same-origin",
                                                   "origin",
                                                   "strict-origin",
                                                   "origin-when-cross-origin",
                                                   "strict-origin-when-cross-origin",
                                                   "unsafe-url"};
  std::string policy;
  for (auto token : split(header, ',')) {
    auto t = to_lower(std::string(trim(token)));
    if (k_policies.count(t) != 0)
      policy = t;
  }
  // <meta name="referrer" content="…"> tags, scanned without regular expressions (pages are
  // untrusted and std::regex recurses per character).
  std::string lower = to_lower(html.substr(0, 1 << 20));
  for (size_t at = lower.find("<meta"); at != std::string::npos; at = lower.find("<meta", at + 5)) {
    size_t end = lower.find('>', at);
    std::string tag =
        lower.substr(at, end == std::string::npos ? 512 : std::min<size_t>(end - at, 2048));
    if (attribute(tag, "name") != "referrer")
      continue;
    auto t = attribute(tag, "content");
    if (k_policies.count(t) != 0)
      policy = t;
  }
  return policy;
}

bool policy_leaks_url(std::string_view policy) {
  return policy == "unsafe-url" || policy == "no-referrer-when-downgrade";
}

std::vector<std::string> foreign_urls(std::string_view html, std::string_view origin) {
  std::string text(html.substr(0, 1 << 20));
  std::string lower = to_lower(text);
  std::string own = to_lower(std::string(origin));
  size_t slashes = own.find("//");
  std::string own_host = slashes == std::string::npos ? own : own.substr(slashes + 2);
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const char* name : {"src", "href", "action"}) {
    const std::string key = name;
    for (size_t at = lower.find(key); at != std::string::npos; at = lower.find(key, at + 1)) {
      if (at > 0 && std::isalnum(static_cast<unsigned char>(lower[at - 1])) != 0)
        continue;
      size_t i = at + key.size();
      while (i < lower.size() && (lower[i] == ' ' || lower[i] == '\t'))
        ++i;
      if (i >= lower.size() || lower[i] != '=')
        continue;
      ++i;
      while (i < lower.size() && (lower[i] == ' ' || lower[i] == '\t'))
        ++i;
      if (i < lower.size() && (lower[i] == '"' || lower[i] == '\''))
        ++i;
      size_t start = i;
      if (lower.compare(i, 7, "http://") == 0)
        i += 7;
      else if (lower.compare(i, 8, "https://") == 0)
        i += 8;
      else if (lower.compare(i, 2, "//") == 0)
        i += 2;
      else
        continue;
      size_t host_start = i;
      size_t end = lower.find_first_of(" \t\r\n\"'<>", i);
      if (end == std::string::npos)
        end = lower.size();
      std::string url = text.substr(start, std::min<size_t>(end - start, 2048));
      size_t host_end = lower.find_first_of("/?#", host_start);
      if (host_end == std::string::npos || host_end > end)
        host_end = end;
      std::string host = lower.substr(host_start, host_end - host_start);
      if (host.empty() || host == own_host || !seen.insert(url).second)
        continue;
      out.push_back(url);
    }
  }
  return out;
}

} // namespace lg::analyze
