#pragma once
// What the access checks share: their preconditions (an API description, accounts in two orgs, a
// harvest whose logins work), sending as an account, and findings with replayable evidence.

#include "engine/context.hpp"
#include "engine/harvest.hpp"

#include <optional>
#include <string>

namespace lg::checks::access {

/// The account called `name`, or null.
const Account* account_named(const engine::Context& context, const std::string& name);

/// Every org of the configured accounts, in first-seen order.
std::vector<std::string> orgs(const engine::Context& context);

/// A skip or error result when the check cannot run: no API description, fewer than
/// `min_orgs` orgs among the accounts, or a harvest whose logins failed. Nullopt when it can.
std::optional<CheckResult> preconditions(engine::Context& context, const CheckMeta& meta,
                                         size_t min_orgs);

/// Sends `request` (its url a path on the target) as `account`; the request's url is made
/// absolute so that it can be replayed.
Expected<net::HttpResponse> send_as(engine::Context& context, const std::string& account,
                                    net::HttpRequest& request);

/// What a check's probes could not do: a stop (a spent request budget, a failed login) ends the
/// check; requests without an answer (timeouts, dropped connections) leave it unable to pass.
struct Probing {
  std::string stopped;
  int unanswered = 0;
  std::string last_failure;

  bool stop() const { return !stopped.empty(); }
  /// "stopped: …" and/or "N request(s) got no answer (the last: …)"; empty when every request
  /// was answered.
  std::string incomplete() const;
};

/// send_as for the checks' probes: the answer, or nullopt (recorded in `probing`) when none came.
std::optional<net::HttpResponse> probe_as(engine::Context& context, const std::string& account,
                                          net::HttpRequest& request, Probing& probing);

/// How a replay carries `account`'s credential, its secret as a shell variable.
std::string auth_hint(engine::Context& context, const std::string& account);

/// A finding with the evidence every access finding has: method, the path template, the concrete
/// url, attacker and owner, status, a redacted excerpt and a curl command that replays it.
Finding access_finding(engine::Context& context, std::string message, const analyze::Operation& op,
                       const std::string& attacker, const std::string& owner,
                       const net::HttpRequest& request, const net::HttpResponse& response);

} // namespace lg::checks::access
