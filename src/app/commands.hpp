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

/// The built-in config of the demo for a portal at `base_url`, with the secrets gate on the
/// repository fixture at `repo` when it is given.
std::string demo_config_yaml(const std::string& base_url, const std::string& repo = "");

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

} // namespace lg::app
