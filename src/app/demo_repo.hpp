#pragma once
// The sample portal's repository fixture for `launchgate demo`: a small git repository made in a
// temporary directory, which the secrets and deploy gates read. Flawed, it holds the flaws of
// k_demo_repo_flaws: `committed-secret` (a .env with a live-looking payment key committed, then
// deleted in the next commit: clean at HEAD, leaked in history), `undocumented-build-variable`
// (the build needs PORTAL_API_URL, documented nowhere), `unlocked-ci-install` (CI runs npm
// install), `manual-schema-changes` (the README says to ALTER the production tables from a psql
// session; no migrations) and `no-rollback` (none written, no release script).

#include "util/expected.hpp"

#include <string>

namespace lg::app {

/// The flaws a flawed demo repository holds.
inline constexpr const char* k_demo_repo_flaws[] = {
    "committed-secret", "undocumented-build-variable", "unlocked-ci-install",
    "manual-schema-changes", "no-rollback"};

class DemoRepo {
public:
  DemoRepo() = default;
  ~DemoRepo(); ///< removes the directory
  DemoRepo(const DemoRepo&) = delete;
  DemoRepo& operator=(const DemoRepo&) = delete;
  DemoRepo(DemoRepo&&) = delete;
  DemoRepo& operator=(DemoRepo&&) = delete;

  /// Creates the repository, with the flaws when `flawed`.
  Expected<void> create(bool flawed);
  const std::string& path() const { return m_path; }

private:
  std::string m_path;
};

} // namespace lg::app
