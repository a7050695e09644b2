#pragma once
// Per-gate prose for docs/checks.md, kept as data next to the catalog: how each check of a gate
// decides, and how to run the gate safely against staging. `launchgate checks --format md` prints
// a gate's notes after its table.

#include <string_view>

namespace lg::checks {

/// The Markdown notes of `gate` ("access", "input" ...), or empty when the gate has none yet.
std::string_view gate_notes(std::string_view gate);

} // namespace lg::checks
