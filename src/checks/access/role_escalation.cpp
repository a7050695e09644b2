// access.role-escalation (OWASP API5:2023 BFLA, CWE-285): every admin-only operation
// (api.admin_only or x-admin-only) is called by each non-admin account, at the URLs an admin of the
// same org read during the harvest. Reads always; POST writes only with --allow-writes, with a
// valid sample body. A read violates when it answers 2xx with data (not an error body, not an empty
// list); a write when it answers 2xx.

#include "analyze/objects.hpp"
#include "analyze/samples.hpp"
#include "checks/access/common.hpp"
#include "checks/registry.hpp"

#include <fmt/format.h>

namespace lg::checks {
namespace {

/// Concrete paths of `op` for `account`: the template itself without path parameters, else the
/// paths an admin of the same org read.
std::vector<std::string> paths_for(const engine::Context& context, const engine::Harvest& harvest,
                                   const analyze::Operation& op, const Account& account) {
  if (op.path_params.empty())
    return {op.path};
  std::vector<std::string> out;
  for (const auto& admin : context.config().accounts) {
    if (admin.org != account.org || !engine::is_admin(admin))
      continue;
    for (const auto* seen : harvest.of(admin.name, &op))
      if (seen->has_data() && out.size() < engine::Harvest::k_items_per_list)
        out.push_back(seen->path);
  }
  return out;
}

} // namespace

CheckResult run_access_role_escalation(engine::Context& context, const CheckMeta& meta) {
  if (auto stop = access::preconditions(context, meta, 1))
    return *stop;
  const auto& harvest = context.harvest();
  const auto& ops = **context.operations();
  const auto& accounts = context.config().accounts;
  std::vector<const analyze::Operation*> admin_ops;
  for (const auto& op : ops)
    if (harvest.admin_only(op))
      admin_ops.push_back(&op);
  if (admin_ops.empty())
    return engine::skipped(meta, SkipKind::not_configured,
                           "no admin-only operation: list them in api.admin_only (or mark them "
                           "x-admin-only: true in the OpenAPI description)");
  bool has_staff = std::any_of(accounts.begin(), accounts.end(),
                               [](const Account& a) { return !engine::is_admin(a); });
  if (!has_staff)
    return engine::skipped(meta, SkipKind::not_configured,
                           "needs a non-admin account (accounts[].role other than admin)");

  std::vector<Finding> findings;
  std::map<std::string, size_t> finding_of;
  int sent = 0;
  int writes_skipped = 0;
  int unfillable = 0;
  access::Probing probing;
  for (const auto& account : accounts) {
    if (engine::is_admin(account) || probing.stop())
      continue;
    for (const auto* op : admin_ops) {
      if (op->method == "HEAD")
        continue; // no body to judge; the GET of the same path is probed
      bool read = op->method == "GET";
      if (!read && (!context.options().allow_writes || op->method != "POST")) {
        ++writes_skipped;
        continue;
      }
      auto paths = paths_for(context, harvest, *op, account);
      if (paths.empty()) {
        ++unfillable;
        continue;
      }
      for (const auto& path : paths) {
        net::HttpRequest request;
        request.method = op->method;
        request.url = path;
        request.headers.push_back({"Accept", "application/json"});
        if (!read) {
          request.body =
              analyze::sample_body(op->body_schema, op->body_example, "launchgate-role-probe")
                  .dump();
          request.headers.push_back({"Content-Type", "application/json"});
        }
        auto response = access::probe_as(context, account.name, request, probing);
        if (!response) {
          if (probing.stop())
            break;
          continue;
        }
        ++sent;
        bool success = response->status >= 200 && response->status < 300;
        auto body = engine::parse_body(*response);
        bool violated =
            read ? success && !body.is_discarded() && !analyze::is_refusal_body(body) : success;
        if (!violated)
          continue;
        std::string group = fmt::format("{} {} {}", op->method, op->path, account.role);
        if (auto it = finding_of.find(group); it != finding_of.end()) {
          findings[it->second].evidence["accounts"].push_back(account.name);
          break;
        }
        auto f = access::access_finding(
            context,
            fmt::format("{} {} is admin-only but answered {} {} to {} ({} of {})", op->method,
                        op->path, response->status, read ? "with data" : "(the write was accepted)",
                        account.name, account.role, account.org),
            *op, account.name, "", request, *response);
        f.evidence["role"] = account.role;
        if (!read)
          f.evidence["note"] = "the accepted write may have created an object: look for "
                               "launchgate-role-probe in its strings and remove it";
        f.evidence["accounts"] = nlohmann::json::array({account.name});
        f.fingerprint = make_fingerprint(meta.id, {op->method, op->path, account.role});
        finding_of.emplace(group, findings.size());
        findings.push_back(std::move(f));
        break;
      }
    }
  }
  std::string summary =
      fmt::format("{} admin-only request(s) sent as non-admin accounts over {} operation(s)", sent,
                  admin_ops.size());
  if (writes_skipped > 0)
    summary += fmt::format("; {} write(s) not sent ({})", writes_skipped,
                           context.options().allow_writes
                               ? "PUT, PATCH and DELETE need an object the tool created"
                               : "read-only run; --allow-writes sends POST writes");
  if (unfillable > 0)
    summary += fmt::format("; {} operation(s) without an id an admin could read", unfillable);
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), true, summary);
  if (auto why = probing.incomplete(); !why.empty()) // no pass for what got no answer
    return engine::errored(meta, fmt::format("{}; {}", why, summary));
  if (sent == 0)
    return engine::skipped(meta, SkipKind::not_applicable, "nothing could be sent: " + summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
