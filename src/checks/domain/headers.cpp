// domain.headers: fetches the home page and every configured page without credentials and judges
// their security headers (analyze/headers: CSP and frame-ancestors or X-Frame-Options,
// X-Content-Type-Options, Referrer-Policy, HSTS on HTTPS). One finding per header problem, with
// every page it was seen on.

#include "analyze/headers.hpp"
#include "checks/registry.hpp"
#include "util/url.hpp"

#include <fmt/format.h>
#include <map>

namespace lg::checks {

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
  std::string hsts_note =
      any_https ? "" : "; HSTS not judged: the pages were served over plain HTTP";
  // A failure stands on its own; otherwise a page that could not be fetched is no pass.
  if (!findings.empty() && (serious || unexamined.empty()))
    return engine::failed(meta, std::move(findings), serious,
                          fmt::format("{} page(s) examined{}{}", examined, hsts_note, missed));
  if (!unexamined.empty())
    return engine::errored(meta, fmt::format("{} page(s) examined{}", examined, missed));
  return engine::passed(meta, fmt::format("{} page(s) send CSP with frame-ancestors or "
                                          "X-Frame-Options, nosniff and a Referrer-Policy{}",
                                          examined, hsts_note));
}

} // namespace lg::checks
