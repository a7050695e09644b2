#pragma once
// launchgate.yaml: the config contract of DESIGN.md, loaded, interpolated from the environment
// and validated. Every field is documented in docs/config.md.

#include "util/expected.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lg {

/// How to send one request of a flow (login, logout, reset): `{method, path, json|form, headers}`.
struct RequestRecipe {
  std::string method = "POST";
  std::string path;
  std::optional<nlohmann::json> json;         ///< JSON body
  std::map<std::string, std::string> form;    ///< form body (application/x-www-form-urlencoded)
  std::map<std::string, std::string> headers; ///< extra request headers
};

/// How an account logs in (`login:` holds exactly one of these styles).
enum class LoginStyle {
  recipe,  ///< a request (`method`, `path`, `json`|`form`); the session is its cookies or a token
  basic,   ///< HTTP Basic on every request; nothing is sent to log in
  api_key, ///< a key in a header or in the query string of every request
};

/// `login.csrf`: a page fetched before the login request, whose anti-CSRF token is posted along.
struct CsrfSource {
  std::string page;   ///< path of the page (GET) that holds the token, e.g. /login
  std::string field;  ///< form field to find and post it under; empty: the common names
  std::string header; ///< also send the token in this request header; empty: not
};

struct Account {
  std::string name;
  std::string org;
  std::string role;
  std::string email;
  LoginStyle login_style = LoginStyle::recipe;
  /// recipe: the login request. basic and api_key: the optional `check`, a GET of `path` that
  /// must answer 2xx (`path` empty when there is no check).
  RequestRecipe login;
  std::string token_path; ///< JSON path ($.a.b) of a bearer token in the login response; empty:
                          ///< the session is the cookie jar
  std::optional<CsrfSource> csrf; ///< recipe only
  std::string basic_username;     ///< basic
  std::string basic_password;     ///< basic
  std::string api_key_header;     ///< api_key: the header that carries it, or
  std::string api_key_query;      ///< api_key: the query parameter that carries it
  std::string api_key;            ///< api_key: the value
  int line = 0;                   ///< where the account is defined, for messages
};

struct TargetConfig {
  std::string base_url;
  std::vector<std::string> scope; ///< hosts; defaults to base_url's host
  double max_rps = 10;
  int timeout_ms = 10000;
  int max_requests = 2000; ///< per gate
  long long max_response_bytes = 8 << 20;
};

struct ApiConfig {
  std::string openapi;                 ///< a file (relative to the config) or a path on the target
  std::vector<std::string> endpoints;  ///< "METHOD /path/{param}" listed by hand
  std::vector<std::string> admin_only; ///< patterns: "[METHOD ]/glob/*/**"
  std::vector<std::string> public_;
  std::vector<std::string> shared;
  std::string har;     ///< a HAR 1.2 export (browser devtools), relative to the config
  std::string postman; ///< a Postman v2.1 collection, relative to the config
  std::vector<std::string> object_refs; ///< extra parameter/field names that name objects
};

/// `auth:`: the flows the session gate drives and the limits it judges by. Recipes may hold
/// placeholders the tool fills in: {account.email}, {token}, {new_password}, {invite.email}.
struct AuthConfig {
  std::optional<RequestRecipe> logout;
  std::optional<RequestRecipe> reset_request;
  std::optional<RequestRecipe> reset_confirm;
  std::string reset_token = "token=([A-Za-z0-9_-]+)"; ///< regex; group 1 is the token
  long long reset_expiry_ms = 60LL * 60 * 1000;       ///< the promised reset-link lifetime
  std::optional<RequestRecipe> invite;                ///< sent as `invite_as`
  std::string invite_as;                              ///< account that invites (an admin)
  std::optional<RequestRecipe> invite_accept;
  std::string invite_token = "token=([A-Za-z0-9_-]+)";
  long long invite_expiry_ms = 7LL * 24 * 3600 * 1000;
  long long session_max_ms = 12LL * 3600 * 1000; ///< the longest a session may live
  long long idle_timeout_ms = 0;                 ///< the portal's idle timeout; 0: not stated
  int login_burst = 30;                          ///< wrong passwords sent by login-rate-limit
};

/// `mail:`: where the portal's mail is read. At most one source.
struct MailConfig {
  std::string smtp_sink;                  ///< host:port launchgate listens on, e.g. 127.0.0.1:2525
  std::string command;                    ///< prints the newest message for {address}
  long long wait_ms = 15000;              ///< how long to wait for a message
  long long max_message_bytes = 10 << 20; ///< the sink's SIZE limit
};

/// `dns:`: where DNS questions go. At most one of `server` and `zone_file`.
struct DnsConfig {
  std::string server;    ///< host:port of a DNS server; empty: the system's
  std::string zone_file; ///< a zone file answering offline (resolved against the config's dir)
  std::string origin;    ///< completes relative names in the zone file until its own $ORIGIN
};

/// `email:`: the domain the portal mails from and its DKIM selectors.
struct EmailConfig {
  std::string domain;                      ///< lower case, no trailing dot
  std::vector<std::string> dkim_selectors; ///< empty: the email gate tries common selectors
};

/// One `domain.names` entry: a host name and the port its HTTPS answers on.
struct DomainName {
  std::string host; ///< lower case, no trailing dot
  int https_port = 443;
};

/// What `domain.expect` says one name must resolve to.
struct DomainExpectation {
  std::vector<std::string> a;    ///< IPv4 addresses, any order
  std::vector<std::string> aaaa; ///< IPv6 addresses, any order
  std::string cname;             ///< the CNAME target, lower case, no trailing dot
};

/// `domain:`: the names the portal answers on and what they must look like.
struct DomainConfig {
  std::vector<DomainName> names;
  int http_port = 80;  ///< where the http:// to https:// redirect is checked
  std::string ca_file; ///< extra trust anchors (resolved against the config's dir); empty: none
  std::map<std::string, DomainExpectation> expect; ///< by host, lower case
  std::vector<std::string> nameservers;            ///< lower case, no trailing dot
  int nameserver_port = 53; ///< where domain.dns asks each listed name server directly
};

/// `edge.rate_limit`: the request edge.rate-limit sends `burst` times at `rps`.
struct EdgeRateLimit {
  RequestRecipe request;
  int burst = 60;  ///< 5..500
  double rps = 10; ///< requests per second, at most 100; defaults to target.max_rps
};

/// `edge:`: the origin behind the CDN/WAF and the burst that must meet a rate limit.
struct EdgeConfig {
  std::vector<std::string> origins; ///< literal IPv4/IPv6 addresses of the origin server
  std::optional<EdgeRateLimit> rate_limit;
};

/// `logs:` beyond its sources (files, command; engine/logs reads those from `raw`): what the
/// observability checks send and how long they wait for it to be written.
struct LogsConfig {
  std::optional<RequestRecipe> error_request; ///< a request the portal answers with a 5xx
  long long wait_ms = 5000; ///< how long the probes' lines may take to appear in the logs
};

/// What one `monitor.checks` entry watches.
enum class MonitorCheckType {
  http, ///< `url`: a request (after the account's login when `as` is set)
  dns,  ///< `dns`: a question about a name
  tls,  ///< `tls`: a handshake with host:port and its certificate
};

/// One `monitor.checks` entry. Its `expect` is kept as text (with its place in the file): the
/// monitor parses it with analyze::parse_condition, which lies above this layer.
struct MonitorCheckConfig {
  std::string name;
  MonitorCheckType type = MonitorCheckType::http;
  std::string url;                            ///< http: absolute (paths joined to base_url)
  std::string method = "GET";                 ///< http
  std::string as;                             ///< http: the account it signs in as; "": none
  std::map<std::string, std::string> headers; ///< http: extra request headers
  std::string dns_name;                       ///< dns: lower case, no trailing dot
  std::string dns_type = "A";                 ///< dns: the record type asked for
  std::string tls_host;                       ///< tls: the name the certificate must cover
  int tls_port = 443;                         ///< tls
  std::string expect;                         ///< "": the kind's default condition
  int expect_line = 0;                        ///< where `expect` stands, for its errors
  int expect_column = 0;
  long long interval_ms = 0; ///< 0: monitor.interval
  long long timeout_ms = 0;  ///< 0: monitor.timeout
  int line = 0;
};

/// `monitor.alerts.email`: SMTP delivery of alerts.
struct MonitorEmailConfig {
  std::string smtp;             ///< host:port
  std::string tls = "starttls"; ///< starttls, implicit or none
  std::string username;
  std::string password;
  std::string from;
  std::vector<std::string> to;
};

/// `monitor.alerts`: when and where the monitor alerts.
struct MonitorAlertsConfig {
  int failure_threshold = 3;
  int success_threshold = 2;
  long long reminder_ms = 0;          ///< 0: no reminders
  double slow_ms = 0;                 ///< `slow.latency`; 0: no slow rule
  int slow_count = 3;                 ///< `slow.count`
  double spike_share = 0;             ///< `spike.share`; 0: no spike rule
  long long spike_window_ms = 300000; ///< `spike.window`
  std::string webhook;                ///< generic JSON POST per alert
  std::string slack;                  ///< Slack-compatible incoming webhook
  std::optional<MonitorEmailConfig> email;
  /// True when some channel is set.
  bool any_channel() const { return !webhook.empty() || !slack.empty() || email.has_value(); }
};

/// One `monitor.maintenance` entry: absolute (`from`/`to` in RFC 3339) or weekly (`weekly: sun`,
/// `from`/`to` as HH:MM, UTC).
struct MonitorMaintenanceConfig {
  bool weekly = false;
  long long start_ms = 0; ///< absolute: epoch ms
  long long end_ms = 0;
  int weekday = 0; ///< weekly: 0 Sunday .. 6 Saturday
  int start_minute = 0;
  int end_minute = 0;
};

/// `monitor:`: what `launchgate monitor` checks, how often, where it alerts and keeps history.
struct MonitorConfig {
  bool present = false; ///< the section exists
  long long interval_ms = 60000;
  long long timeout_ms = 10000;
  std::vector<MonitorCheckConfig> checks;
  MonitorAlertsConfig alerts;
  std::vector<MonitorMaintenanceConfig> maintenance;
  long long keep_results_ms = 35LL * 24 * 3600 * 1000;
  long long keep_incidents_ms = 365LL * 24 * 3600 * 1000;
  std::string store = "monitor.db"; ///< resolved against the config's directory
  std::string listen;               ///< host:port of the status page; "": none
  std::string title;                ///< the status page's title; "": base_url's host
  std::string status_url;           ///< an external monitor's /status.json (observability.uptime)
  std::string health;               ///< the portal's health endpoint (a path); "": looked for
};

/// `deploy:`: the repository and how it is built, tested, migrated and rolled back. Every key is
/// optional: the deploy checks detect what they can and say what they could not.
struct DeployConfig {
  bool present = false;               ///< the section exists
  std::string repo = ".";             ///< the repository, relative to the config
  std::string build;                  ///< the build command, run with /bin/sh -c in a fresh clone
  std::string test;                   ///< the test command, run after the build
  std::string migrate;                ///< the command that applies database migrations
  std::string rollback;               ///< the rollback command (its dry-run form when run_rollback)
  bool run_rollback = false;          ///< deploy.rollback may run `rollback`
  std::vector<std::string> env;       ///< variables passed to the clean build besides PATH…
  std::vector<std::string> env_files; ///< env files of the deploy (relative to the repo)
  std::string env_example;            ///< the documented variables; "": .env.example found
  std::string staging_env;            ///< staging's variables (an env file)
  std::string production_env;         ///< production's variables (an env file)
  long long timeout_ms = 20LL * 60 * 1000; ///< each command's time limit
  std::vector<std::string> reads;          ///< paths outside the clone the build may open
  std::vector<std::string> artifacts; ///< what the build produces (relative to the repo); empty:
                                      ///< the files it creates in its output folders
  bool build_twice = true;            ///< deploy.clean-build builds a second clone and compares
};

/// `handover:`: who owns the portal after launch.
struct HandoverConfig {
  std::vector<std::string> owners; ///< who runs it
  std::string approver;            ///< who approves production changes
  std::string support;             ///< where users' problems go
  std::string secrets;             ///< where the secrets live (a vault, a password manager)
  std::string notes;               ///< anything else the next person must know
};

/// `actions[]`: a core action perf.api-latency puts under load.
struct ActionConfig {
  std::string name;
  RequestRecipe request; ///< method GET unless given; `json` sent as the body; `{name}`
                         ///< templates in the path filled from `vars` or harvested ids
  std::string as;        ///< the account it runs as; empty: the first account
  bool login = false;    ///< the account's own login request (sent without a session)
  double weight = 1;     ///< share of the mix, relative to the other actions
  std::map<std::string, std::vector<std::string>> vars; ///< values of path templates, cycled
};

/// `perf:`: the load profile of perf.api-latency and its limit.
struct PerfConfig {
  double p95_ms = 500;            ///< the limit every action's p95 must stay under
  int users = 100;                ///< concurrent users, one connection each
  long long think_time_ms = 1000; ///< each user's pause between actions: rate = users / think
  double rate = 0;                ///< requests/s in all, overriding users / think_time; 0: derived
  long long duration_ms = 30000;  ///< measured time
  long long warmup_ms = 5000;     ///< load before measuring
  int threads = 1;                ///< event loops
  long long max_requests = 0;     ///< hard bound; 0: none
  // perf.lcp: each of `pages` in a real browser.
  double lcp_ms = 2500;    ///< the limit of each page's median LCP
  int lcp_runs = 3;        ///< measured visits per page, after one warm-up visit
  std::string lcp_as;      ///< the account whose session cookies the browser carries; "": first
  double cpu_slowdown = 1; ///< CPU throttling (1: none; 4: a mid-range phone)
  struct Network {
    long long latency_ms = 0; ///< added round-trip time; 0: none
    double download_kbps = 0; ///< 0: unlimited
    double upload_kbps = 0;   ///< 0: unlimited
  } network;
};

struct Config {
  std::string file; ///< the file it came from ("<demo>" for built-in configs)
  std::string dir;  ///< base for relative paths
  TargetConfig target;
  std::vector<Account> accounts;
  ApiConfig api;
  AuthConfig auth;
  MailConfig mail;
  DnsConfig dns;
  EmailConfig email;
  DomainConfig domain;
  EdgeConfig edge;
  LogsConfig logs;
  MonitorConfig monitor;
  DeployConfig deploy;
  HandoverConfig handover;
  std::vector<ActionConfig> actions;
  PerfConfig perf;
  std::vector<std::string> pages;
  nlohmann::json raw; ///< the whole document after interpolation, for sections read by later gates

  /// Resolves a path from the config relative to its directory.
  std::string resolve_path(const std::string& path) const;
};

/// A problem in a config file, at a 1-based line and column.
struct ConfigProblem {
  int line = 0;
  int column = 0;
  std::string message;
};

/// Formats every problem as "file:line:col: message", one per line.
std::string format_problems(const std::string& file, const std::vector<ConfigProblem>& problems);

/// Loads and validates `path`. On failure the error (kind config) lists every problem found.
/// What ${NAME} in the config's values becomes.
enum class EnvReferences {
  interpolate, ///< the variable's value from the environment (unset: a config error)
  keep,        ///< left as written, for writers that pass them on (the k6 export)
};

Expected<Config> load_config(const std::string& path,
                             EnvReferences env = EnvReferences::interpolate);

/// Same as load_config for YAML text; `name` is used in messages and `dir` for relative paths.
Expected<Config> parse_config(const std::string& text, const std::string& name,
                              const std::string& dir,
                              EnvReferences env = EnvReferences::interpolate);

/// Parses a YAML (or JSON) document into JSON: quoted scalars stay strings, plain ones become
/// booleans, nulls and numbers where they read as such. Errors (kind parse) carry line:column.
Expected<nlohmann::json> parse_yaml_document(const std::string& text);

/// Replaces every ${NAME} in `text` from the environment. Returns the names that are not set.
std::string interpolate_env(const std::string& text, std::vector<std::string>& missing);

} // namespace lg
