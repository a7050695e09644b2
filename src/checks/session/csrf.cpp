// session.csrf: replays a state-changing request (auth.logout, which the tool may send without
// --allow-writes) the way a cross-site form would: the session cookie only, no anti-CSRF token,
// Origin and Referer of another site, Sec-Fetch-Site: cross-site. If the server acts on it, the
// result depends on SameSite: Lax or Strict keeps current browsers from sending the cookie on a
// cross-site POST, so it passes with that caveat; None or no attribute fails (CWE-352).

#include "analyze/cookies.hpp"
#include "checks/registry.hpp"
#include "checks/session/common.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <set>

namespace lg::checks {

using namespace session;

namespace {

constexpr const char* k_attacker = "https://launchgate-attacker.example";

} // namespace

CheckResult run_session_csrf(engine::Context& context, const CheckMeta& meta) {
  const auto& config = context.config();
  auto accounts = recipe_accounts(context);
  if (accounts.empty())
    return engine::skipped(meta, SkipKind::not_applicable, "no account logs in by a request");
  if (!config.auth.logout)
    return engine::skipped(meta, SkipKind::not_configured,
                           "auth.logout is not configured: it is the state-changing request "
                           "this check replays cross-site");
  const Account& account = *accounts.front();
  auto victim = fresh_session(context, account);
  if (!victim)
    return engine::errored(meta, victim.error().message);
  auto cookies = session_cookies(**victim);
  if (cookies.empty())
    return engine::skipped(meta, SkipKind::not_applicable,
                           "the session is a bearer token, which browsers do not attach to "
                           "cross-site requests");
  auto probe = find_probe(context, **victim);
  if (!probe)
    return engine::errored(meta, probe.error().message);

  // SameSite of each session cookie as set at login; a cookie not set there is unknown, so weak.
  std::vector<std::string> weak; // cookies a cross-site POST carries
  std::set<std::string> seen;
  for (const auto& header : (*victim)->login_response().headers_named("Set-Cookie")) {
    auto cookie = analyze::parse_set_cookie(header);
    if (!cookie || cookies.count(cookie->name) == 0)
      continue;
    seen.insert(cookie->name);
    auto same_site = to_lower(cookie->same_site.value_or(""));
    if (same_site != "lax" && same_site != "strict")
      weak.push_back(fmt::format("'{}' ({})", cookie->name,
                                 same_site.empty() ? "no SameSite" : "SameSite=None"));
  }
  for (const auto& [name, value] : cookies)
    if (seen.count(name) == 0)
      weak.push_back(fmt::format("'{}' (not set at login: SameSite unknown)", name));

  const auto& recipe = *config.auth.logout;
  // Control: logout from the portal's own pages must end the session, or a cross-site logout
  // that "did nothing" proves nothing.
  {
    auto control = fresh_session(context, account);
    if (!control)
      return engine::errored(meta, control.error().message);
    auto creds = (*control)->credentials();
    auto out = (*control)->logout(recipe);
    if (!out)
      return engine::errored(meta, out.error().message);
    auto after = send_probe(context, **control, *probe, creds);
    if (!after)
      return engine::errored(meta, after.error().message);
    if (accepted(context, *probe, *after))
      return engine::skipped(meta, SkipKind::not_applicable,
                             fmt::format("{} {} does not end the session on the server (see "
                                         "session.logout), so it cannot show whether a cross-site "
                                         "request is acted on",
                                         recipe.method, recipe.path));
  }

  // What a form on another site can send: a POST with a simple content type and no custom
  // headers (anything else needs a CORS preflight the browser would not pass).
  engine::Session::Credentials jar;
  jar.cookies = (*victim)->credentials().cookies;
  net::HttpRequest request;
  request.method = recipe.method == "GET" ? "GET" : "POST";
  request.url = context.url(recipe.path);
  request.headers = {{"Accept", "text/html"},
                     {"Origin", k_attacker},
                     {"Referer", std::string(k_attacker) + "/"},
                     {"Sec-Fetch-Site", "cross-site"}};
  if (recipe.json) {
    request.body = recipe.json->dump();
    request.headers.push_back({"Content-Type", "text/plain"});
  } else if (!recipe.form.empty()) {
    net::HttpRequest form;
    engine::fill_body(form, recipe);
    request.body = form.body;
    request.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  }
  auto response = (*victim)->send_with(request, jar);
  if (!response)
    return engine::errored(meta, response.error().message);
  auto after = send_probe(context, **victim, *probe, (*victim)->credentials());
  if (!after)
    return engine::errored(meta, after.error().message);
  bool acted = response->status < 400 && !accepted(context, *probe, *after);
  if (!acted)
    return engine::passed(meta, fmt::format("a cross-site {} {} with the session cookie and no "
                                            "token was refused ({}); the session still works",
                                            request.method, recipe.path, response->status));
  if (weak.empty())
    return engine::passed(
        meta, fmt::format("the server acted on a cross-site {} {} ({}) without a token or Origin "
                          "check, but every session cookie is SameSite=Lax or Strict, so current "
                          "browsers do not send it cross-site (browsers before Chrome 80, Firefox "
                          "69 and Safari 13 ignore SameSite; add an Origin check)",
                          request.method, recipe.path, response->status));
  Finding f;
  f.message = fmt::format(
      "a cross-site {} {} carrying only the session cookie (Origin: {}, no anti-CSRF token) was "
      "carried out ({}; the session then got {} on GET {}), and the cookie {} lets browsers send "
      "it from any site",
      request.method, recipe.path, k_attacker, response->status, after->status, probe->path,
      join(weak, ", "));
  f.evidence = evidence(request.method, recipe.path, account.name, response->status,
                        {{"origin", k_attacker}, {"cookies", join(weak, ", ")}});
  f.fingerprint = make_fingerprint(meta.id, {recipe.path});
  return engine::failed(meta, {f}, true);
}

} // namespace lg::checks
