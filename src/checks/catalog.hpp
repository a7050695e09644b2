#pragma once
// The check catalog: every check id of DESIGN.md with its gate, severity, title, fix path, effort
// and references. Ids are stable; add new ones, never rename.

#include "core/result.hpp"

#include <string_view>
#include <vector>

namespace lg::checks {

/// Every catalog entry, in gate order (k_gates) and then in the order of DESIGN.md's table.
const std::vector<CheckMeta>& catalog();

/// The entry for `id`, or nullptr.
const CheckMeta* find_check(std::string_view id);

} // namespace lg::checks
