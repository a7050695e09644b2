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

/// send_as for the checks' probes: the answer, or nullopt when none came. A spent request budget
/// or a failed login also sets `stopped` to the reason (the check stops and says so); other
/// errors (one request timing out) leave it empty and the check goes on.
std::optional<net::HttpResponse> probe_as(engine::Context& context, const std::string& account,
                                          net::HttpRequest& request, std::string& stopped);

/// How a replay carries `account`'s credential, its secret as a shell variable.
std::string auth_hint(engine::Context& context, const std::string& account);

/// A finding with the evidence every access finding has: method, the path template, the concrete
/// url, attacker and owner, status, a redacted excerpt and a curl command that replays it.
Finding access_finding(engine::Context& context, std::string message, const analyze::Operation& op,
                       const std::string& attacker, const std::string& owner,
                       const net::HttpRequest& request, const net::HttpResponse& response);

} // namespace lg::checks::access
