// The handover checklist in Markdown (CommonMark with GFM task lists): verdict and summary, the
// handover checklist when a check measured one (`"checklist": "handover"`, deploy.handover's) with
// the report's open findings and their fix paths, then the checks to fix in fix order (fail and
// error, then warn; each by gate order and severity) with findings, fix and effort, then what
// passed and what was not checked. Untrusted text goes through md_text; evidence, commands and
// paths go into code spans through md_code.

#include "report/common.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace lg::report::detail {

namespace {

constexpr std::string_view k_item_indent = "  ";      // under "- [ ] "
constexpr std::string_view k_finding_indent = "    "; // under "  - "

std::string evidence_codes(const Finding& f) {
  std::string out;
  if (!f.rule.empty())
    out += md_code("rule=" + f.rule);
  for (const auto& p : pairs_of(f.evidence))
    out += fmt::format("{}{}", out.empty() ? "" : " ",
                       md_code(fmt::format("{}={}", p.key, p.compact)));
  return out;
}

void finding_item(std::string& out, const Finding& f) {
  out += fmt::format("{}- {}", k_item_indent,
                     md_text(f.message.empty() ? "(no message)" : f.message, k_finding_indent));
  if (std::string codes = evidence_codes(f); !codes.empty())
    out += fmt::format("\\\n{}{}", k_finding_indent, codes);
  auto locations = all_locations(f);
  if (!locations.empty()) {
    out += fmt::format("\\\n{}at", k_finding_indent);
    for (size_t i = 0; i < locations.size(); ++i)
      out += (i == 0 ? " " : ", ") + md_code(location_text(locations[i]));
  }
  out += '\n';
}

/// True for the handover checklist measurement, which has a section of its own.
bool is_checklist(const nlohmann::json& m) {
  return m.is_object() && m.contains("checklist") && m["checklist"] == "handover";
}

void measurement_items(std::string& out, const CheckResult& c, std::string_view indent) {
  for (const auto& m : measurement_list(c.measurements)) {
    if (is_checklist(m))
      continue;
    std::string codes;
    for (const auto& p : pairs_of(m))
      codes += fmt::format("{}{}", codes.empty() ? "" : " ",
                           md_code(fmt::format("{}={}", p.key, p.compact)));
    out += fmt::format("{}- measured: {}\n", indent, codes);
  }
}

void fix_item(std::string& out, size_t number, const CheckResult& c) {
  out += fmt::format("- [ ] **{}.** {} · {} · {} — {}\n", number, to_string(c.meta.severity),
                     to_string(c.status), md_code(c.meta.id),
                     md_text(c.meta.title.empty() ? c.meta.id : c.meta.title, k_item_indent));
  if (!c.reason.empty()) {
    out +=
        fmt::format("\n{}{}{}\n", k_item_indent, c.status == Status::error ? "Could not run: " : "",
                    md_text(c.reason, k_item_indent));
  }
  if (!c.findings.empty()) {
    out += '\n';
    for (const auto& f : c.findings)
      finding_item(out, f);
  }
  auto measured = measurement_list(c.measurements);
  if (std::any_of(measured.begin(), measured.end(),
                  [](const nlohmann::json& m) { return !is_checklist(m); })) {
    out += '\n';
    measurement_items(out, c, k_item_indent);
  }
  out += '\n';
  if (!c.meta.fix.empty())
    out += fmt::format("{}Fix: {}\\\n", k_item_indent, md_text(c.meta.fix, k_item_indent));
  out += fmt::format("{}Effort: ~{} h\n\n", k_item_indent, hours_text(c.meta.effort_hours));
}

std::string string_of(const nlohmann::json& m, const char* key) {
  auto it = m.find(key);
  return it != m.end() && it->is_string() ? it->get<std::string>() : "";
}

std::vector<std::string> strings_of(const nlohmann::json& m, const char* key) {
  std::vector<std::string> out;
  auto it = m.find(key);
  if (it != m.end() && it->is_array())
    for (const auto& v : *it)
      if (v.is_string())
        out.push_back(v.get<std::string>());
  return out;
}

/// The first handover checklist measured in `report`, or null.
const nlohmann::json* find_checklist(const Report& report) {
  for (const auto& c : report.checks)
    if (c.measurements.is_array())
      for (const auto& m : c.measurements)
        if (is_checklist(m))
          return &m;
  return nullptr;
}

/// "Handover checklist": who, what, watching, then every check that needs work with its fix.
void handover_section(std::string& out, const Report& report, const nlohmann::json& m) {
  out += "## Handover checklist\n\n";
  auto item = [&](std::string_view label, const std::string& value, bool code) {
    std::string shown = value.empty() ? "**missing**"
                        : code        ? md_code(value)
                                      : md_text(value, k_item_indent);
    out += fmt::format("- {}: {}\n", label, shown);
  };
  auto list = [&](std::string_view label, const std::vector<std::string>& values, bool code,
                  std::string_view none) {
    if (values.empty()) {
      out += fmt::format("- {}: {}\n", label, none);
      return;
    }
    out += fmt::format("- {}:\n", label);
    for (const auto& v : values)
      out +=
          fmt::format("{}- {}\n", k_item_indent, code ? md_code(v) : md_text(v, k_finding_indent));
  };
  std::vector<std::string> owners = strings_of(m, "owners");
  std::string owners_text;
  for (const auto& o : owners)
    owners_text += (owners_text.empty() ? "" : ", ") + md_text(o);
  std::string source = string_of(m, "owners_source");
  if (!owners.empty() && !source.empty() && source != "handover.owners")
    owners_text += fmt::format(" (from {})", md_code(source));
  out += fmt::format("- Owners: {}\n", owners_text.empty() ? "**missing**" : owners_text);
  item("Approves production changes", string_of(m, "approver"), false);
  item("Support contact", string_of(m, "support"), false);
  item("Secrets live in", string_of(m, "secrets"), false);
  if (std::string notes = string_of(m, "notes"); !notes.empty())
    item("Notes", notes, false);
  for (auto [label, key] :
       {std::pair{"Build", "build"}, std::pair{"Test", "test"}, std::pair{"Migrate", "migrate"},
        std::pair{"Rollback command", "rollback"}})
    out += fmt::format("- {}: {}\n", label,
                       string_of(m, key).empty() ? "not configured" : md_code(string_of(m, key)));
  std::string where = string_of(m, "rollback_procedure");
  std::string heading = string_of(m, "rollback_heading");
  out += fmt::format(
      "- Rollback steps: {}\n",
      where.empty()
          ? "**missing**"
          : fmt::format("{}{}", heading.empty() ? "" : "\u201c" + md_text(heading) + "\u201d at ",
                        md_code(where)));
  list("Monitors", strings_of(m, "monitors"), false, "**none**");
  list("Alert routes", strings_of(m, "alert_routes"), false, "**none**");
  list("Runbooks", strings_of(m, "runbooks"), true, "none found");
  out += '\n';

  out += "### Open findings\n\n";
  bool any = false;
  for (const auto& c : report.checks) {
    if (!needs_work(c.status))
      continue;
    any = true;
    out += fmt::format("- [ ] {} · {} · {} — {}\n", md_code(c.meta.id), to_string(c.status),
                       to_string(c.meta.severity),
                       md_text(c.meta.title.empty() ? c.meta.id : c.meta.title, k_item_indent));
    for (const auto& f : c.findings) {
      std::string first = f.message.substr(0, f.message.find('\n'));
      out += fmt::format("{}- {}\n", k_item_indent,
                         md_text(first.empty() ? "(no message)" : first, k_finding_indent));
    }
    if (c.findings.empty() && !c.reason.empty())
      out += fmt::format("{}- {}\n", k_item_indent, md_text(c.reason, k_finding_indent));
    if (!c.meta.fix.empty())
      out += fmt::format("{}- Fix: {}\n", k_item_indent, md_text(c.meta.fix, k_finding_indent));
  }
  out += any ? "\n" : "None.\n\n";
}

std::string summary_line(const Report& r) {
  Summary s = summarize(r.checks);
  return fmt::format("{} fail, {} error, {} warn, {} pass, {} skip", s.fail, s.error, s.warn,
                     s.pass, s.skip);
}

} // namespace

std::string render_markdown(const Report& report) {
  std::string out = "# Launch readiness checklist\n\n";
  out += fmt::format("**Verdict: {}** — {}\n\n", verdict_title(report.verdict),
                     md_text(verdict_explanation(report)));
  std::string gates;
  for (const auto& g : report.gates)
    gates += (gates.empty() ? "" : ", ") + md_text(g);
  out +=
      fmt::format("- Target: {}\n", report.base_url.empty() ? "(none)" : md_code(report.base_url));
  out += fmt::format("- Date: {} (took {})\n",
                     report.started_at.empty() ? "(unknown)" : md_text(report.started_at),
                     duration_text(report.duration_ms));
  out += fmt::format("- Gates: {}\n", gates.empty() ? "(none)" : gates);
  out += fmt::format("- Summary: {}\n", summary_line(report));
  out += fmt::format("- Tool: launchgate {}\n\n", md_text(report.tool_version));

  if (const auto* checklist = find_checklist(report))
    handover_section(out, report, *checklist);

  out += "## What to fix, in order\n\n";
  auto todo = fix_list(report);
  if (todo.empty())
    out += "Nothing to fix.\n\n";
  std::vector<const CheckResult*> must;
  std::vector<const CheckResult*> should;
  for (size_t i = 0; i < todo.size(); ++i) {
    fix_item(out, i + 1, *todo[i]);
    (todo[i]->status == Status::warn ? should : must).push_back(todo[i]);
  }
  if (!todo.empty()) {
    out += fmt::format("**Total effort: ~{} h** (fail and error: ~{} h; warn: ~{} h)\n\n",
                       hours_text(total_effort(todo)), hours_text(total_effort(must)),
                       hours_text(total_effort(should)));
  }

  out += "## Passed\n\n";
  bool any = false;
  for (const auto& c : report.checks) {
    if (c.status != Status::pass)
      continue;
    any = true;
    out += fmt::format("- {} — {}\n", md_code(c.meta.id),
                       md_text(c.meta.title.empty() ? c.meta.id : c.meta.title, k_item_indent));
    measurement_items(out, c, k_item_indent);
  }
  out += any ? "\n" : "None.\n\n";

  out += "## Not checked\n\n";
  any = false;
  for (const auto& c : report.checks) {
    if (c.status != Status::skip)
      continue;
    any = true;
    out += fmt::format("- {} — {}: {}\n", md_code(c.meta.id),
                       md_text(c.meta.title.empty() ? c.meta.id : c.meta.title, k_item_indent),
                       c.reason.empty() ? "no reason given" : md_text(c.reason, k_item_indent));
  }
  out += any ? "" : "None.\n";
  return out;
}

} // namespace lg::report::detail
