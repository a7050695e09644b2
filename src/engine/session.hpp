#pragma once
// One configured account's HTTP state: logs in by its recipe (a cookie jar, or a bearer token
// taken from the login response by a JSON path), adds its credentials to each request, logs in
// again once on a 401, and logs out on request.

#include "analyze/cookies.hpp"
#include "core/config.hpp"
#include "core/guard.hpp"

#include <map>
#include <string>

namespace lg::engine {

class Session {
public:
  Session(GuardedHttpClient& http, const Config& config, Account account);

  const Account& account() const { return m_account; }
  bool logged_in() const { return m_logged_in; }

  /// Sends the login recipe. Errors (kind auth) say what the portal answered, never the secret.
  Expected<void> login();

  /// The response of the last successful login (status, headers, body).
  const net::HttpResponse& login_response() const { return m_login_response; }

  /// Sends `request` (its url may be a path on the target) with this account's credentials,
  /// follows in-scope redirects, keeps Set-Cookie updates, and logs in again once on a 401.
  Expected<net::HttpResponse> send(net::HttpRequest request);

  /// Sends the auth.logout recipe with the credentials, then forgets them locally.
  Expected<net::HttpResponse> logout(const RequestRecipe& recipe);

  /// Drops the local credentials without telling the server.
  void forget();

  /// Credentials as they were right now, to replay after logout (session.logout).
  struct Credentials {
    std::map<std::string, std::string> cookies;
    std::string token;
  };
  Credentials credentials() const { return {m_cookies, m_token}; }
  /// Sends `request` with `creds` exactly, no re-login (for replaying ended sessions).
  Expected<net::HttpResponse> send_with(net::HttpRequest request, const Credentials& creds);

private:
  void absorb_cookies(const net::HttpResponse& response);
  static void apply(net::HttpRequest& request, const Credentials& creds);
  Expected<net::HttpResponse> send_recipe(const RequestRecipe& recipe, bool with_credentials);

  GuardedHttpClient& m_http;
  const Config& m_config;
  Account m_account;
  bool m_logged_in = false;
  std::map<std::string, std::string> m_cookies;
  std::string m_token;
  net::HttpResponse m_login_response;
};

/// base_url joined with `path` when `path` is not absolute.
std::string target_url(const Config& config, const std::string& path);

/// The body and content type of a recipe: JSON, a form, or empty.
void fill_body(net::HttpRequest& request, const RequestRecipe& recipe);

} // namespace lg::engine
