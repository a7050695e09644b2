#pragma once
// The one list of implemented checks, and the runner that turns the catalog into results: an
// implemented check runs, any other catalog entry of an asked-for gate is a skip "not implemented
// yet" — never a pass.

#include "engine/context.hpp"

#include <functional>
#include <map>
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
/// `requests` (may be null) receives how many HTTP requests each gate sent.
std::vector<CheckResult> run_checks(engine::Context& context, const std::vector<std::string>& gates,
                                    const std::function<void(const CheckMeta&)>& progress = {},
                                    std::map<std::string, int>* requests = nullptr);

// The checks (one file each under checks/<gate>/).
CheckResult run_access_unauthenticated(engine::Context& context, const CheckMeta& meta);
CheckResult run_access_cross_tenant_read(engine::Context& context, const CheckMeta& meta);
CheckResult run_access_cross_tenant_write(engine::Context& context, const CheckMeta& meta);
CheckResult run_access_mass_assignment(engine::Context& context, const CheckMeta& meta);
CheckResult run_access_filter_tampering(engine::Context& context, const CheckMeta& meta);
CheckResult run_access_role_escalation(engine::Context& context, const CheckMeta& meta);
CheckResult run_input_malformed(engine::Context& context, const CheckMeta& meta);
CheckResult run_input_injection(engine::Context& context, const CheckMeta& meta);
CheckResult run_input_error_disclosure(engine::Context& context, const CheckMeta& meta);
CheckResult run_input_oversize(engine::Context& context, const CheckMeta& meta);
CheckResult run_session_cookie_flags(engine::Context& context, const CheckMeta& meta);
CheckResult run_session_lifetime(engine::Context& context, const CheckMeta& meta);
CheckResult run_session_logout(engine::Context& context, const CheckMeta& meta);
CheckResult run_session_fixation(engine::Context& context, const CheckMeta& meta);
CheckResult run_session_reset_token(engine::Context& context, const CheckMeta& meta);
CheckResult run_session_invite(engine::Context& context, const CheckMeta& meta);
CheckResult run_session_user_enumeration(engine::Context& context, const CheckMeta& meta);
CheckResult run_session_jwt(engine::Context& context, const CheckMeta& meta);
CheckResult run_session_csrf(engine::Context& context, const CheckMeta& meta);
CheckResult run_session_cors(engine::Context& context, const CheckMeta& meta);
CheckResult run_session_login_rate_limit(engine::Context& context, const CheckMeta& meta);
CheckResult run_email_spf(engine::Context& context, const CheckMeta& meta);
CheckResult run_email_dkim(engine::Context& context, const CheckMeta& meta);
CheckResult run_email_dmarc(engine::Context& context, const CheckMeta& meta);
CheckResult run_email_mx(engine::Context& context, const CheckMeta& meta);
CheckResult run_email_mta_sts(engine::Context& context, const CheckMeta& meta);
CheckResult run_domain_dns(engine::Context& context, const CheckMeta& meta);
CheckResult run_domain_tls_cert(engine::Context& context, const CheckMeta& meta);
CheckResult run_domain_tls_protocols(engine::Context& context, const CheckMeta& meta);
CheckResult run_domain_https_redirect(engine::Context& context, const CheckMeta& meta);
CheckResult run_domain_hsts(engine::Context& context, const CheckMeta& meta);
CheckResult run_domain_headers(engine::Context& context, const CheckMeta& meta);
CheckResult run_domain_mixed_content(engine::Context& context, const CheckMeta& meta);
CheckResult run_domain_caa(engine::Context& context, const CheckMeta& meta);
CheckResult run_domain_dangling_cname(engine::Context& context, const CheckMeta& meta);
CheckResult run_edge_cdn(engine::Context& context, const CheckMeta& meta);
CheckResult run_edge_rate_limit(engine::Context& context, const CheckMeta& meta);
CheckResult run_edge_origin_exposure(engine::Context& context, const CheckMeta& meta);
CheckResult run_perf_api_latency(engine::Context& context, const CheckMeta& meta);
CheckResult run_perf_lcp(engine::Context& context, const CheckMeta& meta);
CheckResult run_secrets_tree(engine::Context& context, const CheckMeta& meta);
CheckResult run_secrets_history(engine::Context& context, const CheckMeta& meta);
CheckResult run_secrets_build(engine::Context& context, const CheckMeta& meta);
CheckResult run_secrets_logs(engine::Context& context, const CheckMeta& meta);
CheckResult run_deploy_pinned_deps(engine::Context& context, const CheckMeta& meta);
CheckResult run_deploy_config(engine::Context& context, const CheckMeta& meta);
CheckResult run_deploy_migrations(engine::Context& context, const CheckMeta& meta);
CheckResult run_deploy_rollback(engine::Context& context, const CheckMeta& meta);
CheckResult run_deploy_handover(engine::Context& context, const CheckMeta& meta);
CheckResult run_deploy_clean_build(engine::Context& context, const CheckMeta& meta);
CheckResult run_observability_uptime(engine::Context& context, const CheckMeta& meta);
CheckResult run_observability_error_logging(engine::Context& context, const CheckMeta& meta);
CheckResult run_observability_log_leaks(engine::Context& context, const CheckMeta& meta);

} // namespace lg::checks
