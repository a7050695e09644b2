#pragma once
// One function per subcommand besides audit; each returns the process exit code.

#include "app/audit.hpp"

#include <string>

namespace lg::app {

struct DemoOptions {
  bool hardened = false;
  int port = 0;
  AuditOptions audit;
};

/// `launchgate demo`: the sample portal with its default flaws (or none), audited end to end.
int run_demo(const DemoOptions& options);

/// The built-in config of the demo for a portal at `base_url`.
std::string demo_config_yaml(const std::string& base_url);

/// `launchgate init`: writes a commented starter config to `path` (never over an existing file
/// unless `force`).
int run_init(const std::string& path, bool force);

/// The starter config text.
std::string starter_config();

struct SecretsOptions {
  std::vector<std::string> paths; ///< default: the current directory
  std::string rules_file;         ///< --rules: a gitleaks-format TOML instead of the shipped rules
  OutputOptions output;
};

/// `launchgate secrets`: secrets.tree over `paths`, reported like an audit of the secrets gate.
int run_secrets(const SecretsOptions& options);

/// `launchgate checks`: the catalog as text, Markdown (docs/checks.md) or JSON.
int run_checks_list(const std::string& format);

/// The catalog rendered as docs/checks.md.
std::string checks_markdown();

} // namespace lg::app
