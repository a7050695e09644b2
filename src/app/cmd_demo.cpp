// `launchgate demo`: starts the sample portal on a loopback port with its default flaws (or none
// with --hardened), audits it with a built-in config, prints the scorecard and writes
// launchgate-report.html.

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

namespace lg::app {
namespace {

const std::vector<std::string> k_default_flaws = {
    "insecure-cookie", "no-security-headers", "open-endpoint",   "idor",          "staff-can-admin",
    "stale-logout",    "filter-tampering",    "mass-assignment", "sql-injection", "reset-reusable",
    "session-forever", "cors-reflect",        "no-rate-limit"};

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

std::string random_password() {
  std::array<unsigned char, 18> bytes{};
  RAND_bytes(bytes.data(), static_cast<int>(bytes.size()));
  std::string out;
  for (unsigned char b : bytes)
    out += fmt::format("{:02x}", b);
  return out;
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
  return fmt::format(R"(# The configuration `launchgate demo` audits the sample portal with.
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
{}{}pages: [/, /records]
{})",
                     base_url, accounts, extras.auth,
                     extras.smtp_sink.empty()
                         ? std::string()
                         : fmt::format("mail: {{smtp_sink: \"{}\"}}\n", extras.smtp_sink),
                     repo.empty() ? std::string()
                                  : fmt::format("secrets: {{paths: [\"{0}\"], repo: \"{0}\", "
                                                "history: true, logs: [\"{0}/logs/*.log*\"]}}\n",
                                                repo));
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
             options.hardened ? "hardened: no planted flaws"
                              : fmt::format("planted flaws: {}, committed-secret",
                                            fmt::join(k_default_flaws, ", ")));

  auto config =
      parse_config(demo_config_yaml(portal.base_url(), repo.path(), {sink, ""}), "<demo>", "");
  if (!config) {
    fmt::print(stderr, "launchgate demo: internal config error:\n{}\n", config.error().message);
    return 3;
  }
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
