#pragma once
// The sample portal started on loopback with some flaws, and a run context on the demo's config
// pointing at it: what the check integration tests have in common.

#include "app/commands.hpp"
#include "app/portal_process.hpp"
#include "engine/context.hpp"
#include "net/impl/curl_http.hpp"
#include "net/impl/smtp_sink.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <optional>

namespace lg::test {

inline constexpr const char* k_portal_password = "integration-test-password";

/// How a DemoPortal is started beyond its flaws.
struct DemoPortalOptions {
  std::vector<std::string> flaws = {};
  bool allow_writes = false;
  std::vector<std::string> args = {}; ///< further portal arguments (--session jwt, --reset-ttl 1 …)
  std::string auth = {};              ///< further `auth:` config lines, indented by two spaces
  bool mail = false;                  ///< an SmtpSink on 127.0.0.1 that the portal mails to
};

class DemoPortal {
public:
  /// Starts the portal with `flaws` and builds the context (writes allowed when `allow_writes`).
  /// Failures are test failures; context() is then null.
  DemoPortal(const std::vector<std::string>& flaws, bool allow_writes)
      : DemoPortal(DemoPortalOptions{flaws, allow_writes, {}, {}, false}) {}

  explicit DemoPortal(const DemoPortalOptions& o) {
    app::PortalOptions options;
    options.binary = LG_PORTAL_BIN;
    options.flaws = o.flaws;
    options.extra = o.args;
    options.seed_password = k_portal_password;
    if (o.mail) {
      auto sink = net::SmtpSink::start("127.0.0.1:0", 1 << 20);
      EXPECT_TRUE(sink) << sink.error().message;
      if (!sink)
        return;
      m_sink = std::move(*sink);
      options.extra.push_back("--smtp");
      options.extra.push_back(m_sink->address());
    }
    auto started = m_portal.start(options);
    EXPECT_TRUE(started) << started.error().message;
    setenv("LAUNCHGATE_DEMO_PASSWORD", k_portal_password, 1);
    auto config = parse_config(
        app::demo_config_yaml(m_portal.base_url(), "", {"", o.auth, "", "", ""}), "t", "");
    EXPECT_TRUE(config) << config.error().message;
    if (!config)
      return;
    m_config = std::move(*config);
    engine::RunOptions run;
    run.allow_writes = o.allow_writes;
    m_context = std::make_unique<engine::Context>(
        *m_config, engine::Services{m_http, m_clock, m_sink.get()}, run);
  }

  engine::Context* context() { return m_context.get(); }

private:
  std::unique_ptr<net::SmtpSink> m_sink;
  app::PortalProcess m_portal;
  std::optional<Config> m_config;
  net::CurlHttpClient m_http{{}};
  net::SystemClock m_clock;
  std::unique_ptr<engine::Context> m_context;
};

} // namespace lg::test
