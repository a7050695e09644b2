// Shared parts of the session checks (see common.hpp).

#include "checks/session/common.hpp"

#include "analyze/mail.hpp"
#include "analyze/openapi.hpp"
#include "engine/replay.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <regex>

namespace lg::checks::session {

namespace {

bool is_2xx(int status) {
  return status >= 200 && status < 300;
}

bool name_like(const std::string& key, std::initializer_list<const char*> words) {
  auto lower = to_lower(key);
  return std::any_of(words.begin(), words.end(),
                     [&](const char* w) { return lower.find(w) != std::string::npos; });
}

std::string random_hex(size_t n) {
  static std::random_device device;
  static std::mt19937_64 rng(device());
  std::string out;
  while (out.size() < n)
    out += fmt::format("{:016x}", rng());
  out.resize(n);
  return out;
}

std::string fill_text(std::string text, const std::map<std::string, std::string>& vars) {
  for (const auto& [name, value] : vars) {
    const std::string placeholder = "{" + name + "}";
    for (size_t at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at + value.size()))
      text.replace(at, placeholder.size(), value);
  }
  return text;
}

void fill_json(nlohmann::json& node, const std::map<std::string, std::string>& vars) {
  if (node.is_string())
    node = fill_text(node.get<std::string>(), vars);
  else if (node.is_object() || node.is_array())
    for (auto& child : node)
      fill_json(child, vars);
}

/// Candidate probe paths, best first.
std::vector<std::string> probe_candidates(engine::Context& context) {
  std::vector<std::string> preferred, others;
  const auto& config = context.config();
  if (auto ops = context.operations()) {
    for (const auto& op : **ops) {
      if (name_like(op.path, {"logout", "signout", "sign-out", "log-out", "revoke", "delete"}) ||
          (config.auth.logout && config.auth.logout->path == op.path))
        continue;
      if (op.method != "GET" || !op.path_params.empty() || op.spec_public || op.spec_admin ||
          analyze::any_pattern_matches(config.api.public_, op.method, op.path) ||
          analyze::any_pattern_matches(config.api.admin_only, op.method, op.path) ||
          op.path.find('{') != std::string::npos)
        continue;
      bool self = name_like(op.path, {"/me", "profile", "account", "session", "whoami", "user"});
      (self ? preferred : others).push_back(op.path);
    }
  }
  for (const auto& page : config.pages)
    others.push_back(page);
  for (const auto& account : config.accounts)
    if (account.login_style != LoginStyle::recipe && !account.login.path.empty())
      others.push_back(account.login.path);
  preferred.insert(preferred.end(), others.begin(), others.end());
  std::vector<std::string> out;
  for (const auto& p : preferred)
    if (std::find(out.begin(), out.end(), p) == out.end())
      out.push_back(p);
  if (out.size() > 6)
    out.resize(6);
  return out;
}

} // namespace

Expected<Probe> find_probe(engine::Context& context, engine::Session& session) {
  struct Found {
    Expected<Probe> probe = unexpected(ErrorKind::config, "");
  };
  auto& found = context.memo<Found>("session.probe", [&] {
    std::string tried;
    for (const auto& path : probe_candidates(context)) {
      tried += fmt::format("{}{}", tried.empty() ? "" : ", ", path);
      auto own = session.send({"GET", path, {{"Accept", "application/json"}}, ""});
      if (!own)
        return Found{unexpected(own.error())};
      if (!is_2xx(own->status) || own->url != context.url(path))
        continue;
      auto anonymous =
          context.http().send({"GET", context.url(path), {{"Accept", "application/json"}}, ""});
      if (!anonymous)
        return Found{unexpected(anonymous.error())};
      if (!is_2xx(anonymous->status))
        return Found{Probe{path, anonymous->status}};
    }
    return Found{unexpected(
        ErrorKind::config,
        tried.empty()
            ? std::string("no authenticated GET endpoint to test sessions with: describe the API "
                          "(api.openapi or api.endpoints) or list pages")
            : fmt::format("no endpoint tells a live session from none (tried {}: each answered "
                          "an anonymous client too, or refused the logged-in account)",
                          tried))};
  });
  return found.probe;
}

bool accepted(engine::Context& context, const Probe& probe, const net::HttpResponse& response) {
  return is_2xx(response.status) &&
         (response.url.empty() || response.url == context.url(probe.path));
}

Expected<net::HttpResponse> send_probe(engine::Context& context, engine::Session& session,
                                       const Probe& probe,
                                       const engine::Session::Credentials& creds) {
  return session.send_with({"GET", context.url(probe.path), {{"Accept", "application/json"}}, ""},
                           creds);
}

Expected<std::unique_ptr<engine::Session>>
fresh_session(engine::Context& context, const Account& account,
              const std::map<std::string, std::string>& planted) {
  auto session = std::make_unique<engine::Session>(context.http(), context.config(), account);
  LG_TRY_VOID(session->login(planted));
  return session;
}

std::vector<const Account*> recipe_accounts(const engine::Context& context) {
  std::vector<const Account*> out;
  for (const auto& account : context.config().accounts)
    if (account.login_style == LoginStyle::recipe)
      out.push_back(&account);
  return out;
}

std::optional<LoginFields> login_fields(const Account& account) {
  LoginFields fields;
  const auto consider = [&](const std::string& key) {
    if (fields.password.empty() && name_like(key, {"pass", "pwd"}))
      fields.password = key;
    else if (fields.login.empty() && name_like(key, {"email", "user", "login", "name"}))
      fields.login = key;
  };
  if (account.login.json && account.login.json->is_object())
    for (const auto& [key, value] : account.login.json->items())
      if (value.is_string())
        consider(key);
  for (const auto& [key, value] : account.login.form)
    consider(key);
  if (fields.password.empty())
    return std::nullopt;
  return fields;
}

std::string configured_password(const Account& account) {
  auto fields = login_fields(account);
  if (!fields)
    return {};
  if (account.login.json && account.login.json->is_object()) {
    auto it = account.login.json->find(fields->password);
    if (it != account.login.json->end() && it->is_string())
      return it->get<std::string>();
  }
  auto it = account.login.form.find(fields->password);
  return it == account.login.form.end() ? std::string() : it->second;
}

Expected<net::HttpResponse> login_attempt(engine::Context& context, const Account& account,
                                          const std::string& password, const std::string& login) {
  auto fields = login_fields(account);
  if (!fields)
    return unexpected(
        ErrorKind::config,
        fmt::format("account '{}': no password field in its login recipe", account.name));
  RequestRecipe recipe = account.login;
  if (recipe.json && recipe.json->is_object()) {
    if (recipe.json->contains(fields->password))
      (*recipe.json)[fields->password] = password;
    if (!login.empty() && !fields->login.empty() && recipe.json->contains(fields->login))
      (*recipe.json)[fields->login] = login;
  }
  if (recipe.form.count(fields->password) != 0)
    recipe.form[fields->password] = password;
  if (!login.empty() && recipe.form.count(fields->login) != 0)
    recipe.form[fields->login] = login;
  return send_recipe(context, recipe);
}

RequestRecipe fill_recipe(const RequestRecipe& recipe,
                          const std::map<std::string, std::string>& vars) {
  RequestRecipe out = recipe;
  out.path = fill_text(out.path, vars);
  for (auto& [name, value] : out.headers)
    value = fill_text(value, vars);
  for (auto& [name, value] : out.form)
    value = fill_text(value, vars);
  if (out.json)
    fill_json(*out.json, vars);
  return out;
}

net::HttpRequest recipe_request(engine::Context& context, const RequestRecipe& recipe) {
  net::HttpRequest request;
  request.method = recipe.method;
  request.url = context.url(recipe.path);
  request.headers.push_back({"Accept", "application/json"});
  for (const auto& [name, value] : recipe.headers)
    request.headers.push_back({name, value});
  engine::fill_body(request, recipe);
  return request;
}

Expected<net::HttpResponse> send_recipe(engine::Context& context, const RequestRecipe& recipe) {
  return context.http().send(recipe_request(context, recipe));
}

std::map<std::string, std::string> session_cookies(const engine::Session& session) {
  auto cookies = session.credentials().cookies;
  std::erase_if(cookies, [](const auto& kv) { return name_like(kv.first, {"csrf", "xsrf"}); });
  return cookies;
}

std::string unknown_address(const std::string& email, const std::string& tag) {
  size_t at = email.rfind('@');
  std::string domain = at == std::string::npos ? "example.invalid" : email.substr(at + 1);
  return fmt::format("launchgate-{}-{}@{}", tag, random_hex(10), domain);
}

std::string unknown_login(const Account& account, const std::string& tag) {
  std::string configured;
  if (auto fields = login_fields(account); fields && !fields->login.empty()) {
    if (account.login.json && account.login.json->is_object())
      if (auto it = account.login.json->find(fields->login);
          it != account.login.json->end() && it->is_string())
        configured = it->get<std::string>();
    if (auto it = account.login.form.find(fields->login); it != account.login.form.end())
      configured = it->second;
  }
  if (configured.empty())
    configured = account.email;
  if (configured.find('@') != std::string::npos || configured.empty())
    return unknown_address(configured, tag);
  return fmt::format("launchgate-{}-{}", tag, random_hex(8));
}

std::optional<bool> password_works(engine::Context& context, const Account& account,
                                   const std::string& password) {
  if (account.csrf)
    return std::nullopt;
  auto r = login_attempt(context, account, password);
  if (!r)
    return std::nullopt;
  bool redirect_with_cookie =
      r->status >= 300 && r->status < 400 && !r->headers_named("Set-Cookie").empty();
  return is_2xx(r->status) || redirect_with_cookie;
}

std::string temporary_password() {
  return fmt::format("Lg-{}-Tmp#{}", random_hex(12), random_hex(6));
}

Expected<MailedToken> mailed_token(engine::Context& context, const std::string& address,
                                   const std::string& pattern, const std::string& what,
                                   const std::function<Expected<net::HttpResponse>()>& send) {
  auto* mailbox = context.mailbox();
  if (mailbox == nullptr)
    return unexpected(ErrorKind::config, "no mail source: set mail.smtp_sink (and point the "
                                         "portal's SMTP at it) or mail.command");
  LG_TRY_VOID(mailbox->watch(address));
  auto response = send();
  if (!response)
    return unexpected(response.error());
  if (response->status >= 400)
    return unexpected(ErrorKind::auth, fmt::format("{} answered {}: {}", what, response->status,
                                                   engine::excerpt(response->body, 160)));
  const auto wait = context.config().mail.wait_ms;
  auto mail = mailbox->next(address, std::chrono::milliseconds(wait));
  if (!mail)
    return unexpected(mail.error());
  if (!*mail)
    return unexpected(ErrorKind::network,
                      fmt::format("no mail to {} within {} s after {} (answered {}): is the "
                                  "portal's SMTP pointed at the mail source?",
                                  address, wait / 1000, what, response->status));
  auto parsed = analyze::parse_mail((*mail)->data);
  if (!parsed)
    return unexpected(parsed.error());
  MailedToken out;
  out.subject = parsed->subject;
  out.request_status = response->status;
  std::regex re;
  try {
    re = std::regex(pattern);
  } catch (const std::regex_error&) {
    return unexpected(ErrorKind::config, fmt::format("the token pattern '{}' is not a regular "
                                                     "expression",
                                                     pattern));
  }
  // Line by line, long lines skipped: std::regex recurses per character and a hostile mail
  // must not exhaust the stack. Tokens stand on short lines.
  constexpr size_t k_max_line = 4096;
  std::smatch m;
  for (const auto& link : analyze::mail_links(*parsed))
    if (link.size() <= k_max_line && std::regex_search(link, m, re) && m.size() > 1 &&
        m[1].length() > 0) {
      out.token = m[1].str();
      out.link = link;
      return out;
    }
  for (const auto& part : parsed->parts)
    for (auto line : split(part.text, '\n')) {
      if (line.size() > k_max_line)
        continue;
      std::string text(line);
      if (std::regex_search(text, m, re) && m.size() > 1 && m[1].length() > 0) {
        out.token = m[1].str();
        return out;
      }
    }
  return unexpected(ErrorKind::parse,
                    fmt::format("the mail to {} (\"{}\") holds nothing that matches '{}'", address,
                                parsed->subject, pattern));
}

nlohmann::json evidence(const std::string& method, const std::string& path, const std::string& as,
                        int status, nlohmann::json extra) {
  nlohmann::json e = {{"method", method}, {"path", path}, {"as", as}, {"status", status}};
  for (auto& [key, value] : extra.items())
    e[key] = value;
  return e;
}

} // namespace lg::checks::session
