#pragma once
// What the email, domain, edge and deploy checks need before they can look at anything, as the
// skip (or error) result each returns when it is missing.

#include "engine/context.hpp"

#include <optional>

namespace lg::checks {

/// A "not configured" skip when email.domain or a DNS source is missing.
std::optional<CheckResult> needs_email_domain(engine::Context& context, const CheckMeta& meta);

/// A "not configured" skip when domain.names or a DNS source is missing.
std::optional<CheckResult> needs_domain_names(engine::Context& context, const CheckMeta& meta);

/// A "not configured" skip without a `deploy:` section, an error when deploy.repo is not a folder.
std::optional<CheckResult> needs_deploy_repo(engine::Context& context, const CheckMeta& meta);

} // namespace lg::checks
