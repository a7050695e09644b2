// deploy.handover (ASVS 14.1.4): the handover checklist of the run, from the config's handover:
// section (owners, or a CODEOWNERS file's; the production approver; support; where secrets live;
// notes), deploy:'s commands, the written rollback procedure (checks/deploy/procedures), the
// monitor's checks and alert routes (URLs shown as scheme://host only) and the runbook files. One
// measurement holds the checklist; a missing owner, approver, support contact or rollback
// procedure fails, a missing secrets location, monitor or alert route warns.

#include "checks/deploy/procedures.hpp"
#include "checks/preconditions.hpp"
#include "checks/registry.hpp"
#include "checks/secrets/scan.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

#include <fmt/format.h>

#include <filesystem>

namespace lg::checks {
namespace {

namespace fs = std::filesystem;

/// A URL as scheme://host[:port] (its path and query may hold a token), or "(invalid URL)".
std::string origin_only(const std::string& url) {
  auto parsed = parse_url(url);
  return parsed ? parsed->origin() : "(invalid URL)";
}

/// An http monitor's URL without its query (which may hold a token) or user part.
std::string url_without_query(const std::string& url) {
  std::string out = url;
  if (auto parsed = parse_url(url))
    out = parsed->origin() + parsed->path;
  if (auto q = out.find_first_of("?#"); q != std::string::npos)
    out = out.substr(0, q) + (out[q] == '?' ? "?…" : "");
  return out;
}

std::vector<std::string> monitors_of(const MonitorConfig& monitor) {
  std::vector<std::string> out;
  for (const auto& c : monitor.checks) {
    std::string what;
    switch (c.type) {
    case MonitorCheckType::http:
      what = fmt::format("{} {}{}", c.method, url_without_query(c.url),
                         c.as.empty() ? "" : " as " + c.as);
      break;
    case MonitorCheckType::dns:
      what = fmt::format("DNS {} {}", c.dns_type, c.dns_name);
      break;
    case MonitorCheckType::tls:
      what = fmt::format("TLS certificate of {}:{}", c.tls_host, c.tls_port);
      break;
    }
    out.push_back(
        fmt::format("{}: {}{}", c.name, what, c.expect.empty() ? "" : ", expect " + c.expect));
  }
  return out;
}

std::vector<std::string> alert_routes_of(const MonitorAlertsConfig& alerts) {
  std::vector<std::string> out;
  if (!alerts.webhook.empty())
    out.push_back("webhook to " + origin_only(alerts.webhook));
  if (!alerts.slack.empty())
    out.push_back("Slack webhook to " + origin_only(alerts.slack));
  if (alerts.email)
    out.push_back(
        fmt::format("e-mail via {} to {}", alerts.email->smtp,
                    alerts.email->to.empty() ? "(nobody)" : join(alerts.email->to, ", ")));
  return out;
}

Finding missing(const CheckMeta& meta, const std::string& item, std::string message) {
  Finding f;
  f.message = std::move(message);
  f.evidence = {{"item", item}};
  f.fingerprint = make_fingerprint(meta.id, {"missing", item});
  return f;
}

} // namespace

CheckResult run_deploy_handover(engine::Context& context, const CheckMeta& meta) {
  if (auto skip = needs_deploy_repo(context, meta))
    return *skip;
  const auto& config = context.config();
  const auto& handover = config.handover;
  const auto& deploy = config.deploy;
  const fs::path repo = config.resolve_path(deploy.repo);
  auto scan = scan_from_config(config);
  if (!scan)
    return engine::errored(meta, scan.error().message);
  auto mask = [&](const std::string& text) { return deploy::mask_secrets(text, *scan->matcher); };

  // 1. Who: owners (handover.owners, else a CODEOWNERS file), approver, support, secrets.
  std::vector<std::string> owners;
  std::string owners_source;
  std::string codeowners_note;
  if (!handover.owners.empty()) {
    for (const auto& o : handover.owners)
      owners.push_back(mask(o));
    owners_source = "handover.owners";
  } else if (auto co = deploy::find_codeowners(repo); !co.path.empty()) {
    for (const auto& o : co.owners)
      owners.push_back(mask(o));
    owners_source = co.path;
    codeowners_note = owners.empty()
                          ? fmt::format("{} names no owner", co.path)
                          : fmt::format("owners from {} (handover.owners is empty)", co.path);
  }

  // 2. What: the commands, the written rollback procedure, the runbooks.
  auto procedures = deploy::find_procedures(repo);
  const deploy::RollbackProcedure* rollback =
      procedures.rollback.empty() ? nullptr : &procedures.rollback.front();

  // 3. Watching: the monitor's checks and where it alerts.
  auto monitors = monitors_of(config.monitor);
  for (auto& m : monitors)
    m = mask(m);
  auto routes = alert_routes_of(config.monitor.alerts);

  nlohmann::json checklist = {
      {"checklist", "handover"},
      {"owners", owners},
      {"owners_source", owners_source},
      {"approver", mask(handover.approver)},
      {"support", mask(handover.support)},
      {"secrets", mask(handover.secrets)},
      {"notes", mask(handover.notes)},
      {"build", mask(deploy.build)},
      {"test", mask(deploy.test)},
      {"migrate", mask(deploy.migrate)},
      {"rollback", mask(deploy.rollback)},
      {"rollback_procedure", rollback == nullptr ? "" : rollback->where()},
      {"rollback_heading", rollback == nullptr ? "" : mask(rollback->heading)},
      {"monitors", monitors},
      {"alert_routes", routes},
      {"runbooks", procedures.runbooks},
  };

  // 4. What is missing: the four the next person cannot do without fail; the rest warns.
  std::vector<Finding> findings;
  bool serious = false;
  if (owners.empty()) {
    std::string where =
        codeowners_note.empty() ? "and there is no CODEOWNERS file" : "and " + codeowners_note;
    auto f = missing(meta, "owners",
                     fmt::format("No owner is named: handover.owners is empty {}. Fix: list the "
                                 "people who run the portal after launch under handover.owners "
                                 "(or commit a CODEOWNERS file)",
                                 where));
    findings.push_back(std::move(f));
    serious = true;
  }
  if (handover.approver.empty()) {
    findings.push_back(missing(meta, "approver",
                               "No approver of production changes is named. Fix: set "
                               "handover.approver to the person who approves production deploys"));
    serious = true;
  }
  if (handover.support.empty()) {
    findings.push_back(missing(meta, "support",
                               "No support contact is named. Fix: set handover.support to where "
                               "users' problems go (an address, a queue, a channel)"));
    serious = true;
  }
  if (rollback == nullptr) {
    auto f = missing(meta, "rollback",
                     fmt::format("No written rollback steps: none of the {} operator document(s) "
                                 "has a rollback section{}. Fix: describe how to put the previous "
                                 "release back in the README or a runbook (see deploy.rollback)",
                                 procedures.documents.size(),
                                 deploy.rollback.empty()
                                     ? ""
                                     : fmt::format(" (deploy.rollback is `{}`, but the steps "
                                                   "around it are not written down)",
                                                   mask(deploy.rollback))));
    f.evidence["documents"] = procedures.documents.size();
    findings.push_back(std::move(f));
    serious = true;
  }
  if (handover.secrets.empty())
    findings.push_back(missing(meta, "secrets",
                               "Where the secrets live is not said. Fix: set handover.secrets to "
                               "the vault or password manager that holds them"));
  if (monitors.empty())
    findings.push_back(missing(meta, "monitors",
                               "No monitor is listed. Fix: add the home page and a signed-in "
                               "page to monitor.checks and run launchgate monitor"));
  if (routes.empty())
    findings.push_back(missing(meta, "alert_routes",
                               "No alert route is configured. Fix: set monitor.alerts.webhook, "
                               "slack or email so that an outage reaches a person"));

  std::string summary = fmt::format(
      "{} owner(s){}, approver {}, support {}, secrets {}; rollback procedure {}; {} monitor(s), "
      "{} alert route(s); {} runbook file(s)",
      owners.size(), codeowners_note.empty() ? "" : " (" + codeowners_note + ")",
      handover.approver.empty() ? "missing" : "named",
      handover.support.empty() ? "missing" : "named",
      handover.secrets.empty() ? "not said" : "named",
      rollback == nullptr ? "missing" : "at " + rollback->where(), monitors.size(), routes.size(),
      procedures.runbooks.size());
  nlohmann::json measurements = nlohmann::json::array({checklist});
  if (findings.empty())
    return engine::passed(meta, summary, std::move(measurements));
  auto result = engine::failed(meta, std::move(findings), serious, summary);
  result.measurements = std::move(measurements);
  return result;
}

} // namespace lg::checks
