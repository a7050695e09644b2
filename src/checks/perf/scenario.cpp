#include "checks/perf/scenario.hpp"

#include "checks/access/common.hpp"
#include "engine/harvest.hpp"
#include "engine/session.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace lg::checks::perf_scenario {

namespace {

/// How much of the mix each default action takes: a user lists and opens records more often
/// than they search, and signs in or saves less often still.
constexpr double k_weight_login = 1;
constexpr double k_weight_list = 3;
constexpr double k_weight_read = 3;
constexpr double k_weight_search = 2;
constexpr double k_weight_save = 1;

std::string path_part(std::string_view path) {
  return std::string(path.substr(0, path.find('?')));
}

std::string describe(const ActionConfig& action) {
  if (action.login)
    return fmt::format("{} (the login of {})", action.name, action.as);
  return fmt::format("{} ({} {})", action.name, action.request.method, action.request.path);
}

/// Words of the account's own harvested objects, as search terms: letters only, 4 to 20 long.
std::vector<std::string> search_terms(const engine::Harvest& harvest, const std::string& account) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto* observation : harvest.of(account))
    for (const auto& object : observation->objects)
      for (const auto& [key, value] : object.fields) {
        if (key == object.id_key || analyze::is_object_ref_name(key))
          continue;
        for (auto word : split(value, ' ')) {
          if (word.size() < 4 || word.size() > 20 ||
              !std::all_of(word.begin(), word.end(),
                           [](unsigned char c) { return std::isalpha(c) != 0; }))
            continue;
          std::string term = to_lower(word);
          if (seen.insert(term).second)
            out.push_back(term);
          if (out.size() == 5)
            return out;
        }
      }
  return out;
}

/// The GET operations without path parameters whose harvest gave `account` data, most objects
/// first: the lists.
const analyze::Operation* find_list(const engine::Harvest& harvest,
                                    const std::vector<analyze::Operation>& ops,
                                    const std::string& account) {
  const analyze::Operation* best = nullptr;
  size_t most = 1; // a list shows at least two objects
  for (const auto& op : ops) {
    if (op.method != "GET" || !op.path_params.empty() || engine::is_search(op) ||
        harvest.admin_only(op) || harvest.public_op(op))
      continue;
    for (const auto* observation : harvest.of(account, &op))
      if (observation->has_data() && observation->objects.size() > most) {
        most = observation->objects.size();
        best = &op;
      }
  }
  return best;
}

/// The GET on one item of `list` (`list/{id}`) that the harvest read for `account`.
const analyze::Operation* find_read(const engine::Harvest& harvest,
                                    const std::vector<analyze::Operation>& ops,
                                    const analyze::Operation* list, const std::string& account) {
  for (const auto& op : ops) {
    if (op.method != "GET" || op.path_params.empty() || engine::is_search(op) ||
        harvest.admin_only(op) || harvest.public_op(op))
      continue;
    if (list != nullptr && engine::parent_template(op, op.path_params.size() - 1) != list->path)
      continue;
    auto seen = harvest.of(account, &op);
    if (std::any_of(seen.begin(), seen.end(), [](const auto* o) { return o->has_data(); }))
      return &op;
  }
  return nullptr;
}

/// The values of `action`'s path templates, one list per concrete request: from objects the tool
/// creates (writes) or from the account's harvest (reads). Empty with `why` set when there are
/// none.
std::vector<std::vector<std::string>> path_values(engine::Context& context, Scenario& scenario,
                                                  ActionConfig& action, const Account& account,
                                                  std::string& why) {
  std::vector<std::vector<std::string>> out;
  auto ops = context.operations();
  if (!ops) {
    why = "its path template needs ids, and there is no API description to harvest them from: " +
          ops.error().message;
    return out;
  }
  const auto& harvest = context.harvest();
  const std::string path = path_part(action.request.path);
  if (!net::reads_only(action.request.method)) {
    // A write: only on an object made for it.
    for (const auto& kind : scenario.kinds) {
      if (!analyze::same_shape(kind.get->path, path))
        continue;
      auto created = access::create_object(context, kind, account,
                                           access::write_marker("perf-" + action.name), {}, why);
      if (!created)
        return out;
      if (!action.request.json && action.request.form.empty())
        action.request.json = created->sent; // the create's own body is a valid update
      out.push_back(created->values);
      scenario.created.push_back(std::move(*created));
      return out;
    }
    why = fmt::format("it writes, and {} is no item the tool can create (a POST on its list and "
                      "a GET on the item in the API description) to write on",
                      path);
    return out;
  }
  std::set<std::vector<std::string>> seen;
  for (const auto& op : **ops) {
    if (op.method != "GET" || !analyze::same_shape(op.path, path))
      continue;
    for (const auto* observation : harvest.of(account.name, &op))
      if (observation->ok() && out.size() < k_max_targets &&
          seen.insert(observation->values).second)
        out.push_back(observation->values);
  }
  if (out.empty())
    why = fmt::format("{} read no {} in the harvest to fill its template with", account.name, path);
  return out;
}

/// Why `login` cannot be measured, from one sign-in sent before the load; "" when it worked. A
/// 429 is the portal's login limit holding against this address (session.login-rate-limit trips
/// it on purpose earlier in the run): under load every sign-in would be refused, and the
/// refusals' latency is no login's.
std::string login_refused(engine::Context& context, const ActionConfig& login) {
  net::HttpRequest request(login.request.method, context.url(login.request.path));
  engine::fill_body(request, login.request);
  auto answer = context.http().send(request);
  if (!answer)
    return "a sign-in before the load got no answer: " + answer.error().message;
  if (answer->status == 429)
    return "the portal answered a sign-in before the load with 429 Too Many Requests: its login "
           "limit holds against this address, as session.login-rate-limit left it; measure it "
           "in a run of the perf gate alone (--only perf) once the limit's window has passed";
  if (answer->status >= 400)
    return fmt::format("a sign-in before the load was refused with {}: check {}'s login",
                       answer->status, login.as);
  return "";
}

} // namespace

std::vector<std::string> template_names(std::string_view path) {
  std::vector<std::string> out;
  size_t at = 0;
  while ((at = path.find('{', at)) != std::string_view::npos) {
    size_t end = path.find('}', at);
    if (end == std::string_view::npos)
      break;
    out.emplace_back(path.substr(at + 1, end - at - 1));
    at = end + 1;
  }
  return out;
}

std::string fill_template(std::string_view path, const std::map<std::string, std::string>& values) {
  std::string out;
  size_t at = 0;
  while (at < path.size()) {
    size_t open = path.find('{', at);
    size_t close = open == std::string_view::npos ? open : path.find('}', open);
    if (close == std::string_view::npos) {
      out.append(path.substr(at));
      break;
    }
    out.append(path.substr(at, open - at));
    auto it = values.find(std::string(path.substr(open + 1, close - open - 1)));
    out += it != values.end() ? url_encode(it->second)
                              : std::string(path.substr(open, close - open + 1));
    at = close + 1;
  }
  return out;
}

std::vector<ActionConfig> default_actions(engine::Context& context,
                                          std::vector<std::string>& notes) {
  const auto& config = context.config();
  std::vector<ActionConfig> out;
  if (config.accounts.empty()) {
    notes.push_back("no actions and no accounts to find them with: list the portal's core actions "
                    "(login, list, save, search) under actions:, or configure accounts and an API "
                    "description");
    return out;
  }
  const Account& account = config.accounts.front();
  if (account.login_style == LoginStyle::recipe && !account.csrf) {
    ActionConfig login;
    login.name = "login";
    login.login = true;
    login.as = account.name;
    login.weight = k_weight_login;
    out.push_back(std::move(login));
  }
  auto ops = context.operations();
  if (!ops) {
    notes.push_back("no API description to find list, search and save in: " + ops.error().message);
    return out;
  }
  const auto& harvest = context.harvest();
  const auto add = [&](const char* name, const std::string& method, const std::string& path,
                       double weight) -> ActionConfig& {
    ActionConfig action;
    action.name = name;
    action.request.method = method;
    action.request.path = path;
    action.as = account.name;
    action.weight = weight;
    out.push_back(std::move(action));
    return out.back();
  };

  const auto* list = find_list(harvest, **ops, account.name);
  if (list != nullptr)
    add("list", "GET", list->path, k_weight_list);
  else
    notes.push_back(fmt::format("list (no GET in the API description gave {} a list in the "
                                "harvest)",
                                account.name));
  if (const auto* read = find_read(harvest, **ops, list, account.name))
    add("read", "GET", read->path, k_weight_read);

  const analyze::Operation* search = nullptr;
  for (const auto& op : **ops)
    if (op.method == "GET" && op.path_params.empty() && engine::is_search(op) &&
        !harvest.admin_only(op) && !harvest.public_op(op)) {
      search = &op;
      break;
    }
  if (search == nullptr) {
    notes.push_back("search (no search in the API description)");
  } else {
    std::string path = search->path;
    std::vector<std::string> terms;
    const analyze::Parameter* param = nullptr;
    for (const auto& p : search->params)
      if (p.in == "query" && analyze::is_search_param(p.name) && (param == nullptr || p.required))
        param = &p;
    if (param != nullptr) {
      terms = search_terms(harvest, account.name);
      if (terms.empty() && !param->example.empty())
        terms.push_back(param->example);
      path += "?" + param->name + "={" + param->name + "}";
    }
    if (param != nullptr && terms.empty()) {
      notes.push_back(fmt::format("search ({} needs a term: no word in {}'s data to search for; "
                                  "list the action with vars)",
                                  search->path, account.name));
    } else {
      auto& action = add("search", "GET", path, k_weight_search);
      if (param != nullptr)
        action.vars[param->name] = std::move(terms);
    }
  }

  if (!context.options().allow_writes) {
    notes.push_back("save (it writes: run with --allow-writes)");
  } else {
    bool found = false;
    for (const auto& kind : access::creatables(harvest, **ops))
      if (!kind.updates.empty()) {
        add("save", kind.updates.front()->method, kind.get->path, k_weight_save);
        found = true;
        break;
      }
    if (!found)
      notes.push_back("save (no item with a POST on its list and a PUT or PATCH on itself in the "
                      "API description)");
  }
  return out;
}

Expected<Scenario> build(engine::Context& context) {
  const auto& config = context.config();
  Scenario scenario;
  std::vector<ActionConfig> actions = config.actions;
  if (actions.empty()) {
    actions = default_actions(context, scenario.left_out);
    for (const auto& action : actions)
      scenario.found.push_back(describe(action));
  }
  bool writes = std::any_of(actions.begin(), actions.end(), [](const ActionConfig& a) {
    return !a.login && !net::reads_only(a.request.method) &&
           !template_names(path_part(a.request.path)).empty();
  });
  if (writes && context.options().allow_writes) {
    auto ops = context.operations();
    if (ops)
      scenario.kinds = access::creatables(context.harvest(), **ops);
  }

  for (auto& action : actions) {
    if (action.as.empty() && !config.accounts.empty())
      action.as = config.accounts.front().name;
    const Account* account = access::account_named(context, action.as);
    if (action.login) {
      if (account == nullptr || account->login_style != LoginStyle::recipe) {
        scenario.left_out.push_back(
            fmt::format("{} ({} signs in with no request of its own: Basic or an API key)",
                        action.name, action.as));
        continue;
      }
      if (account->csrf) {
        scenario.left_out.push_back(fmt::format(
            "{} ({}'s login needs a fresh anti-CSRF token each time)", action.name, action.as));
        continue;
      }
      action.request = account->login;
      if (auto why = login_refused(context, action); !why.empty()) {
        scenario.left_out.push_back(fmt::format("{} ({})", action.name, why));
        continue;
      }
    } else if (!net::reads_only(action.request.method) && !context.options().allow_writes) {
      scenario.left_out.push_back(fmt::format("{} ({} writes: run with --allow-writes)",
                                              action.name, action.request.method));
      continue;
    } else if (!net::reads_only(action.request.method) && action.request.method != "POST" &&
               template_names(path_part(action.request.path)).empty()) {
      // An update or delete of a fixed object: one launchgate did not create.
      scenario.left_out.push_back(
          fmt::format("{} ({} {} changes an object launchgate did not create: write the item as a "
                      "template, e.g. /api/records/{{id}}, and it writes on one it creates)",
                      action.name, action.request.method, action.request.path));
      continue;
    }

    // Every concrete request of the action: a map of template values each.
    const auto names = template_names(action.request.path);
    const auto path_names = template_names(path_part(action.request.path));
    std::vector<std::map<std::string, std::string>> fills;
    bool from_harvest = std::any_of(path_names.begin(), path_names.end(),
                                    [&](const auto& n) { return !action.vars.contains(n); });
    std::vector<std::vector<std::string>> harvested;
    if (from_harvest && account != nullptr) {
      std::string why;
      harvested = path_values(context, scenario, action, *account, why);
      if (harvested.empty()) {
        scenario.left_out.push_back(fmt::format("{} ({})", action.name, why));
        continue;
      }
    }
    size_t count = std::max<size_t>(1, harvested.size());
    for (const auto& [name, values] : action.vars)
      count = std::max(count, values.size());
    count = std::min(count, k_max_targets);
    std::string missing;
    for (size_t i = 0; i < count; ++i) {
      std::map<std::string, std::string> fill;
      if (!harvested.empty())
        for (size_t k = 0; k < path_names.size() && k < harvested[i % harvested.size()].size(); ++k)
          fill[path_names[k]] = harvested[i % harvested.size()][k];
      for (const auto& [name, values] : action.vars)
        fill[name] = values[i % values.size()];
      for (const auto& name : names)
        if (!fill.contains(name))
          missing = name;
      fills.push_back(std::move(fill));
    }
    if (!missing.empty()) {
      scenario.left_out.push_back(fmt::format(
          "{} (nothing fills {{{}}}: give its values under vars)", action.name, missing));
      continue;
    }

    for (const auto& fill : fills) {
      RequestRecipe recipe = action.request;
      recipe.path = fill_template(action.request.path, fill);
      net::HttpRequest request(recipe.method, context.url(recipe.path));
      engine::fill_body(request, recipe);
      if (!action.login && account != nullptr) {
        auto session = context.session(account->name);
        if (!session) {
          access::delete_created(context, scenario.created);
          return unexpected(session.error().kind,
                            fmt::format("action {} runs as {}: {}", action.name, account->name,
                                        session.error().message));
        }
        request = (*session)->authorized(std::move(request));
      }
      auto url = parse_url(request.url);
      if (!url) {
        access::delete_created(context, scenario.created);
        return unexpected(url.error());
      }
      perf::LoadRequest load;
      load.action = action.name;
      load.method = recipe.method;
      load.target = url->path;
      load.body = request.body;
      load.weight = action.weight / static_cast<double>(fills.size());
      for (const auto& h : request.headers)
        load.headers.emplace_back(h.name, h.value);
      scenario.mix.push_back(std::move(load));
    }
  }
  return scenario;
}

} // namespace lg::checks::perf_scenario
