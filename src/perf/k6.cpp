// The k6 export of perf.api-latency's scenario. The script's shape:
//  - options: two constant-arrival-rate scenarios, `warmup` then `measured`, at the rate the
//    check uses (users / think_time, or perf.rate), with as many VUs as users — launchgate's
//    connections — and the check's thresholds on the measured one, per action;
//  - setup(): each account an action runs as logs in once (its login recipe; cookies or the token
//    at token_path; Basic and API keys are applied per request), and the sessions go to every VU;
//  - the default function: an action picked by its weight, its {name} templates filled with one
//    of its vars, tagged with its name; a login action sends the account's login request.
// Secrets stay out of the file: values written as ${NAME} read __ENV.NAME, and a literal value
// under a secret-looking key (password, secret, token, key) becomes __ENV.<ACCOUNT>_<KEY>.

#include "perf/k6.hpp"

#include "net/http.hpp"

#include "util/text.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <set>

namespace lg::perf {

namespace {

bool ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

/// The environment variable a whole-value ${NAME} names, or "".
std::string env_reference(std::string_view v) {
  if (v.size() < 4 || !v.starts_with("${") || v.back() != '}')
    return "";
  auto name = v.substr(2, v.size() - 3);
  for (char c : name)
    if (!ident_char(c))
      return "";
  return std::string(name);
}

bool secret_key(std::string_view key) {
  const std::string k = to_lower(std::string(key));
  for (const char* word : {"pass", "secret", "token", "key", "pin", "otp"})
    if (k.find(word) != std::string::npos)
      return true;
  return false;
}

/// `name` with every character that cannot be in a JavaScript identifier replaced by _.
std::string js_ident(const std::string& name) {
  std::string out;
  for (char c : name)
    out += ident_char(c) ? c : '_';
  return out;
}

std::string env_name(const std::string& account, const std::string& field) {
  std::string out;
  for (char c : account + "_" + field)
    out += ident_char(c) ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : '_';
  return out;
}

/// A JSON value as a JavaScript expression; strings as template literals (js_template), except
/// that a literal string under a secret-looking key becomes a read of __ENV.<ACCOUNT>_<KEY>,
/// listed in `variables`.
std::string js_value(const nlohmann::json& v, const std::string& account,
                     std::set<std::string>& variables, const std::string& key = "") {
  if (v.is_object()) {
    std::string out = "{";
    for (auto it = v.begin(); it != v.end(); ++it)
      out += fmt::format("{}{}: {}", out.size() > 1 ? ", " : "", nlohmann::json(it.key()).dump(),
                         js_value(it.value(), account, variables, it.key()));
    return out + "}";
  }
  if (v.is_array()) {
    std::string out = "[";
    for (const auto& item : v)
      out += (out.size() > 1 ? ", " : "") + js_value(item, account, variables, key);
    return out + "]";
  }
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (auto name = env_reference(s); !name.empty()) {
      variables.insert(name);
      return "__ENV." + name;
    }
    if (!key.empty() && secret_key(key) && !account.empty()) {
      auto name = env_name(account, key);
      variables.insert(name);
      return "__ENV." + name;
    }
    for (std::size_t at = s.find("${"); at != std::string::npos; at = s.find("${", at + 2)) {
      auto end = s.find('}', at);
      if (end != std::string::npos)
        variables.insert(s.substr(at + 2, end - at - 2));
    }
    return js_template(s);
  }
  return v.dump();
}

std::string js_object(const std::map<std::string, std::string>& m, const std::string& account,
                      std::set<std::string>& variables) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : m)
    j[k] = v;
  return js_value(j, account, variables);
}

/// k6's gjson path of a `$.a.b[0]` JSON path.
std::string gjson_path(std::string path) {
  if (path.starts_with("$."))
    path.erase(0, 2);
  else if (path.starts_with("$"))
    path.erase(0, 1);
  std::string out;
  for (char c : path) {
    if (c == '[')
      out += '.';
    else if (c != ']')
      out += c;
  }
  return out;
}

/// The request part of a recipe as k6 arguments: method, URL expression, body expression, and
/// the params' headers.
struct JsRequest {
  std::string method, url, body = "null", headers = "{}";
};

JsRequest js_request(const RequestRecipe& r, const std::string& account,
                     std::set<std::string>& variables) {
  JsRequest out;
  out.method = r.method;
  out.url = "BASE + " + js_value(r.path, account, variables);
  auto headers = r.headers;
  if (r.json) {
    out.body = "JSON.stringify(" + js_value(*r.json, account, variables) + ")";
    headers.emplace("Content-Type", "application/json");
  } else if (!r.form.empty()) {
    nlohmann::json form = nlohmann::json::object();
    for (const auto& [k, v] : r.form)
      form[k] = v;
    out.body = js_value(form, account, variables); // k6 sends an object form-encoded
  }
  out.headers = js_object(headers, account, variables);
  return out;
}

std::string duration(long long ms) {
  return ms % 1000 == 0 ? fmt::format("{}s", ms / 1000) : fmt::format("{}ms", ms);
}

} // namespace

std::string js_template(std::string_view text) {
  std::string out = "`";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      auto end = text.find('}', i + 2);
      auto name =
          end == std::string_view::npos ? std::string_view{} : text.substr(i + 2, end - i - 2);
      bool ident = !name.empty();
      for (char n : name)
        ident = ident && ident_char(n);
      if (ident) {
        out += fmt::format("${{__ENV.{}}}", name);
        i = end;
        continue;
      }
      out += "\\$";
      continue;
    }
    if (c == '`' || c == '\\')
      out += '\\';
    if (static_cast<unsigned char>(c) < 0x20)
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    else
      out += c;
  }
  return out + "`";
}

Expected<K6Script> k6_script(const Config& config, const K6Options& options) {
  K6Script script;
  std::set<std::string> variables;
  std::vector<std::string> actions, exported, accounts_used;
  for (const auto& action : config.actions) {
    std::string as =
        action.as.empty() && !config.accounts.empty() ? config.accounts.front().name : action.as;
    const Account* account = nullptr;
    for (const auto& a : config.accounts)
      if (a.name == as)
        account = &a;
    if (action.login && (account == nullptr || account->login_style != LoginStyle::recipe)) {
      script.notes.push_back(fmt::format(
          "{} ({} signs in with no request of its own: Basic or an API key)", action.name, as));
      continue;
    }
    const auto& r = action.login ? account->login : action.request;
    if (!action.login && !net::reads_only(r.method) && !options.allow_writes) {
      script.notes.push_back(
          fmt::format("{} ({} writes: export with --allow-writes)", action.name, r.method));
      continue;
    }
    std::string unfilled;
    for (std::size_t at = r.path.find('{'); at != std::string::npos;
         at = r.path.find('{', at + 1)) {
      auto end = r.path.find('}', at);
      if (end == std::string::npos)
        break;
      auto name = r.path.substr(at + 1, end - at - 1);
      if ((at == 0 || r.path[at - 1] != '$') && !action.vars.contains(name))
        unfilled = name;
    }
    if (!unfilled.empty()) {
      script.notes.push_back(fmt::format("{} (nothing fills {{{}}} in {}: the audit takes ids "
                                         "from the running portal; list values under vars to "
                                         "export it)",
                                         action.name, unfilled, r.path));
      continue;
    }
    if (account != nullptr && account->csrf) {
      script.notes.push_back(fmt::format("{} (its account {} logs in with a CSRF token scraped "
                                         "from {}, which the export does not do)",
                                         action.name, as, account->csrf->page));
      continue;
    }
    auto req = js_request(r, as, variables);
    nlohmann::json vars = nlohmann::json::object();
    for (const auto& [name, values] : action.vars)
      vars[name] = values;
    actions.push_back(fmt::format("  {{name: {}, as: {}, login: {}, weight: {:g}, method: {}, "
                                  "url: {}, body: {}, headers: {}, vars: {}}},",
                                  nlohmann::json(action.name).dump(), nlohmann::json(as).dump(),
                                  action.login, action.weight, nlohmann::json(req.method).dump(),
                                  req.url, req.body, req.headers, vars.dump()));
    exported.push_back(action.name);
    if (!as.empty() && !action.login &&
        std::find(accounts_used.begin(), accounts_used.end(), as) == accounts_used.end())
      accounts_used.push_back(as);
  }
  if (actions.empty())
    return unexpected(ErrorKind::config,
                      config.actions.empty()
                          ? std::string("no actions: list the portal's core actions under "
                                        "actions: to export them")
                          : "no action can be exported: " + join(script.notes, "; "));

  // The sessions: one login function per account.
  std::string logins, setup;
  for (const auto& name : accounts_used) {
    const Account* account = nullptr;
    for (const auto& a : config.accounts)
      if (a.name == name)
        account = &a;
    if (account == nullptr)
      continue;
    const std::string fn = "login_" + js_ident(name);
    std::string body;
    switch (account->login_style) {
    case LoginStyle::recipe: {
      auto req = js_request(account->login, name, variables);
      body = fmt::format(
          "  const res = http.request({}, {}, {}, {{headers: {}, tags: {{action: 'login'}}, "
          "redirects: 0}});\n"
          "  if (res.status < 200 || res.status >= 400)\n"
          "    throw new Error(`{}: the login answered ${{res.status}}`);\n"
          "  const session = {{cookie: cookieHeader(res)}};\n",
          nlohmann::json(req.method).dump(), req.url, req.body, req.headers, name);
      if (!account->token_path.empty())
        body += fmt::format("  session.authorization = 'Bearer ' + res.json({});\n",
                            nlohmann::json(gjson_path(account->token_path)).dump());
      body += "  return session;\n";
      break;
    }
    case LoginStyle::basic:
      body =
          fmt::format("  return {{authorization: 'Basic ' + encoding.b64encode({} + ':' + {})}};\n",
                      js_value(account->basic_username, name, variables),
                      js_value(account->basic_password, name, variables, "password"));
      break;
    case LoginStyle::api_key: {
      const auto key = js_value(account->api_key, name, variables, "api_key");
      body = account->api_key_header.empty()
                 ? fmt::format("  return {{query: {} + '=' + encodeURIComponent({})}};\n",
                               js_template(account->api_key_query), key)
                 : fmt::format("  return {{headers: {{{}: {}}}}};\n",
                               nlohmann::json(account->api_key_header).dump(), key);
      break;
    }
    }
    logins += fmt::format("function {}() {{\n{}}}\n\n", fn, body);
    setup += fmt::format("    {}: {}(),\n", nlohmann::json(name).dump(), fn);
  }

  const auto& perf = config.perf;
  const double rate = perf.rate > 0 ? perf.rate
                                    : static_cast<double>(perf.users) * 1000.0 /
                                          static_cast<double>(perf.think_time_ms);
  // k6 takes a whole number of iterations per time unit.
  const bool per_second = std::abs(rate - std::round(rate)) < 1e-9 && rate >= 1;
  const std::string schedule = per_second ? fmt::format("rate: {:.0f}, timeUnit: '1s'", rate)
                                          : fmt::format("rate: {:.0f}, timeUnit: '1m'",
                                                        std::max(1.0, std::round(rate * 60)));
  std::string thresholds;
  for (const auto& name : exported)
    thresholds += fmt::format(
        "    {}: ['p(95)<{:g}'],\n",
        nlohmann::json(fmt::format("http_req_duration{{scenario:measured,action:{}}}", name))
            .dump(),
        perf.p95_ms);

  std::string vars;
  for (const auto& v : variables)
    vars += (vars.empty() ? "" : " ") + v + "=…";
  std::string left_out;
  for (const auto& n : script.notes)
    left_out += "//   " + n + "\n";

  script.text = fmt::format(
      R"(// perf.api-latency's scenario from {source}, written by `launchgate perf --export k6`.
// Run it where more load can be given than one machine has (k6 run, k6 cloud, the k6 operator):
//   {vars}k6 run {{this file}}
// BASE_URL aims it elsewhere than {base}. The thresholds are the check's: each action's p95 under
// {p95:g} ms and errors under 1%, over the measured scenario only. k6 drops iterations when every
// VU is busy (see dropped_iterations), where launchgate queues them and charges the wait.
{left_out_header}{left_out}
import http from 'k6/http';
import encoding from 'k6/encoding';

const BASE = __ENV.BASE_URL || {base_js};

export const options = {{
  scenarios: {{
{warmup}    measured: {{executor: 'constant-arrival-rate', {schedule}, duration: '{duration}', startTime: '{warmup_ms}',
      preAllocatedVUs: {users}, maxVUs: {users}}},
  }},
  thresholds: {{
{thresholds}    'http_req_failed{{scenario:measured}}': ['rate<0.01'],
  }},
}};

const ACTIONS = [
{actions}
];

function cookieHeader(res) {{
  return Object.entries(res.cookies).map(([name, list]) => `${{name}}=${{list[0].value}}`).join('; ');
}}

{logins}export function setup() {{
  return {{
{setup}  }};
}}

const TOTAL = ACTIONS.reduce((sum, a) => sum + a.weight, 0);

// An action by its weight, and each {{name}} of its URL filled with one of its vars.
function pick() {{
  let r = Math.random() * TOTAL;
  for (const a of ACTIONS) {{
    r -= a.weight;
    if (r < 0) return a;
  }}
  return ACTIONS[ACTIONS.length - 1];
}}

export default function (sessions) {{
  const a = pick();
  const s = a.login ? {{}} : sessions[a.as] || {{}};
  const headers = Object.assign({{}}, a.headers, s.headers || {{}});
  if (s.cookie) headers['Cookie'] = s.cookie;
  if (s.authorization) headers['Authorization'] = s.authorization;
  let url = a.url.replace(/\{{(\w+)\}}/g, (m, name) => {{
    const values = a.vars[name];
    return values ? encodeURIComponent(values[Math.floor(Math.random() * values.length)]) : m;
  }});
  if (s.query) url += (url.includes('?') ? '&' : '?') + s.query;
  http.request(a.method, url, a.body, {{headers, tags: {{action: a.name}}, redirects: 0}});
}}
)",
      fmt::arg("source", options.source.empty() ? "launchgate.yaml" : options.source),
      fmt::arg("vars", vars.empty() ? "" : vars + " "), fmt::arg("base", config.target.base_url),
      fmt::arg("base_js", js_template(config.target.base_url)), fmt::arg("p95", perf.p95_ms),
      fmt::arg("left_out_header", script.notes.empty() ? "" : "// Left out:\n"),
      fmt::arg("left_out", left_out),
      fmt::arg("warmup",
               perf.warmup_ms > 0
                   ? fmt::format("    warmup: {{executor: 'constant-arrival-rate', {}, duration: "
                                 "'{}',\n      preAllocatedVUs: {}, maxVUs: {}}},\n",
                                 schedule, duration(perf.warmup_ms), perf.users, perf.users)
                   : std::string()),
      fmt::arg("schedule", schedule), fmt::arg("duration", duration(perf.duration_ms)),
      fmt::arg("warmup_ms", duration(perf.warmup_ms)), fmt::arg("users", perf.users),
      fmt::arg("thresholds", thresholds), fmt::arg("actions", join(actions, "\n")),
      fmt::arg("logins", logins), fmt::arg("setup", setup));
  return script;
}

} // namespace lg::perf
