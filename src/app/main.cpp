// The command line: subcommands audit, demo, init, secrets, checks, mailsink, email, perf and
// monitor on CLI11, the exit codes of DESIGN.md and the one top-level catch of the program.

#include "app/main.hpp"

#include "app/audit.hpp"
#include "app/cmd_email.hpp"
#include "app/commands.hpp"
#include "launchgate/version.hpp"
#include "monitor/runner.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace lg::app {
namespace {

constexpr int k_usage = 2;
constexpr int k_internal = 3;

/// --format, -o, -q, --only, --allow-writes, -v: shared by audit and demo.
struct AuditFlags {
  std::string format = "text";
  std::vector<std::string> outputs;
  std::vector<std::string> only;
  bool quiet = false;
  bool allow_writes = false;
  bool verbose = false;

  void add_to(CLI::App& cmd) {
    cmd.add_option("--format", format, "stdout format: text, json, sarif, junit, md, html")
        ->capture_default_str();
    cmd.add_option("-o,--output", outputs,
                   "write a report to FILE, in the format its extension names (.json .sarif .xml "
                   ".md .html .txt); repeatable")
        ->allow_extra_args(false);
    cmd.add_option("--only", only, "run only these gates (comma-separated)")->delimiter(',');
    cmd.add_flag("-q,--quiet", quiet, "print nothing on stdout (reports go to -o files)");
    cmd.add_flag("--allow-writes", allow_writes,
                 "allow write requests (only to objects launchgate creates itself)");
    cmd.add_flag("-v,--verbose", verbose, "log every request (credentials redacted) on stderr");
  }

  /// The options, or an exit code when a value is wrong.
  std::variant<AuditOptions, int> build() const {
    AuditOptions o;
    auto f = report::parse_format(format);
    if (!f) {
      fmt::print(stderr, "launchgate: unknown --format '{}' (text, json, sarif, junit, md, html)\n",
                 format);
      return k_usage;
    }
    o.output.stdout_format = *f;
    o.output.files = outputs;
    o.output.quiet = quiet;
    o.gates = only;
    o.allow_writes = allow_writes;
    o.verbose = verbose;
    if (int rc = validate_audit_options(o); rc != 0)
      return rc;
    return o;
  }
};

int dispatch(int argc, char** argv) {
  CLI::App app{"launchgate: is this client portal ready for its first 100 real users?",
               "launchgate"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("launchgate ") + k_version);
  app.footer("Exit codes: 0 ready, 1 not_ready, 2 usage or config error, 3 internal error, "
             "4 incomplete.");

  auto* audit = app.add_subcommand("audit", "audit a portal described by a launchgate.yaml");
  std::string config_path = "launchgate.yaml";
  audit->add_option("-c,--config", config_path, "the config file")->capture_default_str();
  AuditFlags audit_flags;
  audit_flags.add_to(*audit);

  auto* demo = app.add_subcommand("demo", "start the sample portal on loopback and audit it");
  bool hardened = false;
  int port = 0;
  demo->add_flag("--hardened", hardened, "run the portal without its planted flaws");
  demo->add_option("--port", port, "the portal's port (default: a free one)")
      ->check(CLI::Range(0, 65535));
  AuditFlags demo_flags;
  demo_flags.add_to(*demo);

  auto* init = app.add_subcommand("init", "write a commented starter launchgate.yaml");
  std::string init_path = "launchgate.yaml";
  bool force = false;
  init->add_option("path", init_path, "where to write it")->capture_default_str();
  init->add_flag("-f,--force", force, "overwrite an existing file");

  auto* scan = app.add_subcommand("secrets", "scan files and git history for leaked secrets");
  std::vector<std::string> scan_paths;
  std::string rules_file;
  std::string scan_format = "text";
  std::vector<std::string> scan_outputs;
  bool scan_quiet = false;
  SecretsOptions secrets_options;
  scan->add_option("paths", scan_paths, "files or directories (default: .)");
  scan->add_option("--rules", rules_file,
                   "a gitleaks-format TOML rule file instead of the shipped rules");
  scan->add_flag("--history", secrets_options.history,
                 "also scan every blob of the git history of the first path (secrets.history)");
  scan->add_option("--build", secrets_options.build,
                   "also scan this build output folder: bundles, source maps and the sources they "
                   "embed (secrets.build; repeatable)")
      ->allow_extra_args(false);
  scan->add_option("--logs", secrets_options.logs,
                   "also scan these log files or folders, .gz included (secrets.logs; repeatable)")
      ->allow_extra_args(false);
  scan->add_flag("--staged", secrets_options.staged,
                 "scan only what is staged in the repository (for a pre-commit hook)");
  scan->add_option("--baseline", secrets_options.baseline,
                   "a baseline file: its findings are accepted, only new ones fail");
  scan->add_option("--write-baseline", secrets_options.write_baseline,
                   "write every finding of this run to FILE as accepted");
  scan->add_option("--allow-path", secrets_options.allow_paths,
                   "RE2 regex on file paths whose findings are never reported (repeatable)")
      ->allow_extra_args(false); // one value per flag: `--allow-path x DIR` scans DIR
  scan->add_flag("--show-secrets", secrets_options.show_secrets,
                 "print found secrets in full: local triage only, never in CI");
  scan->add_flag("--explain-rules", secrets_options.explain_rules,
                 "list the rules, their keywords and the engine each runs on, then exit");
  scan->add_option("--format", scan_format, "stdout format: text, json, sarif, junit, md, html")
      ->capture_default_str();
  scan->add_option("-o,--output", scan_outputs, "write a report to FILE (format from extension)")
      ->allow_extra_args(false);
  scan->add_flag("-q,--quiet", scan_quiet, "print nothing on stdout");

  auto* list = app.add_subcommand("checks", "list the check catalog");
  std::string list_format = "text";
  list->add_option("--format", list_format, "text, md or json")->capture_default_str();

  auto* mailsink = app.add_subcommand(
      "mailsink", "run launchgate's SMTP sink: print each message received, links redacted");
  MailsinkOptions mailsink_options;
  mailsink
      ->add_option("--listen", mailsink_options.listen,
                   "HOST:PORT to listen on, a literal IP (127.0.0.1:2525, [::1]:2525; port 0: any "
                   "free one)")
      ->required();
  mailsink
      ->add_option("--max-size", mailsink_options.max_size,
                   "the largest message accepted, in bytes (552 beyond it)")
      ->check(CLI::Range(1LL, 1LL << 30))
      ->capture_default_str();
  mailsink->add_option("--dir", mailsink_options.dir,
                       "also write each message in full to DIR/NNNNNN.eml");

  auto* email = app.add_subcommand("email", "the email gate's tools: SPF evaluation, received "
                                            "messages");
  email->require_subcommand(1);
  const EmailCommand email_commands[] = {add_email_spf_eval(*email), add_email_verify(*email)};

  auto* perf = app.add_subcommand(
      "perf", "measure one URL's latency under load, as perf.api-latency judges it");
  PerfOptions perf_options;
  std::string perf_format = "text";
  perf->add_option("--url", perf_options.url, "the http:// URL to load");
  PerfExportOptions export_options;
  std::vector<std::string> export_args;
  perf->add_option("--export", export_args,
                   "FORMAT FILE: write the config's perf scenario as a script (k6) instead")
      ->expected(2)
      ->allow_extra_args(false);
  perf->add_option("--config", export_options.config_path, "the config file (with --export)")
      ->capture_default_str();
  perf->add_flag("--allow-writes", export_options.allow_writes,
                 "with --export: include the actions that write");
  perf->add_option("--rate", perf_options.rate,
                   "requests per second in all, at a constant rate (open model, coordinated "
                   "omission corrected); without it each connection sends as answers come")
      ->check(CLI::Range(0.0, 1000000.0));
  perf->add_option("-c,--connections", perf_options.connections, "connections kept open")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  perf->add_option("-t,--threads", perf_options.threads, "event loops")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  perf->add_option("-d,--duration", perf_options.duration_s, "seconds measured")
      ->check(CLI::Range(0.1, 86400.0))
      ->capture_default_str();
  perf->add_option("--warmup", perf_options.warmup_s, "seconds of load before measuring")
      ->check(CLI::Range(0.0, 3600.0));
  perf->add_option("--timeout", perf_options.timeout_s, "seconds a request may take")
      ->check(CLI::Range(0.001, 600.0))
      ->capture_default_str();
  perf->add_option("--max-requests", perf_options.max_requests,
                   "stop after this many requests (0: no bound but the duration)")
      ->check(CLI::Range(0LL, 1LL << 40));
  perf->add_option("-m,--method", perf_options.method, "the request method")->capture_default_str();
  perf->add_option("-H,--header", perf_options.headers, "a request header 'Name: value'")
      ->allow_extra_args(false);
  perf->add_option("--body", perf_options.body, "the request body");
  perf->add_option("--p95-ms", perf_options.p95_ms, "the p95 limit in milliseconds")
      ->check(CLI::Range(1.0, 600000.0))
      ->capture_default_str();
  perf->add_option("--cacert", perf_options.ca_file,
                   "PEM trust anchors for an https:// URL, added to the system store")
      ->check(CLI::ExistingFile);
  perf->add_flag("-k,--insecure", perf_options.insecure,
                 "do not verify the https:// URL's certificate and name");
  perf->add_option("--format", perf_format, "stdout format: text, json, sarif, junit, md, html")
      ->capture_default_str();
  perf->add_option("-o,--output", perf_options.output.files,
                   "write a report to FILE (format from extension)")
      ->allow_extra_args(false);
  perf->add_flag("-q,--quiet", perf_options.output.quiet, "print nothing on stdout");

  auto* mon = app.add_subcommand(
      "monitor", "watch the portal: the checks of monitor: at their intervals, alerts, history "
                 "and a status page");
  MonitorOptions monitor_options;
  mon->add_option("-c,--config", monitor_options.config_path, "the config file")
      ->capture_default_str();
  mon->add_flag("--once", monitor_options.once,
                "run every check once and exit: 0 when all pass, 1 otherwise (a CI smoke test)");
  mon->add_option("--listen", monitor_options.listen,
                  "serve the status page, /status.json, /metrics and /healthz on HOST:PORT "
                  "(over monitor.listen)");
  mon->add_option("--store", monitor_options.store, "the SQLite history file (over monitor.store)");
  mon->add_option("--duration", monitor_options.duration_s,
                  "stop after this many seconds (default: run until SIGINT or SIGTERM)")
      ->check(CLI::NonNegativeNumber);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : k_usage;
  }

  if (*audit) {
    auto built = audit_flags.build();
    if (auto* rc = std::get_if<int>(&built))
      return *rc;
    auto config = load_config(config_path);
    if (!config) {
      fmt::print(stderr, "{}\n", config.error().message);
      return k_usage;
    }
    // The monitor's expect conditions are parsed above the config layer: a mistake in one is a
    // config error for the audit too.
    if (!config->monitor.checks.empty())
      if (auto plan = monitor::make_plan(*config); !plan) {
        fmt::print(stderr, "{}\n", plan.error().message);
        return k_usage;
      }
    return run_audit(*config, std::get<AuditOptions>(built));
  }
  for (const auto& command : email_commands)
    if (*command.command)
      return command.run();
  if (*demo) {
    auto built = demo_flags.build();
    if (auto* rc = std::get_if<int>(&built))
      return *rc;
    return run_demo(DemoOptions{hardened, port, std::get<AuditOptions>(built)});
  }
  if (*scan) {
    auto format = report::parse_format(scan_format);
    if (!format) {
      fmt::print(stderr, "launchgate: unknown --format '{}' (text, json, sarif, junit, md, html)\n",
                 scan_format);
      return k_usage;
    }
    SecretsOptions options = secrets_options;
    options.paths = scan_paths;
    options.rules_file = rules_file;
    options.output.stdout_format = *format;
    options.output.files = scan_outputs;
    options.output.quiet = scan_quiet;
    return run_secrets(options);
  }
  if (*perf) {
    if (!export_args.empty()) {
      export_options.format = export_args.at(0);
      export_options.file = export_args.at(1);
      return run_perf_export(export_options);
    }
    if (perf_options.url.empty()) {
      fmt::print(stderr, "launchgate perf: give --url URL to measure, or --export k6 FILE\n");
      return k_usage;
    }
    auto format = report::parse_format(perf_format);
    if (!format) {
      fmt::print(stderr, "launchgate: unknown --format '{}' (text, json, sarif, junit, md, html)\n",
                 perf_format);
      return k_usage;
    }
    perf_options.output.stdout_format = *format;
    return run_perf(perf_options);
  }
  if (*init)
    return run_init(init_path, force);
  if (*list)
    return run_checks_list(list_format);
  if (*mailsink)
    return run_mailsink(mailsink_options);
  if (*mon)
    return run_monitor(monitor_options);
  return k_usage;
}

} // namespace

int main(int argc, char** argv) {
  try {
    return dispatch(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "launchgate: internal error: {}\n", e.what());
    return k_internal;
  } catch (...) {
    fmt::print(stderr, "launchgate: internal error\n");
    return k_internal;
  }
}

} // namespace lg::app
