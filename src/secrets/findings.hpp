#pragma once
// Turns matcher hits into report findings: one finding per distinct secret (rule + value), with
// every place it stands in, the secret redacted and a fingerprint that does not hold it.

#include "core/result.hpp"
#include "secrets/tree.hpp"

#include <vector>

namespace lg::secrets {

/// Findings of `check_id` for `hits` of `rules`, in order of first appearance. `show_secrets`
/// puts the secret in full into the evidence (`--show-secrets`, local triage only).
std::vector<Finding> collapse_hits(std::string_view check_id, const RuleSet& rules,
                                   const std::vector<Hit>& hits, bool show_secrets = false);

} // namespace lg::secrets
