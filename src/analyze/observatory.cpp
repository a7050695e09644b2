// Observatory-style scoring. The result names, modifiers and grading chart below follow the
// scoring methodology Mozilla publishes for its HTTP Observatory ("Tests & Scoring", MDN
// Observatory documentation, 2024 revision of the 2016 docs/scoring.md): baseline 100, penalties
// first, bonuses only when the score is already 90 or more, minimum 0. The tests and their
// decisions are this project's reading of that document, limited to what one response shows:
// the redirection test is left to domain.https-redirect, the crossdomain.xml and
// clientaccesspolicy.xml files are not fetched, and "hsts-preloaded" (membership of the browsers'
// preload list) is not checked, so a preload token earns no bonus here.

#include "analyze/observatory.hpp"

#include "analyze/cookies.hpp"
#include "analyze/headers.hpp"
#include "analyze/html_tags.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>

namespace lg::analyze {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;
using Policy = std::map<std::string, std::vector<std::string>>;

struct Entry {
  std::string_view result;
  int modifier;
};

// Observatory's published score modifiers (see the file comment). corp-not-implemented is listed
// as +5 in one revision of the table but scored 0 by the scanner's own output; 0 is used here.
constexpr auto k_table = std::to_array<Entry>({
    {"csp-implemented-with-no-unsafe-default-src-none", 10},
    {"csp-implemented-with-no-unsafe", 5},
    {"csp-implemented-with-unsafe-inline-in-style-src-only", 0},
    {"csp-implemented-with-insecure-scheme-in-passive-content-only", -10},
    {"csp-implemented-with-unsafe-eval", -10},
    {"csp-implemented-with-insecure-scheme", -20},
    {"csp-implemented-with-unsafe-inline", -20},
    {"csp-not-implemented", -25},
    {"csp-header-invalid", -25},
    {"cookies-secure-with-httponly-sessions-and-samesite", 5},
    {"cookies-not-found", 0},
    {"cookies-secure-with-httponly-sessions", 0},
    {"cookies-without-secure-flag-but-protected-by-hsts", -5},
    {"cookies-session-without-secure-flag-but-protected-by-hsts", -10},
    {"cookies-without-secure-flag", -20},
    {"cookies-samesite-flag-invalid", -20},
    {"cookies-anticsrf-without-samesite-flag", -20},
    {"cookies-session-without-httponly-flag", -30},
    {"cookies-session-without-secure-flag", -40},
    {"cross-origin-resource-sharing-not-implemented", 0},
    {"cross-origin-resource-sharing-implemented-with-public-access", 0},
    {"cross-origin-resource-sharing-implemented-with-restricted-access", 0},
    {"cross-origin-resource-sharing-implemented-with-universal-access", -50},
    {"redirection-not-judged", 0},
    {"referrer-policy-private", 5},
    {"referrer-policy-no-referrer-when-downgrade", 0},
    {"referrer-policy-not-implemented", 0},
    {"referrer-policy-unsafe", -5},
    {"referrer-policy-header-invalid", -5},
    {"hsts-implemented-max-age-at-least-six-months", 0},
    {"hsts-implemented-max-age-less-than-six-months", -10},
    {"hsts-not-implemented", -20},
    {"hsts-not-implemented-no-https", -20},
    {"hsts-header-invalid", -20},
    {"sri-implemented-and-all-scripts-loaded-securely", 5},
    {"sri-implemented-and-external-scripts-loaded-securely", 5},
    {"sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0},
    {"sri-not-implemented-but-no-scripts-loaded", 0},
    {"sri-not-implemented-response-not-html", 0},
    {"sri-not-implemented-but-external-scripts-loaded-securely", -5},
    {"sri-implemented-but-external-scripts-not-loaded-securely", -20},
    {"sri-not-implemented-and-external-scripts-not-loaded-securely", -50},
    {"x-content-type-options-nosniff", 0},
    {"x-content-type-options-not-implemented", -5},
    {"x-content-type-options-header-invalid", -5},
    {"x-frame-options-implemented-via-csp", 5},
    {"x-frame-options-allow-from-origin", 0},
    {"x-frame-options-sameorigin-or-deny", 0},
    {"x-frame-options-not-implemented", -20},
    {"x-frame-options-header-invalid", -20},
    {"corp-implemented-with-same-origin", 0},
    {"corp-implemented-with-same-site", 0},
    {"corp-not-implemented", 0},
    {"corp-implemented-with-cross-origin", -20},
    {"corp-header-invalid", -20},
});

// Observatory's grading chart: the lowest score of each grade, best first.
constexpr auto k_grades = std::to_array<std::pair<int, std::string_view>>({
    {100, "A+"},
    {90, "A"},
    {85, "A-"},
    {80, "B+"},
    {70, "B"},
    {65, "B-"},
    {60, "C+"},
    {50, "C"},
    {45, "C-"},
    {40, "D+"},
    {30, "D"},
    {25, "D-"},
    {0, "F"},
});

constexpr size_t k_max_body = 2 * 1024 * 1024;
constexpr size_t k_max_scripts = 2000;
constexpr size_t k_max_tags = 100000;
constexpr size_t k_max_cookies = 200;

std::optional<std::string> first(const Headers& headers, std::string_view name) {
  for (const auto& [n, v] : headers)
    if (iequals(n, name))
      return v;
  return std::nullopt;
}

ObservatoryTest make(std::string_view test, std::string_view result, std::string explanation) {
  return {std::string(test), std::string(result), observatory_modifier(result),
          std::move(explanation), true};
}

bool has(const std::vector<std::string>& sources, std::string_view s) {
  return std::any_of(sources.begin(), sources.end(),
                     [&](const std::string& x) { return iequals(x, s); });
}

/// The sources a fetch directive falls back to (CSP3 §6.8.3, limited to default-src).
const std::vector<std::string>* sources_of(const Policy& policy, std::string_view directive) {
  auto it = policy.find(std::string(directive));
  if (it == policy.end())
    it = policy.find("default-src");
  return it == policy.end() ? nullptr : &it->second;
}

bool broad(const std::string& s) {
  return s == "*" || iequals(s, "http:") || iequals(s, "https:") || iequals(s, "data:");
}

bool insecure(const std::string& s) {
  return iequals(s, "http:") || istarts_with(s, "http://") || iequals(s, "ws:") ||
         istarts_with(s, "ws://");
}

ObservatoryTest judge_csp(const Headers& headers, bool https) {
  constexpr std::string_view id = "content-security-policy";
  auto csp = first(headers, "Content-Security-Policy");
  if (!csp)
    return make(id, "csp-not-implemented",
                first(headers, "Content-Security-Policy-Report-Only")
                    ? "only Content-Security-Policy-Report-Only is sent: nothing is enforced"
                    : "no Content-Security-Policy header");
  Policy policy = parse_csp(*csp);
  if (policy.empty())
    return make(id, "csp-header-invalid", "the Content-Security-Policy holds no directive");
  const auto* script = sources_of(policy, "script-src");
  const auto* object = sources_of(policy, "object-src");
  bool nonce_or_hash =
      script && std::any_of(script->begin(), script->end(), [](const std::string& s) {
        return istarts_with(s, "'nonce-") || istarts_with(s, "'sha256-") ||
               istarts_with(s, "'sha384-") || istarts_with(s, "'sha512-");
      });
  if (!script)
    return make(id, "csp-implemented-with-unsafe-inline",
                "neither script-src nor default-src: scripts load from anywhere");
  if (has(*script, "'unsafe-inline'") && !nonce_or_hash)
    return make(id, "csp-implemented-with-unsafe-inline",
                "script-src allows 'unsafe-inline' without a nonce or hash");
  for (const auto& s : *script)
    if (broad(s))
      return make(id, "csp-implemented-with-unsafe-inline",
                  "script-src allows '" + s + "', which any site can serve");
  if (!object)
    return make(id, "csp-implemented-with-unsafe-inline",
                "neither object-src nor default-src: plugins load from anywhere");
  for (const auto& s : *object)
    if (broad(s))
      return make(id, "csp-implemented-with-unsafe-inline", "object-src allows '" + s + "'");
  if (https) {
    static constexpr auto k_passive = std::to_array<std::string_view>({"img-src", "media-src"});
    bool passive_only = false;
    for (const auto& [name, sources] : policy) {
      if (!std::any_of(sources.begin(), sources.end(), insecure))
        continue;
      if (std::find(k_passive.begin(), k_passive.end(), name) == k_passive.end())
        return make(id, "csp-implemented-with-insecure-scheme",
                    name + " allows plain http: on an HTTPS site");
      passive_only = true;
    }
    if (passive_only)
      return make(id, "csp-implemented-with-insecure-scheme-in-passive-content-only",
                  "images or media may load over plain http:");
  }
  if (has(*script, "'unsafe-eval'"))
    return make(id, "csp-implemented-with-unsafe-eval", "script-src allows 'unsafe-eval'");
  if (const auto* style = sources_of(policy, "style-src")) {
    bool unsafe =
        has(*style, "'unsafe-inline'") ||
        std::any_of(style->begin(), style->end(), [](const std::string& s) { return broad(s); });
    if (unsafe)
      return make(id, "csp-implemented-with-unsafe-inline-in-style-src-only",
                  "only style-src is loose ('unsafe-inline', data: or a whole scheme)");
  }
  auto def = policy.find("default-src");
  if (def != policy.end() && def->second.size() == 1 && iequals(def->second[0], "'none'"))
    return make(id, "csp-implemented-with-no-unsafe-default-src-none",
                "default-src 'none' and no unsafe source for scripts");
  return make(id, "csp-implemented-with-no-unsafe", "no unsafe source for scripts or objects");
}

bool session_name(std::string_view name) {
  std::string n = to_lower(name);
  static constexpr auto k_marks =
      std::to_array<std::string_view>({"sess", "sid", "login", "auth", "token", "jwt"});
  return std::any_of(k_marks.begin(), k_marks.end(),
                     [&](std::string_view m) { return n.find(m) != std::string::npos; });
}

bool csrf_name(std::string_view name) {
  std::string n = to_lower(name);
  return n.find("csrf") != std::string::npos || n.find("xsrf") != std::string::npos;
}

ObservatoryTest judge_cookies(const Headers& headers, bool https, bool hsts_protects) {
  constexpr std::string_view id = "cookies";
  std::vector<SetCookie> cookies;
  for (const auto& [n, v] : headers) {
    if (cookies.size() >= k_max_cookies)
      break;
    if (!iequals(n, "Set-Cookie"))
      continue;
    auto c = parse_set_cookie(v);
    if (c && !is_deletion(*c))
      cookies.push_back(std::move(*c));
  }
  if (cookies.empty())
    return make(id, "cookies-not-found", "no cookie is set");
  // The worst problem wins, as Observatory reports one result per test.
  std::optional<ObservatoryTest> worst;
  auto consider = [&](std::string_view result, std::string explanation) {
    int m = observatory_modifier(result);
    if (!worst || m < worst->modifier)
      worst = make(id, result, std::move(explanation));
  };
  bool all_same_site = true;
  for (const auto& c : cookies) {
    bool session = session_name(c.name);
    bool secure = c.secure && https;
    const char* how = https ? " without Secure" : " over plain HTTP";
    if (!secure && session)
      consider(hsts_protects ? "cookies-session-without-secure-flag-but-protected-by-hsts"
                             : "cookies-session-without-secure-flag",
               "session cookie '" + c.name + "' is set" + how);
    else if (!secure)
      consider(hsts_protects ? "cookies-without-secure-flag-but-protected-by-hsts"
                             : "cookies-without-secure-flag",
               "cookie '" + c.name + "' is set" + how);
    if (session && !c.http_only)
      consider("cookies-session-without-httponly-flag",
               "session cookie '" + c.name + "' is readable by scripts (no HttpOnly)");
    if (c.same_site) {
      std::string s = to_lower(trim(*c.same_site));
      if (s != "strict" && s != "lax")
        consider("cookies-samesite-flag-invalid",
                 "cookie '" + c.name + "' has SameSite=" + *c.same_site + ", not Strict or Lax");
    } else {
      all_same_site = false;
      if (csrf_name(c.name))
        consider("cookies-anticsrf-without-samesite-flag",
                 "anti-CSRF cookie '" + c.name + "' has no SameSite");
    }
  }
  if (worst)
    return *worst;
  return all_same_site
             ? make(id, "cookies-secure-with-httponly-sessions-and-samesite",
                    "every cookie is Secure with SameSite, session cookies HttpOnly")
             : make(id, "cookies-secure-with-httponly-sessions",
                    "every cookie is Secure and session cookies HttpOnly; some lack SameSite");
}

ObservatoryTest judge_cors(const Headers& headers) {
  constexpr std::string_view id = "cross-origin-resource-sharing";
  auto acao = first(headers, "Access-Control-Allow-Origin");
  if (!acao)
    return make(id, "cross-origin-resource-sharing-not-implemented",
                "no Access-Control-Allow-Origin on this response");
  auto value = trim(*acao);
  auto credentials = first(headers, "Access-Control-Allow-Credentials");
  bool with_credentials = credentials && iequals(trim(*credentials), "true");
  if (iequals(value, "null") && with_credentials)
    return make(id, "cross-origin-resource-sharing-implemented-with-universal-access",
                "Access-Control-Allow-Origin: null with credentials: any sandboxed page reads it");
  if (value == "*")
    return make(id, "cross-origin-resource-sharing-implemented-with-public-access",
                "Access-Control-Allow-Origin: * (public, without credentials)");
  return make(id, "cross-origin-resource-sharing-implemented-with-restricted-access",
              "Access-Control-Allow-Origin names one origin (reflection is judged by "
              "session.cors)");
}

ObservatoryTest judge_referrer(const Headers& headers) {
  constexpr std::string_view id = "referrer-policy";
  auto rp = first(headers, "Referrer-Policy");
  if (!rp)
    return make(id, "referrer-policy-not-implemented", "no Referrer-Policy header");
  static constexpr auto k_known = std::to_array<std::string_view>(
      {"no-referrer", "no-referrer-when-downgrade", "origin", "origin-when-cross-origin",
       "same-origin", "strict-origin", "strict-origin-when-cross-origin", "unsafe-url"});
  std::string effective; // browsers use the last value they know
  for (auto token : split(*rp, ',')) {
    std::string t = to_lower(trim(token));
    if (std::find(k_known.begin(), k_known.end(), t) != k_known.end())
      effective = t;
  }
  if (effective.empty())
    return make(id, "referrer-policy-header-invalid", "Referrer-Policy holds no known policy");
  if (effective == "no-referrer-when-downgrade")
    return make(id, "referrer-policy-no-referrer-when-downgrade",
                "no-referrer-when-downgrade sends full URLs to other HTTPS sites");
  if (effective == "origin" || effective == "origin-when-cross-origin" || effective == "unsafe-url")
    return make(id, "referrer-policy-unsafe", effective + " leaks to other sites");
  return make(id, "referrer-policy-private", effective);
}

ObservatoryTest judge_hsts(const Headers& headers, bool https) {
  constexpr std::string_view id = "strict-transport-security";
  if (!https)
    return make(id, "hsts-not-implemented-no-https", "served over plain HTTP: HSTS cannot apply");
  auto value = first(headers, "Strict-Transport-Security");
  if (!value)
    return make(id, "hsts-not-implemented", "no Strict-Transport-Security header");
  auto hsts = parse_hsts(*value);
  if (!hsts.valid)
    return make(id, "hsts-header-invalid", hsts.problem);
  if (hsts.max_age < 15768000)
    return make(id, "hsts-implemented-max-age-less-than-six-months",
                "max-age=" + std::to_string(hsts.max_age) + " is under six months (15768000)");
  return make(id, "hsts-implemented-max-age-at-least-six-months",
              "max-age=" + std::to_string(hsts.max_age) +
                  (hsts.preload ? " (preload requested; list membership not checked)" : ""));
}

struct Script {
  std::string src;
  bool integrity = false;
};

/// Every <script src> of a document, in order (comments and the text of scripts, styles, titles
/// and text areas hold none).
std::vector<Script> scripts_of(std::string_view html) {
  std::vector<Script> out;
  HtmlTagScanner scanner(html, k_max_tags);
  while (out.size() < k_max_scripts) {
    auto tag = scanner.next();
    if (!tag)
      break;
    if (tag->name != "script")
      continue;
    const auto* src = tag->attribute("src");
    if (!src || trim(*src).empty())
      continue;
    Script s{std::string(trim(*src))};
    s.integrity = std::any_of(tag->attributes.begin(), tag->attributes.end(), [](const auto& a) {
      return a.first == "integrity" && !trim(a.second).empty();
    });
    out.push_back(std::move(s));
  }
  return out;
}

bool is_html(const Headers& headers) {
  auto type = first(headers, "Content-Type");
  if (!type)
    return false;
  std::string t = to_lower(*type);
  return t.find("text/html") != std::string::npos ||
         t.find("application/xhtml+xml") != std::string::npos;
}

ObservatoryTest judge_sri(const ObservatoryInput& input) {
  constexpr std::string_view id = "subresource-integrity";
  if (!is_html(input.headers))
    return make(id, "sri-not-implemented-response-not-html", "the response is not HTML");
  auto scripts = scripts_of(input.body.substr(0, std::min(input.body.size(), k_max_body)));
  if (scripts.empty())
    return make(id, "sri-not-implemented-but-no-scripts-loaded", "no <script src> on the page");
  auto page = parse_url(input.origin.empty() ? std::string_view("http://invalid/")
                                             : std::string_view(input.origin));
  std::string page_scheme = input.https ? "https" : "http";
  bool any_external = false, all_integrity = true;
  std::string insecure_bare, insecure_sri, secure_bare;
  for (const auto& s : scripts) {
    std::string absolute = s.src;
    if (absolute.starts_with("//"))
      absolute = page_scheme + ":" + absolute;
    bool same_origin = true;
    bool secure = input.https;
    if (istarts_with(absolute, "http://") || istarts_with(absolute, "https://")) {
      auto u = parse_url(absolute);
      secure = istarts_with(absolute, "https://");
      same_origin = u && page && u->host == page->host;
    }
    if (same_origin && (secure || !input.https)) {
      all_integrity = all_integrity && s.integrity;
      continue;
    }
    any_external = true;
    all_integrity = all_integrity && s.integrity;
    if (!secure && !s.integrity && insecure_bare.empty())
      insecure_bare = s.src;
    else if (!secure && s.integrity && insecure_sri.empty())
      insecure_sri = s.src;
    else if (secure && !s.integrity && secure_bare.empty())
      secure_bare = s.src;
  }
  auto n = std::to_string(scripts.size());
  if (!insecure_bare.empty())
    return make(id, "sri-not-implemented-and-external-scripts-not-loaded-securely",
                insecure_bare + " loads over plain HTTP from another origin without integrity=");
  if (!insecure_sri.empty())
    return make(id, "sri-implemented-but-external-scripts-not-loaded-securely",
                insecure_sri + " loads over plain HTTP from another origin");
  if (!secure_bare.empty())
    return make(id, "sri-not-implemented-but-external-scripts-loaded-securely",
                secure_bare + " loads from another origin without integrity=");
  if (any_external)
    return make(id, "sri-implemented-and-external-scripts-loaded-securely",
                "every script from another origin carries integrity= (" + n + " scripts)");
  if (all_integrity)
    return make(id, "sri-implemented-and-all-scripts-loaded-securely",
                "every script is same-origin and carries integrity= (" + n + " scripts)");
  return make(id, "sri-not-implemented-but-all-scripts-loaded-from-secure-origin",
              "every script is same-origin (" + n + " scripts)");
}

ObservatoryTest judge_xcto(const Headers& headers) {
  constexpr std::string_view id = "x-content-type-options";
  auto v = first(headers, "X-Content-Type-Options");
  if (!v)
    return make(id, "x-content-type-options-not-implemented", "no X-Content-Type-Options");
  if (!iequals(trim(*v), "nosniff"))
    return make(id, "x-content-type-options-header-invalid", "'" + *v + "' is not nosniff");
  return make(id, "x-content-type-options-nosniff", "nosniff");
}

ObservatoryTest judge_xfo(const Headers& headers) {
  constexpr std::string_view id = "x-frame-options";
  if (auto csp = first(headers, "Content-Security-Policy"))
    if (parse_csp(*csp).contains("frame-ancestors"))
      return make(id, "x-frame-options-implemented-via-csp", "CSP frame-ancestors");
  auto v = first(headers, "X-Frame-Options");
  if (!v)
    return make(id, "x-frame-options-not-implemented",
                "neither X-Frame-Options nor CSP frame-ancestors");
  std::string x = to_lower(trim(*v));
  if (x == "deny" || x == "sameorigin")
    return make(id, "x-frame-options-sameorigin-or-deny", std::string(trim(*v)));
  if (x.starts_with("allow-from"))
    return make(id, "x-frame-options-allow-from-origin",
                "ALLOW-FROM (browsers no longer honour it)");
  return make(id, "x-frame-options-header-invalid", "'" + *v + "' is not DENY or SAMEORIGIN");
}

ObservatoryTest judge_corp(const Headers& headers) {
  constexpr std::string_view id = "cross-origin-resource-policy";
  auto v = first(headers, "Cross-Origin-Resource-Policy");
  if (!v)
    return make(id, "corp-not-implemented", "no Cross-Origin-Resource-Policy");
  std::string x = to_lower(trim(*v));
  if (x == "same-origin")
    return make(id, "corp-implemented-with-same-origin", "same-origin");
  if (x == "same-site")
    return make(id, "corp-implemented-with-same-site", "same-site");
  if (x == "cross-origin")
    return make(id, "corp-implemented-with-cross-origin",
                "cross-origin: any site may embed the response");
  return make(id, "corp-header-invalid", "'" + *v + "' is no CORP value");
}

} // namespace

int observatory_modifier(std::string_view result) {
  for (const auto& e : k_table)
    if (e.result == result)
      return e.modifier;
  return 0;
}

std::string observatory_grade(int score) {
  for (const auto& [floor, grade] : k_grades)
    if (score >= floor)
      return std::string(grade);
  return "F";
}

ObservatoryScore score_observatory(const ObservatoryInput& input) {
  ObservatoryScore out;
  const auto& h = input.headers;
  bool hsts_protects = false;
  if (input.https)
    if (auto v = first(h, "Strict-Transport-Security")) {
      auto hsts = parse_hsts(*v);
      hsts_protects = hsts.valid && hsts.max_age >= 15768000;
    }
  out.tests.push_back(judge_csp(h, input.https));
  out.tests.push_back(judge_cookies(h, input.https, hsts_protects));
  out.tests.push_back(judge_cors(h));
  out.tests.push_back({"redirection", "redirection-not-judged", 0,
                       "not judged here: see domain.https-redirect", false});
  out.tests.push_back(judge_referrer(h));
  out.tests.push_back(judge_hsts(h, input.https));
  out.tests.push_back(judge_sri(input));
  out.tests.push_back(judge_xcto(h));
  out.tests.push_back(judge_xfo(h));
  out.tests.push_back(judge_corp(h));
  for (const auto& t : out.tests)
    (t.modifier < 0 ? out.penalties : out.bonuses) += t.modifier;
  out.score = 100 + out.penalties;
  if (out.score >= 90)
    out.score += out.bonuses;
  out.score = std::max(out.score, 0);
  out.grade = observatory_grade(out.score);
  return out;
}

} // namespace lg::analyze
