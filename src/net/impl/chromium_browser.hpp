#pragma once
// net::Browser over headless Chromium, driven through the DevTools protocol on a pipe
// (--remote-debugging-pipe: commands on the browser's fd 3, replies and events on its fd 4, one
// JSON message per NUL-terminated record). Every request the browser would send is intercepted
// and refused unless the scope predicate accepts its URL.

#include "net/browser.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace lg::net {

struct ChromiumOptions {
  /// The browser's executable: a path, or a name looked up in PATH. Empty: $LAUNCHGATE_CHROMIUM,
  /// else `chromium`, else `chromium-browser` from PATH.
  std::string executable{};
  /// Whether the browser may request `url`. Requests it refuses fail in the browser
  /// (net::ERR_BLOCKED_BY_CLIENT) before any byte is sent and are listed in PageTiming::blocked.
  /// Empty: every URL is allowed.
  std::function<bool(std::string_view url)> in_scope{};
  /// How long the browser may take to start and answer its first command.
  std::chrono::milliseconds launch_timeout{20000};
  /// Window size of the page (CSS pixels), which decides what is above the fold.
  int width = 1350;
  int height = 940;
};

/// A running headless Chromium with a temporary profile. Visits run one at a time (a mutex
/// serialises concurrent callers). The destructor asks the browser to close, kills it (and its
/// process group) after a short grace period and removes the profile.
class ChromiumBrowser final : public Browser {
public:
  /// Starts the browser and waits up to `options.launch_timeout` for it to answer. Errors: no
  /// executable (config, saying how to install Chromium), a browser that exits or stays silent
  /// (network).
  static Expected<std::unique_ptr<ChromiumBrowser>> launch(ChromiumOptions options);

  ~ChromiumBrowser() override;
  ChromiumBrowser(const ChromiumBrowser&) = delete;
  ChromiumBrowser& operator=(const ChromiumBrowser&) = delete;
  ChromiumBrowser(ChromiumBrowser&&) = delete;
  ChromiumBrowser& operator=(ChromiumBrowser&&) = delete;

  Expected<PageTiming> visit(const PageVisit& visit) override;

  /// The browser's product string ("Chrome/120.0.6099.224"), as it answered at launch.
  const std::string& product() const { return m_product; }

  /// The browser's process id (its process group's too), for diagnostics and tests.
  pid_t pid() const { return m_pid; }

  /// Finds the executable as launch() would: an absolute path, or an Error (config) that says
  /// how to install Chromium.
  static Expected<std::string> find_executable(const std::string& executable);

  class Pipe; // the CDP connection (chromium_browser.cpp)

private:
  ChromiumBrowser() = default;

  ChromiumOptions m_options;
  std::unique_ptr<Pipe> m_pipe;
  pid_t m_pid = -1;
  std::string m_profile_dir{};
  std::string m_product{};
  std::mutex m_mutex;
};

} // namespace lg::net
