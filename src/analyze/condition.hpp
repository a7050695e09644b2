#pragma once
// The `expect` condition of a `monitor.checks` entry: clauses over what one check observed
// (`status == 200 && latency < 800ms && json $.db == "ok"`), parsed once when the config is read
// and evaluated after every check. Pure: no I/O, no regular expressions, bounded in size.
//
// Grammar (whitespace between tokens is free):
//   condition := or
//   or        := and ( "||" and )*                 -- && binds tighter than ||
//   and       := primary ( "&&" primary )*
//   primary   := "(" or ")" | clause               -- parentheses nest at most 8 deep
//   clause    := "connected" [ ("==" | "!=") ("true" | "false") ]
//              | "status" num-op number            -- a whole number
//              | "latency" num-op duration         -- compared in ms; a plain number is ms
//              | "cert_expiry" num-op duration     -- compared in days; a plain number is days
//              | "body" str-op string
//              | "header" NAME ( str-op string | num-op number )
//              | "json" PATH ( "==" | "!=" ) json-value
//              | "json" PATH num-op number
//              | "json" PATH ("contains" | "!contains") json-value
//              | "dns.rcode" ("==" | "!=") string  -- compared ignoring case
//              | "dns.answer" str-op string        -- == / contains: some answer matches;
//                                                  -- != / !contains: no answer matches
//   num-op    := "==" | "!=" | "<" | "<=" | ">" | ">="
//   str-op    := "==" | "!=" | "contains" | "!contains"
//   duration  := number [ "ms" | "s" | "m" | "h" | "d" ]
//   number    := [ "-" ] digits [ "." digits ]
//   string    := '"' chars with \" and \\ escapes '"' | bare word
//   json-value:= number | "true" | "false" | "null" | string
//   bare word := a run of characters other than whitespace and ( ) & | = ! < > "
// Operand names are matched ignoring case; header names too. An absent header fails == and
// contains and passes != and !contains; a missing JSON path, or a body that is not JSON, fails
// every json clause. A JSON value compares only with a value of its own type; contains on a JSON
// list looks for an equal element. The text is at most 4 KiB with at most 64 clauses.

#include "util/expected.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lg::analyze {

/// What one monitor check observed.
struct MonitorObservation {
  bool connected = false; ///< a TCP/TLS connection and an answer were had
  int status = 0;         ///< HTTP status; 0 when none
  double latency_ms = 0;  ///< the check's duration in milliseconds
  std::string body;       ///< the response body (capped by the caller)
  std::vector<std::pair<std::string, std::string>> headers; ///< name, value as received
  std::optional<double> cert_days_left; ///< TLS: days until the leaf certificate expires
  std::string dns_rcode;                ///< "NOERROR", "NXDOMAIN", … for DNS checks
  std::vector<std::string> dns_answers; ///< answers in presentation form
};

/// The left side of a clause.
enum class ConditionOperand {
  connected,
  status,
  latency,
  body,
  json,
  header,
  cert_expiry,
  dns_rcode,
  dns_answer
};

enum class ConditionOp { eq, ne, lt, le, gt, ge, contains, not_contains };

/// What the right side of a clause holds.
enum class ConditionValueKind { number, string, boolean, null };

/// One comparison: `operand [argument] op value`.
struct ConditionClause {
  ConditionOperand operand = ConditionOperand::connected;
  std::string argument; ///< the JSON path of `json`, the header name of `header`
  ConditionOp op = ConditionOp::eq;
  ConditionValueKind kind = ConditionValueKind::boolean;
  double number = 0;   ///< kind number: latency in ms, cert_expiry in days
  std::string text;    ///< kind string, unescaped
  bool boolean = true; ///< kind boolean
  size_t column = 0;   ///< where the clause starts in the text, from 1
};

/// A node of the condition's tree: a clause, or all / any of its children.
struct ConditionNode {
  enum class Kind { clause, all, any };
  Kind kind = Kind::clause;
  size_t clause = 0;            ///< index into Condition::clauses (kind clause)
  std::vector<size_t> children; ///< indices into Condition::nodes (kinds all and any)
};

/// A parsed condition. Build it with parse_condition or default_condition.
struct Condition {
  std::string text; ///< as written
  std::vector<ConditionClause> clauses;
  std::vector<ConditionNode> nodes; ///< children before their parents; empty: no condition
  size_t root = 0;
  /// True when a clause reads the body as JSON.
  bool uses_json() const;
  /// True when a clause reads the body (`body` or `json`).
  bool uses_body() const;
};

/// Parses `text`. Errors (kind parse) name the column and what was expected:
/// `expect: column 18: expected a number or duration after "<"`.
Expected<Condition> parse_condition(std::string_view text);

/// The outcome of a condition: `failed` holds each failed clause with what was seen
/// (`latency 912 ms is not < 800 ms`, `json $.db is "down", not "ok"`,
/// `status 503 is not == 200`), in the order they were written. The clauses of an `||` that
/// held are not listed.
struct ConditionResult {
  bool ok = false;
  std::vector<std::string> failed;
};

/// Evaluates every clause of `c` against `o` (no short cut, so that every failure is named). The
/// body is parsed as JSON at most once, and only when a `json` clause exists.
ConditionResult evaluate(const Condition& c, const MonitorObservation& o);

/// The kinds of monitor check, for their default condition.
enum class MonitorCheckKind { http, tcp, tls, dns };

/// The condition of a check without `expect`: `connected && status < 400` for HTTP,
/// `connected` for TCP and TLS, `dns.rcode == NOERROR` for DNS.
std::string_view default_condition_text(MonitorCheckKind kind);
Condition default_condition(MonitorCheckKind kind);

} // namespace lg::analyze
