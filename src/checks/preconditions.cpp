// The skips of checks whose configuration is missing (never a pass: the verdict is then at best
// incomplete).

#include "checks/preconditions.hpp"

#include <fmt/format.h>

#include <filesystem>

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

std::optional<CheckResult> needs_deploy_repo(engine::Context& context, const CheckMeta& meta) {
  const auto& config = context.config();
  if (!config.deploy.present)
    return engine::skipped(meta, SkipKind::not_configured,
                           "deploy is not configured: set deploy.repo to the portal's repository");
  const std::string repo = config.resolve_path(config.deploy.repo);
  std::error_code ec;
  if (!std::filesystem::is_directory(repo, ec))
    return engine::errored(meta, fmt::format("deploy.repo {} is not a folder", repo));
  return std::nullopt;
}

} // namespace lg::checks
