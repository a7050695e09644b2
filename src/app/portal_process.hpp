#pragma once
// Runs the sample portal (testbed/) as a child process on a loopback port, for `demo` and tests.

#include "util/expected.hpp"

#include <string>
#include <sys/types.h>
#include <vector>

namespace lg::app {

struct PortalOptions {
  std::string binary;             ///< empty: find_portal_binary()
  int port = 0;                   ///< 0: a free port chosen by the portal
  std::vector<std::string> flaws; ///< --flaw NAME each
  std::vector<std::string> extra; ///< further arguments
  std::string seed_password;      ///< PORTAL_SEED_PASSWORD for the seeded users
  bool quiet = true;              ///< send the portal's request log to /dev/null
  std::string log_file;           ///< append the portal's request log (stderr) here instead
};

class PortalProcess {
public:
  PortalProcess() = default;
  ~PortalProcess();
  PortalProcess(const PortalProcess&) = delete;
  PortalProcess& operator=(const PortalProcess&) = delete;
  PortalProcess(PortalProcess&&) = delete; // owns a child process: one owner, never moved
  PortalProcess& operator=(PortalProcess&&) = delete;

  /// Starts the portal and waits (up to 15 s) for its "listening on URL" line.
  Expected<void> start(const PortalOptions& options);
  /// SIGTERM, then SIGKILL after 5 s; idempotent.
  void stop();

  const std::string& base_url() const { return m_base_url; }
  int port() const { return m_port; }

private:
  pid_t m_pid = -1;
  std::string m_base_url;
  int m_port = 0;
};

/// The portal binary: $LAUNCHGATE_PORTAL, else `launchgate-portal` beside this executable.
std::string find_portal_binary();

} // namespace lg::app
