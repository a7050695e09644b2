#pragma once
// What a check gets: the config, the guarded HTTP client, logged-in sessions of the configured
// accounts, the API description, and the run's options. Built by app/ from real adapters or by
// tests from fakes; checks see only this and net/ interfaces.

#include "analyze/openapi.hpp"
#include "core/config.hpp"
#include "core/guard.hpp"
#include "core/result.hpp"
#include "engine/session.hpp"
#include "net/browser.hpp"
#include "net/clock.hpp"
#include "net/http.hpp"
#include "net/mailbox.hpp"
#include "net/resolver.hpp"
#include "net/tls.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lg::perf {
class LoadRunner;
}

namespace lg::engine {

/// The services a run uses, owned by the caller.
struct Services {
  net::HttpClient& http;
  net::Clock& clock;
  net::Mailbox* mailbox = nullptr;   ///< where the portal's mail is read; null: no mail configured
  net::Resolver* resolver = nullptr; ///< DNS (dns.zone_file or a server); null: none set up
  net::TlsProber* tls = nullptr;     ///< TLS handshakes of the domain gate; null: none
  perf::LoadRunner* load = nullptr;  ///< the perf gate's load engine; null: none
  net::Browser* browser = nullptr;   ///< the perf gate's browser (perf.lcp); null: none
};

struct RunOptions {
  bool allow_writes = false;
  std::function<void(const std::string&)> log; ///< request log lines (redacted); may be empty
};

class Harvest;

/// The hosts a run may contact: target.scope, and each of domain.names at its HTTPS port and at
/// domain.http_port (the domain and edge gates check them by name).
std::vector<std::string> run_scope(const Config& config);

class Context {
public:
  Context(const Config& config, Services services, RunOptions options);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const Config& config() const { return m_config; }
  const RunOptions& options() const { return m_options; }
  GuardedHttpClient& http() { return m_http; }
  net::Clock& clock() { return m_clock; }
  /// The mailbox of `mail:` (the SMTP sink or the command), or null when none is configured.
  net::Mailbox* mailbox() { return m_mailbox; }
  /// The resolver of `dns:` (a zone file read offline, or a DNS server), or null.
  net::Resolver* resolver() { return m_resolver; }
  /// The TLS prober of the domain gate, or null.
  net::TlsProber* tls() { return m_tls; }
  /// The perf gate's load engine, or null.
  perf::LoadRunner* load() { return m_load; }
  /// The browser that measures pages (perf.lcp), or null.
  net::Browser* browser() { return m_browser; }

  /// base_url + `path`.
  std::string url(const std::string& path) const { return target_url(m_config, path); }

  /// A GET (or other) request without credentials, following in-scope redirects.
  Expected<net::HttpResponse> anonymous(const std::string& method, const std::string& path);

  /// The logged-in session of account `name`. Logs in on first use; a failed login is
  /// remembered and returned again without a second attempt.
  Expected<Session*> session(const std::string& name);

  /// The operations of the API description (api.openapi, api.har, api.postman and
  /// api.endpoints, merged), loaded once.
  Expected<const std::vector<analyze::Operation>*> operations();

  /// What every account legitimately reads (engine/harvest.hpp), gathered on first use.
  const Harvest& harvest();

  /// A value made once per run by `make` and kept under `key`: work the checks of one gate
  /// share (the input gate's probes).
  template <class T, class Make> T& memo(const std::string& key, Make make) {
    auto& slot = m_memo[key];
    if (!slot)
      slot = std::make_shared<T>(make());
    return *static_cast<T*>(slot.get());
  }

private:
  Expected<std::vector<analyze::Operation>> load_operations();

  const Config& m_config;
  RunOptions m_options;
  net::Clock& m_clock;
  net::Mailbox* m_mailbox;
  net::Resolver* m_resolver;
  net::TlsProber* m_tls;
  perf::LoadRunner* m_load;
  net::Browser* m_browser;
  GuardedHttpClient m_http;
  std::map<std::string, std::unique_ptr<Session>> m_sessions;
  std::map<std::string, Error> m_login_errors;
  std::optional<Expected<std::vector<analyze::Operation>>> m_operations;
  std::unique_ptr<Harvest> m_harvest;
  std::map<std::string, std::shared_ptr<void>> m_memo;
};

/// The session the key pages (`pages:`) are seen with in a browser: the cookies of
/// `perf.lcp_as` (or the first account; none without accounts) and how a reason says it ("as
/// alice", or "without a session" and why).
struct PageSession {
  std::vector<net::BrowserCookie> cookies;
  std::string seen_as;
};
/// Errors when the account's login fails.
Expected<PageSession> page_session(Context& context);

// ---- building results --------------------------------------------------------------------------

CheckResult passed(const CheckMeta& meta, std::string summary,
                   nlohmann::json measurements = nlohmann::json::array());
/// fail when any finding is serious, else warn.
CheckResult failed(const CheckMeta& meta, std::vector<Finding> findings, bool serious,
                   std::string summary = "");
CheckResult skipped(const CheckMeta& meta, SkipKind kind, std::string reason);
CheckResult errored(const CheckMeta& meta, std::string reason);

} // namespace lg::engine
