// domain.mixed-content: the home page and the configured pages of each configured name, fetched
// over https:// by name, must ask for no http:// subresource (analyze/mixed_content). Scripts,
// frames, styles, objects and form targets are failures (browsers block them and the page
// breaks, or the form posts in the clear); images and media are warnings (loaded or upgraded with
// a warning). A page whose CSP says upgrade-insecure-requests has them upgraded: warnings.

#include "analyze/mixed_content.hpp"
#include "analyze/headers.hpp"
#include "checks/domain/web.hpp"
#include "checks/preconditions.hpp"
#include "checks/registry.hpp"

#include <fmt/format.h>

namespace lg::checks {

CheckResult run_domain_mixed_content(engine::Context& context, const CheckMeta& meta) {
  if (auto skip = needs_domain_names(context, meta))
    return *skip;
  std::vector<std::string> paths = {"/"};
  for (const auto& p : context.config().pages)
    if (std::find(paths.begin(), paths.end(), p) == paths.end() && !p.empty() && p[0] == '/')
      paths.push_back(p);

  std::vector<Finding> findings;
  bool serious = false;
  int pages = 0;
  std::vector<std::string> unfetched;
  for (const auto& name : context.config().domain.names)
    for (const auto& path : paths) {
      std::string url = web::https_url(name, path);
      auto response = web::get(context, url);
      if (!response) {
        unfetched.push_back(fmt::format("{}: {}", url, response.error().message));
        continue;
      }
      auto type = response->header("Content-Type").value_or("");
      if (response->status < 200 || response->status >= 300 ||
          type.find("html") == std::string::npos)
        continue;
      ++pages;
      bool upgraded = false;
      for (const auto& csp : response->headers_named("Content-Security-Policy"))
        upgraded = upgraded || analyze::parse_csp(csp).count("upgrade-insecure-requests") > 0;
      for (const auto& ref : analyze::find_mixed_content(response->body)) {
        bool blocks = ref.blockable && !upgraded;
        Finding f;
        f.message = fmt::format("{} loads {} over plain HTTP ({}){}", url, ref.url, ref.element,
                                upgraded ? ": upgraded by the page's CSP, fix the reference"
                                : blocks ? ": browsers block it and the page breaks, or it "
                                           "runs changed by whoever is on the network"
                                         : ": shown with a warning, visible and changeable on "
                                           "the way");
        f.evidence = {{"method", "GET"},
                      {"path", url},
                      {"status", response->status},
                      {"element", ref.element},
                      {"reference", ref.url}};
        f.fingerprint = make_fingerprint(meta.id, {url, ref.element, ref.url});
        serious = serious || blocks;
        findings.push_back(std::move(f));
      }
    }
  std::string summary = fmt::format("{} HTTPS page(s) examined", pages);
  if (!unfetched.empty())
    summary += fmt::format("; not fetched: {}", fmt::join(unfetched, "; "));
  if (!findings.empty() && (serious || unfetched.empty()))
    return engine::failed(meta, std::move(findings), serious, summary);
  if (pages == 0 || !unfetched.empty())
    return engine::errored(meta,
                           pages == 0 ? "no HTTPS page could be examined: " + summary : summary);
  return engine::passed(meta, summary + ", no http:// subresource");
}

} // namespace lg::checks
