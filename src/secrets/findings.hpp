#pragma once
// Turns matcher hits into report findings: one finding per distinct secret (rule + value), with
// every place it stands in, the secret redacted and a fingerprint that does not hold it.

#include "core/result.hpp"
#include "secrets/tree.hpp"

#include <vector>

namespace lg::secrets {

/// Findings of `check_id` for `hits` of `rules`, in order of first appearance.
std::vector<Finding> collapse_hits(std::string_view check_id, const RuleSet& rules,
                                   const std::vector<Hit>& hits);

} // namespace lg::secrets
