#pragma once
// The sample portal started on loopback with some flaws, and a run context on the demo's config
// pointing at it: what the check integration tests have in common.

#include "app/commands.hpp"
#include "app/portal_process.hpp"
#include "engine/context.hpp"
#include "net/impl/curl_http.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <optional>

namespace lg::test {

inline constexpr const char* k_portal_password = "integration-test-password";

class DemoPortal {
public:
  /// Starts the portal with `flaws` and builds the context (writes allowed when `allow_writes`).
  /// Failures are test failures; context() is then null.
  DemoPortal(const std::vector<std::string>& flaws, bool allow_writes) {
    app::PortalOptions options;
    options.binary = LG_PORTAL_BIN;
    options.flaws = flaws;
    options.seed_password = k_portal_password;
    auto started = m_portal.start(options);
    EXPECT_TRUE(started) << started.error().message;
    setenv("LAUNCHGATE_DEMO_PASSWORD", k_portal_password, 1);
    auto config = parse_config(app::demo_config_yaml(m_portal.base_url()), "t", "");
    EXPECT_TRUE(config) << config.error().message;
    if (!config)
      return;
    m_config = std::move(*config);
    engine::RunOptions run;
    run.allow_writes = allow_writes;
    m_context =
        std::make_unique<engine::Context>(*m_config, engine::Services{m_http, m_clock}, run);
  }

  engine::Context* context() { return m_context.get(); }

private:
  app::PortalProcess m_portal;
  std::optional<Config> m_config;
  net::CurlHttpClient m_http{{}};
  net::SystemClock m_clock;
  std::unique_ptr<engine::Context> m_context;
};

} // namespace lg::test
