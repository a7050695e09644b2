// The harvest of the access gate: each account logs in and GETs every non-public, safe operation
// (admin-only ones only as admins), filling path parameters level by level from its own list
// responses (/orgs → /orgs/{org}/projects → /orgs/{org}/projects/{id}), at most
// Harvest::k_items_per_list items a list. What each org saw becomes the ownership map. An account
// refused (401/403) on nearly all of its own requests is a broken login, not a finding.

#include "engine/harvest.hpp"

#include "engine/context.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace lg::engine {

bool Observation::has_data() const {
  return ok() && !body.is_discarded() && !analyze::is_refusal_body(body);
}

bool is_admin(const Account& account) {
  auto role = to_lower(account.role);
  return role.find("admin") != std::string::npos || role.find("owner") != std::string::npos ||
         role.find("superuser") != std::string::npos;
}

std::string parent_template(const analyze::Operation& op, size_t index) {
  size_t at = 0;
  for (size_t i = 0; i <= index; ++i) {
    at = op.path.find('{', i == 0 ? 0 : at + 1);
    if (at == std::string::npos)
      return "";
  }
  std::string parent = op.path.substr(0, at);
  while (parent.size() > 1 && parent.back() == '/')
    parent.pop_back();
  return parent;
}

std::string fill_params(std::string_view path, const std::vector<std::string>& values) {
  std::string out;
  size_t next = 0;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '{' && next < values.size()) {
      size_t end = path.find('}', i);
      if (end != std::string_view::npos) {
        out += url_encode(values[next++]);
        i = end + 1;
        continue;
      }
    }
    out += path[i++];
  }
  return out;
}

nlohmann::json parse_body(const net::HttpResponse& response) {
  return nlohmann::json::parse(response.body, nullptr, false);
}

std::vector<const Observation*> Harvest::of(const std::string& account,
                                            const analyze::Operation* op) const {
  std::vector<const Observation*> out;
  for (const auto& o : m_observations)
    if (o.account == account && (op == nullptr || o.op == op))
      out.push_back(&o);
  return out;
}

bool is_search(const analyze::Operation& op) {
  if (to_lower(op.path).find("search") != std::string::npos)
    return true;
  return std::any_of(op.params.begin(), op.params.end(), [](const analyze::Parameter& p) {
    return p.in == "query" && p.required && analyze::is_search_param(p.name);
  });
}

bool Harvest::shared(const analyze::Operation& op) const {
  return m_api && analyze::any_pattern_matches(m_api->shared, op.method, op.path);
}

bool Harvest::admin_only(const analyze::Operation& op) const {
  return op.spec_admin ||
         (m_api && analyze::any_pattern_matches(m_api->admin_only, op.method, op.path));
}

bool Harvest::public_op(const analyze::Operation& op) const {
  if (m_api && !m_api->public_.empty())
    return analyze::any_pattern_matches(m_api->public_, op.method, op.path);
  return op.spec_public;
}

void Harvest::add(const Account& account, Observation observation) {
  if (observation.has_data()) {
    observation.objects = analyze::collect_objects(observation.body);
    for (const auto& object : observation.objects) {
      if (shared(*observation.op))
        m_ownership.add_shared(object);
      else
        m_ownership.add(account.org, object);
    }
  }
  m_observations.push_back(std::move(observation));
}

void Harvest::read_as(Context& context, const Account& account,
                      const std::vector<analyze::Operation>& ops) {
  auto session = context.session(account.name);
  if (!session) {
    m_problems.push_back(session.error().message);
    return;
  }
  // Operations with fewer path parameters first: their lists feed the deeper ones.
  std::vector<const analyze::Operation*> order;
  for (const auto& op : ops) {
    if (op.method != "GET" || public_op(op) || (admin_only(op) && !is_admin(account)) ||
        is_search(op))
      continue;
    bool needs_unknown = std::any_of(op.params.begin(), op.params.end(), [](const auto& p) {
      return p.in == "query" && p.required && p.example.empty();
    });
    if (!needs_unknown)
      order.push_back(&op);
  }
  std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
    return a->path_params.size() < b->path_params.size();
  });

  int sent = 0;
  int refused = 0;
  for (const auto* op : order) {
    // Every filling of the path parameters from this account's own lists, level by level.
    std::vector<std::vector<std::string>> fillings{{}};
    for (size_t index = 0; index < op->path_params.size(); ++index) {
      std::string parent = parent_template(*op, index);
      std::vector<std::vector<std::string>> next;
      for (const auto& prefix : fillings) {
        for (const auto& seen : m_observations) {
          if (seen.account != account.name || seen.op->path != parent || seen.values != prefix)
            continue;
          size_t taken = 0;
          for (const auto& object : seen.objects) {
            if (object.id.empty() || taken == k_items_per_list)
              continue;
            auto filled = prefix;
            filled.push_back(object.id);
            if (std::find(next.begin(), next.end(), filled) == next.end()) {
              next.push_back(std::move(filled));
              ++taken;
            }
          }
        }
      }
      fillings = std::move(next);
    }
    for (const auto& values : fillings) {
      std::string path = fill_params(op->path, values);
      std::string query;
      for (const auto& p : op->params)
        if (p.in == "query" && p.required)
          query += fmt::format("{}{}={}", query.empty() ? "?" : "&", url_encode(p.name),
                               url_encode(p.example));
      net::HttpRequest request;
      request.url = path + query;
      request.headers.push_back({"Accept", "application/json"});
      auto response = (*session)->send(request);
      ++m_requests;
      if (!response) {
        if (response.error().kind == ErrorKind::budget)
          return;
        continue;
      }
      ++sent;
      if (response->status == 401 || response->status == 403)
        ++refused;
      Observation o;
      o.account = account.name;
      o.op = op;
      o.values = values;
      o.path = request.url;
      o.status = response->status;
      o.body = parse_body(*response);
      add(account, std::move(o));
    }
  }
  if (sent >= 2 && refused * 10 >= sent * 8)
    m_problems.push_back(fmt::format("login for {} is broken: {} of its {} own requests were "
                                     "refused with 401 or 403",
                                     account.name, refused, sent));
}

Harvest Harvest::run(Context& context) {
  Harvest harvest;
  harvest.m_api = &context.config().api;
  auto ops = context.operations();
  if (!ops) {
    harvest.m_problems.push_back(ops.error().message);
    return harvest;
  }
  for (const auto& account : context.config().accounts)
    harvest.read_as(context, account, **ops);
  return harvest;
}

} // namespace lg::engine
