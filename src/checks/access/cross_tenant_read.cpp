// access.cross-tenant-read (OWASP API1:2023 BOLA, CWE-639): every item another org's account
// read during the harvest is requested again by each account of every other org — at the
// victim's own URL, and for nested paths with the attacker's own parent ids around the victim's
// id (/orgs/{mine}/projects/{theirs}); query parameters that name objects get the victim's ids.
// A violation is a success answer that carries the victim's object (analyze/objects.hpp), never a
// status code alone: a 200 with an error body or an empty list is enforcement.

#include "analyze/objects.hpp"
#include "checks/access/common.hpp"
#include "checks/access/writes.hpp"
#include "checks/registry.hpp"
#include "util/url.hpp"

#include <fmt/format.h>
#include <set>

namespace lg::checks {
namespace {

struct Probe {
  const analyze::Operation* op;
  std::string path;
  std::string owner; ///< the victim account
  std::string how;   ///< "victim's URL", "own parent ids", "query parameter x"
};

/// Probes of `attacker` against the objects `victim` read: at most k_items_per_list per op.
std::vector<Probe> probes_against(const engine::Harvest& harvest, const Account& attacker,
                                  const Account& victim,
                                  const std::vector<analyze::Operation>& ops) {
  std::vector<Probe> out;
  for (const auto& op : ops) {
    if (op.method != "GET" || harvest.shared(op) || harvest.public_op(op))
      continue;
    if (harvest.admin_only(op) && !engine::is_admin(attacker))
      continue; // role-escalation's business
    if (!op.path_params.empty()) {
      auto mine = harvest.of(attacker.name, &op);
      for (const auto* seen : harvest.of(victim.name, &op)) {
        if (!seen->has_data())
          continue;
        out.push_back({&op, seen->path, victim.name, "the victim's own URL"});
        if (op.path_params.size() < 2)
          continue;
        // The attacker's own parents around the victim's leaf id (nested BOLA).
        for (const auto* own : mine) {
          if (own->values.size() != seen->values.size())
            continue;
          auto values = own->values;
          values.back() = seen->values.back();
          if (values == seen->values)
            continue;
          out.push_back({&op, engine::fill_params(op.path, values), victim.name,
                         "the attacker's own parent ids around the victim's id"});
          break;
        }
      }
      continue;
    }
    // Query parameters that name objects, given the victim's ids.
    for (const auto& param : op.params) {
      if (param.in != "query" || !param.object_ref)
        continue;
      std::vector<std::string> ids;
      for (const auto& value : harvest.ownership().values_of(victim.org, param.name))
        ids.push_back(value);
      if (ids.empty())
        for (const auto& object : harvest.ownership().objects_of(victim.org))
          if (!object.id.empty() && ids.size() < engine::Harvest::k_items_per_list)
            ids.push_back(object.id);
      for (size_t i = 0; i < ids.size() && i < engine::Harvest::k_items_per_list; ++i)
        out.push_back({&op,
                       fmt::format("{}?{}={}", op.path, url_encode(param.name), url_encode(ids[i])),
                       victim.name, fmt::format("query parameter {}", param.name)});
    }
  }
  return out;
}

} // namespace

CheckResult run_access_cross_tenant_read(engine::Context& context, const CheckMeta& meta) {
  if (auto stop = access::preconditions(context, meta, 2))
    return *stop;
  const auto& harvest = context.harvest();
  const auto& ops = **context.operations();
  const auto& accounts = context.config().accounts;

  std::map<std::string, size_t> finding_of; // op + org pair -> index in findings
  std::vector<Finding> findings;
  int sent = 0;
  int refused = 0;
  std::set<std::string> done; // attacker + path
  access::Probing probing;
  for (const auto& attacker : accounts) {
    for (const auto& victim : accounts) {
      if (victim.org == attacker.org || probing.stop())
        continue;
      for (const auto& probe : probes_against(harvest, attacker, victim, ops)) {
        std::string key = fmt::format("{} {} {}", attacker.name, probe.path, victim.org);
        if (!done.insert(key).second)
          continue;
        net::HttpRequest request;
        request.url = probe.path;
        request.headers.push_back({"Accept", "application/json"});
        auto response = access::probe_as(context, attacker.name, request, probing);
        if (!response) {
          if (probing.stop())
            break;
          continue;
        }
        ++sent;
        auto body = engine::parse_body(*response);
        bool success = response->status >= 200 && response->status < 300;
        auto leaks = success && !body.is_discarded()
                         ? harvest.ownership().find_leaks(body, victim.org, attacker.org)
                         : std::vector<analyze::Leak>{};
        if (leaks.empty()) {
          ++refused;
          continue;
        }
        std::string group =
            fmt::format("{} {} {}>{}", probe.op->method, probe.op->path, attacker.org, victim.org);
        std::string pair = fmt::format("{}→{}", attacker.name, victim.name);
        if (auto it = finding_of.find(group); it != finding_of.end()) {
          auto& pairs = findings[it->second].evidence["pairs"];
          if (std::find(pairs.begin(), pairs.end(), pair) == pairs.end())
            pairs.push_back(pair);
          continue;
        }
        auto f = access::access_finding(
            context,
            fmt::format("{} {} as {} ({}) returned {}'s object{}{} that {} reads (matched {}; "
                        "via {})",
                        probe.op->method, probe.op->path, attacker.name, attacker.org, victim.org,
                        leaks.front().id.empty() ? "" : " ", leaks.front().id, victim.name,
                        fmt::join(leaks.front().fields, ", "), probe.how),
            *probe.op, attacker.name, victim.name, request, *response);
        f.evidence["victim_org"] = victim.org;
        f.evidence["pairs"] = nlohmann::json::array({pair});
        f.evidence["matched_fields"] = leaks.front().fields;
        f.fingerprint =
            make_fingerprint(meta.id, {probe.op->method, probe.op->path, attacker.org, victim.org});
        finding_of.emplace(group, findings.size());
        findings.push_back(std::move(f));
      }
    }
  }
  // With --allow-writes, ownership is made certain: each account creates an object carrying a
  // marker in every creatable collection, and every account of another org asks for it; the
  // marker in a success answer is the victim's data beyond doubt.
  int created_count = 0;
  std::vector<std::string> left;
  if (context.options().allow_writes && !probing.stop()) {
    const auto kinds = access::creatables(harvest, ops);
    std::vector<access::Created> created;
    for (const auto& kind : kinds) {
      for (const auto& victim : accounts) {
        std::string marker = access::write_marker("owned-by-" + victim.name);
        std::string why;
        auto object = access::create_object(context, kind, victim, marker, {}, why);
        if (!object)
          continue;
        created.push_back(std::move(*object));
        const auto& target = created.back();
        for (const auto& attacker : accounts) {
          if (attacker.org == victim.org)
            continue;
          std::string group = fmt::format("{} {} {}>{}", kind.get->method, kind.get->path,
                                          attacker.org, victim.org);
          if (finding_of.contains(group))
            continue;
          net::HttpRequest request;
          request.url = target.path;
          request.headers.push_back({"Accept", "application/json"});
          auto response = access::send_as(context, attacker.name, request);
          if (!response)
            continue;
          ++sent;
          if (response->status < 200 || response->status >= 300 ||
              response->body.find(marker) == std::string::npos) {
            ++refused;
            continue;
          }
          auto f = access::access_finding(
              context,
              fmt::format("{} {} as {} ({}) returned the object {} created in {} (its marker "
                          "came back)",
                          kind.get->method, kind.get->path, attacker.name, attacker.org,
                          victim.name, victim.org),
              *kind.get, attacker.name, victim.name, request, *response);
          f.evidence["victim_org"] = victim.org;
          f.evidence["pairs"] =
              nlohmann::json::array({fmt::format("{}→{}", attacker.name, victim.name)});
          f.fingerprint = make_fingerprint(
              meta.id, {kind.get->method, kind.get->path, attacker.org, victim.org});
          finding_of.emplace(group, findings.size());
          findings.push_back(std::move(f));
        }
      }
    }
    created_count = static_cast<int>(created.size());
    left = access::delete_created(context, created);
  }
  std::string summary = fmt::format("{} request(s) for other orgs' objects across {} account(s); "
                                    "{} refused or without the owner's data; harvest: {} "
                                    "request(s)",
                                    sent, accounts.size(), refused, harvest.requests());
  if (created_count > 0)
    summary += fmt::format("; {} object(s) launchgate created and deleted", created_count);
  if (!left.empty())
    summary += fmt::format("; {} created object(s) could not be deleted: {}", left.size(),
                           fmt::join(left, ", "));
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), true, summary);
  if (auto why = probing.incomplete(); !why.empty()) // no pass for what got no answer
    return engine::errored(meta, fmt::format("{}; {}", why, summary));
  if (sent == 0)
    return engine::skipped(meta, SkipKind::not_applicable,
                           "no item of one org to request as another: the harvest found no "
                           "object behind an id parameter; " +
                               summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
