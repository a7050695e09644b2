// The registry of implemented checks (listed here, explicitly, in catalog order) and the runner.

#include "checks/registry.hpp"

#include "checks/catalog.hpp"

#include <algorithm>
#include <optional>

namespace lg::checks {

const std::vector<Implementation>& implementations() {
  static const std::vector<Implementation> k_list = {
      {"access.unauthenticated", run_access_unauthenticated},
      {"access.cross-tenant-read", run_access_cross_tenant_read},
      {"access.cross-tenant-write", run_access_cross_tenant_write},
      {"access.filter-tampering", run_access_filter_tampering},
      {"access.role-escalation", run_access_role_escalation},
      {"access.mass-assignment", run_access_mass_assignment},
      {"session.cookie-flags", run_session_cookie_flags},
      {"session.lifetime", run_session_lifetime},
      {"session.logout", run_session_logout},
      {"session.fixation", run_session_fixation},
      {"session.reset-token", run_session_reset_token},
      {"session.invite", run_session_invite},
      {"session.jwt", run_session_jwt},
      {"session.csrf", run_session_csrf},
      {"session.cors", run_session_cors},
      // Failed logins last: they may lock accounts, or this client, out.
      {"session.user-enumeration", run_session_user_enumeration},
      {"session.login-rate-limit", run_session_login_rate_limit},
      {"input.malformed", run_input_malformed},
      {"input.injection", run_input_injection},
      {"input.error-disclosure", run_input_error_disclosure},
      {"input.oversize", run_input_oversize},
      {"secrets.tree", run_secrets_tree},
      {"secrets.history", run_secrets_history},
      {"secrets.build", run_secrets_build},
      {"secrets.logs", run_secrets_logs},
      {"deploy.pinned-deps", run_deploy_pinned_deps},
      {"deploy.config", run_deploy_config},
      {"deploy.migrations", run_deploy_migrations},
      {"deploy.rollback", run_deploy_rollback},
      {"deploy.handover", run_deploy_handover},
      {"deploy.clean-build", run_deploy_clean_build},
      {"email.spf", run_email_spf},
      {"email.dkim", run_email_dkim},
      {"email.dmarc", run_email_dmarc},
      {"email.mx", run_email_mx},
      {"email.mta-sts", run_email_mta_sts},
      {"domain.dns", run_domain_dns},
      {"domain.tls-cert", run_domain_tls_cert},
      {"domain.tls-protocols", run_domain_tls_protocols},
      {"domain.https-redirect", run_domain_https_redirect},
      {"domain.hsts", run_domain_hsts},
      {"domain.headers", run_domain_headers},
      {"domain.mixed-content", run_domain_mixed_content},
      {"domain.caa", run_domain_caa},
      {"domain.dangling-cname", run_domain_dangling_cname},
      {"edge.cdn", run_edge_cdn},
      {"edge.rate-limit", run_edge_rate_limit},
      {"edge.origin-exposure", run_edge_origin_exposure},
      {"perf.api-latency", run_perf_api_latency},
      {"perf.lcp", run_perf_lcp},
      {"observability.uptime", run_observability_uptime},
      {"observability.error-logging", run_observability_error_logging},
      {"observability.log-leaks", run_observability_log_leaks},
  };
  return k_list;
}

std::vector<CheckResult> run_checks(engine::Context& context, const std::vector<std::string>& gates,
                                    const std::function<void(const CheckMeta&)>& progress,
                                    std::map<std::string, int>* requests) {
  std::vector<CheckResult> results;
  const auto& impls = implementations();
  std::string budget_gate;
  auto count = [&] {
    if (requests && !budget_gate.empty() && context.http().budget_used() > 0)
      (*requests)[budget_gate] += context.http().budget_used();
  };
  // Within a gate, implemented checks run in the order of implementations() (a check that
  // may lock an account runs last); results keep the catalog's order.
  const auto& table = catalog();
  for (size_t begin = 0; begin < table.size();) {
    size_t end = begin;
    while (end < table.size() && table[end].gate == table[begin].gate)
      ++end;
    const std::string& gate = table[begin].gate;
    if (!gates.empty() && std::find(gates.begin(), gates.end(), gate) == gates.end()) {
      begin = end;
      continue;
    }
    std::vector<std::pair<size_t, size_t>> runs; // (position in impls, position in table)
    std::vector<std::optional<CheckResult>> slot(end - begin);
    for (size_t i = begin; i < end; ++i) {
      auto impl = std::find_if(impls.begin(), impls.end(),
                               [&](const Implementation& x) { return x.id == table[i].id; });
      if (impl == impls.end())
        slot[i - begin] =
            engine::skipped(table[i], SkipKind::not_implemented, "not implemented yet");
      else
        runs.emplace_back(static_cast<size_t>(impl - impls.begin()), i);
    }
    std::sort(runs.begin(), runs.end());
    for (const auto& [at, i] : runs) {
      const auto& meta = table[i];
      if (progress)
        progress(meta);
      if (meta.gate != budget_gate) { // one request budget per gate
        count();
        context.http().reset_budget();
        budget_gate = meta.gate;
      }
      try {
        slot[i - begin] = impls[at].run(context, meta);
      } catch (const std::exception& e) {
        slot[i - begin] = engine::errored(meta, std::string("internal error: ") + e.what());
      }
    }
    for (auto& result : slot)
      results.push_back(std::move(*result));
    begin = end;
  }
  count();
  return results;
}

} // namespace lg::checks
