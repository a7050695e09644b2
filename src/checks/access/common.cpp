// Shared plumbing of the access checks: preconditions, sending as an account, and the evidence
// of every finding (DESIGN.md: method, path template, attacker, owner, status, excerpt, replay).

#include "checks/access/common.hpp"

#include "engine/replay.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace lg::checks::access {

const Account* account_named(const engine::Context& context, const std::string& name) {
  for (const auto& a : context.config().accounts)
    if (a.name == name)
      return &a;
  return nullptr;
}

std::vector<std::string> orgs(const engine::Context& context) {
  std::vector<std::string> out;
  for (const auto& a : context.config().accounts)
    if (std::find(out.begin(), out.end(), a.org) == out.end())
      out.push_back(a.org);
  return out;
}

std::optional<CheckResult> preconditions(engine::Context& context, const CheckMeta& meta,
                                         size_t min_orgs) {
  const auto& api = context.config().api;
  if (api.openapi.empty() && api.endpoints.empty() && api.har.empty() && api.postman.empty())
    return engine::skipped(meta, SkipKind::not_configured,
                           "no API description: set api.openapi, api.har, api.postman or "
                           "api.endpoints");
  if (orgs(context).size() < min_orgs)
    return engine::skipped(
        meta, SkipKind::not_configured,
        fmt::format("needs accounts in at least {} orgs (accounts[].org)", min_orgs));
  if (auto ops = context.operations(); !ops)
    return engine::errored(meta, ops.error().message);
  const auto& harvest = context.harvest();
  if (!harvest.problems().empty())
    return engine::errored(meta, fmt::format("{}", fmt::join(harvest.problems(), "; ")));
  return std::nullopt;
}

Expected<net::HttpResponse> send_as(engine::Context& context, const std::string& account,
                                    net::HttpRequest& request) {
  request.url = context.url(request.url);
  if (account.empty()) {
    return context.http().send_following(request);
  }
  auto session = context.session(account);
  if (!session)
    return unexpected(session.error());
  return (*session)->send(request);
}

std::string Probing::incomplete() const {
  std::string out;
  if (!stopped.empty())
    out = fmt::format("stopped: {}", stopped);
  if (unanswered > 0)
    out += fmt::format("{}{} request(s) got no answer (the last: {})", out.empty() ? "" : "; ",
                       unanswered, last_failure);
  return out;
}

std::optional<net::HttpResponse> probe_as(engine::Context& context, const std::string& account,
                                          net::HttpRequest& request, Probing& probing) {
  auto response = send_as(context, account, request);
  if (response)
    return std::move(*response);
  if (response.error().kind == ErrorKind::budget || response.error().kind == ErrorKind::auth) {
    probing.stopped = response.error().message;
  } else {
    ++probing.unanswered;
    probing.last_failure = response.error().message;
  }
  return std::nullopt;
}

std::string auth_hint(engine::Context& context, const std::string& account) {
  if (account.empty())
    return "";
  auto session = context.session(account);
  return session ? (*session)->replay_auth_hint() : "";
}

Finding access_finding(engine::Context& context, std::string message, const analyze::Operation& op,
                       const std::string& attacker, const std::string& owner,
                       const net::HttpRequest& request, const net::HttpResponse& response) {
  Finding f;
  f.message = std::move(message);
  std::string url = request.url;
  const auto& base = context.config().target.base_url;
  std::string path = url.starts_with(base) ? url.substr(base.size()) : url;
  f.evidence = {{"method", request.method},
                {"path", op.path},
                {"url", redact_url(path)},
                {"as", attacker.empty() ? "anonymous" : attacker},
                {"owner", owner},
                {"status", response.status},
                {"excerpt", engine::excerpt(response.body)},
                {"curl", engine::curl_command(request, auth_hint(context, attacker))}};
  if (owner.empty())
    f.evidence.erase("owner");
  return f;
}

} // namespace lg::checks::access
