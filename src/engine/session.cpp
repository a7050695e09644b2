// Accounts and sessions (DESIGN.md "accounts", "auth"): the login styles (a request, with a CSRF
// token scraped from the login page when asked; HTTP Basic, RFC 7617; an API key), a per-account
// cookie jar fed from every Set-Cookie, bearer tokens from a JSON path, one re-login on 401, and
// logout. Emits no check ids.

#include "engine/session.hpp"

#include "analyze/forms.hpp"
#include "analyze/jsonpath.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

#include <fmt/format.h>

#include <set>

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

/// `url` with `name=value` (both URL-encoded) added to its query, before any fragment.
std::string with_query_param(const std::string& url, std::string_view name,
                             std::string_view value) {
  size_t hash = url.find('#');
  std::string base = url.substr(0, hash);
  std::string fragment = hash == std::string::npos ? "" : url.substr(hash);
  char sep = base.find('?') == std::string::npos ? '?' : '&';
  if (base.ends_with('?') || base.ends_with('&'))
    return fmt::format("{}{}={}{}", base, url_encode(name), url_encode(value), fragment);
  return fmt::format("{}{}{}={}{}", base, sep, url_encode(name), url_encode(value), fragment);
}

/// `text` escaped for a double-quoted POSIX shell word.
std::string shell_quoted(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '"' || c == '$' || c == '`')
      out += '\\';
    out += c;
  }
  return out;
}

/// A shell variable name from a cookie name: upper case, other characters than A-Z0-9 as '_'.
std::string variable_suffix(std::string_view name) {
  std::string out = to_upper(name);
  for (char& c : out)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
      c = '_';
  return out;
}

bool is_2xx(int status) {
  return status >= 200 && status < 300;
}

} // namespace

std::string replay_auth_hint(const Session::Credentials& creds) {
  std::vector<std::string> parts;
  bool token_used = false;
  if (!creds.token.empty()) {
    parts.emplace_back(R"(-H "Authorization: Bearer $TOKEN")");
    token_used = true;
  }
  if (!creds.basic.empty())
    parts.emplace_back(R"(-u "$BASIC_USER:$PASSWORD")");
  if (!creds.api_key.empty() && !creds.api_key_header.empty()) {
    parts.push_back(fmt::format(R"(-H "{}: $TOKEN")", shell_quoted(creds.api_key_header)));
    token_used = true;
  } else if (!creds.api_key.empty() && !creds.api_key_query.empty()) {
    parts.push_back(
        fmt::format(R"(--url-query "{}=$TOKEN")", shell_quoted(url_encode(creds.api_key_query))));
    token_used = true;
  }
  if (!creds.cookies.empty()) {
    const std::string prefix = token_used ? "COOKIE" : "TOKEN";
    std::string jar;
    std::set<std::string> used;
    for (const auto& [name, value] : creds.cookies) {
      std::string var = prefix;
      if (creds.cookies.size() > 1) {
        std::string base = fmt::format("{}_{}", prefix, variable_suffix(name));
        var = base;
        for (int n = 2; used.contains(var); ++n)
          var = fmt::format("{}_{}", base, n);
      }
      used.insert(var);
      jar += fmt::format("{}{}=${}", jar.empty() ? "" : "; ", shell_quoted(name), var);
    }
    parts.push_back(fmt::format(R"(-b "{}")", jar));
  }
  std::string out;
  for (const auto& part : parts)
    out += fmt::format("{}{}", out.empty() ? "" : " ", part);
  return out;
}

std::string Session::replay_auth_hint() const {
  return engine::replay_auth_hint(m_creds);
}

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
      m_creds.cookies.erase(cookie->name);
    else
      m_creds.cookies[cookie->name] = cookie->value;
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
    request.headers.push_back({"Authorization", fmt::format("Bearer {}", creds.token)});
  if (!creds.basic.empty())
    request.headers.push_back(
        {"Authorization", fmt::format("Basic {}", base64_encode(creds.basic))});
  if (!creds.api_key.empty() && !creds.api_key_header.empty())
    request.headers.push_back({creds.api_key_header, creds.api_key});
  else if (!creds.api_key.empty() && !creds.api_key_query.empty())
    request.url = with_query_param(request.url, creds.api_key_query, creds.api_key);
}

std::string Session::scrub(std::string message) const {
  std::vector<std::string> secrets = {m_account.basic_password, m_account.api_key,
                                      url_encode(m_account.api_key), m_creds.token};
  if (!m_account.basic_username.empty())
    secrets.push_back(
        base64_encode(fmt::format("{}:{}", m_account.basic_username, m_account.basic_password)));
  for (const auto& secret : secrets) {
    if (secret.size() < 4) // too short to search for without mangling the message
      continue;
    for (size_t at = message.find(secret); at != std::string::npos;
         at = message.find(secret, at + 10))
      message.replace(at, secret.size(), "[redacted]");
  }
  return message;
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

Expected<void> Session::login(const std::map<std::string, std::string>& planted) {
  forget();
  m_creds.cookies = planted;
  auto ok =
      m_account.login_style == LoginStyle::recipe ? login_by_request() : login_by_credential();
  if (!ok) {
    forget();
    return ok;
  }
  m_logged_in = true;
  return {};
}

Expected<void> Session::add_csrf_token(RequestRecipe& recipe) {
  const auto& csrf = *m_account.csrf;
  net::HttpRequest page{"GET", target_url(m_config, csrf.page), {{"Accept", "text/html"}}, ""};
  apply(page, m_creds); // planted cookies (session.fixation) go to the page too
  auto response = m_http.send(page);
  if (!response)
    return unexpected(ErrorKind::auth,
                      fmt::format("login of account '{}' failed: GET {} (the page with the CSRF "
                                  "token): {}",
                                  m_account.name, redact_url(csrf.page),
                                  scrub(response.error().message)));
  if (!is_2xx(response->status))
    return unexpected(ErrorKind::auth,
                      fmt::format("login of account '{}' failed: GET {} (the page with the CSRF "
                                  "token) answered {}; login.csrf.page must be the page that "
                                  "holds the login form",
                                  m_account.name, redact_url(csrf.page), response->status));
  // The page's cookies stay: frameworks bind the token to a pre-session cookie.
  absorb_cookies(*response);
  auto token = analyze::find_csrf_token(response->body, csrf.field);
  if (!token) {
    std::string names;
    if (csrf.field.empty())
      for (const auto& name : analyze::common_csrf_fields())
        names += fmt::format("{}'{}'", names.empty() ? "" : ", ", name);
    else
      names = fmt::format("'{}'", csrf.field);
    return unexpected(ErrorKind::auth,
                      fmt::format("login of account '{}' failed: no CSRF token on {} (looked for "
                                  "an <input> or <meta> named {}, and a csrf-token <meta>)",
                                  m_account.name, redact_url(csrf.page), names));
  }
  if (!recipe.json) {
    if (token->field.empty())
      return unexpected(ErrorKind::auth,
                        fmt::format("login of account '{}' failed: the CSRF token on {} is in a "
                                    "csrf-token <meta> that names no form field; set "
                                    "login.csrf.field to the field the portal expects",
                                    m_account.name, redact_url(csrf.page)));
    recipe.form[token->field] = token->value;
  }
  if (!csrf.header.empty())
    recipe.headers[csrf.header] = token->value;
  return {};
}

Expected<void> Session::login_by_request() {
  RequestRecipe recipe = m_account.login;
  if (m_account.csrf)
    LG_TRY_VOID(add_csrf_token(recipe));
  auto response = send_recipe(recipe, m_account.csrf.has_value() || !m_creds.cookies.empty());
  if (!response)
    return unexpected(ErrorKind::auth,
                      fmt::format("login of account '{}' failed: {}", m_account.name,
                                  scrub(response.error().message)));
  // Success is a 2xx, or a redirect that sets a cookie (form logins answer 302/303 + Set-Cookie).
  bool redirect_with_cookie = response->status >= 300 && response->status < 400 &&
                              !response->headers_named("Set-Cookie").empty();
  if (!is_2xx(response->status) && !redirect_with_cookie)
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
    m_creds.token = token->get<std::string>();
  } else if (m_creds.cookies.empty()) {
    return unexpected(ErrorKind::auth,
                      fmt::format("login of account '{}' set no cookie; give login.token (a JSON "
                                  "path) if the portal returns a bearer token",
                                  m_account.name));
  }
  m_login_response = std::move(*response);
  return {};
}

Expected<void> Session::login_by_credential() {
  const char* what = "HTTP Basic credentials";
  if (m_account.login_style == LoginStyle::basic) {
    m_creds.basic = fmt::format("{}:{}", m_account.basic_username, m_account.basic_password);
  } else {
    what = "API key";
    m_creds.api_key_header = m_account.api_key_header;
    m_creds.api_key_query = m_account.api_key_query;
    m_creds.api_key = m_account.api_key;
  }
  m_login_response = net::HttpResponse{};
  if (m_account.login.path.empty())
    return {}; // nothing to ask: the first request tells
  net::HttpRequest check{
      "GET", target_url(m_config, m_account.login.path), {{"Accept", "application/json"}}, ""};
  apply(check, m_creds);
  auto response = m_http.send(check);
  if (!response)
    return unexpected(ErrorKind::auth, fmt::format("login of account '{}' failed: GET {} (the "
                                                   "login check): {}",
                                                   m_account.name, redact_url(m_account.login.path),
                                                   scrub(response.error().message)));
  if (!is_2xx(response->status))
    return unexpected(ErrorKind::auth,
                      fmt::format("login of account '{}' failed: GET {} with its {} answered {} "
                                  "(login.check must answer 2xx)",
                                  m_account.name, redact_url(m_account.login.path), what,
                                  response->status));
  absorb_cookies(*response);
  m_login_response = std::move(*response);
  return {};
}

Expected<net::HttpResponse> Session::send_with(net::HttpRequest request, const Credentials& creds) {
  request.url = target_url(m_config, request.url);
  apply(request, creds);
  auto response = m_http.send_following(std::move(request));
  if (!response)
    return unexpected(response.error().kind, scrub(response.error().message));
  return response;
}

Expected<net::HttpResponse> Session::send(net::HttpRequest request) {
  if (!m_logged_in)
    LG_TRY_VOID(login());
  auto first = send_with(request, credentials());
  if (!first)
    return first;
  absorb_cookies(*first);
  // A new login only helps when it yields new credentials: basic and api_key would send the same.
  if (first->status != 401 || m_account.login_style != LoginStyle::recipe)
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
  m_creds = Credentials{};
  m_logged_in = false;
}

} // namespace lg::engine
