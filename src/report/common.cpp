// Escaping and layout helpers shared by every reporter: UTF-8 repair (RFC 3629), XML 1.0 and HTML
// escaping, Markdown escaping per CommonMark 0.30 / GFM (backslash escapes, code spans), terminal
// sanitising, and the grouping and ordering rules (k_gates, fix order) the formats agree on.

#include "report/common.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

namespace lg::report::detail {

namespace {

void append_utf8(std::string& out, char32_t cp) {
  auto byte = [](char32_t v) { return static_cast<char>(static_cast<unsigned char>(v)); };
  if (cp < 0x80) {
    out += byte(cp);
  } else if (cp < 0x800) {
    out += byte(0xC0 | (cp >> 6));
    out += byte(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += byte(0xE0 | (cp >> 12));
    out += byte(0x80 | ((cp >> 6) & 0x3F));
    out += byte(0x80 | (cp & 0x3F));
  } else {
    out += byte(0xF0 | (cp >> 18));
    out += byte(0x80 | ((cp >> 12) & 0x3F));
    out += byte(0x80 | ((cp >> 6) & 0x3F));
    out += byte(0x80 | (cp & 0x3F));
  }
}

/// Appends the code point as decoded: the original bytes when valid, U+FFFD otherwise.
void append_cp(std::string& out, char32_t cp, std::string_view bytes) {
  if (cp == 0xFFFD && bytes.size() == 1)
    append_utf8(out, cp);
  else
    out += bytes;
}

bool is_c0_or_c1(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

bool is_bidi_control(char32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
         cp == 0x200F;
}

/// The entity that XML and HTML alike write for & < >; nullopt for any other code point.
std::optional<std::string_view> markup_entity(char32_t cp) {
  switch (cp) {
  case '&':
    return "&amp;";
  case '<':
    return "&lt;";
  case '>':
    return "&gt;";
  default:
    return std::nullopt;
  }
}

/// `s` with each code point for which `replace` gives a text written as that text, those `drop`
/// accepts left out and the rest kept as decoded (see append_cp).
template <typename Replace, typename Drop>
std::string escape_each(std::string_view s, Replace&& replace, Drop&& drop) {
  std::string out;
  out.reserve(s.size());
  for_each_code_point(s, [&](char32_t cp, std::string_view bytes) {
    if (auto text = replace(cp))
      out += *text;
    else if (!drop(cp))
      append_cp(out, cp, bytes);
  });
  return out;
}

std::string plural(long long n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

} // namespace

std::pair<char32_t, size_t> decode_utf8(std::string_view s) {
  auto at = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const std::pair<char32_t, size_t> bad{0xFFFD, 1};
  unsigned char b0 = at(0);
  if (b0 < 0x80)
    return {b0, 1};
  size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1FU, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0FU, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07U, min = 0x10000;
  } else {
    return bad;
  }
  if (s.size() < len)
    return bad;
  for (size_t i = 1; i < len; ++i) {
    if ((at(i) & 0xC0) != 0x80)
      return bad;
    cp = (cp << 6) | (at(i) & 0x3FU);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return bad;
  return {cp, len};
}

std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for_each_code_point(s, [&](char32_t cp, std::string_view bytes) { append_cp(out, cp, bytes); });
  return out;
}

std::string xml_escape(std::string_view s, bool attribute) {
  return escape_each(
      s,
      [attribute](char32_t cp) -> std::optional<std::string_view> {
        if (auto entity = markup_entity(cp))
          return entity;
        switch (cp) {
        case '"':
          return attribute ? "&quot;" : "\"";
        case '\'':
          return attribute ? "&apos;" : "'";
        case '\t':
          return attribute ? "&#9;" : "\t";
        case '\n':
          return attribute ? "&#10;" : "\n";
        case '\r':
          return "&#13;";
        default:
          return std::nullopt;
        }
      },
      // Not characters of XML 1.0.
      [](char32_t cp) { return cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF; });
}

std::string html_escape(std::string_view s) {
  return escape_each(
      s,
      [](char32_t cp) -> std::optional<std::string_view> {
        if (auto entity = markup_entity(cp))
          return entity;
        switch (cp) {
        case '"':
          return "&quot;";
        case '\'':
          return "&#39;";
        case '\t':
          return "\t";
        case '\n':
          return "\n";
        default:
          return std::nullopt;
        }
      },
      is_c0_or_c1);
}

std::string md_text(std::string_view s, std::string_view continuation) {
  static constexpr std::string_view k_special = "\\`*_[]<>|~&#$";
  std::string out;
  bool first = true;
  for (std::string_view line : split_lines(s)) {
    // Leading blanks could open an indented code block; trailing ones a hard break. Blank lines
    // would end the paragraph, so they go.
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
      line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    if (line.empty())
      continue;
    if (!first)
      out += fmt::format("\\\n{}", continuation);
    first = false;
    // A list, heading or setext marker at the start of a line would change the block.
    size_t digits = 0;
    while (digits < line.size() && line[digits] >= '0' && line[digits] <= '9')
      ++digits;
    bool ordered_marker = digits > 0 && digits < line.size() &&
                          (line[digits] == '.' || line[digits] == ')') &&
                          (digits + 1 == line.size() || line[digits + 1] == ' ');
    if (!line.empty() && (line.front() == '-' || line.front() == '+' || line.front() == '='))
      out += '\\';
    size_t i = 0;
    for_each_code_point(line, [&](char32_t cp, std::string_view bytes) {
      size_t at = i;
      i += bytes.size();
      if (cp < 0x80 && k_special.find(static_cast<char>(cp)) != std::string_view::npos) {
        out += '\\';
        out += static_cast<char>(cp);
        return;
      }
      if (ordered_marker && at == digits) {
        out += '\\';
        out += static_cast<char>(cp);
        return;
      }
      if (is_c0_or_c1(cp))
        return;
      append_cp(out, cp, bytes);
    });
  }
  return out;
}

std::string md_code(std::string_view s) {
  std::string content = escape_each(
      s,
      [](char32_t cp) -> std::optional<std::string_view> {
        if (cp == '\n' || cp == '\r' || cp == '\t')
          return " ";
        return std::nullopt;
      },
      is_c0_or_c1);
  if (content.empty())
    return "` `";
  size_t longest = 0;
  size_t run = 0;
  for (char c : content) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  std::string fence(longest + 1, '`');
  bool all_spaces = content.find_first_not_of(' ') == std::string::npos;
  bool pad = content.front() == '`' || content.back() == '`' ||
             (!all_spaces && content.front() == ' ' && content.back() == ' ');
  std::string sp = pad ? " " : "";
  return fence + sp + content + sp + fence;
}

std::string terminal_safe(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for_each_code_point(s, [&](char32_t cp, std::string_view bytes) {
    if (cp == '\n')
      out += '\n';
    else if (cp == '\t')
      out += ' ';
    else if (cp < 0x20 || cp == 0x7F)
      out += fmt::format("\\x{:02x}", static_cast<unsigned>(cp));
    else if (is_c0_or_c1(cp) || is_bidi_control(cp))
      out += fmt::format("\\u{{{:04x}}}", static_cast<unsigned>(cp));
    else
      append_cp(out, cp, bytes);
  });
  return out;
}

size_t display_width(std::string_view s) {
  size_t n = 0;
  for_each_code_point(s, [&](char32_t, std::string_view) { ++n; });
  return n;
}

std::vector<std::string_view> split_lines(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' || s[i] == '\r') {
      out.push_back(s.substr(start, i - start));
      if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n')
        ++i;
      start = i + 1;
    }
  }
  out.push_back(s.substr(start));
  return out;
}

namespace {
/// Keys shown first, in this order: what was requested and as whom, then the latency figures of
/// DESIGN.md in their contract order, then a page's paint figures (perf.lcp).
constexpr std::array<std::string_view, 22> k_first = {
    "method", "path",    "url",    "as",     "action",  "page",   "count",  "rps",
    "errors", "p50_ms",  "p90_ms", "p95_ms", "p99_ms",  "max_ms", "lcp_ms", "lcp_cold_ms",
    "fcp_ms", "ttfb_ms", "cls",    "runs",   "element", "status"};
} // namespace

nlohmann::ordered_json display_ordered(const nlohmann::json& value) {
  if (!value.is_object())
    return nlohmann::ordered_json(value);
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (auto key : k_first) {
    auto it = value.find(std::string(key));
    if (it != value.end())
      out[std::string(key)] = nlohmann::ordered_json(*it);
  }
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (!out.contains(it.key()))
      out[it.key()] = nlohmann::ordered_json(it.value());
  }
  return out;
}

std::vector<Pair> pairs_of(const nlohmann::json& object) {
  auto dump = [](const nlohmann::json& v) {
    return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  auto make = [&](const std::string& key, const nlohmann::json& v) {
    Pair p{key, {}, {}};
    if (v.is_string()) {
      p.raw = valid_utf8(v.get_ref<const std::string&>());
      bool plain = !p.raw.empty();
      for_each_code_point(p.raw, [&](char32_t cp, std::string_view) {
        if (cp <= 0x20 || cp == '"' || cp == '\\' || cp == '=' || is_c0_or_c1(cp) ||
            is_bidi_control(cp))
          plain = false;
      });
      p.compact = plain ? p.raw : dump(v);
    } else {
      p.raw = p.compact = dump(v);
    }
    return p;
  };
  std::vector<Pair> out;
  if (object.is_null())
    return out;
  if (!object.is_object()) {
    out.push_back(make("value", object));
    return out;
  }
  for (auto key : k_first) {
    auto it = object.find(std::string(key));
    if (it != object.end())
      out.push_back(make(std::string(key), *it));
  }
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (std::find(k_first.begin(), k_first.end(), it.key()) == k_first.end() && it.key() != "curve")
      out.push_back(make(it.key(), it.value()));
  }
  return out;
}

std::string compact_pairs(const nlohmann::json& object) {
  std::string out;
  for (const auto& p : pairs_of(object)) {
    if (!out.empty())
      out += ' ';
    out += fmt::format("{}={}", p.key, p.compact);
  }
  return out;
}

std::vector<nlohmann::json> measurement_list(const nlohmann::json& measurements) {
  if (measurements.is_null())
    return {};
  if (!measurements.is_array())
    return {measurements};
  return std::vector<nlohmann::json>(measurements.begin(), measurements.end());
}

std::vector<Location> all_locations(const Finding& finding) {
  std::vector<Location> out;
  if (finding.location)
    out.push_back(*finding.location);
  out.insert(out.end(), finding.locations.begin(), finding.locations.end());
  return out;
}

std::string location_text(const Location& location) {
  std::string out = location.file;
  if (location.line > 0)
    out += fmt::format(":{}", location.line);
  if (!location.commit.empty())
    out += fmt::format("{}(commit {})", out.empty() ? "" : " ", location.commit);
  return out;
}

std::string hours_text(double hours) {
  if (!std::isfinite(hours))
    return "?";
  double rounded = std::round(hours * 100) / 100;
  if (rounded == 0)
    rounded = 0; // no "-0"
  return fmt::format("{}", rounded);
}

nlohmann::json hours_json(double hours) {
  if (!std::isfinite(hours))
    return nullptr;
  if (std::floor(hours) == hours && std::fabs(hours) < 1e15)
    return static_cast<long long>(hours);
  return hours;
}

std::string duration_text(long long ms) {
  if (ms < 1000)
    return fmt::format("{} ms", ms);
  if (ms < 60'000)
    return fmt::format("{:.1f} s", static_cast<double>(ms) / 1000.0);
  return fmt::format("{} min {} s", ms / 60'000, (ms % 60'000) / 1000);
}

std::string ascii_upper(std::string_view s) {
  std::string out(s);
  for (char& ch : out)
    if (ch >= 'a' && ch <= 'z')
      ch = static_cast<char>(ch - 'a' + 'A');
  return out;
}

std::string verdict_title(Verdict v) {
  std::string title = ascii_upper(to_string(v));
  std::replace(title.begin(), title.end(), '_', ' ');
  return title;
}

std::string verdict_explanation(const Report& report) {
  long long serious_fail = 0;
  long long serious_error = 0;
  long long unchecked = 0;
  for (const auto& c : report.checks) {
    bool serious = c.meta.severity == Severity::critical || c.meta.severity == Severity::high;
    if (serious && c.status == Status::fail)
      ++serious_fail;
    if (serious && c.status == Status::error)
      ++serious_error;
    if (c.status == Status::error ||
        (c.status == Status::skip && c.skip_kind != SkipKind::not_applicable))
      ++unchecked;
  }
  switch (report.verdict) {
  case Verdict::not_ready: {
    std::string why;
    if (serious_fail > 0)
      why = plural(serious_fail, "critical or high check failed", "critical or high checks failed");
    if (serious_error > 0) {
      if (!why.empty())
        why += "; ";
      why += plural(serious_error, "critical or high check could not run",
                    "critical or high checks could not run");
    }
    return why.empty() ? "Critical or high checks failed." : why + ".";
  }
  case Verdict::incomplete:
    return plural(unchecked, "check was", "checks were") +
           " not run (skipped or errored): readiness is unproven.";
  case Verdict::ready:
    return "No critical or high check failed, and every check that was asked for ran.";
  }
  return "";
}

std::vector<GateGroup> group_by_gate(const Report& report) {
  std::vector<GateGroup> out;
  out.reserve(k_gates.size());
  for (auto gate : k_gates)
    out.push_back({std::string(gate), {}});
  for (const auto& c : report.checks) {
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const GateGroup& g) { return g.gate == c.meta.gate; });
    if (it == out.end()) {
      out.push_back({c.meta.gate, {}});
      it = out.end() - 1;
    }
    it->checks.push_back(&c);
  }
  std::erase_if(out, [](const GateGroup& g) { return g.checks.empty(); });
  return out;
}

std::vector<const CheckResult*> fix_list(const Report& report) {
  std::vector<const CheckResult*> out;
  for (const auto& c : report.checks)
    if (needs_work(c.status))
      out.push_back(&c);
  std::stable_sort(out.begin(), out.end(), [](const CheckResult* a, const CheckResult* b) {
    auto key = [](const CheckResult* c) {
      return std::tuple(c->status == Status::warn ? 1 : 0, gate_rank(c->meta.gate),
                        c->meta.severity);
    };
    return key(a) < key(b);
  });
  return out;
}

double total_effort(const std::vector<const CheckResult*>& checks) {
  double sum = 0;
  for (const auto* c : checks)
    sum += c->meta.effort_hours;
  return sum;
}

std::ptrdiff_t count_status(const std::vector<const CheckResult*>& checks, Status s) {
  return std::count_if(checks.begin(), checks.end(),
                       [&](const CheckResult* c) { return c->status == s; });
}

std::string status_counts(const std::vector<const CheckResult*>& checks) {
  std::string out;
  for (Status s : {Status::fail, Status::error, Status::warn, Status::pass, Status::skip}) {
    auto n = count_status(checks, s);
    if (n > 0)
      out += fmt::format("{}{} {}", out.empty() ? "" : ", ", n, to_string(s));
  }
  return out;
}

std::string_view sarif_level(Severity s) {
  switch (s) {
  case Severity::critical:
  case Severity::high:
    return "error";
  case Severity::medium:
    return "warning";
  case Severity::low:
  case Severity::info:
    return "note";
  }
  return "note";
}

} // namespace lg::report::detail
