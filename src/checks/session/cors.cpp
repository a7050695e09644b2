// session.cors: sends the probe with a session and foreign Origin headers — an unrelated site,
// `null`, and the prefix and suffix tricks that defeat loose origin matching — and judges
// Access-Control-Allow-Origin and -Credentials (CWE-942; PortSwigger's CORS research).

#include "checks/registry.hpp"
#include "checks/session/common.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

#include <fmt/format.h>

namespace lg::checks {

using namespace session;

CheckResult run_session_cors(engine::Context& context, const CheckMeta& meta) {
  const auto& config = context.config();
  if (config.accounts.empty())
    return engine::skipped(meta, SkipKind::not_configured, "no accounts configured");
  auto url = parse_url(config.target.base_url);
  if (!url)
    return engine::errored(meta, url.error().message);
  const Account& account = config.accounts.front();
  auto session = context.session(account.name);
  if (!session)
    return engine::errored(meta, session.error().message);
  auto probe = find_probe(context, **session);
  if (!probe)
    return engine::errored(meta, probe.error().message);

  const std::string scheme = url->scheme + "://";
  const bool default_port =
      (url->scheme == "http" && url->port == 80) || (url->scheme == "https" && url->port == 443);
  const std::string port = default_port ? "" : fmt::format(":{}", url->port);
  struct Trial {
    std::string origin, kind;
  };
  const std::vector<Trial> trials = {
      {"https://launchgate-attacker.example", "an unrelated site"},
      {"null", "the null origin (sandboxed frames, file: pages)"},
      {scheme + url->host + ".launchgate-attacker.example" + port, "a prefix match"},
      {scheme + "launchgate-attacker" + url->host + port, "a suffix match"},
  };
  std::vector<Finding> findings;
  std::vector<std::string> seen;
  bool serious = false;
  for (const auto& trial : trials) {
    net::HttpRequest request{"GET",
                             context.url(probe->path),
                             {{"Accept", "application/json"}, {"Origin", trial.origin}},
                             ""};
    auto response = (*session)->send(request);
    if (!response)
      return engine::errored(meta, response.error().message);
    auto allow = response->header("Access-Control-Allow-Origin").value_or("");
    auto credentials = to_lower(
        std::string(trim(response->header("Access-Control-Allow-Credentials").value_or(""))));
    seen.push_back(fmt::format("{} -> {}", trial.origin, allow.empty() ? "no ACAO" : allow));
    if (trim(allow) != trial.origin)
      continue;
    bool with_credentials = credentials == "true";
    serious = serious || with_credentials;
    Finding f;
    f.message = fmt::format(
        "GET {} with Origin: {} ({}) answers Access-Control-Allow-Origin: {}{}", probe->path,
        trial.origin, trial.kind, allow,
        with_credentials ? " and Access-Control-Allow-Credentials: true — any such page can read "
                           "the signed-in user's data"
                         : " (without credentials: only public data is exposed)");
    f.evidence = evidence(
        "GET", probe->path, account.name, response->status,
        {{"origin", trial.origin}, {"allow_origin", allow}, {"allow_credentials", credentials}});
    f.fingerprint = make_fingerprint(meta.id, {trial.kind});
    findings.push_back(std::move(f));
  }
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), serious);
  return engine::passed(meta, fmt::format("GET {} reflects none of {} foreign origins ({})",
                                          probe->path, trials.size(), join(seen, "; ")));
}

} // namespace lg::checks
