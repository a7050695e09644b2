// Accounts and sessions (DESIGN.md "accounts", "auth"): the login recipe, a per-account cookie jar
// fed from every Set-Cookie, bearer tokens from a JSON path, one re-login on 401, and logout.

#include "engine/session.hpp"

#include "analyze/jsonpath.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

#include <fmt/format.h>

namespace lg::engine {

std::string target_url(const Config& config, const std::string& path) {
  if (path.starts_with("http://") || path.starts_with("https://"))
    return path;
  std::string base = config.target.base_url;
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  return base + (path.empty() || path.front() != '/' ? "/" : "") + path;
}

namespace {

std::string form_encode(const std::map<std::string, std::string>& form) {
  std::string out;
  for (const auto& [k, v] : form) {
    out += fmt::format("{}{}={}", out.empty() ? "" : "&", url_encode(k), url_encode(v));
  }
  return out;
}

} // namespace

void fill_body(net::HttpRequest& request, const RequestRecipe& recipe) {
  if (recipe.json) {
    request.body = recipe.json->dump();
    request.headers.push_back({"Content-Type", "application/json"});
  } else if (!recipe.form.empty()) {
    request.body = form_encode(recipe.form);
    request.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  }
  for (const auto& [k, v] : recipe.headers)
    request.headers.push_back({k, v});
}

Session::Session(GuardedHttpClient& http, const Config& config, Account account)
    : m_http(http), m_config(config), m_account(std::move(account)) {}

void Session::absorb_cookies(const net::HttpResponse& response) {
  for (const auto& header : response.headers_named("Set-Cookie")) {
    auto cookie = analyze::parse_set_cookie(header);
    if (!cookie)
      continue;
    if (analyze::is_deletion(*cookie))
      m_cookies.erase(cookie->name);
    else
      m_cookies[cookie->name] = cookie->value;
  }
}

void Session::apply(net::HttpRequest& request, const Credentials& creds) {
  if (!creds.cookies.empty()) {
    std::string jar;
    for (const auto& [k, v] : creds.cookies)
      jar += fmt::format("{}{}={}", jar.empty() ? "" : "; ", k, v);
    request.headers.push_back({"Cookie", jar});
  }
  if (!creds.token.empty())
    request.headers.push_back({"Authorization", "Bearer " + creds.token});
}

Expected<net::HttpResponse> Session::send_recipe(const RequestRecipe& recipe,
                                                 bool with_credentials) {
  net::HttpRequest request;
  request.method = recipe.method;
  request.url = target_url(m_config, recipe.path);
  request.headers.push_back({"Accept", "application/json"});
  fill_body(request, recipe);
  if (with_credentials)
    apply(request, credentials());
  return m_http.send(request);
}

Expected<void> Session::login() {
  m_cookies.clear();
  m_token.clear();
  m_logged_in = false;
  auto response = send_recipe(m_account.login, false);
  if (!response)
    return unexpected(ErrorKind::auth, fmt::format("login of account '{}' failed: {}",
                                                   m_account.name, response.error().message));
  // Success is a 2xx, or a redirect that sets a cookie (form logins answer 302/303 + Set-Cookie).
  bool ok = response->status >= 200 && response->status < 300;
  bool redirect_with_cookie = response->status >= 300 && response->status < 400 &&
                              !response->headers_named("Set-Cookie").empty();
  if (!ok && !redirect_with_cookie)
    return unexpected(ErrorKind::auth,
                      fmt::format("login of account '{}' failed: {} {} answered {}", m_account.name,
                                  m_account.login.method, redact_url(m_account.login.path),
                                  response->status));
  absorb_cookies(*response);
  if (!m_account.token_path.empty()) {
    auto doc = nlohmann::json::parse(response->body, nullptr, false);
    const nlohmann::json* token =
        doc.is_discarded() ? nullptr : analyze::json_path_get(doc, m_account.token_path);
    if (token == nullptr || !token->is_string() || token->get<std::string>().empty())
      return unexpected(ErrorKind::auth,
                        fmt::format("login of account '{}': no string at {} in the response",
                                    m_account.name, m_account.token_path));
    m_token = token->get<std::string>();
  } else if (m_cookies.empty()) {
    return unexpected(ErrorKind::auth,
                      fmt::format("login of account '{}' set no cookie; give login.token (a JSON "
                                  "path) if the portal returns a bearer token",
                                  m_account.name));
  }
  m_login_response = std::move(*response);
  m_logged_in = true;
  return {};
}

Expected<net::HttpResponse> Session::send_with(net::HttpRequest request, const Credentials& creds) {
  request.url = target_url(m_config, request.url);
  apply(request, creds);
  return m_http.send_following(std::move(request));
}

Expected<net::HttpResponse> Session::send(net::HttpRequest request) {
  if (!m_logged_in)
    LG_TRY_VOID(login());
  auto first = send_with(request, credentials());
  if (!first)
    return first;
  absorb_cookies(*first);
  if (first->status != 401)
    return first;
  LG_TRY_VOID(login());
  auto second = send_with(std::move(request), credentials());
  if (second)
    absorb_cookies(*second);
  return second;
}

Expected<net::HttpResponse> Session::logout(const RequestRecipe& recipe) {
  if (!m_logged_in)
    LG_TRY_VOID(login());
  auto response = send_recipe(recipe, true);
  forget();
  return response;
}

void Session::forget() {
  m_cookies.clear();
  m_token.clear();
  m_logged_in = false;
}

} // namespace lg::engine
