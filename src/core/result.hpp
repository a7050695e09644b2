#pragma once
// The findings model shared by checks, the verdict and every reporter: what a check is (CheckMeta),
// what one run of it found (CheckResult, Finding) and the whole run (Report).

#include <nlohmann/json.hpp>

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lg {

enum class Status { pass, fail, warn, skip, error };
enum class Severity { critical, high, medium, low, info };

/// Why a check was skipped. Only `not_applicable` leaves a verdict able to be `ready`.
enum class SkipKind { none, not_applicable, not_configured, not_implemented };

/// The ten gates in the order the work should be done: security first, deployment second,
/// email and domain third, then the rest.
inline constexpr auto k_gates =
    std::to_array<std::string_view>({"access", "session", "input", "secrets", "deploy", "email",
                                     "domain", "edge", "perf", "observability"});

std::string_view to_string(Status s);
std::string_view to_string(Severity s);
std::optional<Status> parse_status(std::string_view s);
std::optional<Severity> parse_severity(std::string_view s);
/// Position of `gate` in k_gates (the fix order); unknown gates sort last.
size_t gate_rank(std::string_view gate);

/// A place in a file or commit that a finding stands in.
struct Location {
  std::string file;
  int line = 0;
  std::string commit;
  friend bool operator==(const Location&, const Location&) = default;
};

/// One observed problem with its evidence. Evidence is already redacted when the finding is built.
struct Finding {
  std::string message;
  nlohmann::json evidence = nlohmann::json::object(); ///< method, path, as, status, …
  std::optional<Location> location;
  std::vector<Location> locations; ///< further places of the same finding
  std::string rule;                ///< rule id for rule-based checks (secrets), else empty
  std::string fingerprint;         ///< stable across runs; see make_fingerprint
};

/// What a check is: its catalog entry. Ids are stable and never renamed.
struct CheckMeta {
  std::string id;   ///< "gate.name"
  std::string gate; ///< one of k_gates
  Severity severity = Severity::medium;
  std::string title;   ///< one line, what "pass" means
  std::string summary; ///< one line, what the check does
  std::string fix;     ///< the fix path, in a sentence or three
  double effort_hours = 1;
  std::vector<std::string> references; ///< "OWASP API1:2023", "CWE-639", RFCs
};

/// The outcome of one check in one run.
struct CheckResult {
  CheckMeta meta;
  Status status = Status::skip;
  SkipKind skip_kind = SkipKind::none;
  std::string reason; ///< why skip or error; a one-line summary for the others
  std::vector<Finding> findings;
  nlohmann::json measurements = nlohmann::json::array();
};

enum class Verdict { ready, not_ready, incomplete };
std::string_view to_string(Verdict v);

/// A whole run: the input of every reporter.
struct Report {
  std::string tool_version;
  std::string base_url;
  std::string started_at; ///< RFC 3339, UTC
  long long duration_ms = 0;
  std::vector<std::string> gates; ///< the gates that were asked for
  std::vector<CheckResult> checks;
  Verdict verdict = Verdict::incomplete;
  std::map<std::string, int> requests; ///< HTTP requests each gate sent (gates that sent any)
};

/// The verdict of the design: not_ready when a critical or high check fails or errors; else
/// incomplete when a check of an asked-for gate was skipped for any reason but "not applicable",
/// or errored; else ready.
Verdict compute_verdict(const std::vector<CheckResult>& checks);

/// Exit code for a verdict: 0 ready, 1 not_ready, 4 incomplete.
int exit_code(Verdict v);

/// Counts per status, in the order pass, fail, warn, skip, error.
struct Summary {
  int pass = 0, fail = 0, warn = 0, skip = 0, error = 0;
};
Summary summarize(const std::vector<CheckResult>& checks);

/// A stable fingerprint for a finding: the first 16 hex digits of SHA-256 over the check id and
/// `parts` (what identifies the problem, not how it is worded).
std::string make_fingerprint(std::string_view check_id, const std::vector<std::string>& parts);

/// Sorts checks into fix order: gate order, then failing before passing, then severity, then id.
void sort_for_report(std::vector<CheckResult>& checks);

} // namespace lg
