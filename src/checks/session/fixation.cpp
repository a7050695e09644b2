// session.fixation: plants a session cookie before login (the value the server handed out before
// login, or one of the real session's shape), logs in with it and replays the planted value
// alone: it must not be a logged-in session (OWASP WSTG-SESS-03, CWE-384). Then estimates the
// entropy of session ids over several logins: at least 64 bits (OWASP ASVS 3.2.2).

#include "analyze/cookies.hpp"
#include "analyze/jwt.hpp"
#include "analyze/tokens.hpp"
#include "checks/registry.hpp"
#include "checks/session/common.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <random>

namespace lg::checks {

using namespace session;

namespace {

constexpr int k_logins = 12;
constexpr double k_min_bits = 64;

/// A value of `like`'s shape (same length, same character classes), random.
std::string same_shape(const std::string& like) {
  static std::mt19937_64 rng(std::random_device{}());
  std::string out = like;
  for (char& c : out) {
    if (c >= '0' && c <= '9')
      c = static_cast<char>('0' + rng() % 10);
    else if (c >= 'a' && c <= 'f')
      c = static_cast<char>('a' + rng() % 6);
    else if (c >= 'A' && c <= 'F')
      c = static_cast<char>('A' + rng() % 6);
    else if (c >= 'g' && c <= 'z')
      c = static_cast<char>('g' + rng() % 20);
    else if (c >= 'G' && c <= 'Z')
      c = static_cast<char>('G' + rng() % 20);
  }
  return out;
}

} // namespace

CheckResult run_session_fixation(engine::Context& context, const CheckMeta& meta) {
  auto accounts = recipe_accounts(context);
  if (accounts.empty())
    return engine::skipped(meta, SkipKind::not_applicable,
                           "no account logs in by a request: no session id is issued");
  const Account& account = *accounts.front();
  auto reference = fresh_session(context, account);
  if (!reference)
    return engine::errored(meta, reference.error().message);
  auto cookies = session_cookies(**reference);
  if (cookies.empty())
    return engine::skipped(meta, SkipKind::not_applicable,
                           "the login sets no session cookie: sessions are bearer tokens, which "
                           "a client cannot plant");
  auto probe = find_probe(context, **reference);
  if (!probe)
    return engine::errored(meta, probe.error().message);

  std::vector<Finding> findings;
  // Values handed out before login (a pre-session cookie) are the realistic plant.
  auto page = context.anonymous("GET", account.login.path.empty() ? "/" : account.login.path);
  std::map<std::string, std::string> planted;
  for (const auto& [name, value] : cookies) {
    std::string pre;
    if (page)
      for (const auto& header : page->headers_named("Set-Cookie"))
        if (auto c = analyze::parse_set_cookie(header); c && c->name == name && !c->value.empty())
          pre = c->value;
    planted[name] = pre.empty() ? same_shape(value) : pre;
  }
  auto victim = fresh_session(context, account, planted);
  if (!victim)
    return engine::errored(meta, victim.error().message);
  auto issued = session_cookies(**victim);
  engine::Session::Credentials only_planted;
  only_planted.cookies = planted;
  auto replay = send_probe(context, **victim, *probe, only_planted);
  if (!replay)
    return engine::errored(meta, replay.error().message);
  bool kept = false;
  for (const auto& [name, value] : planted)
    kept = kept || (issued.count(name) != 0 && issued[name] == value);
  if (accepted(context, *probe, *replay)) {
    Finding f;
    f.message = fmt::format("a session id planted before login is a logged-in session of {} "
                            "afterwards: GET {} with only the planted cookie answered {}{}",
                            account.name, probe->path, replay->status,
                            kept ? " (the login kept the planted value instead of issuing a new "
                                   "one)"
                                 : "");
    nlohmann::json values = nlohmann::json::object();
    for (const auto& [name, value] : planted)
      values[name] = redact(value);
    f.evidence =
        evidence("GET", probe->path, account.name, replay->status,
                 {{"login", account.login.method + " " + account.login.path}, {"planted", values}});
    f.fingerprint = make_fingerprint(meta.id, {account.login.path});
    findings.push_back(std::move(f));
  }

  // Entropy of the session ids over several logins (JWTs are judged by session.jwt).
  std::map<std::string, std::vector<std::string>> samples;
  for (const auto& [name, value] : cookies)
    if (!analyze::looks_like_jwt(value))
      samples[name].push_back(value);
  if (!samples.empty())
    for (int i = 1; i < k_logins; ++i) {
      auto s = fresh_session(context, account);
      if (!s)
        return engine::errored(meta, s.error().message);
      for (const auto& [name, value] : session_cookies(**s))
        if (samples.count(name) != 0)
          samples[name].push_back(value);
    }
  std::string entropy_note;
  for (const auto& [name, values] : samples) {
    auto e = analyze::estimate_token_entropy(values);
    entropy_note += fmt::format("{}cookie '{}': ~{:.0f} bits over {} logins",
                                entropy_note.empty() ? "" : "; ", name, e.bits, values.size());
    if (e.bits >= k_min_bits)
      continue;
    Finding f;
    f.message = fmt::format(
        "session cookie '{}' carries about {:.0f} bits of entropy ({} logins: {} of {} characters "
        "vary, alphabet of {}{}{}); at least {} are needed",
        name, e.bits, values.size(), e.varying, e.length, e.alphabet,
        e.repeated ? ", an id was issued twice" : "",
        e.sequential ? ", ids are sequential numbers" : "", k_min_bits);
    f.evidence = evidence(account.login.method, account.login.path, account.name, 0,
                          {{"cookie", name},
                           {"samples", values.size()},
                           {"example", redact(values.front())},
                           {"bits", e.bits}});
    f.fingerprint = make_fingerprint(meta.id, {name, "entropy"});
    findings.push_back(std::move(f));
  }
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), true, entropy_note);
  return engine::passed(meta, fmt::format("login issues a new session id (the planted one gets "
                                          "{} on GET {}); {}",
                                          replay->status, probe->path,
                                          entropy_note.empty() ? "ids are JWTs" : entropy_note));
}

} // namespace lg::checks
