// session.reset-token: drives the password reset end to end with the captured mail. For one test
// account: two requests (tokens T1, T2); T1 must be refused once T2 exists; T2 works once and only
// once; a token is refused after the password changed; each token has 64 bits of entropy or
// more; a third token's page sends no Referer with the token to other origins; with a short
// auth.reset_expiry a token is tried after it; unknown addresses get the same answer. Finally a
// last reset sets the configured password back, or the check says loudly that it could not
// (OWASP Forgot Password Cheat Sheet, CWE-640).

#include "analyze/tokens.hpp"
#include "checks/registry.hpp"
#include "checks/session/common.hpp"
#include "engine/replay.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

#include <fmt/format.h>

namespace lg::checks {

using namespace session;

namespace {

constexpr double k_min_bits = 64;
constexpr long long k_wait_limit_ms = 2 * 60 * 1000;

bool ok(int status) {
  return status >= 200 && status < 400;
}

/// "/reset/TOKEN?x" with the token replaced, for evidence.
std::string without_token(std::string text, const std::string& token) {
  for (size_t at = text.find(token); !token.empty() && at != std::string::npos;
       at = text.find(token, at))
    text.replace(at, token.size(), "{token}");
  return text;
}

/// The account to reset: one with an email and a password in its login, staff before admins, and
/// not the last one (session.login-rate-limit hammers that one).
const Account* reset_account(const engine::Context& context) {
  auto accounts = recipe_accounts(context);
  const Account* best = nullptr;
  for (size_t i = 0; i < accounts.size(); ++i) {
    const auto* a = accounts[i];
    if (a->email.empty() || configured_password(*a).empty())
      continue;
    bool last = i + 1 == accounts.size() && accounts.size() > 1;
    if (best == nullptr || (!last && to_lower(a->role).find("admin") == std::string::npos &&
                            to_lower(best->role).find("admin") != std::string::npos))
      best = a;
  }
  return best;
}

} // namespace

CheckResult run_session_reset_token(engine::Context& context, const CheckMeta& meta) {
  const auto& auth = context.config().auth;
  if (!auth.reset_request || !auth.reset_confirm)
    return engine::skipped(meta, SkipKind::not_configured,
                           "auth.reset_request and auth.reset_confirm are not both configured");
  if (context.mailbox() == nullptr)
    return engine::skipped(meta, SkipKind::not_configured,
                           "no mail source: set mail.smtp_sink (and the portal's SMTP to it) or "
                           "mail.command to read the reset mail");
  const Account* account = reset_account(context);
  if (account == nullptr)
    return engine::skipped(meta, SkipKind::not_configured,
                           "no account has both an email and a password in its login recipe");
  const std::string password = configured_password(*account);
  const auto& confirm_recipe = *auth.reset_confirm;
  bool touched = false; // a confirm was sent: the password may have changed

  const auto request = [&](const std::string& address) {
    return send_recipe(context, fill_recipe(*auth.reset_request, {{"account.email", address}}));
  };
  const auto mailed = [&]() {
    return mailed_token(context, account->email, auth.reset_token,
                        fmt::format("{} {}", auth.reset_request->method, auth.reset_request->path),
                        [&] { return request(account->email); });
  };
  const auto confirm = [&](const std::string& token, const std::string& new_password) {
    touched = true;
    return send_recipe(context, fill_recipe(confirm_recipe, {{"token", token},
                                                             {"new_password", new_password},
                                                             {"account.email", account->email}}));
  };
  // Whether a confirm set `new_password`: its status, then a login with it (a form flow may
  // answer 200 or a redirect with an error page).
  const auto took = [&](const net::HttpResponse& r, const std::string& new_password) {
    if (!ok(r.status))
      return false;
    return password_works(context, *account, new_password).value_or(true);
  };

  std::vector<Finding> findings;
  std::vector<std::string> notes;
  const auto finding = [&](std::string message, const RequestRecipe& recipe, int status,
                           nlohmann::json extra, const std::string& key) {
    Finding f;
    f.message = std::move(message);
    f.evidence = evidence(recipe.method, recipe.path, "anonymous", status, std::move(extra));
    f.evidence["account"] = account->name;
    f.fingerprint = make_fingerprint(meta.id, {key});
    findings.push_back(std::move(f));
  };
  // The password must be set back whatever happens below.
  const auto restore = [&]() -> std::string {
    if (!touched)
      return {};
    auto t = mailed();
    if (!t)
      return t.error().message;
    auto r = confirm(t->token, password);
    if (!r)
      return r.error().message;
    if (!ok(r->status))
      return fmt::format("{} {} answered {}", confirm_recipe.method, confirm_recipe.path,
                         r->status);
    if (password_works(context, *account, password) == false)
      return "the configured password does not log in after the last reset";
    if (auto s = context.session(account->name); s && (*s)->logged_in())
      if (auto again = (*s)->login(); !again)
        return again.error().message;
    return {};
  };
  const auto finish = [&](std::optional<std::string> error) {
    std::string problem = restore();
    std::string summary = join(notes, "; ");
    if (!problem.empty())
      summary = fmt::format("THE PASSWORD OF {} COULD NOT BE SET BACK ({}): set it to the "
                            "configured one by hand before the next run. {}",
                            account->name, problem, summary);
    if (error)
      return engine::errored(meta, problem.empty() ? *error : summary + "; " + *error);
    if (!findings.empty())
      return engine::failed(meta, std::move(findings), true, summary);
    if (!problem.empty())
      return engine::errored(meta, summary);
    return engine::passed(meta, summary);
  };

  auto t1 = mailed();
  if (!t1)
    return finish(t1.error().message);
  auto t2 = mailed();
  if (!t2)
    return finish(t2.error().message);

  // Entropy of the tokens (each alone: two samples say little about varying positions).
  for (const auto* t : {&*t1, &*t2}) {
    auto e = analyze::estimate_token_entropy({t->token});
    if (e.bits < k_min_bits) {
      finding(fmt::format("the reset token carries about {:.0f} bits ({} characters from an "
                          "alphabet of {}); at least {:.0f} are needed",
                          e.bits, e.length, e.alphabet, k_min_bits),
              *auth.reset_request, t->request_status, {{"token", redact(t->token)}}, "entropy");
      break;
    }
  }
  if (t1->token == t2->token)
    finding("two reset requests mailed the same token", *auth.reset_request, t2->request_status,
            {{"token", redact(t1->token)}}, "same-token");
  notes.push_back(
      fmt::format("tokens of {} characters by mail (\"{}\")", t2->token.size(), t2->subject));

  // T1 after T2 was requested.
  std::string p1 = temporary_password();
  auto c1 = confirm(t1->token, p1);
  if (!c1)
    return finish(c1.error().message);
  bool t1_worked = took(*c1, p1);
  if (t1_worked) {
    finding(fmt::format("an older reset token still set the password after a newer one was "
                        "requested ({} {} answered {})",
                        confirm_recipe.method, confirm_recipe.path, c1->status),
            confirm_recipe, c1->status, {{"token", redact(t1->token)}}, "older-token");
  }
  // T2: first use.
  std::string p2 = temporary_password();
  auto c2 = confirm(t2->token, p2);
  if (!c2)
    return finish(c2.error().message);
  bool t2_worked = took(*c2, p2);
  if (t2_worked) {
    if (t1_worked)
      finding("a reset token issued before the password was changed still works afterwards",
              confirm_recipe, c2->status, {{"token", redact(t2->token)}}, "after-change");
    else
      notes.push_back("a token issued before a password change could not be tried after it "
                      "separately: the newer request had already voided it");
  } else if (!t1_worked) {
    return finish(fmt::format("{} {} refused a fresh token from the mail ({}: {}): check "
                              "auth.reset_confirm and auth.reset_token",
                              confirm_recipe.method, confirm_recipe.path, c2->status,
                              engine::excerpt(c2->body, 160)));
  }
  // The token that worked, a second time.
  const auto& used = t2_worked ? *t2 : *t1;
  std::string p3 = temporary_password();
  auto c3 = confirm(used.token, p3);
  if (!c3)
    return finish(c3.error().message);
  if (took(*c3, p3)) {
    finding(fmt::format("a reset token worked twice ({} {} answered {} on the second use)",
                        confirm_recipe.method, confirm_recipe.path, c3->status),
            confirm_recipe, c3->status, {{"token", redact(used.token)}}, "reuse");
  } else {
    notes.push_back(fmt::format("a used token is refused ({})", c3->status));
  }

  // The reset page: Referer towards other origins.
  auto t3 = mailed();
  if (!t3)
    return finish(t3.error().message);
  if (t3->link.empty()) {
    notes.push_back("the token is not in a link: no reset page to inspect");
  } else if (!context.http().in_scope(t3->link)) {
    notes.push_back("the reset link points outside target.scope: its page is not fetched");
  } else {
    auto page = context.http().send({"GET", t3->link, {{"Accept", "text/html"}}, ""});
    if (page) {
      auto policy =
          analyze::referrer_policy(page->header("Referrer-Policy").value_or(""), page->body);
      auto origin = parse_url(t3->link);
      auto foreign = analyze::foreign_urls(page->body, origin ? origin->origin() : "");
      std::string path = origin ? origin->path.substr(0, origin->path.find('?')) : "";
      if (analyze::policy_leaks_url(policy) && !foreign.empty())
        finding(fmt::format("the reset page ({}) sets Referrer-Policy {} and loads or links {} "
                            "other origin(s) (first: {}): they receive the token in Referer",
                            without_token(path, t3->token), policy, foreign.size(),
                            foreign.front()),
                RequestRecipe{"GET", without_token(path, t3->token), {}, {}, {}}, page->status,
                {{"referrer_policy", policy}, {"foreign", foreign.front()}}, "referer");
      else
        notes.push_back(fmt::format("reset page: Referrer-Policy {}, {} foreign URL(s)",
                                    policy.empty() ? "(browser default)" : policy, foreign.size()));
    }
  }
  // Expiry, when it is short enough to wait for.
  if (auth.reset_expiry_ms <= k_wait_limit_ms) {
    auto t4 = mailed(); // a token whose page was not fetched
    if (!t4)
      return finish(t4.error().message);
    context.clock().sleep_until(context.clock().now() +
                                std::chrono::milliseconds(auth.reset_expiry_ms + 1500));
    std::string p4 = temporary_password();
    auto c4 = confirm(t4->token, p4);
    if (!c4)
      return finish(c4.error().message);
    if (took(*c4, p4)) {
      finding(fmt::format("a reset token still worked {:.1f} s after it was mailed, past "
                          "auth.reset_expiry",
                          static_cast<double>(auth.reset_expiry_ms + 1500) / 1000),
              confirm_recipe, c4->status, {{"token", redact(t4->token)}}, "expiry");
    } else {
      notes.push_back(fmt::format("refused after auth.reset_expiry ({})", c4->status));
    }
  } else {
    notes.push_back(fmt::format("expiry ({} min) not waited for; set auth.reset_expiry to 2 min or "
                                "less on staging to test it",
                                auth.reset_expiry_ms / 60000));
  }
  // Unknown addresses answer alike (compared with the answer to the first request, whose mail
  // was read, so that no stray mail is left for the restore to pick up).
  auto unknown = request(unknown_address(account->email, "reset"));
  if (!unknown)
    return finish(unknown.error().message);
  if (unknown->status != t1->request_status)
    finding(fmt::format("the reset request answers {} for an existing account and {} for an "
                        "unknown address: it tells which accounts exist",
                        t1->request_status, unknown->status),
            *auth.reset_request, unknown->status,
            {{"existing_status", t1->request_status}, {"unknown_status", unknown->status}},
            "enumeration");
  return finish(std::nullopt);
}

} // namespace lg::checks
