#pragma once
// The audit pipeline shared by `audit` and `demo`: real adapters, the checks, the report, the
// outputs.

#include "core/config.hpp"
#include "report/report.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace lg::app {

/// Where reports go: stdout in `stdout_format` (--format), and each -o file in the format of its
/// extension (or `stdout_format` when the extension names none).
struct OutputOptions {
  report::Format stdout_format = report::Format::text;
  std::vector<std::string> files; ///< -o FILE, repeatable
  bool quiet = false;             ///< nothing on stdout
};

struct AuditOptions {
  std::vector<std::string> gates; ///< empty: all
  bool allow_writes = false;
  bool verbose = false; ///< request log on stderr
  OutputOptions output;
};

/// Exit code 2 on a bad option value (unknown gate or format), with the message on stderr.
int validate_audit_options(const AuditOptions& options);

/// Runs the audit of `config` and writes the reports. Returns the verdict's exit code, or 2 when
/// an output file cannot be written.
int run_audit(const Config& config, const AuditOptions& options);

/// Writes `report` to every output; returns the verdict's exit code, or 2 when an output could not
/// be written.
int emit_report(const Report& report, const OutputOptions& output);

/// Writes `content` to `path` through a temporary file beside it and a rename, so that a failed
/// write never leaves half a file. False when it could not be written.
bool write_file(const std::string& path, const std::string& content);

/// Now, as RFC 3339 in UTC (the report's started_at).
std::string rfc3339_utc_now();

/// Milliseconds from `started` until now (the report's duration_ms).
long long ms_since(std::chrono::steady_clock::time_point started);

/// The format of an output file from its extension, or `fallback`.
report::Format format_for_file(const std::string& path, report::Format fallback);

} // namespace lg::app
