// SARIF 2.1.0 (OASIS, sarif-schema-2.1.0.json): one run; one reportingDescriptor (rule) per check
// of the report; one result per finding of a failing or warning check; checks that could not run
// become toolExecutionNotifications of the single invocation.

#include "report/common.hpp"

#include <fmt/format.h>

#include <map>

namespace lg::report::detail {

namespace {

using OrderedJson = nlohmann::ordered_json;

/// A path as a relative URI reference (RFC 3986): unreserved characters, "/" and the harmless
/// sub-delimiters stay; everything else, ":" included (it would read as a scheme), is
/// percent-encoded.
std::string uri_reference(std::string_view path) {
  static constexpr std::string_view k_keep = "-._~/!$&'()*+,;=@";
  std::string out;
  for (char ch : path) {
    auto c = static_cast<unsigned char>(ch);
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum || k_keep.find(ch) != std::string_view::npos)
      out += ch;
    else
      out += fmt::format("%{:02X}", static_cast<unsigned>(c));
  }
  return out;
}

/// "access.cross-tenant-read" → "AccessCrossTenantRead": SARIF's friendly rule name.
std::string friendly_name(std::string_view id) {
  std::string out;
  bool upper = true;
  for (char c : id) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum) {
      upper = true;
      continue;
    }
    out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return out.empty() ? std::string(id) : out;
}

OrderedJson rule_json(const CheckResult& c) {
  OrderedJson rule = OrderedJson::object();
  rule["id"] = c.meta.id;
  rule["name"] = friendly_name(c.meta.id);
  rule["shortDescription"] = {{"text", c.meta.title.empty() ? c.meta.id : c.meta.title}};
  if (!c.meta.summary.empty())
    rule["fullDescription"] = {{"text", c.meta.summary}};
  if (!c.meta.fix.empty())
    rule["help"] = {{"text", c.meta.fix}};
  rule["defaultConfiguration"] = {{"level", sarif_level(c.meta.severity)}};
  rule["properties"] = {{"gate", c.meta.gate},
                        {"severity", to_string(c.meta.severity)},
                        {"effort_hours", hours_json(c.meta.effort_hours)},
                        {"tags", c.meta.references}};
  return rule;
}

/// A failing check's level comes from its severity; a warning never reads louder than "warning".
std::string_view result_level(const CheckResult& c) {
  std::string_view level = sarif_level(c.meta.severity);
  if (c.status == Status::warn && level == "error")
    return "warning";
  return level;
}

OrderedJson locations_json(const Finding& f) {
  OrderedJson out = OrderedJson::array();
  for (const auto& l : all_locations(f)) {
    if (l.file.empty())
      continue;
    OrderedJson physical = {{"artifactLocation", {{"uri", uri_reference(l.file)}}}};
    if (l.line > 0)
      physical["region"] = {{"startLine", l.line}};
    OrderedJson location = {{"physicalLocation", std::move(physical)}};
    if (!l.commit.empty())
      location["properties"] = {{"commit", l.commit}};
    out.push_back(std::move(location));
  }
  return out;
}

OrderedJson result_json(const CheckResult& c, size_t rule_index, const Finding* f) {
  OrderedJson result = OrderedJson::object();
  result["ruleId"] = c.meta.id;
  result["ruleIndex"] = rule_index;
  result["level"] = result_level(c);
  std::string text;
  if (f != nullptr)
    text = f->message;
  if (text.empty())
    text = !c.reason.empty() ? c.reason : (c.meta.title.empty() ? c.meta.id : c.meta.title);
  result["message"] = {{"text", text}};
  if (f == nullptr)
    return result;
  OrderedJson locations = locations_json(*f);
  if (!locations.empty())
    result["locations"] = std::move(locations);
  if (!f->fingerprint.empty())
    result["partialFingerprints"] = {{"launchgate/v1", f->fingerprint}};
  OrderedJson properties = {
      {"evidence", f->evidence.is_null() ? OrderedJson::object() : display_ordered(f->evidence)}};
  if (!f->rule.empty())
    properties["rule"] = f->rule;
  result["properties"] = std::move(properties);
  return result;
}

} // namespace

std::string render_sarif(const Report& report) {
  OrderedJson rules = OrderedJson::array();
  std::map<std::string, size_t> rule_index;
  for (const auto& c : report.checks) {
    if (rule_index.emplace(c.meta.id, rules.size()).second)
      rules.push_back(rule_json(c));
  }

  OrderedJson results = OrderedJson::array();
  OrderedJson notifications = OrderedJson::array();
  for (const auto& c : report.checks) {
    size_t index = rule_index.at(c.meta.id);
    if (c.status == Status::fail || c.status == Status::warn) {
      for (const auto& f : c.findings)
        results.push_back(result_json(c, index, &f));
      if (c.findings.empty()) // a failure without findings must not vanish
        results.push_back(result_json(c, index, nullptr));
    } else if (c.status == Status::error) {
      notifications.push_back(
          {{"level", "error"},
           {"message",
            {{"text", fmt::format("{} could not run: {}", c.meta.id,
                                  c.reason.empty() ? "no reason given" : c.reason)}}},
           {"associatedRule", {{"id", c.meta.id}, {"index", index}}}});
    }
  }

  OrderedJson invocation = {{"executionSuccessful", true}};
  if (!report.started_at.empty())
    invocation["startTimeUtc"] = report.started_at;
  if (!notifications.empty())
    invocation["toolExecutionNotifications"] = std::move(notifications);

  Summary s = summarize(report.checks);
  OrderedJson driver = {{"name", "launchgate"}};
  if (!report.tool_version.empty())
    driver["version"] = report.tool_version;
  driver["rules"] = std::move(rules);

  OrderedJson run = OrderedJson::object();
  run["tool"] = {{"driver", std::move(driver)}};
  run["invocations"] = OrderedJson::array({std::move(invocation)});
  run["results"] = std::move(results);
  run["properties"] = {{"verdict", to_string(report.verdict)},
                       {"base_url", report.base_url},
                       {"gates", report.gates},
                       {"summary",
                        {{"pass", s.pass},
                         {"fail", s.fail},
                         {"warn", s.warn},
                         {"skip", s.skip},
                         {"error", s.error}}}};

  OrderedJson doc = OrderedJson::object();
  doc["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  doc["version"] = "2.1.0";
  doc["runs"] = OrderedJson::array({std::move(run)});
  return dump_pretty(doc);
}

} // namespace lg::report::detail
