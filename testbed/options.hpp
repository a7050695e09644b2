#pragma once
// Command-line options of launchgate-portal.

#include "flaws.hpp"

#include <optional>
#include <span>
#include <string>

namespace portal {

// Where mail goes: an SMTP server reached with plain smtp:// (no TLS, no auth).
struct SmtpTarget {
  std::string host;
  int port = 25;
};

struct Options {
  std::string host = "127.0.0.1";
  int port = 0; // 0 binds a free port
  std::string db_path = ":memory:";
  std::optional<SmtpTarget> smtp; // none: mail is dropped with a log line
  FlawSet flaws;
  int seed_records = 50; // records seeded per org when the database is empty
  bool help = false;
};

// The outcome of `parse_options`: `error` is empty on success.
struct ParsedOptions {
  Options options;
  std::string error;
};

// Parses `args` (without the program name). Accepts `--name value` and `--name=value`.
ParsedOptions parse_options(std::span<const std::string_view> args);

// The --help text, with every flag and every flaw.
std::string usage_text();

} // namespace portal
