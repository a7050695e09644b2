// The monitor's status page: a snapshot read from the store, rendered as one self-contained HTML
// page (inline CSS and SVG: uptime bars and a latency chart with a min–max band), a JSON document
// and the Prometheus text exposition format 0.0.4. Every string from outside is repaired to valid
// UTF-8 and escaped for where it goes (HTML text, JSON, Prometheus label values). Times are
// formatted without the C library's time zone state (RFC 3339, always UTC).

#include "monitor/status_page.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <unordered_set>

namespace lg::monitor {
namespace {

constexpr std::int64_t k_second_ms = 1000;
constexpr std::int64_t k_minute_ms = 60 * k_second_ms;
constexpr std::int64_t k_hour_ms = 60 * k_minute_ms;
constexpr std::int64_t k_day_ms = 24 * k_hour_ms;
/// Code points of a run's message shown on the page (the JSON carries it whole).
constexpr std::size_t k_shown_message = 300;
/// 9999-12-31T23:59:59.999Z, the last instant RFC 3339's four-digit year can name.
constexpr std::int64_t k_max_time_ms = 253402300799999;

// ---- UTF-8 ----

/// Decodes the code point at `s[i]` and advances `i` past it; an invalid sequence (bad lead or
/// continuation byte, truncated, overlong, surrogate, above U+10FFFF) yields U+FFFD and one byte.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char lead = byte(i);
  if (lead < 0x80) {
    ++i;
    return lead;
  }
  std::size_t len = 0;
  char32_t cp = 0;
  char32_t least = 0;
  if ((lead & 0xE0) == 0xC0) {
    len = 2;
    cp = static_cast<char32_t>(lead & 0x1F);
    least = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    len = 3;
    cp = static_cast<char32_t>(lead & 0x0F);
    least = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    len = 4;
    cp = static_cast<char32_t>(lead & 0x07);
    least = 0x10000;
  } else {
    ++i;
    return 0xFFFD;
  }
  if (len > s.size() - i) {
    ++i;
    return 0xFFFD;
  }
  for (std::size_t k = 1; k < len; ++k) {
    unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | static_cast<char32_t>(b & 0x3F);
  }
  if (cp < least || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return 0xFFFD;
  }
  i += len;
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  auto put = [&](char32_t v) { out.push_back(static_cast<char>(static_cast<unsigned char>(v))); };
  if (cp < 0x80) {
    put(cp);
  } else if (cp < 0x800) {
    put(0xC0 | (cp >> 6));
    put(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    put(0xE0 | (cp >> 12));
    put(0x80 | ((cp >> 6) & 0x3F));
    put(0x80 | (cp & 0x3F));
  } else {
    put(0xF0 | (cp >> 18));
    put(0x80 | ((cp >> 12) & 0x3F));
    put(0x80 | ((cp >> 6) & 0x3F));
    put(0x80 | (cp & 0x3F));
  }
}

/// `s` with every invalid UTF-8 sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();)
    append_utf8(out, next_code_point(s, i));
  return out;
}

/// HTML text or attribute value: & < > " ' as references, C0 and C1 controls dropped but tab and
/// newline, invalid UTF-8 as U+FFFD.
std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = next_code_point(s, i);
    switch (cp) {
    case '&':
      out += "&amp;";
      continue;
    case '<':
      out += "&lt;";
      continue;
    case '>':
      out += "&gt;";
      continue;
    case '"':
      out += "&quot;";
      continue;
    case '\'':
      out += "&#39;";
      continue;
    case '\t':
    case '\n':
      out.push_back(static_cast<char>(cp));
      continue;
    default:
      break;
    }
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
      continue;
    append_utf8(out, cp);
  }
  return out;
}

/// The first `max` code points of `s` (repaired), with "…" when it was longer.
std::string shorten(std::string_view s, std::size_t max) {
  std::string out;
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size(); ++count) {
    if (count == max)
      return out + "…";
    append_utf8(out, next_code_point(s, i));
  }
  return out;
}

/// A Prometheus label value: UTF-8 with \ " and newline escaped.
std::string label_escape(std::string_view s) {
  std::string out;
  for (char c : valid_utf8(s)) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out.push_back(c);
  }
  return out;
}

// ---- numbers ----

/// `v` with `decimals` digits after the point (C locale); "?" when not finite.
std::string fixed(double v, int decimals) {
  if (!std::isfinite(v))
    return "?";
  char buf[64];
  // Beyond 1e15 the fixed form is long and its fraction meaningless.
  int n = std::abs(v) < 1e15 ? std::snprintf(buf, sizeof buf, "%.*f", decimals, v)
                             : std::snprintf(buf, sizeof buf, "%.6e", v);
  return n > 0 ? std::string(buf, std::min(static_cast<std::size_t>(n), sizeof buf - 1)) : "?";
}

/// `v` for a Prometheus sample: up to 6 decimals, trailing zeros dropped; NaN and ±Inf as the
/// format spells them.
std::string prom_number(double v) {
  if (std::isnan(v))
    return "NaN";
  if (std::isinf(v))
    return v > 0 ? "+Inf" : "-Inf";
  std::string text = fixed(v, 6);
  if (text.find('.') != std::string::npos && text.find('e') == std::string::npos) {
    while (text.back() == '0')
      text.pop_back();
    if (text.back() == '.')
      text.pop_back();
  }
  return text == "-0" ? "0" : text;
}

/// Milliseconds as seconds for a Prometheus sample.
std::string prom_seconds(std::int64_t ms) {
  return prom_number(static_cast<double>(ms) / 1000.0);
}

/// An uptime share as a percentage with 2 decimals, or 3 when 2 would round a partial share to
/// 100.00 or 0.00; "—" without runs.
std::string percent(const Uptime& u) {
  if (u.total <= 0)
    return "—";
  double pct = 100.0 * u.share();
  std::string text = fixed(pct, 2);
  if (u.ok < u.total && text == "100.00")
    return fixed(std::min(std::floor(pct * 1000.0 + 1e-6) / 1000.0, 99.999), 3) + "%";
  if (u.ok > 0 && text == "0.00")
    return fixed(std::max(std::ceil(pct * 1000.0 - 1e-6) / 1000.0, 0.001), 3) + "%";
  return text + "%";
}

/// A latency for people: "85 ms", "1.2 ms", "2.35 s".
std::string latency_text(double ms) {
  if (!std::isfinite(ms))
    return "?";
  if (ms >= 10000)
    return fixed(ms / 1000.0, 1) + " s";
  if (ms >= 1000)
    return fixed(ms / 1000.0, 2) + " s";
  if (ms >= 10)
    return fixed(ms, 0) + " ms";
  return fixed(ms, 1) + " ms";
}

// ---- time ----

struct Civil {
  std::int64_t year = 1970;
  std::int64_t month = 1;
  std::int64_t day = 1;
  std::int64_t hour = 0;
  std::int64_t minute = 0;
  std::int64_t second = 0;
};

/// The UTC calendar date and time of `ms` (clamped to years 1970..9999), from the count of days
/// since the epoch by the proleptic Gregorian calendar's 400-year cycle of 146097 days.
Civil civil(std::int64_t ms) {
  ms = std::clamp<std::int64_t>(ms, 0, k_max_time_ms);
  std::int64_t seconds = ms / k_second_ms;
  std::int64_t days = seconds / 86400;
  std::int64_t rest = seconds % 86400;
  Civil c;
  c.hour = rest / 3600;
  c.minute = rest % 3600 / 60;
  c.second = rest % 60;
  // Count from 0000-03-01, so that the leap day ends each cycle's year.
  std::int64_t z = days + 719468;
  std::int64_t era = z / 146097;
  std::int64_t day_of_era = z - era * 146097;
  std::int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  std::int64_t month_index = (5 * day_of_year + 2) / 153; // 0 = March
  c.day = day_of_year - (153 * month_index + 2) / 5 + 1;
  c.month = month_index < 10 ? month_index + 3 : month_index - 9;
  c.year = year_of_era + era * 400 + (c.month <= 2 ? 1 : 0);
  return c;
}

/// "2025-06-15T15:06:40Z".
std::string rfc3339(std::int64_t ms) {
  Civil c = civil(ms);
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ",
                        static_cast<long long>(c.year), static_cast<long long>(c.month),
                        static_cast<long long>(c.day), static_cast<long long>(c.hour),
                        static_cast<long long>(c.minute), static_cast<long long>(c.second));
  return std::string(buf, static_cast<std::size_t>(std::max(n, 0)));
}

/// "2025-06-15 15:06 UTC".
std::string human_time(std::int64_t ms) {
  Civil c = civil(ms);
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld %02lld:%02lld UTC",
                        static_cast<long long>(c.year), static_cast<long long>(c.month),
                        static_cast<long long>(c.day), static_cast<long long>(c.hour),
                        static_cast<long long>(c.minute));
  return std::string(buf, static_cast<std::size_t>(std::max(n, 0)));
}

/// "15:06".
std::string clock_time(std::int64_t ms) {
  Civil c = civil(ms);
  char buf[16];
  int n = std::snprintf(buf, sizeof buf, "%02lld:%02lld", static_cast<long long>(c.hour),
                        static_cast<long long>(c.minute));
  return std::string(buf, static_cast<std::size_t>(std::max(n, 0)));
}

/// A duration for people, to its two largest units: "45 s", "12 min", "3 h 12 min", "2 d 4 h".
std::string duration_text(std::int64_t ms) {
  std::int64_t s = std::max<std::int64_t>(ms, 0) / k_second_ms;
  if (s < 60)
    return std::to_string(s) + " s";
  std::int64_t m = s / 60;
  if (m < 60)
    return std::to_string(m) + " min";
  std::int64_t h = m / 60;
  if (h < 24)
    return std::to_string(h) + " h" + (m % 60 != 0 ? " " + std::to_string(m % 60) + " min" : "");
  return std::to_string(h / 24) + " d" + (h % 24 != 0 ? " " + std::to_string(h % 24) + " h" : "");
}

/// "3 min ago", or "just now" for a time not before `now_ms`.
std::string ago(std::int64_t at_ms, std::int64_t now_ms) {
  if (at_ms >= now_ms)
    return "just now";
  return duration_text(now_ms - at_ms) + " ago";
}

std::int64_t incident_duration_ms(const Incident& incident, std::int64_t now_ms) {
  std::int64_t end = incident.closed_ms.value_or(now_ms);
  return std::max<std::int64_t>(end - incident.opened_ms, 0);
}

// ---- states ----

int count_state(const StatusSnapshot& s, std::string_view state) {
  return static_cast<int>(std::count_if(s.checks.begin(), s.checks.end(),
                                        [&](const CheckStatus& c) { return c.state == state; }));
}

/// A CSS class for `state`, one of a fixed set whatever the snapshot holds.
const char* state_class(const std::string& state) {
  if (state == "up")
    return "up";
  if (state == "down")
    return "down";
  return "pending";
}

// ---- SVG ----

/// The uptime bars: one rect per slice of the 24 h before `now_ms`, coloured by its share of
/// successful runs, each with a tooltip.
std::string bars_svg(const std::vector<Uptime>& bars, std::int64_t now_ms) {
  if (bars.empty())
    return "";
  const auto n = static_cast<std::int64_t>(bars.size());
  const std::int64_t from = now_ms - k_day_ms;
  std::string out = "<svg class=\"bars\" viewBox=\"0 0 " + std::to_string(n * 10) +
                    " 30\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"uptime over the "
                    "last 24 h, " +
                    std::to_string(n) + " slices\">";
  for (std::int64_t i = 0; i < n; ++i) {
    const Uptime& u = bars[static_cast<std::size_t>(i)];
    const char* colour = "#c9ced6"; // no data
    std::string tip = "no data";
    if (u.total > 0) {
      colour = u.ok >= u.total ? "#2f9e55" : (u.ok <= 0 ? "#d9453d" : "#e8a317");
      tip = percent(u) + " (" + std::to_string(u.ok) + " of " + std::to_string(u.total) +
            (u.total == 1 ? " run" : " runs") + " ok)";
    }
    std::int64_t a = from + k_day_ms * i / n;
    std::int64_t b = from + k_day_ms * (i + 1) / n;
    out += "<rect x=\"" + std::to_string(i * 10) +
           "\" y=\"0\" width=\"8\" height=\"30\" rx=\"1.5\" fill=\"" + colour + "\"><title>" +
           clock_time(a) + "–" + clock_time(b) + " UTC: " + html_escape(tip) + "</title></rect>";
  }
  return out + "</svg>";
}

/// The smallest of 1, 1.5, 2, 3, 4, 5, 6 or 8 times a power of ten at or above `v` (at least 1),
/// so that the chart's peak fills most of its height.
double nice_ceil(double v) {
  if (!std::isfinite(v) || v <= 1)
    return 1;
  double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0})
    if (m * p >= v * (1 - 1e-12))
      return m * p;
  return 10 * p;
}

/// A scale label: "0", "0.75 ms", "300 ms", "1.5 s".
std::string axis_label(double ms) {
  auto trimmed = [](double v) {
    std::string text = fixed(v, 2);
    while (text.find('.') != std::string::npos && (text.back() == '0' || text.back() == '.'))
      text.pop_back();
    return text;
  };
  if (ms <= 0)
    return "0";
  if (ms >= 1000)
    return trimmed(ms / 1000) + " s";
  return trimmed(ms) + " ms";
}

bool has_data(const LatencyBucket& b) {
  return b.count > 0 && std::isfinite(b.min_ms) && std::isfinite(b.avg_ms) &&
         std::isfinite(b.max_ms);
}

/// The latency chart of the last 24 h: the average as a line over a min–max band, grey where a
/// bucket holds no run, the scale in ms on the left.
std::string latency_svg(const std::vector<LatencyBucket>& buckets) {
  if (buckets.empty())
    return "";
  constexpr double width = 600, height = 150, left = 80, right = 6, top = 12, bottom = 24;
  constexpr double plot_w = width - left - right, plot_h = height - top - bottom;
  const auto n = static_cast<double>(buckets.size());

  double peak = 0;
  bool any = false;
  for (const auto& b : buckets) {
    if (has_data(b)) {
      any = true;
      peak = std::max({peak, b.max_ms, b.avg_ms});
    }
  }
  const double scale = nice_ceil(peak);
  auto x_at = [&](std::size_t i) { return left + plot_w * static_cast<double>(i) / n; };
  auto y_of = [&](double ms) { return top + plot_h - std::clamp(ms / scale, 0.0, 1.0) * plot_h; };
  auto pt = [](double x, double y) { return fixed(x, 1) + "," + fixed(y, 1) + " "; };

  std::string out = "<svg class=\"latency\" viewBox=\"0 0 600 150\" role=\"img\" "
                    "aria-label=\"latency over the last 24 h\"><title>Latency over the last 24 h: "
                    "average, with the band from min to max</title>";
  // Grid and scale.
  for (double f : {0.0, 0.5, 1.0}) {
    std::string y = fixed(y_of(scale * f), 1);
    out += "<line x1=\"" + fixed(left, 1) + "\" x2=\"" + fixed(width - right, 1) + "\" y1=\"" + y +
           "\" y2=\"" + y + "\" stroke=\"#d5d9e0\" stroke-width=\"1\"/>";
    out += "<text x=\"" + fixed(left - 6, 1) + "\" y=\"" + fixed(y_of(scale * f) + 4, 1) +
           "\" text-anchor=\"end\">" + axis_label(scale * f) + "</text>";
  }
  std::string base = fixed(height - 4, 1);
  out += "<text x=\"" + fixed(left, 1) + "\" y=\"" + base + "\">24 h ago</text>";
  out += "<text x=\"" + fixed(left + plot_w / 2, 1) + "\" y=\"" + base +
         "\" text-anchor=\"middle\">12 h ago</text>";
  out += "<text x=\"" + fixed(width - right, 1) + "\" y=\"" + base +
         "\" text-anchor=\"end\">now</text>";

  // Runs of buckets: grey gaps for the empty ones, a band and a line for the others.
  for (std::size_t i = 0; i < buckets.size();) {
    std::size_t j = i;
    bool data = has_data(buckets[i]);
    while (j < buckets.size() && has_data(buckets[j]) == data)
      ++j;
    if (!data) {
      out += "<rect class=\"gap\" x=\"" + fixed(x_at(i), 1) + "\" y=\"" + fixed(top, 1) +
             "\" width=\"" + fixed(x_at(j) - x_at(i), 1) + "\" height=\"" + fixed(plot_h, 1) +
             "\" fill=\"#eceef2\"><title>no runs</title></rect>";
    } else {
      // The band steps across each bucket at its max, then back at its min.
      std::string band;
      for (std::size_t k = i; k < j; ++k)
        band += pt(x_at(k), y_of(buckets[k].max_ms)) + pt(x_at(k + 1), y_of(buckets[k].max_ms));
      for (std::size_t k = j; k-- > i;)
        band += pt(x_at(k + 1), y_of(buckets[k].min_ms)) + pt(x_at(k), y_of(buckets[k].min_ms));
      band.pop_back();
      out += "<polygon points=\"" + band + "\" fill=\"#bcd3f5\" fill-opacity=\"0.8\"/>";
      std::string line;
      if (j - i == 1) {
        line = pt(x_at(i), y_of(buckets[i].avg_ms)) + pt(x_at(j), y_of(buckets[i].avg_ms));
      } else {
        for (std::size_t k = i; k < j; ++k)
          line += pt((x_at(k) + x_at(k + 1)) / 2, y_of(buckets[k].avg_ms));
      }
      line.pop_back();
      out += "<polyline points=\"" + line +
             "\" fill=\"none\" stroke=\"#2358c4\" stroke-width=\"1.5\" "
             "stroke-linejoin=\"round\"/>";
    }
    i = j;
  }
  if (!any)
    out += "<text x=\"" + fixed(left + plot_w / 2, 1) + "\" y=\"" + fixed(top + plot_h / 2, 1) +
           "\" text-anchor=\"middle\">no runs in the last 24 h</text>";
  return out + "</svg>";
}

// ---- HTML parts ----

constexpr const char* k_css = R"css(
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#f4f5f8}
main{max-width:960px;margin:0 auto;padding:16px}
h1{font-size:1.5em;margin:.2em 0 .6em;word-break:break-word}
h2{font-size:1.15em;margin:0}
h3{font-size:1.1em;margin:1.4em 0 .5em}
.banner{border-radius:8px;padding:14px 16px;font-weight:600;font-size:1.1em;margin-bottom:16px;color:#fff}
.banner.up{background:#2f9e55}.banner.down{background:#d9453d}.banner.pending{background:#6b7280}.banner.maintenance{background:#3b6fd8}
.check{background:#fff;border-radius:8px;padding:14px 16px;margin-bottom:14px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.head{display:flex;flex-wrap:wrap;align-items:center;gap:8px}
.kind{font-size:.8em;text-transform:uppercase;letter-spacing:.04em;color:#596174;border:1px solid #cfd4dd;border-radius:4px;padding:0 5px}
.pill{margin-left:auto;border-radius:999px;padding:1px 10px;font-size:.85em;font-weight:600;color:#fff}
.pill.up{background:#2f9e55}.pill.down{background:#d9453d}.pill.pending{background:#6b7280}
.target{margin:.3em 0;color:#596174;word-break:break-all}
.last{margin:.3em 0}.msg{margin:.2em 0;color:#8a2b25;word-break:break-word;white-space:pre-wrap}
.uptime{display:flex;gap:24px;margin:.6em 0}.uptime b{display:block;font-size:1.15em}.uptime span{color:#596174;font-size:.85em}
svg{display:block;width:100%}svg.bars{height:30px;margin:.4em 0}svg.latency{height:auto;margin-top:.6em}
svg text{font-size:12px;fill:#596174}
@media (max-width:600px){svg.latency text{font-size:17px}.uptime{gap:16px}}
.table{overflow-x:auto;background:#fff;border-radius:8px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid #eceef2;vertical-align:top}
td.cause{word-break:break-word;min-width:12em}
.none{color:#596174}
footer{color:#596174;font-size:.85em;margin:24px 0 8px}
)css";

std::string banner(const StatusSnapshot& s) {
  int down = count_state(s, "down");
  int pending = count_state(s, "pending");
  auto checks_text = [](int n) { return std::to_string(n) + (n == 1 ? " check" : " checks"); };
  std::string cls;
  std::string text;
  if (s.maintenance) {
    cls = "maintenance";
    text = "Maintenance in progress";
    if (down > 0)
      text += " · " + checks_text(down) + " down";
  } else if (down > 0) {
    cls = "down";
    text = checks_text(down) + " down";
  } else if (overall_state(s) == "pending") {
    cls = "pending";
    text = s.checks.empty() ? "No check configured" : "Waiting for the first runs";
  } else {
    cls = "up";
    text =
        pending > 0 ? "No check down (" + std::to_string(pending) + " pending)" : "All checks up";
  }
  return "<div class=\"banner " + cls + "\" role=\"status\">" + text + "</div>\n";
}

std::string check_section(const CheckStatus& c, std::int64_t now_ms) {
  const char* cls = state_class(c.state);
  std::string out = "<section class=\"check\">\n<div class=\"head\"><h2>" +
                    html_escape(c.info.name) + "</h2><span class=\"kind\">" +
                    html_escape(c.info.kind) + "</span><span class=\"pill " + cls + "\">" +
                    html_escape(c.state) + "</span></div>\n";
  out += "<p class=\"target\"><code>" + html_escape(c.info.target) + "</code> · every " +
         duration_text(c.info.interval_ms) + "</p>\n";
  if (c.last) {
    const CheckRun& r = *c.last;
    out += "<p class=\"last\">Last run <time datetime=\"" + rfc3339(r.at_ms) + "\">" +
           ago(r.at_ms, now_ms) + "</time>: <strong>" + (r.ok ? "OK" : "failed") + "</strong>";
    if (r.status != 0)
      out += " · status " + std::to_string(r.status);
    else if (c.info.kind == "http")
      out += " · no response";
    out += " · " + latency_text(r.latency_ms) + "</p>\n";
    if (!r.message.empty())
      out += "<p class=\"msg\">" + html_escape(shorten(r.message, k_shown_message)) + "</p>\n";
  } else {
    out += "<p class=\"last\">No run yet.</p>\n";
  }
  out += "<div class=\"uptime\">";
  const std::pair<const Uptime*, const char*> windows[] = {
      {&c.uptime.day, "24 h"}, {&c.uptime.week, "7 days"}, {&c.uptime.month, "30 days"}};
  for (const auto& [u, label] : windows)
    out += std::string("<div><b>") + percent(*u) + "</b><span>" + label + "</span></div>";
  out += "</div>\n";
  out += bars_svg(c.bars, now_ms) + "\n";
  out += latency_svg(c.latency) + "\n";
  return out + "</section>\n";
}

std::string incidents_table(const std::vector<Incident>& incidents, std::int64_t now_ms) {
  if (incidents.empty())
    return "<p class=\"none\">None.</p>\n";
  std::string out = "<div class=\"table\"><table>\n<thead><tr><th>Check</th><th>Opened</th>"
                    "<th>Closed</th><th>Duration</th><th>Cause</th></tr></thead>\n<tbody>\n";
  for (const auto& incident : incidents) {
    out += "<tr><td>" + html_escape(incident.check) + "</td><td><time datetime=\"" +
           rfc3339(incident.opened_ms) + "\">" + human_time(incident.opened_ms) +
           "</time></td><td>";
    if (incident.closed_ms)
      out += "<time datetime=\"" + rfc3339(*incident.closed_ms) + "\">" +
             human_time(*incident.closed_ms) + "</time>";
    else
      out += "ongoing";
    out += "</td><td>" + duration_text(incident_duration_ms(incident, now_ms)) +
           "</td><td class=\"cause\">" + html_escape(shorten(incident.cause, k_shown_message)) +
           "</td></tr>\n";
  }
  return out + "</tbody>\n</table></div>\n";
}

// ---- JSON parts ----

nlohmann::json uptime_json(const Uptime& u) {
  nlohmann::json j = {{"runs", u.total}, {"ok", u.ok}};
  j["ratio"] = u.total > 0 ? nlohmann::json(u.share()) : nlohmann::json(nullptr);
  return j;
}

nlohmann::json incident_json(const Incident& incident, std::int64_t now_ms) {
  nlohmann::json j = {{"id", incident.id},
                      {"check", valid_utf8(incident.check)},
                      {"opened_at", rfc3339(incident.opened_ms)},
                      {"cause", valid_utf8(incident.cause)},
                      {"duration_s", incident_duration_ms(incident, now_ms) / k_second_ms}};
  j["closed_at"] =
      incident.closed_ms ? nlohmann::json(rfc3339(*incident.closed_ms)) : nlohmann::json(nullptr);
  return j;
}

// ---- metrics ----

/// One metric family: HELP and TYPE lines, then its samples as they are added.
class Family {
public:
  Family(std::string& out, const char* name, const char* help) : m_out(out), m_name(name) {
    m_out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n";
  }
  /// A sample labelled with the check (and `window` when not null).
  void sample(const std::string& check, const std::string& value, const char* window = nullptr) {
    m_out += m_name + "{check=\"" + label_escape(check) + "\"";
    if (window != nullptr)
      m_out += std::string(",window=\"") + window + "\"";
    m_out += "} " + value + "\n";
  }
  void sample(const std::string& value) { m_out += m_name + " " + value + "\n"; }

private:
  std::string& m_out;
  std::string m_name;
};

} // namespace

Expected<StatusSnapshot> take_snapshot(MonitorStore& store, const std::vector<CheckInfo>& checks,
                                       const std::string& title, std::int64_t now_ms,
                                       std::int64_t started_ms, bool maintenance) {
  StatusSnapshot s;
  s.title = title;
  s.now_ms = now_ms;
  s.started_ms = started_ms;
  s.maintenance = maintenance;

  std::unordered_set<std::string> configured;
  for (const auto& info : checks)
    configured.insert(info.name);

  // Open incidents decide which checks are down.
  std::unordered_set<std::string> down;
  for (auto& incident : LG_TRY(store.open_incidents())) {
    if (configured.count(incident.check) == 0)
      continue;
    down.insert(incident.check);
    s.open_incidents.push_back(std::move(incident));
  }

  const std::int64_t from = now_ms - k_day_ms;
  s.checks.reserve(checks.size());
  for (const auto& info : checks) {
    CheckStatus c;
    c.info = info;
    c.last = LG_TRY(store.last(info.name));
    c.uptime = LG_TRY(store.uptime_summary(info.name, now_ms));
    c.bars.reserve(k_bars);
    for (std::int64_t i = 0; i < k_bars; ++i)
      c.bars.push_back(LG_TRY(store.uptime(info.name, from + k_day_ms * i / k_bars,
                                           from + k_day_ms * (i + 1) / k_bars)));
    c.latency = LG_TRY(store.latency_series(info.name, from, now_ms, k_latency_buckets));
    c.state = down.count(info.name) != 0 ? "down" : (c.last ? "up" : "pending");
    s.checks.push_back(std::move(c));
  }

  // Recent incidents of the configured checks: ask again for more when others crowded them out.
  const std::int64_t since = now_ms - 7 * k_day_ms;
  int limit = static_cast<int>(k_recent_incidents);
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto found = LG_TRY(store.incidents(since, limit));
    bool full = found.size() >= static_cast<std::size_t>(limit);
    s.recent_incidents.clear();
    for (auto& incident : found) {
      if (s.recent_incidents.size() == k_recent_incidents)
        break;
      if (configured.count(incident.check) != 0)
        s.recent_incidents.push_back(std::move(incident));
    }
    if (s.recent_incidents.size() == k_recent_incidents || !full)
      break;
    limit = MonitorStore::k_max_incidents;
  }
  return s;
}

std::string overall_state(const StatusSnapshot& s) {
  if (count_state(s, "down") > 0)
    return "down";
  if (count_state(s, "up") > 0)
    return "up";
  return "pending";
}

std::string render_status_html(const StatusSnapshot& s) {
  std::string title = html_escape(s.title.empty() ? std::string("launchgate monitor") : s.title);
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<meta http-equiv=\"refresh\" content=\"30\">\n"
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                    "style-src 'unsafe-inline'\">\n<title>Status · " +
                    title + "</title>\n<style>" + k_css + "</style>\n</head>\n<body>\n<main>\n";
  out += "<h1>" + title + "</h1>\n";
  out += banner(s);
  for (const auto& c : s.checks)
    out += check_section(c, s.now_ms);
  out += "<h3>Open incidents</h3>\n" + incidents_table(s.open_incidents, s.now_ms);
  out += "<h3>Incidents of the last 7 days</h3>\n" + incidents_table(s.recent_incidents, s.now_ms);
  out += "<footer>Updated <time datetime=\"" + rfc3339(s.now_ms) + "\">" + human_time(s.now_ms) +
         "</time> · monitoring since <time datetime=\"" + rfc3339(s.started_ms) + "\">" +
         human_time(s.started_ms) +
         "</time> · this page refreshes every 30 s · launchgate monitor</footer>\n";
  return out + "</main>\n</body>\n</html>\n";
}

nlohmann::json status_json(const StatusSnapshot& s) {
  nlohmann::json doc = {{"schema", "launchgate.status/1"},   {"title", valid_utf8(s.title)},
                        {"generated_at", rfc3339(s.now_ms)}, {"started_at", rfc3339(s.started_ms)},
                        {"maintenance", s.maintenance},      {"state", overall_state(s)}};
  doc["alert_channels"] = s.alert_channels;
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& c : s.checks) {
    nlohmann::json j = {{"name", valid_utf8(c.info.name)},
                        {"kind", valid_utf8(c.info.kind)},
                        {"target", valid_utf8(c.info.target)},
                        {"state", valid_utf8(c.state)},
                        {"authenticated", c.info.authenticated}};
    if (c.info.interval_ms % k_second_ms == 0)
      j["interval_s"] = c.info.interval_ms / k_second_ms;
    else
      j["interval_s"] = static_cast<double>(c.info.interval_ms) / 1000.0;
    if (c.last) {
      j["last"] = {{"at", rfc3339(c.last->at_ms)},
                   {"ok", c.last->ok},
                   {"status", c.last->status},
                   {"latency_ms", c.last->latency_ms},
                   {"message", valid_utf8(c.last->message)}};
    } else {
      j["last"] = nullptr;
    }
    j["uptime"] = {{"24h", uptime_json(c.uptime.day)},
                   {"7d", uptime_json(c.uptime.week)},
                   {"30d", uptime_json(c.uptime.month)}};
    checks.push_back(std::move(j));
  }
  doc["checks"] = std::move(checks);
  nlohmann::json open = nlohmann::json::array();
  for (const auto& incident : s.open_incidents)
    open.push_back(incident_json(incident, s.now_ms));
  nlohmann::json recent = nlohmann::json::array();
  for (const auto& incident : s.recent_incidents)
    recent.push_back(incident_json(incident, s.now_ms));
  doc["incidents"] = {{"open", std::move(open)}, {"recent", std::move(recent)}};
  return doc;
}

std::string render_metrics(const StatusSnapshot& s) {
  std::string out;
  {
    Family f(out, "launchgate_monitor_check_up",
             "Whether the check is up (1) or down with an open incident (0); absent until it ran.");
    for (const auto& c : s.checks)
      if (c.state == "up" || c.state == "down")
        f.sample(c.info.name, c.state == "up" ? "1" : "0");
  }
  {
    Family f(out, "launchgate_monitor_check_latency_ms", "Latency of the check's last run in ms.");
    for (const auto& c : s.checks)
      if (c.last)
        f.sample(c.info.name, prom_number(c.last->latency_ms));
  }
  {
    Family f(out, "launchgate_monitor_check_status_code",
             "HTTP status of the check's last run, 0 when no response came.");
    for (const auto& c : s.checks)
      if (c.last)
        f.sample(c.info.name, std::to_string(c.last->status));
  }
  {
    Family f(out, "launchgate_monitor_check_last_run_timestamp_seconds",
             "When the check last ran, in seconds since the epoch.");
    for (const auto& c : s.checks)
      if (c.last)
        f.sample(c.info.name, prom_seconds(c.last->at_ms));
  }
  {
    Family f(out, "launchgate_monitor_check_uptime_ratio",
             "Share of the check's successful runs over the window (only windows with runs).");
    for (const auto& c : s.checks) {
      const std::pair<const Uptime*, const char*> windows[] = {
          {&c.uptime.day, "24h"}, {&c.uptime.week, "7d"}, {&c.uptime.month, "30d"}};
      for (const auto& [u, window] : windows)
        if (u->total > 0)
          f.sample(c.info.name, prom_number(u->share()), window);
    }
  }
  Family(out, "launchgate_monitor_incidents_open", "Incidents open now.")
      .sample(std::to_string(s.open_incidents.size()));
  Family(out, "launchgate_monitor_maintenance",
         "Whether a maintenance window is on (1) or not (0).")
      .sample(s.maintenance ? "1" : "0");
  Family(out, "launchgate_monitor_start_time_seconds",
         "When the monitor started, in seconds since the epoch.")
      .sample(prom_seconds(s.started_ms));
  return out;
}

} // namespace lg::monitor
