#pragma once
// Command-line options of launchgate-portal.

#include "flaws.hpp"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace portal {

// Where mail goes: an SMTP server reached with plain smtp:// (no TLS, no auth).
struct SmtpTarget {
  std::string host;
  int port = 25;
};

// What the session token is: an opaque random id looked up server-side, or a signed JWT.
enum class SessionMode { cookie, jwt };

struct Options {
  std::string host = "127.0.0.1";
  int port = 0; // 0 binds a free port
  std::string db_path = ":memory:";
  std::optional<SmtpTarget> smtp; // none: mail is dropped with a log line
  FlawSet flaws;
  int seed_records = 50; // records seeded per org when the database is empty
  SessionMode session = SessionMode::cookie;
  std::int64_t session_idle = 8 * 3600;      // cookie sessions: idle timeout, also Max-Age
  std::int64_t session_absolute = 12 * 3600; // absolute lifetime (jwt: exp - iat)
  std::int64_t reset_ttl = 30 * 60;          // password-reset token lifetime
  std::int64_t invite_ttl = 72 * 3600;       // invite token lifetime
  std::int64_t login_window = 15 * 60;       // window of the failed-login counters
  std::vector<std::string> cors_origins;     // front-end origins allowed for CORS, exact
  std::string tls_cert;                      // PEM certificate (chain); set: HTTPS only
  std::string tls_key;                       // PEM private key of tls_cert
  int http_port = -1;                        // with TLS: a plain-HTTP port that redirects; 0: free
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
