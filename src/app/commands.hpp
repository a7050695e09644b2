#pragma once
// One function per subcommand besides audit; each returns the process exit code.

#include "app/audit.hpp"
#include "monitor/store.hpp"
#include "net/mailbox.hpp"

#include <string>
#include <string_view>

namespace lg::app {

struct DemoOptions {
  bool hardened = false;
  int port = 0;
  AuditOptions audit;
};

/// `launchgate demo`: the sample portal with its default flaws (or none), audited end to end.
int run_demo(const DemoOptions& options);

/// What the demo's config may add for tests: the mail sink and more `auth:` lines.
struct DemoConfigExtras {
  std::string smtp_sink;     ///< mail.smtp_sink ("127.0.0.1:PORT"); empty: no mail section
  std::string auth;          ///< further `auth:` members, each line indented by two spaces
  std::string zone_file;     ///< dns.zone_file, with email.domain portal.test; empty: neither
  std::string log_file;      ///< logs.files (the portal's request log), with its failing export as
                             ///< logs.error_request; empty: no logs section
  std::string monitor_store; ///< monitor.store of a monitor: section (home, bob's records,
                             ///< health; alerts to the mail sink); empty: no monitor section
  bool hardened = false;     ///< with a repository: the deploy and handover sections of the
                             ///< hardened demo (migrate, rollback, a whole handover)
};

/// The demo zone: portal.test as the sample portal's mail domain publishes it, with a broken SPF
/// record, monitoring-only DMARC and a 1024-bit DKIM key unless `hardened`.
std::string demo_zone(bool hardened);

/// The built-in config of the demo for a portal at `base_url`, with the secrets and deploy gates
/// on the repository fixture at `repo` when it is given, the session gate's flows (logout, reset,
/// invite as alice), and the email gate over the demo zone when `extras.zone_file` is given.
std::string demo_config_yaml(const std::string& base_url, const std::string& repo = "",
                             const DemoConfigExtras& extras = {});

/// `launchgate init`: writes a commented starter config to `path` (never over an existing file
/// unless `force`).
int run_init(const std::string& path, bool force);

/// The starter config text.
std::string starter_config();

struct SecretsOptions {
  std::vector<std::string> paths;       ///< default: the current directory
  std::string rules_file;               ///< --rules: a gitleaks-format TOML instead of the shipped
  std::vector<std::string> allow_paths; ///< --allow-path: RE2 on file paths never reported
  bool history = false;                 ///< --history: also the git history of the first path
  std::vector<std::string> build;       ///< --build: build output, bundles, source maps
  std::vector<std::string> logs;        ///< --logs: log files or folders (.gz read too)
  bool staged = false;                  ///< --staged: only what is staged (pre-commit hook)
  std::string baseline;                 ///< --baseline: accepted findings
  std::string write_baseline;           ///< --write-baseline: accept every finding of this run
  bool show_secrets = false;            ///< --show-secrets: secrets in full, local triage only
  bool explain_rules = false;           ///< --explain-rules: list the rules and their engine
  OutputOptions output;
};

/// `launchgate secrets`: the secrets gate over `paths` (tree, and history with --history),
/// reported like an audit of the secrets gate.
int run_secrets(const SecretsOptions& options);

/// `launchgate checks`: the catalog as text, Markdown (docs/checks.md) or JSON.
int run_checks_list(const std::string& format);

/// The catalog rendered as docs/checks.md.
std::string checks_markdown();

struct MailsinkOptions {
  std::string listen;              ///< --listen HOST:PORT, a literal IP; port 0: any free one
  long long max_size = 10LL << 20; ///< --max-size: the SIZE limit in bytes
  std::string dir;                 ///< --dir: each message also written to DIR/NNNNNN.eml
};

struct MonitorOptions {
  std::string config_path = "launchgate.yaml";
  bool once = false;     ///< --once: every check once, exit 1 when one fails
  std::string listen;    ///< --listen HOST:PORT, over monitor.listen
  std::string store;     ///< --store FILE, over monitor.store
  double duration_s = 0; ///< --duration: stop after this many seconds; 0: until a signal
};

/// `launchgate monitor`: the checks of `monitor:` at their intervals, history in monitor.store,
/// alerts to monitor.alerts' channels and, with a listen address, the status page (/,
/// /status.json, /metrics, /healthz). Runs until SIGINT or SIGTERM (exit 0; 3 when the store
/// refused runs) or --duration. --once: every check once, a line each, exit 0 when all pass and
/// 1 otherwise. Exit 2 on a config, store or listen problem.
int run_monitor(const MonitorOptions& options);

/// The checks of `config.monitor` run `rounds` times in a row with the real adapters, recorded in
/// monitor.store (resolved against the config's directory), without alerting: the demo's
/// short-lived monitor. Returns the last round's runs in plan order.
Expected<std::vector<monitor::CheckRun>> run_monitor_rounds(const Config& config, int rounds);

/// `launchgate mailsink`: launchgate's SMTP sink on its own. Prints "mailsink: listening on
/// HOST:PORT" (the bound port), then one line per message (mailsink_line), until SIGINT or SIGTERM
/// (exit 0). Exit 2 when it cannot listen or --dir cannot be created.
int run_mailsink(const MailsinkOptions& options);

/// The line `mailsink` prints for `message` received at `time`: time, envelope sender and
/// recipients, Subject, size and the message's links through redact_link(). Control characters
/// are shown as '?'.
std::string mailsink_line(const net::MailMessage& message, const std::string& time);

/// `url` for a terminal: the userinfo, every query and fragment value and every token-like path
/// segment (16+ characters of a token alphabet with a digit or mixed case, or 32+) redacted with
/// redact().
std::string redact_link(std::string_view url);

} // namespace lg::app

namespace lg::app {

struct PerfOptions {
  std::string url;                  ///< --url: the one http:// URL measured
  double rate = 0;                  ///< --rate: requests/s in all (open model); 0: closed model
  int connections = 10;             ///< --connections
  int threads = 1;                  ///< --threads
  double duration_s = 10;           ///< --duration, seconds measured
  double warmup_s = 0;              ///< --warmup, seconds sent before measuring
  double timeout_s = 10;            ///< --timeout, per request
  long long max_requests = 0;       ///< --max-requests: hard bound; 0: none
  std::string method = "GET";       ///< --method
  std::vector<std::string> headers; ///< --header "Name: value", repeatable
  std::string body;                 ///< --body
  double p95_ms = 500;              ///< --p95-ms: the limit perf.api-latency judges against
  std::string ca_file;              ///< --cacert: PEM trust anchors added to the system store
  bool insecure = false;            ///< -k,--insecure: do not verify an https:// certificate
  OutputOptions output;
};

/// `launchgate perf --url URL`: perf.api-latency for one URL without a config, reported like an
/// audit of the perf gate (its measurements carry the percentiles).
int run_perf(const PerfOptions& options);

struct PerfExportOptions {
  std::string format;                          ///< --export FORMAT (k6)
  std::string file;                            ///< --export … FILE
  std::string config_path = "launchgate.yaml"; ///< --config
  bool allow_writes = false;                   ///< --allow-writes: export the actions that write
};

/// `launchgate perf --export k6 FILE`: the config's perf scenario as a k6 script. 0 when written,
/// 2 on a bad config, an unknown format or a file that cannot be written.
int run_perf_export(const PerfExportOptions& options);

} // namespace lg::app
