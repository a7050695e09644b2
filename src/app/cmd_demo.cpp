// `launchgate demo`: starts the sample portal on a loopback port with its default flaws (or none
// with --hardened), audits it with a built-in config, prints the scorecard and writes
// launchgate-report.html.

#include "app/commands.hpp"
#include "app/demo_repo.hpp"
#include "app/portal_process.hpp"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <array>
#include <cstdlib>

namespace lg::app {
namespace {

const std::vector<std::string> k_default_flaws = {
    "insecure-cookie", "no-security-headers", "open-endpoint",   "idor",         "staff-can-admin",
    "stale-logout",    "filter-tampering",    "mass-assignment", "sql-injection"};

std::string random_password() {
  std::array<unsigned char, 18> bytes{};
  RAND_bytes(bytes.data(), static_cast<int>(bytes.size()));
  std::string out;
  for (unsigned char b : bytes)
    out += fmt::format("{:02x}", b);
  return out;
}

} // namespace

std::string demo_config_yaml(const std::string& base_url, const std::string& repo) {
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
pages: [/, /records]
{})",
                     base_url, accounts,
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

  auto config = parse_config(demo_config_yaml(portal.base_url(), repo.path()), "<demo>", "");
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
