#pragma once
// The sample portal's repository fixture for `launchgate demo`: a small git repository made in a
// temporary directory, with the flaw `committed-secret` (a .env with a live-looking payment key
// committed, then deleted in the next commit: clean at HEAD, leaked in history).

#include "util/expected.hpp"

#include <string>

namespace lg::app {

class DemoRepo {
public:
  DemoRepo() = default;
  ~DemoRepo(); ///< removes the directory
  DemoRepo(const DemoRepo&) = delete;
  DemoRepo& operator=(const DemoRepo&) = delete;
  DemoRepo(DemoRepo&&) = delete;
  DemoRepo& operator=(DemoRepo&&) = delete;

  /// Creates the repository; with `committed_secret` its history holds the leaked key.
  Expected<void> create(bool committed_secret);
  const std::string& path() const { return m_path; }

private:
  std::string m_path;
};

} // namespace lg::app
