// Server-rendered HTML pages of the sample portal: the sign-in form, the org's records table, and
// the forms behind the mailed reset and invite links, each with the portal's notice on top. Every
// value is HTML-escaped; there is no script (but the slow-page flaw's same-origin /notice.js) and
// the only other asset is the same-origin /style.css, so the strict CSP holds. Form posts
// must come from this origin (Origin header; the sign-out form follows the API's CSRF rule) and
// use the SameSite=Lax session cookie; failed sign-ins share the API's limits (429).

#include "access_log.hpp"
#include "actions.hpp"
#include "server.hpp"
#include "util.hpp"

#include <fmt/format.h>

#include <chrono>
#include <thread>

namespace portal {

namespace {

using httplib::Request;
using httplib::Response;

constexpr std::int64_t k_page_records = 100;

constexpr std::string_view k_style =
    R"css(body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1d2530}
header{display:flex;justify-content:space-between;align-items:center;border-bottom:1px solid #ccd;margin-bottom:1rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e3e6ea;vertical-align:top}
label{display:block;margin:.5rem 0}input{padding:.3rem;font-size:1rem}.error{color:#a40000}.muted{color:#667}
.notice{font-size:1.25rem;line-height:1.6;margin:0 0 1rem}
)css";

// The notice at the top of every page: the largest element of each, so the one a browser reports
// as its Largest Contentful Paint.
constexpr std::string_view k_notice =
    R"(<p id="portal-notice" class="notice">Welcome to the Client Portal, where your organisation )"
    R"(keeps its records. Every record you create is visible to the members of your organisation )"
    R"(and to no one else. Search finds a record by a word of its title or body. New members join )"
    R"(through an invitation from one of your organisation's administrators, and a forgotten )"
    R"(password is replaced through a reset link sent by email. Please sign out when you leave a )"
    R"(shared computer.</p>)";

// The slow-page flaw's script (the CSP allows only same-origin scripts, no inline ones): the
// server answers it only after 3 s (install_page_routes), and once it runs the notice kept in
// the page's template replaces the small placeholder at once. Loaded `async` at the end of the
// body, it does not hold up the first paint: the placeholder shows first, the notice — the
// page's largest element — only when the slow request completes, as on a real slow page.
constexpr std::string_view k_notice_script =
    R"js(// slow-page: this script arrives 3 s late; the notice appears as soon as it runs.
(function () {
  var slot = document.getElementById("portal-notice");
  var late = document.getElementById("portal-notice-late");
  if (slot && late) {
    slot.replaceWith(late.content.cloneNode(true));
  }
})();
)js";

// How long the slow-page flaw's server holds /notice.js before answering it.
constexpr auto k_notice_script_delay = std::chrono::milliseconds(3000);

std::string layout(std::string_view title, std::string_view content, std::string_view who = {}) {
  std::string signed_in;
  if (!who.empty()) {
    signed_in = fmt::format(R"(<form method="post" action="/logout"><span class="muted">{}</span> )"
                            R"(<button type="submit">Sign out</button></form>)",
                            html_escape(who));
  }
  return fmt::format(R"(<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{} · Client Portal</title><link rel="stylesheet" href="/style.css"></head>
<body><header><h1>Client Portal</h1>{}</header>
<main>
{}
{}
</main></body></html>
)",
                     html_escape(title), signed_in, k_notice, content);
}

// Under the slow-page flaw the notice of `html` becomes a small placeholder, the notice moves
// into an inert <template>, and /notice.js (loaded async at the end of the body, answered 3 s
// late) swaps them.
void delay_notice(std::string& html) {
  const auto at = html.find(k_notice);
  if (at == std::string::npos) {
    return;
  }
  html.replace(at, k_notice.size(),
               fmt::format(R"(<p id="portal-notice" class="muted">Loading notices…</p>)"
                           "\n<template id=\"portal-notice-late\">{}</template>",
                           k_notice));
  const auto end = html.rfind("</body>");
  html.insert(end == std::string::npos ? html.size() : end,
              R"(<script src="/notice.js" async></script>)");
}

void send_html(const Context& ctx, Response& res, int status, std::string html) {
  if (ctx.options.flaws.has(Flaw::slow_page)) {
    delay_notice(html);
  }
  res.status = status;
  res.set_content(html, "text/html; charset=utf-8");
}

// `error` as a paragraph above a form, or "" when there is none.
std::string error_note(std::string_view error) {
  if (error.empty()) {
    return {};
  }
  return fmt::format(R"(<p class="error">{}</p>)", html_escape(error));
}

std::string sign_in_form(std::string_view error) {
  return layout("Sign in", fmt::format(R"(<h2>Sign in</h2>{}
<form method="post" action="/login">
<label>Email <input type="email" name="email" autocomplete="username" required></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>)",
                                       error_note(error)));
}

std::string message_page(std::string_view title, std::string_view text) {
  return layout(title, fmt::format(R"(<h2>{}</h2><p>{}</p><p><a href="/">Sign in</a></p>)",
                                   html_escape(title), html_escape(text)));
}

std::string password_form(std::string_view title, std::string_view action, std::string_view token,
                          std::string_view error) {
  return layout(title, fmt::format(R"(<h2>{}</h2>{}
<form method="post" action="{}">
<input type="hidden" name="token" value="{}">
<label>New password (at least 12 characters) <input type="password" name="password" autocomplete="new-password" minlength="12" required></label>
<button type="submit">Save password</button>
</form>)",
                                   html_escape(title), error_note(error), html_escape(action),
                                   html_escape(token)));
}

// False (after answering 403) when a browser says the form was posted from another origin.
bool same_origin(const Context& ctx, const Request& req, Response& res) {
  if (req.has_header("Origin") && req.get_header_value("Origin") != ctx.base_url) {
    send_html(ctx, res, 403, message_page("Forbidden", "This form must be sent from the portal."));
    return false;
  }
  return true;
}

std::optional<User> cookie_user(Context& ctx, const Request& req) {
  auto user = ctx.auth.authenticate(cookie_value(req, "session"));
  if (user) {
    note_user(*user);
  }
  return user;
}

void records_page(Context& ctx, const Request& req, Response& res) {
  const auto user = cookie_user(ctx, req);
  if (!user) {
    send_html(ctx, res, 401,
              message_page("Please sign in", "Sign in to see your organisation's records."));
    return;
  }
  auto query = req.get_param_value("q");
  if (!valid_utf8(query) || utf8_length(query) > 200) {
    query.clear();
  }
  const auto page = ctx.store.list_records(user->org_id, query, k_page_records, 0);
  std::string rows;
  for (const auto& record : page.records) {
    rows += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", record.id,
                        html_escape(record.title), html_escape(record.owner),
                        rfc3339(record.updated_at));
  }
  const auto content = fmt::format(
      R"(<h2>Records of {}</h2>
<form method="get" action="/records"><label>Search <input type="search" name="q" value="{}"></label> <button type="submit">Search</button></form>
<p class="muted">{} record(s){}</p>
<table><thead><tr><th>#</th><th>Title</th><th>Owner</th><th>Updated</th></tr></thead>
<tbody>
{}</tbody></table>)",
      html_escape(user->org), html_escape(query), page.total,
      page.total > k_page_records ? fmt::format(", first {} shown", k_page_records) : "", rows);
  send_html(ctx, res, 200, layout("Records", content, user->email + " (" + user->role + ")"));
}

void login_form_post(Context& ctx, const Request& req, Response& res) {
  if (!same_origin(ctx, req, res)) {
    return;
  }
  const auto email = form_field(req.body, "email");
  const auto password = form_field(req.body, "password");
  const auto result = sign_in(ctx, email, password, req.remote_addr, cookie_value(req, "session"));
  if (result.retry_after > 0) {
    res.set_header("Retry-After", std::to_string(result.retry_after));
    send_html(ctx, res, 429,
              sign_in_form("Too many failed sign-ins. Please wait a few minutes and try again."));
    return;
  }
  if (!result.session) {
    send_html(ctx, res, 401, sign_in_form("Invalid email or password."));
    return;
  }
  res.set_header("Set-Cookie", session_cookie(ctx, result.session->token));
  res.set_redirect("/records", 303);
}

void logout_form_post(Context& ctx, const Request& req, Response& res) {
  // The sign-out form rides on the session cookie: the CSRF rule of the API applies.
  if (csrf_refused(ctx, req)) {
    send_html(ctx, res, 403, message_page("Forbidden", "This form must be sent from the portal."));
    return;
  }
  const auto token = cookie_value(req, "session");
  if (const auto user = ctx.auth.authenticate(token)) {
    note_user(*user);
    sign_out(ctx, token, *user, req.remote_addr);
  }
  res.set_header("Set-Cookie", cleared_session_cookie(ctx));
  res.set_redirect("/", 303);
}

// A form behind a mailed link: the password form it shows, where it posts, the flow it runs and
// what it answers when the flow is done or the link is no good.
struct TokenForm {
  std::string_view title;
  std::string_view action;
  TokenOutcome (*run)(Context& ctx, std::string_view token, std::string_view password,
                      std::string_view ip);
  int done_status;
  std::string_view done_title;
  std::string_view done_text;
  std::string_view expired_text;
};

constexpr TokenForm k_reset_form{"Choose a new password",
                                 "/reset",
                                 confirm_password_reset,
                                 200,
                                 "Password changed",
                                 "You can now sign in with it.",
                                 "This reset link is invalid or was used."};

constexpr TokenForm k_invite_form{
    "Accept your invite",
    "/invite",
    [](Context& ctx, std::string_view token, std::string_view password, std::string_view ip) {
      User user;
      return accept_invite(ctx, token, password, ip, user);
    },
    201,
    "Welcome",
    "Your account is ready. Sign in with your email.",
    "This invite is invalid or was used."};

void token_form_post(Context& ctx, const TokenForm& form, const Request& req, Response& res) {
  if (!same_origin(ctx, req, res)) {
    return;
  }
  const auto token = form_field(req.body, "token");
  const auto password = form_field(req.body, "password");
  switch (form.run(ctx, token, password, req.remote_addr)) {
  case TokenOutcome::done:
    send_html(ctx, res, form.done_status, message_page(form.done_title, form.done_text));
    return;
  case TokenOutcome::weak_password:
    send_html(ctx, res, 400,
              password_form(form.title, form.action, token, password_problem(password)));
    return;
  case TokenOutcome::email_taken: // only an invite meets a taken email
    send_html(ctx, res, 409,
              message_page("Already registered", "This email already has an account."));
    return;
  case TokenOutcome::invalid_token:
    send_html(ctx, res, 400, message_page("Link expired", form.expired_text));
    return;
  }
}

} // namespace

void install_page_routes(httplib::Server& server, Context& ctx) {
  server.Get("/style.css", [](const Request&, Response& res) {
    res.set_content(std::string(k_style), "text/css; charset=utf-8");
  });
  if (ctx.options.flaws.has(Flaw::slow_page)) {
    server.Get("/notice.js", [](const Request&, Response& res) {
      // Holds one of the 128 worker threads for the delay, as a slow backend would.
      std::this_thread::sleep_for(k_notice_script_delay);
      res.set_content(std::string(k_notice_script), "text/javascript; charset=utf-8");
    });
  }
  server.Get("/", [&ctx](const Request& req, Response& res) {
    if (cookie_user(ctx, req)) {
      res.set_redirect("/records", 303);
      return;
    }
    std::string html = sign_in_form({});
    if (ctx.options.flaws.has(Flaw::mixed_content)) {
      const auto at = html.find("</main>");
      html.insert(at == std::string::npos ? html.size() : at,
                  "<script src=\"http://cdn.portal.test/analytics.js\"></script>\n"
                  "<img src=\"http://cdn.portal.test/logo.png\" alt=\"\">\n");
    }
    send_html(ctx, res, 200, html);
  });
  server.Get("/records",
             [&ctx](const Request& req, Response& res) { records_page(ctx, req, res); });
  server.Post("/login",
              [&ctx](const Request& req, Response& res) { login_form_post(ctx, req, res); });
  server.Post("/logout",
              [&ctx](const Request& req, Response& res) { logout_form_post(ctx, req, res); });
  for (const TokenForm* form : {&k_reset_form, &k_invite_form}) {
    const std::string path(form->action);
    server.Get(path, [&ctx, form](const Request& req, Response& res) {
      send_html(ctx, res, 200,
                password_form(form->title, form->action, req.get_param_value("token"), {}));
    });
    server.Post(path, [&ctx, form](const Request& req, Response& res) {
      token_form_post(ctx, *form, req, res);
    });
  }
}

} // namespace portal
