// `launchgate demo`: starts the sample portal on a loopback port with its default flaws (or none
// with --hardened), writes the demo zone of its mail domain (portal.test) for the email gate,
// audits it with a built-in config, prints the scorecard and writes launchgate-report.html.

#include "app/commands.hpp"
#include "app/demo_repo.hpp"
#include "app/portal_process.hpp"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace lg::app {
namespace {

const std::vector<std::string> k_default_flaws = {
    "insecure-cookie", "no-security-headers", "open-endpoint",   "idor",          "staff-can-admin",
    "stale-logout",    "filter-tampering",    "mass-assignment", "sql-injection", "reset-reusable",
    "session-forever", "cors-reflect",        "no-rate-limit",   "logs-bodies",   "no-health"};

/// A TCP port on 127.0.0.1 that was free a moment ago, for the mail sink the portal mails to.
Expected<int> free_loopback_port() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return unexpected(ErrorKind::io, fmt::format("socket: {}", std::strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), len) == 0 &&
            getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  close(fd);
  if (!ok)
    return unexpected(ErrorKind::io, "no free port on 127.0.0.1 for the mail sink");
  return static_cast<int>(ntohs(addr.sin_port));
}

// DKIM public keys of the demo zone (public halves only; nothing is signed with them).
constexpr const char* k_dkim_2048 =
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0ds99MrcJK0Mz0QiV9g207wUAgc0Z0vSaFW674hbgXiFor5Xe"
    "XB7l6aF5GobrSfifg4mc6+0EElhaU+SvFg1z3s+QVUBraoaalXQPgd/A8EvXJcEq0BCdGVOV/r09JliaDGjArBfZHJbHZ"
    "GXCO2eY1/8aKAX603uL6dAUMTnK9hpZZEOyfPZYG0/dNB+SFtQdSpU7u6mBtOo6dtKfMulEbwvvmFo4skr+vKGYXRDJwf"
    "ESgtp3agJN9e+DTZIGgrN0XeIKOT/2viWPHCpJ/Cw+BaxqYh28B3WkxVb//QvgeUnOqtl4p/lfFHy5Fksx8xa0KViuxV2"
    "72zN3I2wcykObwIDAQAB";
constexpr const char* k_dkim_1024 =
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDFD1Ju2YszBhW8+7mko9yX5p+fQbASUY4IHOwIqDsGtnBToMUshepDW"
    "5pRxHSd6Np0ufDlBIFIVO0F/4yxq1wm6XKarkjcbrGXoSwyLzbS42DfkQyQwIrX7iagVIJlZ10Kl36futoKTvvMtgXaEJ"
    "irg3Awf5ySBbsEomCErGfsKQIDAQAB";

std::string random_password() {
  std::array<unsigned char, 18> bytes{};
  RAND_bytes(bytes.data(), static_cast<int>(bytes.size()));
  std::string out;
  for (unsigned char b : bytes)
    out += fmt::format("{:02x}", b);
  return out;
}

/// TXT data in zone-file form: split into quoted strings of at most 255 bytes (RFC 1035 3.3.14).
std::string txt(const std::string& data) {
  std::string out;
  for (size_t i = 0; i < data.size(); i += 255)
    out += fmt::format("{}\"{}\"", out.empty() ? "" : " ", data.substr(i, 255));
  return out;
}

/// The demo zone, in a temporary directory removed with it.
class DemoZone {
public:
  DemoZone() = default;
  DemoZone(const DemoZone&) = delete;
  DemoZone& operator=(const DemoZone&) = delete;
  ~DemoZone() {
    if (!m_dir.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(m_dir, ec);
    }
  }

  Expected<std::string> write(bool hardened) {
    std::string pattern = (std::filesystem::temp_directory_path() / "launchgate-demo-dns-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr)
      return unexpected(ErrorKind::io, fmt::format("mkdtemp: {}", std::strerror(errno)));
    m_dir = pattern;
    std::string path = m_dir + "/portal.test.zone";
    std::ofstream out(path);
    out << demo_zone(hardened);
    if (!out.flush())
      return unexpected(ErrorKind::io, "cannot write " + path);
    return path;
  }

private:
  std::string m_dir;
};

} // namespace

std::string demo_zone(bool hardened) {
  std::string zone =
      "; The mail domain of the sample portal (no-reply@portal.test), as its DNS would\n"
      "; publish it; `launchgate demo` checks it offline.\n"
      "$ORIGIN portal.test.\n$TTL 300\n"
      "@       IN SOA ns1 hostmaster 2026112901 7200 3600 1209600 300\n"
      "@       IN NS  ns1\n"
      "ns1     IN A   203.0.113.53\n"
      "@       IN A   203.0.113.10\n"
      "app     IN A   203.0.113.10\n"
      "@       IN MX  10 mail\n"
      "mail    IN A   203.0.113.25\n";
  if (hardened)
    return zone +
           "@       IN TXT \"v=spf1 ip4:203.0.113.25 -all\"\n"
           "_dmarc  IN TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@portal.test\"\n"
           "s1._domainkey IN TXT " +
           txt(std::string("v=DKIM1; k=rsa; p=") + k_dkim_2048) +
           "\n"
           "_mta-sts IN TXT \"v=STSv1; id=2026112901\"\n"
           "_smtp._tls IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@portal.test\"\n";
  // Planted: an include of a name nobody published (permerror: every receiver fails SPF),
  // monitoring-only DMARC and a 1024-bit DKIM key.
  return zone +
         "@       IN TXT \"v=spf1 ip4:203.0.113.25 include:_spf.mailer.portal.test ~all\"\n"
         "_dmarc  IN TXT \"v=DMARC1; p=none\"\n"
         "s1._domainkey IN TXT " +
         txt(std::string("v=DKIM1; k=rsa; p=") + k_dkim_1024) + "\n";
}

/// The demo's `monitor:` section: the home page, bob's records and the health route, alerts to
/// the mail sink when there is one, history in `extras.monitor_store`.
std::string demo_monitor_yaml(const DemoConfigExtras& extras) {
  std::string alerts =
      extras.smtp_sink.empty()
          ? std::string()
          : fmt::format("  alerts: {{email: {{smtp: \"{}\", tls: none, from: monitor@portal.test, "
                        "to: [ops@portal.test]}}}}\n",
                        extras.smtp_sink);
  return fmt::format(R"(monitor:
  checks:
    - {{name: home, url: /, expect: "status == 200"}}
    - {{name: records, as: bob, url: /api/records, expect: "status == 200 && latency < 800ms"}}
    - {{name: health, url: /api/health, expect: "status == 200 && json $.database == \"ok\""}}
{}  store: "{}"
)",
                     alerts, extras.monitor_store);
}

namespace {

/// The demo's `deploy:` and `handover:` sections over its repository: the hardened one has the
/// migration and rollback commands and a whole handover, the flawed one names an owner only.
std::string demo_deploy_yaml(const std::string& repo, bool hardened) {
  std::string out = fmt::format("deploy:\n  repo: \"{}\"\n  build: node scripts/build.js\n"
                                "  test: node --test\n",
                                repo);
  if (!hardened)
    return out + "handover: {owners: [alice@acme.test]}\n";
  return out + "  migrate: migrate -path db/migrations -database \"$DATABASE_URL\" up\n"
               "  rollback: deploy/release.sh rollback --dry-run\n"
               "  run_rollback: true\n"
               "handover:\n"
               "  owners: [alice@acme.test, bob@acme.test]\n"
               "  approver: alice@acme.test (release manager)\n"
               "  support: support@acme.test, answered within one working day\n"
               "  secrets: the team vault, folder client-portal/production\n";
}

} // namespace

std::string demo_config_yaml(const std::string& base_url, const std::string& repo,
                             const DemoConfigExtras& extras) {
  std::string accounts;
  struct Demo {
    const char* name;
    const char* org;
    const char* role;
  };
  for (const auto& a : {Demo{"alice", "acme", "admin"}, Demo{"bob", "acme", "staff"},
                        Demo{"carol", "globex", "staff"}, Demo{"dave", "globex", "admin"}}) {
    std::string email = fmt::format("{}@{}.test", a.name, a.org);
    accounts +=
        fmt::format("  - name: {}\n    org: {}\n    role: {}\n    email: {}\n"
                    "    login:\n      method: POST\n      path: /api/login\n"
                    "      json: {{email: {}, password: \"${{LAUNCHGATE_DEMO_PASSWORD}}\"}}\n",
                    a.name, a.org, a.role, email, email);
  }
  return fmt::format(
      R"(# The configuration `launchgate demo` audits the sample portal with.
target:
  base_url: {}
  max_rps: 500
accounts:
{}api:
  openapi: /openapi.json
  public: ["/api/health", "/openapi.json", "POST /api/login", "POST /api/password-reset",
           "POST /api/password-reset/confirm", "POST /api/invites/accept"]
  admin_only: ["/api/admin/**"]
auth:
  logout: {{method: POST, path: /api/logout}}
  reset_request: {{method: POST, path: /api/password-reset, json: {{email: "{{account.email}}"}}}}
  reset_confirm: {{method: POST, path: /api/password-reset/confirm,
                  json: {{token: "{{token}}", password: "{{new_password}}"}}}}
  invite: {{method: POST, path: /api/admin/invites, json: {{email: "{{invite.email}}", role: staff}}}}
  invite_as: alice
  invite_accept: {{method: POST, path: /api/invites/accept,
                  json: {{token: "{{token}}", password: "{{new_password}}"}}}}
{}{}{}pages: [/, /records]
actions:
  - {{name: login, login: true, as: bob}}
  - {{name: list_records, path: /api/records}}
  - {{name: read_record, path: "/api/records/{{id}}"}}
  - {{name: search, path: "/api/search?q={{term}}", vars: {{term: [report, invoice, audit]}}}}
perf: {{users: 12, think_time: 100ms, duration: 3s, warmup: 500ms}}
{}{}{})",
      base_url, accounts, extras.auth,
      extras.zone_file.empty()
          ? std::string()
          : fmt::format("dns: {{zone_file: \"{}\"}}\n"
                        "email: {{domain: portal.test, dkim_selectors: [s1]}}\n",
                        extras.zone_file),
      extras.smtp_sink.empty() ? std::string()
                               : fmt::format("mail: {{smtp_sink: \"{}\"}}\n", extras.smtp_sink),
      repo.empty() ? std::string()
                   : fmt::format("secrets: {{paths: [\"{0}\"], repo: \"{0}\", "
                                 "history: true, logs: [\"{0}/logs/*.log*\"]}}\n{1}",
                                 repo, demo_deploy_yaml(repo, extras.hardened)),
      extras.log_file.empty() ? std::string()
                              : fmt::format("logs: {{files: [\"{}\"], error_request: {{path: "
                                            "/api/reports/export}}}}\n",
                                            extras.log_file),
      extras.monitor_store.empty() ? std::string() : demo_monitor_yaml(extras));
}

int run_demo(const DemoOptions& options) {
  PortalOptions portal_options;
  portal_options.port = options.port;
  if (!options.hardened)
    portal_options.flaws = k_default_flaws;
  portal_options.seed_password = random_password();
  auto sink_port = free_loopback_port();
  if (!sink_port) {
    fmt::print(stderr, "launchgate demo: {}\n", sink_port.error().message);
    return 3;
  }
  const std::string sink = fmt::format("127.0.0.1:{}", *sink_port);
  portal_options.extra = {"--smtp", sink};
  setenv("LAUNCHGATE_DEMO_PASSWORD", portal_options.seed_password.c_str(), 1);

  // The portal's request log, which the observability gate reads.
  const std::string log_file =
      (std::filesystem::temp_directory_path() / fmt::format("launchgate-demo-{}.log", getpid()))
          .string();
  portal_options.log_file = log_file;
  struct RemoveLog {
    std::string path;
    ~RemoveLog() { std::remove(path.c_str()); }
  } remove_log{log_file};

  PortalProcess portal;
  if (auto ok = portal.start(portal_options); !ok) {
    fmt::print(stderr, "launchgate demo: {}\n", ok.error().message);
    return 3;
  }
  DemoRepo repo;
  if (auto ok = repo.create(!options.hardened); !ok) {
    fmt::print(stderr, "launchgate demo: the repository fixture: {}\n", ok.error().message);
    return 3;
  }
  fmt::print(stderr, "launchgate demo: sample portal at {}, its repository at {} ({})\n",
             portal.base_url(), repo.path(),
             options.hardened
                 ? "hardened: no planted flaws"
                 : fmt::format("planted flaws: {}, {}", fmt::join(k_default_flaws, ", "),
                               fmt::join(k_demo_repo_flaws, ", ")));

  DemoZone zone;
  auto zone_file = zone.write(options.hardened);
  if (!zone_file) {
    fmt::print(stderr, "launchgate demo: the demo zone: {}\n", zone_file.error().message);
    return 3;
  }

  // The monitor's history, written by a short-lived monitor before the audit reads it.
  const std::string monitor_store =
      (std::filesystem::temp_directory_path() / fmt::format("launchgate-demo-{}.db", getpid()))
          .string();
  struct RemoveStore {
    std::string path;
    ~RemoveStore() {
      for (const char* suffix : {"", "-wal", "-shm"})
        std::remove((path + suffix).c_str());
    }
  } remove_store{monitor_store};

  auto config = parse_config(
      demo_config_yaml(portal.base_url(), repo.path(),
                       {sink, "", *zone_file, log_file, monitor_store, options.hardened}),
      "<demo>", "");
  if (!config) {
    fmt::print(stderr, "launchgate demo: internal config error:\n{}\n", config.error().message);
    return 3;
  }
  // Two rounds of the monitor's checks, as `launchgate monitor` would have run them for days.
  auto runs = run_monitor_rounds(*config, 2);
  if (!runs) {
    fmt::print(stderr, "launchgate demo: the monitor: {}\n", runs.error().message);
    return 3;
  }
  std::vector<std::string> outcomes;
  for (const auto& run : *runs)
    outcomes.push_back(run.ok ? run.check + " ok"
                              : fmt::format("{} FAIL ({})", run.check, run.message));
  fmt::print(stderr, "launchgate demo: a short-lived monitor ran its checks twice: {}\n",
             fmt::join(outcomes, ", "));
  AuditOptions audit = options.audit;
  // The demo's portal is its own throwaway copy: the write checks run against it too.
  audit.allow_writes = true;
  bool html_asked =
      std::any_of(audit.output.files.begin(), audit.output.files.end(), [](const std::string& f) {
        return format_for_file(f, report::Format::text) == report::Format::html;
      });
  if (!html_asked)
    audit.output.files.emplace_back("launchgate-report.html");
  int code = run_audit(*config, audit);
  portal.stop();
  if (!html_asked)
    fmt::print(stderr, "launchgate demo: wrote launchgate-report.html\n");
  return code;
}

} // namespace lg::app
