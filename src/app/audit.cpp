// `launchgate audit`, step by step: build the real adapters, run the asked-for gates through the
// registry, compute the verdict, and write the scorecard and every requested report.

#include "app/audit.hpp"

#include "app/dns_source.hpp"
#include "app/lazy_browser.hpp"

#include "core/baseline.hpp"

#include "checks/catalog.hpp"
#include "checks/registry.hpp"
#include "core/guard.hpp"
#include "engine/context.hpp"
#include "launchgate/version.hpp"
#include "net/impl/command_mailbox.hpp"
#include "net/impl/curl_http.hpp"
#include "net/impl/openssl_prober.hpp"
#include "net/impl/smtp_sink.hpp"
#include "perf/impl/epoll_load.hpp"

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <memory>
#include <unistd.h>

namespace lg::app {
namespace {

std::string rfc3339_now() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::array<char, 32> buf{};
  // strftime returns 0 (and leaves the buffer unspecified) when the result does not fit.
  size_t len = std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf.data(), len);
}

/// The mailbox of `mail:`: launchgate's own SMTP sink, listening from now on, or the configured
/// command; null when neither is configured. Errors name the key ("mail.smtp_sink 127.0.0.1:2525:
/// address already in use").
Expected<std::unique_ptr<net::Mailbox>> open_mailbox(const MailConfig& mail) {
  if (!mail.smtp_sink.empty()) {
    auto sink = net::SmtpSink::start(mail.smtp_sink, mail.max_message_bytes);
    if (!sink)
      return unexpected(sink.error().kind, "mail.smtp_sink " + sink.error().message);
    return std::unique_ptr<net::Mailbox>(std::move(*sink));
  }
  if (!mail.command.empty())
    return std::unique_ptr<net::Mailbox>(std::make_unique<net::CommandMailbox>(mail.command));
  return std::unique_ptr<net::Mailbox>();
}

} // namespace

report::Format format_for_file(const std::string& path, report::Format fallback) {
  auto ext = std::filesystem::path(path).extension().string();
  if (ext.size() > 1)
    if (auto f = report::parse_format(ext.substr(1)))
      return *f;
  if (ext == ".txt")
    return report::Format::text;
  if (ext == ".xml")
    return report::Format::junit;
  if (ext == ".htm")
    return report::Format::html;
  return fallback;
}

int validate_audit_options(const AuditOptions& options) {
  for (const auto& gate : options.gates) {
    if (std::find(std::begin(k_gates), std::end(k_gates), gate) == std::end(k_gates)) {
      std::string known;
      for (auto g : k_gates)
        known += (known.empty() ? "" : ", ") + std::string(g);
      fmt::print(stderr, "launchgate: unknown gate '{}' in --only (known: {})\n", gate, known);
      return 2;
    }
  }
  return 0;
}

int run_audit(const Config& config, const AuditOptions& options) {
  auto started = std::chrono::steady_clock::now();
  Report report;
  report.tool_version = k_version;
  report.base_url = redact_url(config.target.base_url);
  report.started_at = rfc3339_now();
  for (auto g : k_gates)
    if (options.gates.empty() ||
        std::find(options.gates.begin(), options.gates.end(), g) != options.gates.end())
      report.gates.emplace_back(g);

  // 0. A baseline of accepted findings, read before any work so a broken one costs nothing.
  std::optional<Baseline> baseline;
  if (config.raw.contains("secrets") && config.raw["secrets"].contains("baseline")) {
    auto loaded =
        load_baseline(config.resolve_path(config.raw["secrets"]["baseline"].get<std::string>()));
    if (!loaded) {
      fmt::print(stderr, "launchgate: secrets.baseline: {}\n", loaded.error().message);
      return 2;
    }
    baseline = std::move(*loaded);
  }

  // 1. The real adapters, behind the interfaces the checks see.
  net::CurlOptions curl;
  curl.timeout_ms = config.target.timeout_ms;
  curl.max_body_bytes = config.target.max_response_bytes;
  curl.user_agent = fmt::format("launchgate/{}", k_version);
  if (!config.domain.ca_file.empty())
    curl.ca_file = config.resolve_path(config.domain.ca_file);
  net::CurlHttpClient http(curl);
  net::SystemClock clock;
  net::OpenSslProber tls;
  perf::EpollLoadRunner load;

  // 1b. Where the portal's mail is read (mail:): the sink listens before any check asks for mail.
  auto mailbox = open_mailbox(config.mail);
  if (!mailbox) {
    fmt::print(stderr, "launchgate: {}\n", mailbox.error().message);
    return 2;
  }

  // 1c. DNS (dns:): a zone file is read and checked now, so that a broken one stops the run here.
  auto resolver = open_resolver(config.dns, config.dir);
  if (!resolver) {
    fmt::print(stderr, "launchgate: {}\n", resolver.error().message);
    return 2;
  }

  // 2. The run context: scope guard, sessions, API description.
  engine::RunOptions run;
  run.allow_writes = options.allow_writes;
  if (options.verbose)
    run.log = [](const std::string& line) { fmt::print(stderr, "  {}\n", line); };
  engine::Context* scope = nullptr; // the browser asks the run's guard, once there is one
  LazyBrowser browser(
      [&scope](std::string_view url) { return scope && scope->http().in_scope(std::string(url)); });
  engine::Context context(
      config, engine::Services{http, clock, mailbox->get(), resolver->get(), &tls, &load, &browser},
      run);
  scope = &context;

  // 3. The checks of the asked-for gates, with progress on a terminal only.
  bool tty = isatty(fileno(stderr)) != 0;
  auto progress = [&](const CheckMeta& meta) {
    if (tty && !options.verbose)
      fmt::print(stderr, "\r\033[Kchecking {}…", meta.id);
    else if (options.verbose)
      fmt::print(stderr, "checking {}\n", meta.id);
  };
  report.checks = checks::run_checks(context, report.gates, progress, &report.requests);
  if (tty && !options.verbose)
    fmt::print(stderr, "\r\033[K");

  // 3b. Findings the team has accepted (secrets.baseline) no longer fail their check.
  if (baseline)
    apply_baseline(report.checks, *baseline);

  // 4. The verdict and the order in which the work should be done.
  report.verdict = compute_verdict(report.checks);
  sort_for_report(report.checks);
  report.duration_ms = ms_since(started);

  // 5. The outputs: each file in the format of its extension, then the scorecard.
  return emit_report(report, options.output);
}

int emit_report(const Report& report, const OutputOptions& output) {
  int status = exit_code(report.verdict);
  for (const auto& file : output.files) {
    auto format = format_for_file(file, output.stdout_format);
    if (!write_file(file, report::render(report, format))) {
      fmt::print(stderr, "launchgate: cannot write {}: {}\n", file, std::strerror(errno));
      status = 2;
    }
  }
  if (!output.quiet) {
    auto format = output.stdout_format;
    report::RenderOptions render;
    render.color = format == report::Format::text && isatty(fileno(stdout)) != 0 &&
                   std::getenv("NO_COLOR") == nullptr;
    std::string out = report::render(report, format, render);
    // A full disk or a closed pipe loses the scorecard: say so rather than exit as if shown.
    if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
      fmt::print(stderr, "launchgate: cannot write to stdout: {}\n", std::strerror(errno));
      status = 2;
    }
  }
  return status;
}

long long ms_since(std::chrono::steady_clock::time_point started) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               started)
      .count();
}

std::string rfc3339_utc_now() {
  return rfc3339_now();
}

bool write_file(const std::string& path, const std::string& content) {
  // Write beside the destination, then rename: a failed run never leaves half a report.
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out || !(out << content) || !out.flush())
      return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

} // namespace lg::app
