// session.user-enumeration: compares the answers to a known and an unknown account — login
// with a wrong password, and the password-reset request — by status, by body (the address and
// digits masked), and by timing: interleaved repeats compared with a Mann-Whitney U test, a
// difference counted only when p < 0.01 and the medians differ by 10 ms and 25% (CWE-204,
// CWE-208). Invites are sent by admins only and are not an anonymous oracle.

#include "analyze/tokens.hpp"
#include "checks/registry.hpp"
#include "checks/session/common.hpp"
#include "engine/replay.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <regex>

namespace lg::checks {

using namespace session;

namespace {

constexpr int k_login_pairs = 8;
constexpr int k_reset_pairs = 6;

struct Sample {
  int status = 0;
  std::string body; ///< normalised
  double ms = 0;
};

std::string normalise(std::string body, const std::string& address) {
  body = body.substr(0, 2048);
  if (!address.empty())
    for (size_t at = body.find(address); at != std::string::npos; at = body.find(address, at))
      body.replace(at, address.size(), "<address>");
  // Nonces, CSRF tokens and request ids differ on every answer: long runs become one mark.
  static const std::regex k_tokens("[A-Za-z0-9_+/=-]{16,}");
  static const std::regex k_digits("[0-9]+");
  return std::regex_replace(std::regex_replace(body, k_tokens, "T"), k_digits, "0");
}

/// The most common value of `pick` over `samples`.
template <class T, class Pick> T mode(const std::vector<Sample>& samples, Pick pick) {
  std::map<T, int> counts;
  for (const auto& s : samples)
    ++counts[pick(s)];
  return std::max_element(counts.begin(), counts.end(),
                          [](const auto& a, const auto& b) { return a.second < b.second; })
      ->first;
}

/// True when every sample has the same body: only then is a different body a signal.
bool consistent(const std::vector<Sample>& samples) {
  return std::all_of(samples.begin(), samples.end(),
                     [&](const Sample& s) { return s.body == samples.front().body; });
}

struct Comparison {
  std::vector<Finding> findings;
  std::string note;
  bool serious = false; ///< a status or body difference: certain, unlike timing
};

Comparison compare(const CheckMeta& meta, const std::string& flow, const RequestRecipe& recipe,
                   const std::string& as, const std::vector<Sample>& known,
                   const std::vector<Sample>& unknown) {
  Comparison out;
  if (known.empty() || unknown.empty()) {
    out.note = flow + ": no comparable answers (rate-limited?)";
    return out;
  }
  const auto finding = [&](std::string message, int status, nlohmann::json extra,
                           const std::string& key) {
    Finding f;
    f.message = std::move(message);
    f.evidence = evidence(recipe.method, recipe.path, as, status, std::move(extra));
    f.fingerprint = make_fingerprint(meta.id, {recipe.path, key});
    out.findings.push_back(std::move(f));
  };
  int ks = mode<int>(known, [](const Sample& s) { return s.status; });
  int us = mode<int>(unknown, [](const Sample& s) { return s.status; });
  auto kb = mode<std::string>(known, [](const Sample& s) { return s.body; });
  auto ub = mode<std::string>(unknown, [](const Sample& s) { return s.body; });
  if (ks != us)
    finding(fmt::format("{} answers {} for an existing account and {} for an unknown one", flow, ks,
                        us),
            us, {{"existing_status", ks}, {"unknown_status", us}}, flow + " status");
  else if (kb != ub && consistent(known) && consistent(unknown))
    finding(
        fmt::format("{} answers both with {} but with different bodies for an existing and an "
                    "unknown account",
                    flow, ks),
        us,
        {{"existing_body", engine::excerpt(kb, 160)}, {"unknown_body", engine::excerpt(ub, 160)}},
        flow + " body");
  out.serious = ks != us || (kb != ub && consistent(known) && consistent(unknown));
  std::vector<double> kt, ut;
  for (const auto& s : known)
    kt.push_back(s.ms);
  for (const auto& s : unknown)
    ut.push_back(s.ms);
  double p = analyze::mann_whitney_p(kt, ut);
  double km = analyze::median(kt), um = analyze::median(ut);
  double diff = std::abs(km - um);
  out.note = fmt::format("{}: {} vs {}, median {:.1f} vs {:.1f} ms (p={:.3f}, {}+{} samples)", flow,
                         ks, us, km, um, p, kt.size(), ut.size());
  if (p < 0.01 && diff >= 10 && diff >= 0.25 * std::min(km, um))
    finding(fmt::format("{} takes {:.1f} ms for an existing account and {:.1f} ms for an unknown "
                        "one (Mann-Whitney p={:.4f} over {}+{} requests): timing reveals accounts",
                        flow, km, um, p, kt.size(), ut.size()),
            us, {{"existing_median_ms", km}, {"unknown_median_ms", um}, {"p", p}},
            flow + " timing");
  return out;
}

} // namespace

CheckResult run_session_user_enumeration(engine::Context& context, const CheckMeta& meta) {
  const auto& config = context.config();
  std::vector<const Account*> accounts;
  for (const auto* a : recipe_accounts(context))
    if (auto fields = login_fields(*a); fields && !fields->login.empty() && !a->csrf)
      accounts.push_back(a); // logins with a scraped CSRF token are not replayed by hand
  if (accounts.empty() && !config.auth.reset_request)
    return engine::skipped(meta, SkipKind::not_applicable,
                           "no login request with an email or username field and no "
                           "auth.reset_request: no answer to compare");
  std::vector<Finding> findings;
  std::vector<std::string> notes;
  bool serious = false;

  if (!accounts.empty()) {
    std::vector<Sample> known, unknown;
    for (int i = 0; i < k_login_pairs; ++i) {
      const Account& account = *accounts[static_cast<size_t>(i) % accounts.size()];
      std::string wrong = fmt::format("launchgate-enum-{}-Zr4", i);
      std::string stranger = unknown_login(account, "enum");
      auto k = login_attempt(context, account, wrong);
      auto u = login_attempt(context, account, wrong, stranger);
      if (!k || !u)
        return engine::errored(meta, (!k ? k.error() : u.error()).message);
      if (k->status != 429)
        known.push_back({k->status, normalise(k->body, account.email), k->elapsed_ms});
      if (u->status != 429)
        unknown.push_back({u->status, normalise(u->body, stranger), u->elapsed_ms});
    }
    auto c =
        compare(meta, "login", accounts.front()->login, accounts.front()->name, known, unknown);
    findings.insert(findings.end(), c.findings.begin(), c.findings.end());
    notes.push_back(c.note);
    serious = serious || c.serious;
  }

  if (config.auth.reset_request) {
    const Account* account = nullptr;
    for (const auto& a : config.accounts)
      if (!a.email.empty()) {
        account = &a;
        break;
      }
    if (account == nullptr) {
      notes.push_back("reset: no account has an email to compare with");
    } else {
      std::vector<Sample> known, unknown;
      for (int i = 0; i < k_reset_pairs; ++i) {
        std::string stranger = unknown_address(account->email, "enum");
        auto k = send_recipe(
            context, fill_recipe(*config.auth.reset_request, {{"account.email", account->email}}));
        auto u = send_recipe(
            context, fill_recipe(*config.auth.reset_request, {{"account.email", stranger}}));
        if (!k || !u)
          return engine::errored(meta, (!k ? k.error() : u.error()).message);
        if (k->status != 429)
          known.push_back({k->status, normalise(k->body, account->email), k->elapsed_ms});
        if (u->status != 429)
          unknown.push_back({u->status, normalise(u->body, stranger), u->elapsed_ms});
      }
      auto c = compare(meta, "password reset request", *config.auth.reset_request, "anonymous",
                       known, unknown);
      findings.insert(findings.end(), c.findings.begin(), c.findings.end());
      notes.push_back(c.note);
      serious = serious || c.serious;
    }
  }
  std::string summary = join(notes, "; ");
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), serious, summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
