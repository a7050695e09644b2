#pragma once
// A baseline: the fingerprints of findings a team has looked at and accepted, so that a gate fails
// only on new ones. The file holds fingerprints and places, never a secret:
//   {"schema": "launchgate.baseline/1",
//    "findings": [{"check": "secrets.tree", "rule": "aws-access-key-id",
//                  "fingerprint": "0123456789abcdef", "location": "config/.env:3"}]}

#include "core/result.hpp"
#include "util/expected.hpp"

#include <set>
#include <string>

namespace lg {

struct Baseline {
  std::string path;                   ///< where it was read from, for messages
  std::set<std::string> fingerprints; ///< "check-id fingerprint" pairs
};

/// Reads a baseline file (errors of kind io or parse name the file and the problem).
Expected<Baseline> load_baseline(const std::string& path);

/// The baseline text that accepts every finding of `checks`.
std::string baseline_text(const std::vector<CheckResult>& checks);

/// Drops the findings of `checks` that `baseline` accepts. A failing check left without findings
/// passes, and its reason says how many findings the baseline accepted. Returns how many were
/// dropped.
size_t apply_baseline(std::vector<CheckResult>& checks, const Baseline& baseline);

} // namespace lg
