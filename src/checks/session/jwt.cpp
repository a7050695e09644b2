// session.jwt: where the session is a JWT (the bearer token or a session cookie), judges the
// issued token (alg, exp, an HMAC key from the list of common secrets, tried offline) and
// replays forged variants on the probe: alg none and a tampered signature must be refused
// (RFC 8725 sections 2.1, 3.1, 3.5; CWE-347).

#include "analyze/jwt.hpp"
#include "checks/registry.hpp"
#include "checks/session/common.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <ctime>

namespace lg::checks {

using namespace session;

namespace {

struct Carrier {
  std::string where;  ///< "bearer token" or "cookie 'name'"
  std::string cookie; ///< the cookie's name, empty for the bearer token
  std::string value;
};

/// Credentials that carry `token` where `c` carries the JWT and nothing else that could log in:
/// the other session cookies and the bearer token are left out (cookies named like csrf stay).
engine::Session::Credentials with_token(const engine::Session::Credentials& creds,
                                        const std::map<std::string, std::string>& session,
                                        const Carrier& c, const std::string& token) {
  engine::Session::Credentials out;
  for (const auto& [name, value] : creds.cookies)
    if (session.count(name) == 0)
      out.cookies[name] = value;
  if (c.cookie.empty())
    out.token = token;
  else
    out.cookies[c.cookie] = token;
  return out;
}

} // namespace

CheckResult run_session_jwt(engine::Context& context, const CheckMeta& meta) {
  auto accounts = recipe_accounts(context);
  if (accounts.empty())
    return engine::skipped(meta, SkipKind::not_applicable, "no account logs in by a request");
  const Account& account = *accounts.front();
  auto login = fresh_session(context, account);
  if (!login)
    return engine::errored(meta, login.error().message);
  auto creds = (*login)->credentials();
  auto session_jar = session_cookies(**login);
  std::vector<Carrier> carriers;
  if (analyze::looks_like_jwt(creds.token))
    carriers.push_back({"bearer token", "", creds.token});
  for (const auto& [name, value] : session_jar)
    if (analyze::looks_like_jwt(value) && value != creds.token)
      carriers.push_back({fmt::format("cookie '{}'", name), name, value});
  if (carriers.empty())
    return engine::skipped(meta, SkipKind::not_applicable,
                           "the session is not a JWT (opaque token or cookie)");
  auto probe = find_probe(context, **login);
  if (!probe)
    return engine::errored(meta, probe.error().message);

  const double limit = static_cast<double>(context.config().auth.session_max_ms) / 1000;
  std::vector<Finding> findings;
  std::vector<std::string> notes;
  bool replayed = false;
  const auto finding = [&](const Carrier& c, std::string message, int status, nlohmann::json extra,
                           const std::string& key) {
    Finding f;
    f.message = fmt::format("{}: {}", c.where, message);
    extra["token"] = redact(c.value);
    f.evidence = evidence("GET", probe->path, account.name, status, std::move(extra));
    f.fingerprint = make_fingerprint(meta.id, {c.where, key});
    findings.push_back(std::move(f));
  };
  for (const auto& c : carriers) {
    auto jwt = analyze::parse_jwt(c.value);
    if (!jwt)
      continue;
    notes.push_back(
        fmt::format("{} is a JWT signed with {}", c.where, jwt->alg.empty() ? "?" : jwt->alg));
    // Control: the genuine token alone must be accepted, or replays of forgeries prove nothing.
    auto control = send_probe(context, **login, *probe, with_token(creds, session_jar, c, c.value));
    if (!control)
      return engine::errored(meta, control.error().message);
    bool replayable = accepted(context, *probe, *control);
    replayed = replayed || replayable;
    if (!replayable)
      notes.push_back(fmt::format("the {} alone is not accepted on GET {} ({}): forged variants "
                                  "not replayed",
                                  c.where, probe->path, control->status));
    if (to_lower(jwt->alg) == "none" || jwt->signature.empty())
      finding(c, "the portal issues unsigned tokens (alg none)", 0, {{"alg", jwt->alg}},
              "issued-none");

    auto exp = analyze::numeric_claim(*jwt, "exp");
    auto iat = analyze::numeric_claim(*jwt, "iat");
    if (!exp)
      finding(c, "the token has no exp claim: it never expires", 0, {{"claims", "no exp"}},
              "no-exp");
    else if (double lives = *exp - (iat ? *iat : static_cast<double>(std::time(nullptr)));
             lives > limit)
      finding(c,
              fmt::format("the token is valid for {:.0f} h, longer than auth.session_max {:.0f} h",
                          lives / 3600, limit / 3600),
              0, {{"lifetime_s", lives}}, "long-exp");

    if (auto secret = analyze::find_hmac_secret(*jwt, analyze::common_jwt_secrets())) {
      // Proof beyond the signature match: a token of our own making, signed with the found key.
      auto claims = jwt->claims;
      claims["launchgate"] = "forged";
      std::string header_part = jwt->signing_input.substr(0, jwt->signing_input.find('.'));
      std::string input = header_part + "." + base64url_encode(claims.dump());
      std::string forged =
          input + "." + base64url_encode(hmac_sha(analyze::hmac_bits(jwt->alg), *secret, input));
      auto replay = send_probe(context, **login, *probe, with_token(creds, session_jar, c, forged));
      std::string also = replayable && replay && accepted(context, *probe, *replay)
                             ? fmt::format("; a token with an added claim, signed with it, is "
                                           "accepted (GET {} answered {})",
                                           probe->path, replay->status)
                             : "";
      finding(c,
              fmt::format("the {} key is one of {} well-known secrets ({} characters), so anyone "
                          "can sign tokens for any user{}",
                          jwt->alg, analyze::common_jwt_secrets().size(), secret->size(), also),
              replay ? replay->status : 0, {{"alg", jwt->alg}}, "weak-secret");
    }

    // Forgeries that a verifying server refuses.
    struct Variant {
      std::string name, token, message;
    };
    std::vector<Variant> variants;
    for (const char* none : {"none", "None"}) {
      auto header = jwt->header;
      header["alg"] = none;
      variants.push_back(
          {fmt::format("alg {}", none), analyze::encode_jwt(header, jwt->claims, ""),
           fmt::format("a token with alg \"{}\" and no signature is accepted", none)});
    }
    if (!jwt->signature.empty()) {
      std::string sig = jwt->signature;
      sig[sig.size() / 2] = static_cast<char>(sig[sig.size() / 2] ^ 0x01);
      variants.push_back({"tampered signature", jwt->signing_input + "." + base64url_encode(sig),
                          "a token whose signature was altered is accepted: signatures are not "
                          "verified"});
    }
    if (!replayable)
      variants.clear();
    for (const auto& v : variants) {
      auto replay =
          send_probe(context, **login, *probe, with_token(creds, session_jar, c, v.token));
      if (!replay)
        return engine::errored(meta, replay.error().message);
      if (accepted(context, *probe, *replay)) {
        finding(c, fmt::format("{} (GET {} answered {})", v.message, probe->path, replay->status),
                replay->status, {{"variant", v.name}}, v.name);
        if (v.name.rfind("alg", 0) == 0)
          break; // one alg none finding is enough
      }
    }
  }
  std::string summary = join(notes, "; ");
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), true, summary);
  return engine::passed(
      meta, summary + fmt::format("; {}exp within {:.0f} h; an HMAC key, if any, is none of {} "
                                  "well-known secrets",
                                  replayed ? fmt::format("alg none and a tampered signature are "
                                                         "refused on GET {}; ",
                                                         probe->path)
                                           : std::string("forgeries not replayed; "),
                                  limit / 3600, analyze::common_jwt_secrets().size()));
}

} // namespace lg::checks
