// access.mass-assignment (OWASP API3:2023, CWE-915), only with --allow-writes: write bodies get
// privileged members added — role "admin", is_admin true, another org's org/tenant/owner values,
// and other values for the properties the description marks readOnly — and the object is read
// back. Two kinds of target: the account's own profile (PUT/PATCH on a path that a GET reads, such
// as /api/me; the original values are written back at once) and objects launchgate creates. A
// violation is a member whose read-back value is the injected one; a 2xx that ignores it is fine.

#include "analyze/objects.hpp"
#include "analyze/samples.hpp"
#include "checks/access/common.hpp"
#include "checks/access/writes.hpp"
#include "checks/registry.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace lg::checks {
namespace {

bool is_role_field(const std::string& name) {
  auto n = to_lower(name);
  return n == "role" || n == "roles" || n == "user_role" || n == "access_level" || n == "level";
}

bool is_flag_field(const std::string& name) {
  auto n = to_lower(name);
  return n == "is_admin" || n == "admin" || n == "isadmin" || n == "is_staff" ||
         n == "is_superuser" || n == "superuser" || n == "verified" || n == "email_verified";
}

/// `text` with the JSON type of `like` (a number stays a number).
nlohmann::json typed(const nlohmann::json& like, const std::string& text) {
  if (like.is_number_integer()) {
    try {
      return std::stoll(text);
    } catch (const std::exception&) {
      return text;
    }
  }
  return text;
}

/// The first JSON object of `doc` (itself, or the first object member holding the data).
const nlohmann::json* main_object(const nlohmann::json& doc) {
  if (!doc.is_object())
    return nullptr;
  for (const char* key : {"data", "user", "profile", "result", "item"}) {
    auto it = doc.find(key);
    if (it != doc.end() && it->is_object())
      return &*it;
  }
  return &doc;
}

/// Privileged members to add to a write of `object` (as `account`): each present in `object`,
/// with a value it does not have.
nlohmann::json injections(const engine::Harvest& harvest, const engine::Context& context,
                          const nlohmann::json& object, const Account& account,
                          const std::vector<std::string>& read_only) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : object.items()) {
    if (is_role_field(key) && value.is_string() && to_lower(value.get<std::string>()) != "admin") {
      out[key] = "admin";
    } else if (is_flag_field(key) && value.is_boolean() && !value.get<bool>()) {
      out[key] = true;
    } else if (analyze::is_scope_field(key) ||
               std::find(read_only.begin(), read_only.end(), key) != read_only.end()) {
      if (value.is_structured() || value.is_null() || key == "id")
        continue;
      // Another org's value for the member, one this account's org never had.
      auto mine = harvest.ownership().values_of(account.org, key);
      for (const auto& other : access::orgs(context)) {
        if (other == account.org || out.contains(key))
          continue;
        for (const auto& candidate : harvest.ownership().values_of(other, key)) {
          if (std::find(mine.begin(), mine.end(), candidate) == mine.end()) {
            out[key] = typed(value, candidate);
            break;
          }
        }
      }
    }
  }
  return out;
}

/// Members of `injected` that `after` now holds with the injected value and `before` did not.
std::vector<std::string> applied(const nlohmann::json& injected, const nlohmann::json* before,
                                 const nlohmann::json* after) {
  std::vector<std::string> out;
  if (!after)
    return out;
  for (const auto& [key, value] : injected.items()) {
    auto now = after->find(key);
    if (now == after->end() || *now != value)
      continue;
    if (before) {
      auto was = before->find(key);
      if (was != before->end() && *was == value)
        continue;
    }
    out.push_back(key);
  }
  return out;
}

struct State {
  engine::Context& context;
  const CheckMeta& meta;
  std::vector<Finding> findings;
  std::vector<std::string> notes;
  int sent = 0;
  bool stopped = false; ///< a write got no answer or the budget ran out: not all examined
};

Expected<nlohmann::json> get_json(engine::Context& context, const std::string& account,
                                  const std::string& path) {
  net::HttpRequest request;
  request.url = path;
  request.headers.push_back({"Accept", "application/json"});
  auto response = access::send_as(context, account, request);
  if (!response)
    return unexpected(response.error());
  if (response->status < 200 || response->status >= 300)
    return unexpected(ErrorKind::network,
                      fmt::format("GET {} as {} answered {}", path, account, response->status));
  return engine::parse_body(*response);
}

void add_finding(State& s, const analyze::Operation& op, const Account& account,
                 const std::vector<std::string>& fields, const nlohmann::json& injected,
                 const net::HttpRequest& request, const net::HttpResponse& response,
                 const std::string& target) {
  nlohmann::json took = nlohmann::json::object();
  for (const auto& f : fields)
    took[f] = injected[f];
  auto finding =
      access::access_finding(s.context,
                             fmt::format("{} {} as {} ({} of {}) set {} on {} (read back: {})",
                                         op.method, op.path, account.name, account.role,
                                         account.org, fmt::join(fields, ", "), target, took.dump()),
                             op, account.name, "", request, response);
  finding.evidence["fields"] = fields;
  finding.evidence["injected"] = injected;
  finding.fingerprint =
      make_fingerprint(s.meta.id, {op.method, op.path, fmt::format("{}", fmt::join(fields, ","))});
  s.findings.push_back(std::move(finding));
}

/// The account's own profile: GET, write with privileged members, GET, write the old values back.
void probe_profile(State& s, const analyze::Operation& write, const Account& account) {
  const auto& harvest = s.context.harvest();
  auto before_doc = get_json(s.context, account.name, write.path);
  if (!before_doc) {
    s.notes.push_back(before_doc.error().message);
    return;
  }
  const auto* before = main_object(*before_doc);
  if (!before)
    return;
  auto injected = injections(harvest, s.context, *before, account, write.read_only);
  if (injected.empty())
    return;
  auto body =
      analyze::sample_body(write.body_schema, write.body_example, access::write_marker("profile"));
  // Members keep their current values, and members the GET does not show are left out: the
  // probe changes nothing a person would see.
  nlohmann::json kept = nlohmann::json::object();
  for (const auto& [key, value] : body.items())
    if (before->contains(key))
      kept[key] = (*before)[key];
  body = std::move(kept);
  body.update(injected);
  net::HttpRequest request;
  request.method = write.method;
  request.url = write.path;
  request.body = body.dump();
  request.headers.push_back({"Accept", "application/json"});
  request.headers.push_back({"Content-Type", "application/json"});
  auto response = access::send_as(s.context, account.name, request);
  if (!response) {
    s.stopped = true; // a write that got no answer (or no budget) was not examined
    s.notes.push_back(response.error().message);
    return;
  }
  ++s.sent;
  auto after_doc = get_json(s.context, account.name, write.path);
  if (!after_doc) {
    s.notes.push_back(after_doc.error().message);
    return;
  }
  auto fields = applied(injected, before, main_object(*after_doc));
  if (fields.empty())
    return;
  add_finding(s, write, account, fields, injected, request, *response,
              fmt::format("its own {}", write.path));
  // Put the old values back.
  nlohmann::json restore = body;
  for (const auto& f : fields)
    restore[f] = (*before)[f];
  net::HttpRequest undo = request;
  undo.url = write.path;
  undo.body = restore.dump();
  auto undone = access::send_as(s.context, account.name, undo);
  auto check = get_json(s.context, account.name, write.path);
  if (!undone || !check || !applied(injected, before, main_object(*check)).empty())
    s.notes.push_back(fmt::format("could not restore {} of {}: set them back by hand",
                                  fmt::join(fields, ", "), account.name));
}

/// A created object: POST with privileged members, then read it back as its creator.
void probe_create(State& s, const access::Creatable& kind, const Account& account,
                  std::vector<access::Created>& created) {
  const auto& harvest = s.context.harvest();
  // What the account's own objects of this kind look like.
  const nlohmann::json* sample = nullptr;
  for (const auto* o : harvest.of(account.name, kind.get))
    if (o->has_data())
      sample = main_object(o->body);
  if (!sample)
    return;
  auto injected = injections(harvest, s.context, *sample, account, kind.create->read_only);
  if (injected.empty())
    return;
  std::string why;
  auto object =
      access::create_object(s.context, kind, account, access::write_marker("mass"), injected, why);
  ++s.sent;
  if (!object) {
    s.stopped = s.stopped || why.find("budget") != std::string::npos;
    s.notes.push_back(why);
    return;
  }
  created.push_back(*object);
  // Judged by what the server stored (a GET), never by the create's echo of the request.
  net::HttpRequest read;
  read.url = object->path;
  read.headers.push_back({"Accept", "application/json"});
  auto back = access::send_as(s.context, account.name, read);
  if (!back || back->status < 200 || back->status >= 300) {
    s.notes.push_back(fmt::format("could not read back {} as {}", object->path, account.name));
    return;
  }
  auto doc = engine::parse_body(*back);
  auto fields = applied(injected, nullptr, doc.is_discarded() ? nullptr : main_object(doc));
  if (fields.empty())
    return;
  net::HttpRequest request;
  request.method = "POST";
  request.url = s.context.url(engine::fill_params(kind.create->path, object->values));
  request.body = object->sent.dump();
  request.headers.push_back({"Content-Type", "application/json"});
  add_finding(s, *kind.create, account, fields, injected, request, *back,
              fmt::format("the object it created (read back with GET {})", object->path));
}

} // namespace

CheckResult run_access_mass_assignment(engine::Context& context, const CheckMeta& meta) {
  if (!context.options().allow_writes)
    return engine::skipped(meta, SkipKind::not_configured,
                           "read-only run: --allow-writes lets launchgate write privileged fields "
                           "to its own objects and to the test accounts' profiles (restored "
                           "at once)");
  if (auto stop = access::preconditions(context, meta, 1))
    return *stop;
  const auto& harvest = context.harvest();
  const auto& ops = **context.operations();
  State s{context, meta, {}, {}, 0};
  std::vector<access::Created> created;
  const auto kinds = access::creatables(harvest, ops); // outlives `created`, which points into it
  for (const auto& account : context.config().accounts) {
    for (const auto& op : ops) {
      if ((op.method != "PUT" && op.method != "PATCH") || !op.path_params.empty() ||
          harvest.public_op(op) || harvest.admin_only(op))
        continue;
      bool readable = std::any_of(ops.begin(), ops.end(), [&](const analyze::Operation& g) {
        return g.method == "GET" && g.path == op.path;
      });
      if (readable)
        probe_profile(s, op, account);
    }
    for (const auto& kind : kinds)
      probe_create(s, kind, account, created);
  }
  auto left = access::delete_created(context, created);
  std::string summary = fmt::format("{} write(s) with privileged fields", s.sent);
  if (!left.empty())
    s.notes.push_back(fmt::format("{} created object(s) could not be deleted: {}", left.size(),
                                  fmt::join(left, ", ")));
  if (!s.notes.empty())
    summary += fmt::format("; {}", fmt::join(s.notes, "; "));
  if (!s.findings.empty())
    return engine::failed(meta, std::move(s.findings), true, summary);
  if (s.stopped)
    return engine::errored(meta, summary);
  if (s.sent == 0)
    return engine::skipped(meta, SkipKind::not_applicable,
                           "no write whose target has a role, flag, org or owner member to "
                           "tamper with: " +
                               summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
