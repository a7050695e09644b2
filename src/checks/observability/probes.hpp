#pragma once
// What the observability gate sends to the portal and reads back from its logs, once per run for
// both of its log checks: requests that must fail (an unknown route, a request without a session,
// a malformed body, logs.error_request), each with its own X-Request-Id; and canaries — a
// password, an email and a card number in a failed sign-in, a bearer token on a refused request —
// values that exist nowhere but in these requests, so finding one in a log proves the portal
// wrote it there. The logs are marked before and read after (engine/logs).

#include "engine/context.hpp"
#include "engine/logs.hpp"

#include <string>
#include <vector>

namespace lg::checks::observability {

/// One request sent to fail.
struct Probe {
  std::string what;       ///< "an unknown route", "a request without a session", …
  std::string request_id; ///< the X-Request-Id it carried
  std::string method;
  std::string path;  ///< as sent, without the query
  int status = 0;    ///< 0: no answer
  std::string error; ///< why there was no answer
};

/// A value sent once that must appear in no log line.
struct Canary {
  std::string what; ///< "the password of a failed sign-in"
  std::string value;
};

struct Probes {
  engine::LogSources sources;
  std::vector<Probe> probes;
  std::vector<Canary> canaries;
  engine::LogRead written;        ///< the lines written while and after they were sent
  std::vector<std::string> notes; ///< probes that could not be made, and why
};

/// The probes, sent and read back on first use (the context keeps them for the run). With no log
/// source configured nothing is sent: `sources.empty()`.
const Probes& probes(engine::Context& context);

/// The skip of a check that reads the logs when `logs:` names none.
CheckResult no_logs(const CheckMeta& meta);

/// The lines of `read` that contain `needle` (a request id, a path, a canary).
std::vector<const engine::LogLine*> lines_with(const engine::LogRead& read,
                                               const std::string& needle);

/// `line` safe to show as evidence: the canaries, the accounts' passwords and any personal data
/// in it replaced ("[canary]", "[password]", the redacted form), then at most 240 characters of
/// it, from a little before the first `focus` (a placeholder) when one is given.
std::string scrubbed(const Probes& sent, const Config& config, std::string line,
                     const std::string& focus = "");

/// The configured accounts' passwords (login recipe values under password-like keys, Basic
/// passwords), by account, 6 characters or longer.
std::vector<std::pair<std::string, std::string>> account_passwords(const Config& config);

/// A Luhn-valid 16-digit card number that starts with 4000 (a test-card range), made from
/// `seed` hex digits.
std::string canary_card(const std::string& seed);

} // namespace lg::checks::observability
