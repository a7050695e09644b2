// domain.headers: fetches the home page and every configured page without credentials and judges
// their security headers (analyze/headers: CSP and frame-ancestors or X-Frame-Options,
// X-Content-Type-Options, Referrer-Policy, HSTS on HTTPS). One finding per header problem, with
// every page it was seen on. Each page also gets an Observatory-style score and grade
// (analyze/observatory), reported in the summary and the measurements; the grade adds a finding
// only when the header problems alone do not already fail the check (D or F fails, C warns).

#include "analyze/headers.hpp"
#include "analyze/observatory.hpp"
#include "checks/registry.hpp"
#include "util/url.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

namespace lg::checks {
namespace {

struct PageScore {
  std::string page;
  int status = 0;
  analyze::ObservatoryScore score;
};

/// "penalties: strict-transport-security -20 (…)": the biggest penalties, and whether the
/// bonuses counted.
std::string penalties_text(const analyze::ObservatoryScore& s, size_t max_penalties) {
  std::vector<const analyze::ObservatoryTest*> penalties;
  for (const auto& t : s.tests)
    if (t.modifier < 0)
      penalties.push_back(&t);
  std::stable_sort(penalties.begin(), penalties.end(),
                   [](const auto* a, const auto* b) { return a->modifier < b->modifier; });
  std::vector<std::string> named;
  for (size_t i = 0; i < penalties.size() && i < max_penalties; ++i)
    named.push_back(fmt::format("{} {} ({})", penalties[i]->test, penalties[i]->modifier,
                                penalties[i]->explanation));
  if (penalties.size() > max_penalties)
    named.push_back(fmt::format("{} more", penalties.size() - max_penalties));
  std::string out =
      named.empty() ? "no penalty" : fmt::format("penalties: {}", fmt::join(named, "; "));
  if (s.bonuses > 0)
    out += 100 + s.penalties >= 90 ? fmt::format("; bonuses +{} counted", s.bonuses)
                                   : fmt::format("; bonuses +{} not counted under 90", s.bonuses);
  return out;
}

/// "score 80/100, grade B+ (penalties: …)".
std::string score_text(const analyze::ObservatoryScore& s, size_t max_penalties) {
  return fmt::format("score {}/100, grade {} ({})", s.score, s.grade,
                     penalties_text(s, max_penalties));
}

} // namespace

CheckResult run_domain_headers(engine::Context& context, const CheckMeta& meta) {
  std::vector<std::string> pages = {"/"};
  for (const auto& p : context.config().pages)
    if (std::find(pages.begin(), pages.end(), p) == pages.end())
      pages.push_back(p);

  struct Seen {
    analyze::HeaderProblem problem;
    nlohmann::json paths = nlohmann::json::array();
    int status = 0;
  };
  std::map<std::string, Seen> problems; // by header + message
  int examined = 0;
  bool any_https = false;
  std::vector<std::string> unexamined;
  std::vector<PageScore> scores;
  for (const auto& page : pages) {
    auto response = context.anonymous("GET", page);
    if (!response) {
      unexamined.push_back(fmt::format("{}: {}", page, response.error().message));
      continue;
    }
    ++examined;
    auto url = parse_url(response->url);
    bool https = url && url->scheme == "https";
    any_https = any_https || https;
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& h : response->headers)
      headers.emplace_back(h.name, h.value);
    analyze::ObservatoryInput input;
    input.status = response->status;
    input.headers = headers;
    input.body = response->body;
    input.https = https;
    input.origin = url ? url->origin() : "";
    scores.push_back({page, response->status, analyze::score_observatory(input)});
    for (auto& p : analyze::judge_security_headers(headers, https)) {
      auto& seen = problems[p.header + "\n" + p.message];
      if (seen.paths.empty()) {
        seen.problem = p;
        seen.status = response->status;
      }
      seen.paths.push_back(page);
    }
  }
  std::string missed = unexamined.empty()
                           ? ""
                           : fmt::format("; {} page(s) could not be fetched: {}", unexamined.size(),
                                         fmt::join(unexamined, "; "));
  if (examined == 0)
    return engine::errored(
        meta, fmt::format("no page could be fetched: {}", fmt::join(unexamined, "; ")));

  std::vector<Finding> findings;
  bool serious = false;
  for (auto& [key, seen] : problems) {
    Finding f;
    f.message = fmt::format("{}: {}", seen.problem.header, seen.problem.message);
    f.evidence = {{"method", "GET"},
                  {"path", seen.paths.front()},
                  {"paths", seen.paths},
                  {"status", seen.status},
                  {"header", seen.problem.header}};
    f.fingerprint = make_fingerprint(meta.id, {seen.problem.header, seen.problem.message});
    serious = serious || seen.problem.serious;
    findings.push_back(std::move(f));
  }
  // The Observatory-style grade: the first page examined (the home page when it answered), and
  // every other page whose score differs.
  const auto& home = scores.front();
  std::string observatory =
      fmt::format("; Observatory-style {} on {}", score_text(home.score, 3), home.page);
  nlohmann::json measurements = nlohmann::json::array();
  for (const auto& ps : scores) {
    if (&ps != &home && ps.score.score == home.score.score && ps.score.grade == home.score.grade)
      continue;
    if (&ps != &home)
      observatory += fmt::format("; {}: {}", ps.page, score_text(ps.score, 2));
    measurements.push_back(
        {{"page", ps.page}, {"observatory_score", ps.score.score}, {"grade", ps.score.grade}});
    for (const auto& t : ps.score.tests)
      measurements.push_back(
          {{"page", ps.page}, {"test", t.test}, {"result", t.result}, {"modifier", t.modifier}});
  }
  // A grade alone never outranks the concrete problems: it adds a finding only when they do not
  // already fail the check (D or F fails, C warns), naming the biggest penalties.
  bool serious_headers = std::any_of(problems.begin(), problems.end(),
                                     [](const auto& p) { return p.second.problem.serious; });
  bool grade_serious = false;
  if (!serious_headers) {
    for (const auto& ps : scores) {
      const auto& g = ps.score.grade;
      bool failing = g.front() == 'D' || g.front() == 'F';
      bool warning = g.front() == 'C';
      if (!failing && !warning)
        continue;
      Finding f;
      f.message = fmt::format("Observatory-style grade {} (score {}/100) on {}: {}", g,
                              ps.score.score, ps.page, penalties_text(ps.score, 3));
      f.evidence = {{"method", "GET"},     {"path", ps.page},
                    {"status", ps.status}, {"header", "Observatory-style grade"},
                    {"grade", g},          {"score", ps.score.score}};
      std::vector<std::string> results;
      for (const auto& t : ps.score.tests)
        if (t.modifier < 0)
          results.push_back(t.result);
      results.insert(results.begin(), {ps.page, failing ? "fail" : "warn"});
      f.fingerprint = make_fingerprint(meta.id, results);
      grade_serious = grade_serious || failing;
      findings.push_back(std::move(f));
    }
  }
  std::string hsts_note =
      any_https ? "" : "; HSTS not judged: the pages were served over plain HTTP";
  serious = serious || grade_serious;
  // A failure stands on its own; otherwise a page that could not be fetched is no pass.
  if (!findings.empty() && (serious || unexamined.empty())) {
    auto r = engine::failed(
        meta, std::move(findings), serious,
        fmt::format("{} page(s) examined{}{}{}", examined, hsts_note, observatory, missed));
    r.measurements = std::move(measurements);
    return r;
  }
  if (!unexamined.empty())
    return engine::errored(meta,
                           fmt::format("{} page(s) examined{}{}", examined, observatory, missed));
  return engine::passed(meta,
                        fmt::format("{} page(s) send CSP with frame-ancestors or "
                                    "X-Frame-Options, nosniff and a Referrer-Policy{}{}",
                                    examined, hsts_note, observatory),
                        std::move(measurements));
}

} // namespace lg::checks
