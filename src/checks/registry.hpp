#pragma once
// The one list of implemented checks, and the runner that turns the catalog into results: an
// implemented check runs, any other catalog entry of an asked-for gate is a skip "not implemented
// yet" — never a pass.

#include "engine/context.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace lg::checks {

using CheckFn = CheckResult (*)(engine::Context&, const CheckMeta&);

struct Implementation {
  std::string_view id;
  CheckFn run;
};

/// Every implemented check, by catalog id.
const std::vector<Implementation>& implementations();

/// Runs every catalog check of `gates` (all gates when empty), in catalog order. A check that
/// throws becomes `error` with the message. `progress` (may be empty) hears each id before it runs.
std::vector<CheckResult> run_checks(engine::Context& context, const std::vector<std::string>& gates,
                                    const std::function<void(const CheckMeta&)>& progress = {});

// The checks (one file each under checks/<gate>/).
CheckResult run_access_unauthenticated(engine::Context& context, const CheckMeta& meta);
CheckResult run_session_cookie_flags(engine::Context& context, const CheckMeta& meta);
CheckResult run_domain_headers(engine::Context& context, const CheckMeta& meta);
CheckResult run_secrets_tree(engine::Context& context, const CheckMeta& meta);
CheckResult run_secrets_history(engine::Context& context, const CheckMeta& meta);
CheckResult run_secrets_build(engine::Context& context, const CheckMeta& meta);
CheckResult run_secrets_logs(engine::Context& context, const CheckMeta& meta);

} // namespace lg::checks
