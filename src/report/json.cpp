// The JSON report, schema launchgate.report/1 (DESIGN.md "Report contract: JSON"; every field is
// documented in docs/report-schema.md). Keys keep contract order; optional members are left out
// rather than written empty.

#include "report/common.hpp"

namespace lg::report {

namespace detail {

namespace {

using OrderedJson = nlohmann::ordered_json;

std::string_view skip_kind_name(SkipKind k) {
  switch (k) {
  case SkipKind::none:
    return "none";
  case SkipKind::not_applicable:
    return "not_applicable";
  case SkipKind::not_configured:
    return "not_configured";
  case SkipKind::not_implemented:
    return "not_implemented";
  }
  return "none";
}

OrderedJson location_json(const Location& l) {
  OrderedJson out = OrderedJson::object();
  out["file"] = l.file;
  if (l.line > 0)
    out["line"] = l.line;
  if (!l.commit.empty())
    out["commit"] = l.commit;
  return out;
}

OrderedJson finding_json(const Finding& f) {
  OrderedJson out = OrderedJson::object();
  out["message"] = f.message;
  out["evidence"] = f.evidence.is_null() ? OrderedJson::object() : display_ordered(f.evidence);
  if (f.location)
    out["location"] = location_json(*f.location);
  if (!f.locations.empty()) {
    OrderedJson list = OrderedJson::array();
    for (const auto& l : f.locations)
      list.push_back(location_json(l));
    out["locations"] = std::move(list);
  }
  if (!f.rule.empty())
    out["rule"] = f.rule;
  out["fingerprint"] = f.fingerprint;
  return out;
}

OrderedJson check_json(const CheckResult& c) {
  OrderedJson out = OrderedJson::object();
  out["id"] = c.meta.id;
  out["gate"] = c.meta.gate;
  out["title"] = c.meta.title;
  out["status"] = to_string(c.status);
  out["severity"] = to_string(c.meta.severity);
  out["reason"] = c.reason;
  if (c.status == Status::skip)
    out["skip_kind"] = skip_kind_name(c.skip_kind);
  OrderedJson findings = OrderedJson::array();
  for (const auto& f : c.findings)
    findings.push_back(finding_json(f));
  out["findings"] = std::move(findings);
  OrderedJson measurements = OrderedJson::array();
  for (const auto& m : measurement_list(c.measurements))
    measurements.push_back(display_ordered(m));
  out["measurements"] = std::move(measurements);
  out["fix"] = c.meta.fix;
  out["effort_hours"] = hours_json(c.meta.effort_hours);
  out["references"] = c.meta.references;
  return out;
}

} // namespace

nlohmann::ordered_json report_document(const Report& report) {
  Summary s = summarize(report.checks);
  OrderedJson doc = OrderedJson::object();
  doc["schema"] = "launchgate.report/1";
  doc["tool"] = {{"name", "launchgate"}, {"version", report.tool_version}};
  doc["target"] = {{"base_url", report.base_url}};
  doc["gates"] = report.gates;
  doc["started_at"] = report.started_at;
  doc["duration_ms"] = report.duration_ms;
  if (!report.requests.empty())
    doc["requests"] = report.requests;
  doc["verdict"] = to_string(report.verdict);
  doc["summary"] = {
      {"pass", s.pass}, {"fail", s.fail}, {"warn", s.warn}, {"skip", s.skip}, {"error", s.error}};
  OrderedJson checks = OrderedJson::array();
  for (const auto& c : report.checks)
    checks.push_back(check_json(c));
  doc["checks"] = std::move(checks);
  // One pass through the serialiser repairs invalid UTF-8 from untrusted text (U+FFFD), so the
  // document can be dumped anywhere without an exception.
  return OrderedJson::parse(doc.dump(-1, ' ', false, OrderedJson::error_handler_t::replace));
}

std::string dump_pretty(const nlohmann::ordered_json& doc) {
  return doc.dump(2, ' ', false, OrderedJson::error_handler_t::replace) + "\n";
}

std::string render_json(const Report& report) {
  return dump_pretty(report_document(report));
}

} // namespace detail

nlohmann::json to_json(const Report& report) {
  return nlohmann::json(detail::report_document(report));
}

} // namespace lg::report
