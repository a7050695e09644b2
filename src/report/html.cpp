// One self-contained HTML5 page: inline CSS, no script, no external asset. A verdict banner, the
// summary, then a table of checks per gate (k_gates order) with a <details> block per check that
// needs work (findings with evidence as a <dl>, fix, effort, references). Every piece of text goes
// through html_escape.

#include "report/common.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

namespace lg::report::detail {

namespace {

constexpr std::string_view k_style = R"css(
:root{color-scheme:light dark;--fg:#1f2328;--bg:#fff;--muted:#59636e;--line:#d1d9e0;--panel:#f6f8fa;
--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--skip:#59636e;--error:#bc4c00}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;--line:#3d444d;
--panel:#151b23;--pass:#3fb950;--fail:#f85149;--warn:#d29922;--skip:#9198a1;--error:#f0883e}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:72rem;padding:1rem;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:1.4rem;margin:.2rem 0 1rem}
h2{font-size:1.15rem;margin:2rem 0 .5rem;text-transform:uppercase;letter-spacing:.05em}
h2 small{font-weight:normal;text-transform:none;letter-spacing:0;color:var(--muted)}
code{font:.9em/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.banner{border-radius:8px;padding:1rem 1.25rem;color:#fff;margin-bottom:1rem}
.banner p{margin:0}
.banner .verdict{font-size:2rem;font-weight:800;letter-spacing:.08em}
.banner.not_ready{background:#cf222e}.banner.incomplete{background:#9a6700}.banner.ready{background:#1a7f37}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0 0 1rem}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0;overflow-wrap:anywhere}
ul.summary{list-style:none;display:flex;flex-wrap:wrap;gap:.5rem;padding:0;margin:0 0 .5rem}
ul.summary li{border:1px solid var(--line);border-radius:6px;padding:.25rem .75rem}
ul.summary b{font-size:1.2rem}
table.checks{width:100%;border-collapse:collapse}
table.checks th{text-align:left;font-size:.85rem;color:var(--muted);border-bottom:2px solid var(--line);padding:.3rem .5rem}
table.checks td{border-bottom:1px solid var(--line);padding:.5rem;vertical-align:top}
td.status{width:5.5rem}td.severity{width:6rem}
.badge{display:inline-block;min-width:4rem;text-align:center;border-radius:4px;padding:0 .4rem;font-weight:700;font-size:.8rem;color:#fff}
.badge.pass{background:var(--pass)}.badge.fail{background:var(--fail)}.badge.warn{background:var(--warn)}
.badge.skip{background:var(--skip)}.badge.error{background:var(--error)}
tr.fail td.status,tr.error td.status{box-shadow:inset 4px 0 var(--fail)}
tr.warn td.status{box-shadow:inset 4px 0 var(--warn)}
tr.pass td.status{box-shadow:inset 4px 0 var(--pass)}
.id{color:var(--muted)}
.reason{color:var(--muted)}
details{margin-top:.4rem}
summary{cursor:pointer;color:var(--muted)}
.finding{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:.5rem .75rem;margin:.5rem 0}
.msg{margin:0 0 .3rem;white-space:pre-wrap;overflow-wrap:anywhere}
dl.evidence{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .75rem;margin:0}
dl.evidence dt{color:var(--muted)}dl.evidence dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
ul.where{margin:.3rem 0 0;padding-left:1.2rem}
table.measured{border-collapse:collapse;margin:.5rem 0;display:block;overflow-x:auto}
table.measured th,table.measured td{border:1px solid var(--line);padding:.15rem .5rem;text-align:right}
svg.chart{display:block;max-width:100%;height:auto;margin:.5rem 0}
p.fix,p.effort,p.refs{margin:.4rem 0}
footer{margin-top:2rem;color:var(--muted);font-size:.85rem}
@media (max-width:40rem){body{padding:.5rem}
table.checks thead{display:none}
table.checks tr,table.checks td{display:block;width:auto}
table.checks td{border:0;padding:.2rem .5rem}
table.checks tr{border-bottom:1px solid var(--line);padding:.3rem 0}
td.status,td.severity{display:inline-block!important}
dl.meta,dl.evidence{grid-template-columns:1fr}}
)css";

std::string esc(std::string_view s) {
  return html_escape(s);
}

void finding_block(std::string& out, const Finding& f) {
  out += "<div class=\"finding\">";
  out +=
      fmt::format("<p class=\"msg\">{}</p>", esc(f.message.empty() ? "(no message)" : f.message));
  std::vector<Pair> pairs;
  if (!f.rule.empty())
    pairs.push_back(Pair{"rule", f.rule, f.rule});
  for (auto& p : pairs_of(f.evidence))
    pairs.push_back(std::move(p));
  if (!pairs.empty()) {
    out += "<dl class=\"evidence\">";
    for (const auto& p : pairs)
      out += fmt::format("<dt>{}</dt><dd><code>{}</code></dd>", esc(p.key), esc(p.raw));
    out += "</dl>";
  }
  auto locations = all_locations(f);
  if (!locations.empty()) {
    out += "<ul class=\"where\">";
    for (const auto& l : locations)
      out += fmt::format("<li><code>{}</code></li>", esc(location_text(l)));
    out += "</ul>";
  }
  out += "</div>\n";
}

/// Measurements as a table: one row per measurement, one column per key (display order).
void measurement_table(std::string& out, const std::vector<nlohmann::json>& list) {
  std::vector<std::string> columns;
  std::vector<std::map<std::string, std::string>> rows;
  for (const auto& m : list) {
    auto& row = rows.emplace_back();
    for (const auto& p : pairs_of(m)) {
      if (std::find(columns.begin(), columns.end(), p.key) == columns.end())
        columns.push_back(p.key);
      row[p.key] = p.raw;
    }
  }
  out += "<table class=\"measured\"><thead><tr>";
  for (const auto& col : columns)
    out += fmt::format("<th>{}</th>", esc(col));
  out += "</tr></thead><tbody>";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const auto& col : columns) {
      auto it = row.find(col);
      out += fmt::format("<td>{}</td>", it == row.end() ? "" : esc(it->second));
    }
    out += "</tr>";
  }
  out += "</tbody></table>\n";
}

/// The latency measurements' percentile curves (`curve`: [percentile, ms] pairs) as one inline
/// SVG chart, HdrHistogram's way: the percentile on a log scale of 1 / (1 - p), so the tail from
/// p90 to the max gets as much room as the body; one line per action.
void latency_chart(std::string& out, const std::vector<nlohmann::json>& list) {
  struct Line {
    std::string action;
    std::vector<std::pair<double, double>> points; // x in decades, y in ms
  };
  std::vector<Line> lines;
  double y_top = 0;
  for (const auto& m : list) {
    auto curve = m.find("curve");
    if (curve == m.end() || !curve->is_array() || curve->empty())
      continue;
    Line line;
    auto action = m.find("action");
    line.action = action != m.end() && action->is_string() ? action->get<std::string>() : "";
    for (const auto& point : *curve) {
      if (!point.is_array() || point.size() != 2 || !point[0].is_number() || !point[1].is_number())
        continue;
      const double p = std::clamp(point[0].get<double>(), 0.0, 100.0);
      const double y = std::max(0.0, point[1].get<double>());
      line.points.emplace_back(std::min(5.0, -std::log10(std::max(1e-5, 1 - p / 100))), y);
      y_top = std::max(y_top, y);
    }
    if (!line.points.empty() && lines.size() < 12)
      lines.push_back(std::move(line));
  }
  if (lines.empty())
    return;
  // The y axis up to a round number: 1, 2 or 5 times a power of ten.
  double step = std::pow(10.0, std::floor(std::log10(std::max(y_top, 0.1))));
  for (double f : {1.0, 2.0, 5.0, 10.0})
    if (f * step >= y_top) {
      y_top = f * step;
      break;
    }
  constexpr double w = 640, h = 240, left = 56, right = 12, top = 12, bottom = 28;
  auto x_of = [&](double decades) { return left + decades / 5 * (w - left - right); };
  auto y_of = [&](double ms) { return top + (1 - ms / y_top) * (h - top - bottom); };
  constexpr std::array<const char*, 6> k_colours = {"#2563eb", "#dc2626", "#16a34a",
                                                    "#d97706", "#7c3aed", "#0891b2"};
  out += fmt::format("<svg class=\"chart\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" "
                     "role=\"img\" aria-label=\"latency by percentile\">"
                     "<title>Latency by percentile</title>",
                     w, h + 18 * static_cast<double>((lines.size() + 2) / 3), w,
                     h + 18 * static_cast<double>((lines.size() + 2) / 3));
  for (int k = 0; k <= 4; ++k) {
    const double ms = y_top * k / 4, y = y_of(ms);
    out += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" "
                       "stroke=\"#d0d7de\"/><text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"10\" "
                       "text-anchor=\"end\" fill=\"#57606a\">{:g} ms</text>",
                       left, y, w - right, y, left - 4, y + 3, ms);
  }
  constexpr std::array<std::pair<double, const char*>, 7> k_ticks = {{{0, "p0"},
                                                                      {0.30103, "p50"},
                                                                      {1, "p90"},
                                                                      {2, "p99"},
                                                                      {3, "p99.9"},
                                                                      {4, "p99.99"},
                                                                      {5, "max"}}};
  for (const auto& [decades, label] : k_ticks) {
    const double x = x_of(decades);
    out += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" "
                       "stroke=\"#eaeef2\"/><text x=\"{0:.1f}\" y=\"{3:.1f}\" font-size=\"10\" "
                       "text-anchor=\"middle\" fill=\"#57606a\">{4}</text>",
                       x, top, h - bottom, h - bottom + 14, label);
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const char* colour = k_colours[i % k_colours.size()];
    std::string points;
    for (const auto& [x, y] : lines[i].points)
      points += fmt::format("{}{:.1f},{:.1f}", points.empty() ? "" : " ", x_of(x), y_of(y));
    out += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" "
                       "points=\"{}\"/>",
                       colour, points);
    const double lx = left + static_cast<double>(i % 3) * 190;
    const double ly = h + 12 + 18 * static_cast<double>(i / 3);
    out += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"10\" height=\"10\" "
                       "fill=\"{}\"/><text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\" "
                       "fill=\"#24292f\">{}</text>",
                       lx, ly - 9, colour, lx + 14, ly, esc(lines[i].action));
  }
  out += "</svg>\n";
}

void check_details(std::string& out, const CheckResult& c) {
  auto measurements = measurement_list(c.measurements);
  bool work = needs_work(c.status);
  if (!work && measurements.empty())
    return;
  std::string label;
  if (work) {
    std::string what = c.status == Status::error ? "could not run"
                       : c.findings.empty()      ? std::string(to_string(c.status))
                                                 : fmt::format("{} finding{}", c.findings.size(),
                                                          c.findings.size() == 1 ? "" : "s");
    label = fmt::format("{} · fix ~{} h", what, hours_text(c.meta.effort_hours));
  } else {
    label =
        fmt::format("{} measurement{}", measurements.size(), measurements.size() == 1 ? "" : "s");
  }
  bool open = c.status == Status::fail || c.status == Status::error;
  out += fmt::format("<details{}><summary>{}</summary>\n", open ? " open" : "", esc(label));
  if (work && !c.reason.empty())
    out += fmt::format("<p class=\"msg\">{}{}</p>\n",
                       c.status == Status::error ? "<strong>Could not run:</strong> " : "",
                       esc(c.reason));
  for (const auto& f : c.findings)
    finding_block(out, f);
  if (!measurements.empty()) {
    measurement_table(out, measurements);
    latency_chart(out, measurements);
  }
  if (work) {
    if (!c.meta.fix.empty())
      out += fmt::format("<p class=\"fix\"><strong>Fix:</strong> {}</p>\n", esc(c.meta.fix));
    out += fmt::format("<p class=\"effort\"><strong>Effort:</strong> ~{} h</p>\n",
                       hours_text(c.meta.effort_hours));
    if (!c.meta.references.empty()) {
      std::string refs;
      for (const auto& r : c.meta.references)
        refs += (refs.empty() ? "" : ", ") + esc(r);
      out += fmt::format("<p class=\"refs\"><strong>References:</strong> {}</p>\n", refs);
    }
  }
  out += "</details>\n";
}

void check_row(std::string& out, const CheckResult& c) {
  auto status = to_string(c.status);
  out += fmt::format("<tr class=\"{}\"><td class=\"status\"><span class=\"badge {}\">{}</span></td>"
                     "<td class=\"severity\">{}</td><td>",
                     status, status, ascii_upper(status), to_string(c.meta.severity));
  out += fmt::format("<div>{}</div><div class=\"id\"><code>{}</code></div>\n",
                     esc(c.meta.title.empty() ? c.meta.id : c.meta.title), esc(c.meta.id));
  if (c.status == Status::skip && !c.reason.empty())
    out += fmt::format("<div class=\"reason\">{}</div>\n", esc(c.reason));
  check_details(out, c);
  out += "</td></tr>\n";
}

} // namespace

std::string render_html(const Report& report) {
  std::string verdict = verdict_title(report.verdict);
  std::string out = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<title>launchgate: {} — {}</title>\n", esc(verdict),
                     esc(report.base_url.empty() ? "launch readiness" : report.base_url));
  out += fmt::format("<style>{}</style>\n</head>\n<body>\n", k_style);

  out += "<h1>Launch readiness scorecard</h1>\n";
  out += fmt::format("<header class=\"banner {}\"><p class=\"verdict\">{}</p><p>{}</p></header>\n",
                     to_string(report.verdict), esc(verdict), esc(verdict_explanation(report)));

  std::string gates;
  for (const auto& g : report.gates)
    gates += (gates.empty() ? "" : ", ") + g;
  out += "<dl class=\"meta\">";
  out += fmt::format("<dt>Target</dt><dd><code>{}</code></dd>", esc(report.base_url));
  out += fmt::format("<dt>Started</dt><dd>{} (took {})</dd>", esc(report.started_at),
                     duration_text(report.duration_ms));
  out += fmt::format("<dt>Gates</dt><dd>{}</dd>", esc(gates.empty() ? "(none)" : gates));
  out += "</dl>\n";

  Summary s = summarize(report.checks);
  out += "<ul class=\"summary\">";
  for (auto [status, n] : {std::pair{Status::fail, s.fail}, std::pair{Status::error, s.error},
                           std::pair{Status::warn, s.warn}, std::pair{Status::pass, s.pass},
                           std::pair{Status::skip, s.skip}})
    out += fmt::format("<li><b>{}</b> {}</li>", n, to_string(status));
  out += "</ul>\n";
  auto todo = fix_list(report);
  if (!todo.empty())
    out += fmt::format("<p>Estimated effort to fix: ~{} h over {} check{}.</p>\n",
                       hours_text(total_effort(todo)), todo.size(), todo.size() == 1 ? "" : "s");

  for (const auto& group : group_by_gate(report)) {
    out += fmt::format("<section>\n<h2>{} <small>{}</small></h2>\n", esc(group.gate),
                       status_counts(group.checks));
    out += "<table class=\"checks\"><thead><tr><th>Status</th><th>Severity</th><th>Check</th>"
           "</tr></thead>\n<tbody>\n";
    for (const auto* c : group.checks)
      check_row(out, *c);
    out += "</tbody></table>\n</section>\n";
  }

  out += fmt::format("<footer>launchgate {} · report schema launchgate.report/1</footer>\n",
                     esc(report.tool_version));
  out += "</body>\n</html>\n";
  return out;
}

} // namespace lg::report::detail
