// access.cross-tenant-write (OWASP API1:2023, CWE-639), only with --allow-writes: each account
// creates its own object in every creatable collection; each account of every other org then
// sends PUT/PATCH (a body carrying its own marker) and DELETE to it — at the owner's URL and, for
// nested paths, under its own parent ids — and the owner reads the object back. A violation is a
// change or a deletion the owner can see; the answer's status alone never decides (APIs that
// answer 200 and write nothing, or write the caller's own object instead, are enforcing).

#include "analyze/objects.hpp"
#include "analyze/samples.hpp"
#include "checks/access/common.hpp"
#include "checks/access/writes.hpp"
#include "checks/registry.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace lg::checks {
namespace {

struct State {
  engine::Context& context;
  const CheckMeta& meta;
  std::vector<Finding> findings;
  std::map<std::string, size_t> finding_of;
  std::vector<access::Created> created;
  std::vector<std::string> unexamined; ///< attempts that could not be judged: no pass
  std::vector<std::string> notes;      ///< creates the API refused an account: said, not judged
  int sent = 0;
};

/// The owner's view of `target`'s members, without those that change on their own (timestamps,
/// versions, etags): what a foreign write must not alter.
std::map<std::string, std::string> stable_members(const std::string& body) {
  std::map<std::string, std::string> out;
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded())
    return out;
  auto objects = analyze::collect_objects(doc, 1);
  if (objects.empty())
    return out;
  for (const auto& [key, value] : objects.front().fields) {
    auto k = to_lower(key);
    if (k.ends_with("_at") || k.find("updated") != std::string::npos ||
        k.find("modified") != std::string::npos || k.find("version") != std::string::npos ||
        k.find("etag") != std::string::npos)
      continue;
    out.emplace(key, value);
  }
  return out;
}

/// Paths of `target` an attacker tries: the owner's own, and its id under the attacker's parents.
std::vector<std::string> target_paths(engine::Context& context, const access::Created& target,
                                      const analyze::Operation& op, const Account& attacker) {
  std::vector<std::string> out{engine::fill_params(op.path, target.values)};
  if (target.values.size() >= 2) {
    for (const auto& o : context.harvest().observations()) {
      if (o.account != attacker.name || o.op->path != target.kind->create->path || !o.ok())
        continue;
      auto values = o.values;
      values.push_back(target.values.back());
      if (values != target.values)
        out.push_back(engine::fill_params(op.path, values));
      break;
    }
  }
  return out;
}

void report(State& s, const analyze::Operation& op, const Account& attacker, const Account& owner,
            const net::HttpRequest& request, const net::HttpResponse& response,
            const std::string& what) {
  std::string group = fmt::format("{} {} {}>{}", op.method, op.path, attacker.org, owner.org);
  std::string pair = fmt::format("{}→{}", attacker.name, owner.name);
  if (auto it = s.finding_of.find(group); it != s.finding_of.end()) {
    auto& pairs = s.findings[it->second].evidence["pairs"];
    if (std::find(pairs.begin(), pairs.end(), pair) == pairs.end())
      pairs.push_back(pair);
    return;
  }
  auto f = access::access_finding(s.context,
                                  fmt::format("{} {} as {} ({}) {} {}'s object (read back by {})",
                                              op.method, op.path, attacker.name, attacker.org, what,
                                              owner.org, owner.name),
                                  op, attacker.name, owner.name, request, response);
  f.evidence["victim_org"] = owner.org;
  f.evidence["pairs"] = nlohmann::json::array({pair});
  f.fingerprint = make_fingerprint(s.meta.id, {op.method, op.path, attacker.org, owner.org});
  s.finding_of.emplace(group, s.findings.size());
  s.findings.push_back(std::move(f));
}

/// Sends `op` as `attacker` to `target`; true when the owner then sees the change.
bool attack(State& s, const analyze::Operation& op, access::Created& target,
            const Account& attacker, const Account& owner) {
  bool remove = op.method == "DELETE";
  std::string marker = access::write_marker("by-" + attacker.name);
  auto before = access::read_back(s.context, target, owner.name);
  auto was = before && before->status >= 200 && before->status < 300
                 ? stable_members(before->body)
                 : std::map<std::string, std::string>{};
  for (const auto& path : target_paths(s.context, target, op, attacker)) {
    net::HttpRequest request;
    request.method = op.method;
    request.url = path;
    request.headers.push_back({"Accept", "application/json"});
    if (!remove) {
      request.body = analyze::sample_body(op.body_schema, op.body_example, marker).dump();
      request.headers.push_back({"Content-Type", "application/json"});
    }
    auto response = access::send_as(s.context, attacker.name, request);
    if (!response) {
      s.unexamined.push_back(fmt::format("{} {}: {}", op.method, path, response.error().message));
      continue;
    }
    ++s.sent;
    auto back = access::read_back(s.context, target, owner.name);
    if (!back) {
      s.unexamined.push_back(fmt::format("read-back of {}: {}", target.path, back.error().message));
      continue;
    }
    bool gone = back->status == 404 || back->status == 410;
    if (remove && gone) {
      target.deleted = true;
      report(s, op, attacker, owner, request, *response, "deleted");
      return true;
    }
    // Changed: the attacker's marker is in the object, or any stable member differs.
    if (!remove && back->status >= 200 && back->status < 300 &&
        (back->body.find(marker) != std::string::npos ||
         (!was.empty() && stable_members(back->body) != was))) {
      report(s, op, attacker, owner, request, *response, "changed");
      return true;
    }
  }
  return false;
}

} // namespace

CheckResult run_access_cross_tenant_write(engine::Context& context, const CheckMeta& meta) {
  if (!context.options().allow_writes)
    return engine::skipped(meta, SkipKind::not_configured,
                           "read-only run: --allow-writes lets launchgate create its own objects "
                           "and try to change and delete them as other orgs");
  if (auto stop = access::preconditions(context, meta, 2))
    return *stop;
  const auto& harvest = context.harvest();
  const auto& ops = **context.operations();
  auto kinds = access::creatables(harvest, ops);
  State s{context, meta, {}, {}, {}, {}, {}, 0};
  const auto& accounts = context.config().accounts;
  size_t writable = 0;
  for (const auto& kind : kinds) {
    if (kind.updates.empty() && !kind.remove)
      continue;
    ++writable;
    auto methods = kind.updates;
    if (kind.remove)
      methods.push_back(kind.remove); // last: a deleted object is recreated for the next attacker
    for (const auto& owner : accounts) {
      for (const auto& attacker : accounts) {
        if (attacker.org == owner.org)
          continue;
        for (const auto* op : methods) {
          // A fresh object for each attempt, so that one attacker's change never hides another's.
          std::string why;
          auto target = access::create_object(context, kind, owner,
                                              access::write_marker("owner-" + owner.name), {}, why);
          if (!target) {
            if (why.find("budget") != std::string::npos)
              s.unexamined.push_back(why);
            else if (std::find(s.notes.begin(), s.notes.end(), why) == s.notes.end())
              s.notes.push_back(why);
            continue;
          }
          s.created.push_back(std::move(*target));
          attack(s, *op, s.created.back(), attacker, owner);
        }
      }
    }
  }
  auto left = access::delete_created(context, s.created);
  std::string summary = fmt::format("{} write(s) across orgs on {} object(s) launchgate created in "
                                    "{} collection(s)",
                                    s.sent, s.created.size(), writable);
  if (!left.empty())
    summary += fmt::format("; {} created object(s) could not be deleted: {}", left.size(),
                           fmt::join(left, ", "));
  if (!s.notes.empty())
    summary += fmt::format("; {}", fmt::join(s.notes, "; "));
  if (!s.unexamined.empty())
    summary += fmt::format("; {} attempt(s) could not be made: {}", s.unexamined.size(),
                           fmt::join(s.unexamined, "; "));
  if (!s.findings.empty())
    return engine::failed(meta, std::move(s.findings), true, summary);
  if (writable == 0)
    return engine::skipped(meta, SkipKind::not_applicable,
                           "no collection with POST /x, GET /x/{id} and PUT, PATCH or DELETE on "
                           "/x/{id} in the API description");
  if (s.sent == 0 || !s.unexamined.empty())
    return engine::errored(meta, summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
