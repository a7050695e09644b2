#pragma once
// Internal to src/report: the one place for escaping (XML, HTML, Markdown, terminal), UTF-8
// repair, evidence formatting, grouping by gate and the per-format entry points that render()
// dispatches to. Nothing here is part of the public interface of report.hpp.

#include "core/result.hpp"
#include "report/report.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lg::report::detail {

// ---- entry points, one per format (json.cpp, text.cpp, sarif.cpp, junit.cpp, markdown.cpp,
// html.cpp) ----
std::string render_json(const Report& report);
std::string render_text(const Report& report, const RenderOptions& options);
std::string render_sarif(const Report& report);
std::string render_junit(const Report& report);
std::string render_markdown(const Report& report);
std::string render_html(const Report& report);

/// The JSON report with keys in contract order (schema first). to_json() returns the same value
/// as a plain nlohmann::json.
nlohmann::ordered_json report_document(const Report& report);

/// Pretty-prints `doc` with 2 spaces and a trailing newline; invalid UTF-8 becomes U+FFFD.
std::string dump_pretty(const nlohmann::ordered_json& doc);

// ---- text repair and escaping ----

/// Calls `fn(code_point, bytes)` for each code point of `s`; an invalid UTF-8 byte is reported as
/// U+FFFD with its single byte.
template <typename Fn> void for_each_code_point(std::string_view s, Fn&& fn);

/// `s` with every invalid UTF-8 sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view s);

/// XML 1.0 character data (`attribute` false: escapes & < >) or a double- or single-quoted
/// attribute value (`attribute` true: escapes & < > " '); drops characters XML 1.0 forbids (C0
/// controls but tab, newline and carriage return; U+FFFE, U+FFFF), and in attributes writes tab,
/// newline and carriage return as character references so that parsers keep them.
std::string xml_escape(std::string_view s, bool attribute);

/// HTML text or attribute value: escapes & < > " ' and drops C0/C1 controls but tab and newline.
std::string html_escape(std::string_view s);

/// Markdown inline text that renders as itself: escapes the characters CommonMark and GFM give
/// meaning to (\ ` * _ [ ] < > | ~ & # $ and a list or heading marker at a line start). A newline
/// becomes a hard line break (backslash) followed by `continuation` (the indentation of the
/// enclosing list item).
std::string md_text(std::string_view s, std::string_view continuation = "");

/// A Markdown code span holding `s` literally: the fence is one backtick longer than the longest
/// run of backticks inside, padded with spaces when `s` starts or ends with a backtick. Newlines
/// become spaces.
std::string md_code(std::string_view s);

/// Text safe to print on a terminal: control characters (C0 but newline, DEL, C1) and bidi
/// overrides are shown as \xNN or \u{NNNN}; a tab becomes a space.
std::string terminal_safe(std::string_view s);

// ---- layout helpers ----

/// Width of `s` on a terminal, counted in code points (good enough for the Latin text of reports).
size_t display_width(std::string_view s);

/// Splits `s` into lines at "\n", "\r\n" and "\r".
std::vector<std::string_view> split_lines(std::string_view s);

// ---- shared content helpers ----

/// One key of an evidence or measurement object and its value as compact text: a string as is
/// (`raw`) and, for the compact key=value form, quoted JSON when it holds whitespace, quotes, `=`
/// or controls (`compact`); any other value as compact JSON in both.
struct Pair {
  std::string key;
  std::string raw;
  std::string compact;
};

/// The members of `object` in display order: method, path, url, as, action, page, then the
/// latency figures of DESIGN.md (count, rps, errors, p50_ms … max_ms), a page's paint figures
/// (lcp_ms, lcp_cold_ms, fcp_ms, ttfb_ms, cls, runs, element), status, then the rest
/// alphabetically. `curve` (a latency measurement's percentile curve) is left out: the HTML
/// report draws it, JSON and SARIF keep it. A value that is not an object yields one pair keyed
/// "value"; null yields none.
std::vector<Pair> pairs_of(const nlohmann::json& object);

/// A copy of `value` whose top-level members are in pairs_of's display order (JSON and SARIF keep
/// it; nlohmann::json alone sorts keys alphabetically).
nlohmann::ordered_json display_ordered(const nlohmann::json& value);

/// "key=value key=value" from pairs_of(`object`).
std::string compact_pairs(const nlohmann::json& object);

/// The measurements of a check as a list of objects (null → empty; a non-array → one element).
std::vector<nlohmann::json> measurement_list(const nlohmann::json& measurements);

/// `location` followed by `locations`: every file place of a finding.
std::vector<Location> all_locations(const Finding& finding);

/// "file:line @commit" with the parts that are present.
std::string location_text(const Location& location);

/// Hours as people write them: "4", "0.5", "1.25" (rounded to two decimals).
std::string hours_text(double hours);

/// Hours as a JSON number: whole hours as an integer (4, not 4.0), fractions as they are, a
/// non-finite value as null.
nlohmann::json hours_json(double hours);

/// A duration as people read it: "850 ms", "1.2 s", "2 min 5 s".
std::string duration_text(long long ms);

/// `s` with ASCII letters in capitals ("pass" → "PASS"); other bytes are kept.
std::string ascii_upper(std::string_view s);

/// "NOT READY", "INCOMPLETE", "READY": to_string(`v`) in capitals, with spaces for underscores.
std::string verdict_title(Verdict v);

/// One sentence saying why the verdict is what it is, from the report's checks.
std::string verdict_explanation(const Report& report);

/// The checks of one gate, in the order the report gives them.
struct GateGroup {
  std::string gate;
  std::vector<const CheckResult*> checks;
};

/// The report's checks grouped by gate: gates of k_gates in that order, then unknown gates in the
/// order they first appear. Gates without checks are left out.
std::vector<GateGroup> group_by_gate(const Report& report);

/// The checks that need work, in the order to do it: fail and error first, then warn; within each,
/// by gate order (k_gates) and then severity; ties keep the report's order.
std::vector<const CheckResult*> fix_list(const Report& report);

/// Sum of effort_hours over `checks`.
double total_effort(const std::vector<const CheckResult*>& checks);

/// How many of `checks` have status `s`.
std::ptrdiff_t count_status(const std::vector<const CheckResult*>& checks, Status s);

/// "3 fail, 1 error, 2 pass": the statuses present in `checks`, most urgent first (fail, error,
/// warn, pass, skip).
std::string status_counts(const std::vector<const CheckResult*>& checks);

/// SARIF level for a severity: critical/high → error, medium → warning, low/info → note.
std::string_view sarif_level(Severity s);

/// True for the statuses that carry findings to act on: fail, warn and error.
inline bool needs_work(Status s) {
  return s == Status::fail || s == Status::warn || s == Status::error;
}

// ---- template definition ----

/// Decodes one UTF-8 sequence at the start of `s`; returns {code point, length}. Invalid or
/// truncated sequences, overlong forms and surrogates return {0xFFFD, 1}.
std::pair<char32_t, size_t> decode_utf8(std::string_view s);

template <typename Fn> void for_each_code_point(std::string_view s, Fn&& fn) {
  while (!s.empty()) {
    auto [cp, len] = decode_utf8(s);
    fn(cp, s.substr(0, len));
    s.remove_prefix(len);
  }
}

} // namespace lg::report::detail
