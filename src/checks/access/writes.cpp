// The objects the write checks create (DESIGN.md: writes only with --allow-writes and only to
// objects the tool created): a collection is creatable when the description has POST /x and
// GET /x/{id}; the create body is the recorded example or a schema sample carrying a marker;
// the new id comes from the answer's object or its Location header; cleanup deletes as the owner.

#include "checks/access/writes.hpp"

#include "analyze/samples.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <random>

namespace lg::checks::access {

std::vector<Creatable> creatables(const engine::Harvest& harvest,
                                  const std::vector<analyze::Operation>& ops) {
  std::vector<Creatable> out;
  for (const auto& post : ops) {
    if (post.method != "POST" || harvest.admin_only(post) || harvest.shared(post) ||
        harvest.public_op(post))
      continue;
    Creatable c;
    c.create = &post;
    for (const auto& op : ops) {
      std::string prefix = post.path + "/{";
      if (!op.path.starts_with(prefix) || !op.path.ends_with('}') ||
          op.path.find('/', prefix.size()) != std::string::npos ||
          op.path_params.size() != post.path_params.size() + 1)
        continue;
      if (op.method == "GET")
        c.get = &op;
      else if (op.method == "PUT" || op.method == "PATCH")
        c.updates.push_back(&op);
      else if (op.method == "DELETE")
        c.remove = &op;
    }
    if (c.get)
      out.push_back(c);
  }
  return out;
}

namespace {

/// The account's own values for the path parameters of `path` (a list it read in the harvest).
std::optional<std::vector<std::string>> own_parents(const engine::Harvest& harvest,
                                                    const std::string& account,
                                                    const analyze::Operation& create) {
  if (create.path_params.empty())
    return std::vector<std::string>{};
  for (const auto& o : harvest.observations())
    if (o.account == account && o.op->method == "GET" && o.op->path == create.path && o.ok())
      return o.values;
  return std::nullopt;
}

std::string new_id(const net::HttpResponse& response, const nlohmann::json& body) {
  if (!body.is_discarded())
    for (const auto& object : analyze::collect_objects(body, 8))
      if (!object.id.empty())
        return object.id;
  auto location = response.header("Location").value_or("");
  while (!location.empty() && location.back() == '/')
    location.pop_back();
  auto slash = location.rfind('/');
  return slash == std::string::npos ? "" : location.substr(slash + 1);
}

} // namespace

std::optional<Created> create_object(engine::Context& context, const Creatable& kind,
                                     const Account& account, const std::string& marker,
                                     const nlohmann::json& extra, std::string& why) {
  const auto& harvest = context.harvest();
  auto parents = own_parents(harvest, account.name, *kind.create);
  if (!parents) {
    why = fmt::format("{} read no list of {} to create in", account.name, kind.create->path);
    return std::nullopt;
  }
  auto body = analyze::sample_body(kind.create->body_schema, kind.create->body_example, marker);
  if (extra.is_object())
    body.update(extra);
  net::HttpRequest request;
  request.method = "POST";
  request.url = engine::fill_params(kind.create->path, *parents);
  request.body = body.dump();
  request.headers.push_back({"Accept", "application/json"});
  request.headers.push_back({"Content-Type", "application/json"});
  auto response = send_as(context, account.name, request);
  if (!response) {
    why = response.error().message;
    return std::nullopt;
  }
  if (response->status < 200 || response->status >= 300) {
    why =
        fmt::format("POST {} as {} answered {}", kind.create->path, account.name, response->status);
    return std::nullopt;
  }
  auto answer = engine::parse_body(*response);
  std::string id = new_id(*response, answer);
  if (id.empty()) {
    why = fmt::format("POST {} answered {} without an id or a Location header", kind.create->path,
                      response->status);
    return std::nullopt;
  }
  Created c;
  c.kind = &kind;
  c.account = account.name;
  c.values = *parents;
  c.values.push_back(id);
  c.path = engine::fill_params(kind.get->path, c.values);
  c.object = answer.is_discarded() ? nlohmann::json() : answer;
  c.sent = std::move(body);
  return c;
}

Expected<net::HttpResponse> read_back(engine::Context& context, const Created& created,
                                      const std::string& account) {
  net::HttpRequest request;
  request.url = created.path;
  request.headers.push_back({"Accept", "application/json"});
  return send_as(context, account, request);
}

std::vector<std::string> delete_created(engine::Context& context, std::vector<Created>& created) {
  std::vector<std::string> left;
  for (auto& c : created) {
    if (c.deleted)
      continue;
    if (!c.kind->remove) {
      left.push_back(fmt::format("{} (no DELETE operation)", c.path));
      continue;
    }
    std::vector<std::string> who{c.account};
    const auto* owner = account_named(context, c.account);
    for (const auto& a : context.config().accounts)
      if (owner && a.org == owner->org && a.name != c.account && engine::is_admin(a))
        who.push_back(a.name);
    for (const auto& name : who) {
      net::HttpRequest request;
      request.method = "DELETE";
      request.url = engine::fill_params(c.kind->remove->path, c.values);
      request.headers.push_back({"Accept", "application/json"});
      auto response = send_as(context, name, request);
      if (response && ((response->status >= 200 && response->status < 300) ||
                       response->status == 404 || response->status == 410)) {
        c.deleted = true;
        break;
      }
    }
    if (!c.deleted)
      left.push_back(c.path);
  }
  return left;
}

std::string write_marker(const std::string& tag) {
  std::random_device rd;
  return fmt::format("launchgate-{:08x}-{}", rd(), tag);
}

} // namespace lg::checks::access
