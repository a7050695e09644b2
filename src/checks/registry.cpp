// The registry of implemented checks (listed here, explicitly, in catalog order) and the runner.

#include "checks/registry.hpp"

#include "checks/catalog.hpp"

#include <algorithm>

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
      {"input.malformed", run_input_malformed},
      {"input.injection", run_input_injection},
      {"input.error-disclosure", run_input_error_disclosure},
      {"input.oversize", run_input_oversize},
      {"secrets.tree", run_secrets_tree},
      {"secrets.history", run_secrets_history},
      {"secrets.build", run_secrets_build},
      {"secrets.logs", run_secrets_logs},
      {"domain.headers", run_domain_headers},
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
  for (const auto& meta : catalog()) {
    if (!gates.empty() && std::find(gates.begin(), gates.end(), meta.gate) == gates.end())
      continue;
    auto impl = std::find_if(impls.begin(), impls.end(),
                             [&](const Implementation& i) { return i.id == meta.id; });
    if (impl == impls.end()) {
      results.push_back(engine::skipped(meta, SkipKind::not_implemented, "not implemented yet"));
      continue;
    }
    if (progress)
      progress(meta);
    if (meta.gate != budget_gate) { // one request budget per gate
      count();
      context.http().reset_budget();
      budget_gate = meta.gate;
    }
    try {
      results.push_back(impl->run(context, meta));
    } catch (const std::exception& e) {
      results.push_back(engine::errored(meta, std::string("internal error: ") + e.what()));
    }
  }
  count();
  return results;
}

} // namespace lg::checks
