// Status and severity names, the verdict rule and exit codes of DESIGN.md ("Verdict and exit
// codes"), and finding fingerprints.

#include "core/result.hpp"

#include "util/text.hpp"

#include <algorithm>

namespace lg {

std::string_view to_string(Status s) {
  switch (s) {
  case Status::pass:
    return "pass";
  case Status::fail:
    return "fail";
  case Status::warn:
    return "warn";
  case Status::skip:
    return "skip";
  case Status::error:
    return "error";
  }
  return "error";
}

std::string_view to_string(Severity s) {
  switch (s) {
  case Severity::critical:
    return "critical";
  case Severity::high:
    return "high";
  case Severity::medium:
    return "medium";
  case Severity::low:
    return "low";
  case Severity::info:
    return "info";
  }
  return "info";
}

std::string_view to_string(Verdict v) {
  switch (v) {
  case Verdict::ready:
    return "ready";
  case Verdict::not_ready:
    return "not_ready";
  case Verdict::incomplete:
    return "incomplete";
  }
  return "incomplete";
}

std::optional<Status> parse_status(std::string_view s) {
  for (Status v : {Status::pass, Status::fail, Status::warn, Status::skip, Status::error})
    if (to_string(v) == s)
      return v;
  return std::nullopt;
}

std::optional<Severity> parse_severity(std::string_view s) {
  for (Severity v :
       {Severity::critical, Severity::high, Severity::medium, Severity::low, Severity::info})
    if (to_string(v) == s)
      return v;
  return std::nullopt;
}

size_t gate_rank(std::string_view gate) {
  return static_cast<size_t>(std::ranges::find(k_gates, gate) - k_gates.begin());
}

Verdict compute_verdict(const std::vector<CheckResult>& checks) {
  bool gap = false;
  for (const auto& c : checks) {
    bool serious = c.meta.severity == Severity::critical || c.meta.severity == Severity::high;
    if (serious && (c.status == Status::fail || c.status == Status::error))
      return Verdict::not_ready;
    if (c.status == Status::error ||
        (c.status == Status::skip && c.skip_kind != SkipKind::not_applicable))
      gap = true;
  }
  return gap ? Verdict::incomplete : Verdict::ready;
}

int exit_code(Verdict v) {
  switch (v) {
  case Verdict::ready:
    return 0;
  case Verdict::not_ready:
    return 1;
  case Verdict::incomplete:
    return 4;
  }
  return 3;
}

Summary summarize(const std::vector<CheckResult>& checks) {
  Summary s;
  for (const auto& c : checks) {
    switch (c.status) {
    case Status::pass:
      ++s.pass;
      break;
    case Status::fail:
      ++s.fail;
      break;
    case Status::warn:
      ++s.warn;
      break;
    case Status::skip:
      ++s.skip;
      break;
    case Status::error:
      ++s.error;
      break;
    }
  }
  return s;
}

std::string make_fingerprint(std::string_view check_id, const std::vector<std::string>& parts) {
  std::string material(check_id);
  for (const auto& p : parts) {
    material += '\x1f';
    material += p;
  }
  return sha256_hex(material).substr(0, 16);
}

void sort_for_report(std::vector<CheckResult>& checks) {
  auto status_rank = [](Status s) {
    switch (s) {
    case Status::fail:
      return 0;
    case Status::error:
      return 1;
    case Status::warn:
      return 2;
    case Status::pass:
      return 3;
    case Status::skip:
      return 4;
    }
    return 5;
  };
  std::stable_sort(checks.begin(), checks.end(), [&](const CheckResult& a, const CheckResult& b) {
    auto ka = std::tuple(gate_rank(a.meta.gate), status_rank(a.status), a.meta.severity, a.meta.id);
    auto kb = std::tuple(gate_rank(b.meta.gate), status_rank(b.status), b.meta.severity, b.meta.id);
    return ka < kb;
  });
}

} // namespace lg
