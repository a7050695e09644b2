// The skips of checks whose configuration is missing (never a pass: the verdict is then at best
// incomplete).

#include "checks/preconditions.hpp"

namespace lg::checks {

namespace {

std::optional<CheckResult> needs_resolver(engine::Context& context, const CheckMeta& meta) {
  if (context.resolver() == nullptr)
    return engine::skipped(meta, SkipKind::not_configured,
                           "no DNS source: give dns.server or dns.zone_file");
  return std::nullopt;
}

} // namespace

std::optional<CheckResult> needs_email_domain(engine::Context& context, const CheckMeta& meta) {
  if (context.config().email.domain.empty())
    return engine::skipped(meta, SkipKind::not_configured,
                           "email.domain is not configured: the domain the portal mails from");
  return needs_resolver(context, meta);
}

std::optional<CheckResult> needs_domain_names(engine::Context& context, const CheckMeta& meta) {
  if (context.config().domain.names.empty())
    return engine::skipped(meta, SkipKind::not_configured,
                           "domain.names is not configured: the names the portal answers on");
  return needs_resolver(context, meta);
}

} // namespace lg::checks
