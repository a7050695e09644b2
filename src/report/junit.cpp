// JUnit XML as CI servers read it (the Ant/Surefire dialect: testsuites > testsuite > testcase with
// failure, error, skipped and system-out): a testsuite per gate in k_gates order, a testcase per
// check. All text goes through xml_escape (XML 1.0: escapes, forbidden characters dropped).

#include "report/common.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace lg::report::detail {

namespace {

std::string attr(std::string_view s) {
  return xml_escape(s, true);
}
std::string text(std::string_view s) {
  return xml_escape(s, false);
}

/// `s` on one line: line breaks become spaces.
std::string one_line(std::string_view s) {
  std::string out;
  for (auto part : split_lines(s)) {
    if (!out.empty())
      out += ' ';
    out += part;
  }
  return out;
}

/// One line per finding: its message, then [evidence] and where it stands.
std::string finding_line(const Finding& f) {
  std::string out = one_line(f.message.empty() ? "(no message)" : f.message);
  std::string evidence = compact_pairs(f.evidence);
  if (!f.rule.empty())
    evidence = fmt::format("rule={}{}{}", f.rule, evidence.empty() ? "" : " ", evidence);
  if (!evidence.empty())
    out += fmt::format(" [{}]", evidence);
  auto locations = all_locations(f);
  for (size_t i = 0; i < locations.size(); ++i)
    out += (i == 0 ? " at " : ", ") + location_text(locations[i]);
  return out;
}

/// The body of a failure or system-out: the reason, each finding, measurements and the fix.
std::string details(const CheckResult& c, bool with_reason) {
  std::string out;
  if (with_reason && !c.reason.empty())
    out += one_line(c.reason) + "\n";
  for (const auto& f : c.findings)
    out += finding_line(f) + "\n";
  for (const auto& m : measurement_list(c.measurements))
    out += fmt::format("measured: {}\n", compact_pairs(m));
  if (needs_work(c.status) && !c.meta.fix.empty())
    out += fmt::format("fix: {} (~{} h)\n", one_line(c.meta.fix), hours_text(c.meta.effort_hours));
  return out;
}

std::string counts(const std::vector<const CheckResult*>& checks) {
  return fmt::format(R"(tests="{}" failures="{}" errors="{}" skipped="{}")", checks.size(),
                     count_status(checks, Status::fail), count_status(checks, Status::error),
                     count_status(checks, Status::skip));
}

void testcase(std::string& out, const CheckResult& c) {
  std::string open = fmt::format(R"(    <testcase classname="launchgate.{}" name="{}")",
                                 attr(c.meta.gate), attr(c.meta.id));
  std::string title = c.meta.title.empty() ? c.meta.id : c.meta.title;
  switch (c.status) {
  case Status::fail:
    out += fmt::format("{}>\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n", open,
                       attr(title), to_string(c.meta.severity), text(details(c, true)));
    break;
  case Status::error:
    out += fmt::format("{}>\n      <error message=\"{}\"/>\n", open,
                       attr(one_line(c.reason.empty() ? "could not run" : c.reason)));
    if (std::string more = details(c, false); !more.empty())
      out += fmt::format("      <system-out>{}</system-out>\n", text(more));
    break;
  case Status::skip:
    out += fmt::format("{}>\n      <skipped message=\"{}\"/>\n", open,
                       attr(one_line(c.reason.empty() ? "skipped" : c.reason)));
    break;
  case Status::warn:
    out += fmt::format("{}>\n      <system-out>{}</system-out>\n", open,
                       text("warning: " + details(c, true)));
    break;
  case Status::pass:
    if (std::string more = details(c, false); !more.empty())
      out += fmt::format("{}>\n      <system-out>{}</system-out>\n", open, text(more));
    else {
      out += open + "/>\n";
      return;
    }
    break;
  }
  out += "    </testcase>\n";
}

} // namespace

std::string render_junit(const Report& report) {
  std::vector<const CheckResult*> all;
  for (const auto& c : report.checks)
    all.push_back(&c);
  long long ms = std::max(report.duration_ms, 0LL);

  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"launchgate\" {} time=\"{}.{:03}\">\n", counts(all),
                     ms / 1000, ms % 1000);
  for (const auto& group : group_by_gate(report)) {
    out += fmt::format("  <testsuite name=\"{}\" {}>\n", attr(group.gate), counts(group.checks));
    for (const auto* c : group.checks)
      testcase(out, *c);
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

} // namespace lg::report::detail
