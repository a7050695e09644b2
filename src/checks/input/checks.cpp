// The four checks of the input gate, each judging the shared probes (probes.cpp) by its own rule:
// input.malformed and input.oversize — never a 5xx, a hang or a dropped connection, and a 4xx
// where the description makes the input invalid (malformed JSON, wrong types, missing members,
// values beyond a declared limit); input.error-disclosure — no stack trace, database error,
// source path or debug page in any answer; input.injection — the comparison signs the probes
// recorded.

#include "analyze/disclosure.hpp"
#include "checks/input/probes.hpp"
#include "checks/registry.hpp"
#include "engine/harvest.hpp"
#include "engine/replay.hpp"

#include <fmt/format.h>
#include <optional>
#include <set>

namespace lg::checks {
namespace {

using input::ProbeKind;
using input::ProbeResult;

Finding input_finding(engine::Context& context, std::string message, const analyze::Operation& op,
                      const std::string& param, const std::string& account,
                      const net::HttpRequest& request, int status, const std::string& body) {
  Finding f;
  f.message = std::move(message);
  f.evidence = {{"method", request.method},
                {"path", op.path},
                {"parameter", param},
                {"as", account.empty() ? "anonymous" : account},
                {"curl", engine::curl_command(request, input::input_auth_hint(context, account))}};
  if (status > 0)
    f.evidence["status"] = status;
  if (!body.empty())
    f.evidence["excerpt"] = engine::excerpt(body);
  return f;
}

/// Skip without an API description; error when it cannot be loaded or a login is broken (the
/// probes would measure a refusal, not the server's validation).
std::optional<CheckResult> preconditions(engine::Context& context, const CheckMeta& meta) {
  const auto& api = context.config().api;
  if (api.openapi.empty() && api.endpoints.empty() && api.har.empty() && api.postman.empty())
    return engine::skipped(meta, SkipKind::not_configured,
                           "no API description: set api.openapi, api.har, api.postman or "
                           "api.endpoints");
  if (auto ops = context.operations(); !ops)
    return engine::errored(meta, ops.error().message);
  if (const auto& problems = context.harvest().problems(); !problems.empty())
    return engine::errored(meta, fmt::format("{}", fmt::join(problems, "; ")));
  return std::nullopt;
}

/// What a check without findings returns when the probes did not all run: error when the
/// budget stopped them, skip when there was nothing to probe (not_configured when only write
/// bodies were left, which --allow-writes would probe).
std::optional<CheckResult> unfinished(const CheckMeta& meta, const input::InputRun& run,
                                      size_t judged, const std::string& summary);

/// The result of a check that judged `judged` probes of `run` and found `findings`.
CheckResult conclude(const CheckMeta& meta, const input::InputRun& run,
                     std::vector<Finding> findings, size_t judged);

std::string no_probes_reason(const input::InputRun& run) {
  std::string reason = "no operation with a parameter or a body to probe";
  if (run.writes_skipped > 0)
    reason += fmt::format("; {} write operation(s) not probed (read-only run; --allow-writes "
                          "probes their bodies)",
                          run.writes_skipped);
  return reason;
}

std::optional<CheckResult> unfinished(const CheckMeta& meta, const input::InputRun& run,
                                      size_t judged, const std::string& summary) {
  if (run.stopped)
    return engine::errored(meta, summary);
  if (judged == 0)
    return engine::skipped(
        meta, run.writes_skipped > 0 ? SkipKind::not_configured : SkipKind::not_applicable,
        no_probes_reason(run));
  return std::nullopt;
}

std::string summary_of(const input::InputRun& run, size_t judged) {
  std::string s = fmt::format("{} probe(s) judged of {} sent to {} operation(s)", judged, run.sent,
                              run.operations);
  if (run.writes_skipped > 0)
    s += fmt::format("; {} write operation(s) not probed (read-only run; --allow-writes probes "
                     "their bodies)",
                     run.writes_skipped);
  for (const auto& note : run.notes)
    s += "; " + note;
  return s;
}

CheckResult conclude(const CheckMeta& meta, const input::InputRun& run,
                     std::vector<Finding> findings, size_t judged) {
  auto summary = summary_of(run, judged);
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), true, summary);
  if (auto incomplete = unfinished(meta, run, judged, summary))
    return *incomplete;
  return engine::passed(meta, summary);
}

/// input.malformed / input.oversize: the server's answer to an invalid input of `kind`.
CheckResult judge_robustness(engine::Context& context, const CheckMeta& meta, ProbeKind kind) {
  if (auto stop = preconditions(context, meta))
    return *stop;
  const auto& run = input::input_run(context);
  std::vector<Finding> findings;
  std::set<std::string> seen;
  size_t judged = 0;
  for (const auto& r : run.results) {
    if (r.kind != kind || r.status < 0)
      continue;
    ++judged;
    std::string problem;
    if (!r.answered)
      problem = fmt::format("no answer ({})", r.failure);
    else if (r.status >= 500)
      problem = fmt::format("answered {}", r.status);
    else if (r.must_refuse && r.status >= 200 && r.status < 300)
      problem = fmt::format("accepted it with {}", r.status);
    if (problem.empty())
      continue;
    std::string key = fmt::format("{} {} {}", r.op->method, r.op->path, r.param);
    if (!seen.insert(key).second)
      continue;
    auto f = input_finding(
        context,
        fmt::format("{} {} given {} in {}: {}", r.op->method, r.op->path, r.what, r.param, problem),
        *r.op, r.param, r.account, r.request, r.status, r.body);
    f.evidence["probe"] = r.what;
    f.fingerprint = make_fingerprint(meta.id, {r.op->method, r.op->path, r.param});
    findings.push_back(std::move(f));
  }
  return conclude(meta, run, std::move(findings), judged);
}

} // namespace

CheckResult run_input_malformed(engine::Context& context, const CheckMeta& meta) {
  return judge_robustness(context, meta, ProbeKind::malformed);
}

CheckResult run_input_oversize(engine::Context& context, const CheckMeta& meta) {
  return judge_robustness(context, meta, ProbeKind::oversize);
}

CheckResult run_input_error_disclosure(engine::Context& context, const CheckMeta& meta) {
  if (auto stop = preconditions(context, meta))
    return *stop;
  const auto& run = input::input_run(context);
  std::vector<Finding> findings;
  std::set<std::string> seen;
  size_t judged = 0;
  for (const auto& r : run.results) {
    if (!r.answered || r.status < 0)
      continue;
    ++judged;
    auto found = analyze::find_disclosures(r.body);
    if (found.empty() || !seen.insert(fmt::format("{} {}", r.op->method, r.op->path)).second)
      continue;
    std::vector<std::string> kinds;
    std::vector<std::string> markers;
    for (const auto& d : found) {
      kinds.push_back(d.kind);
      markers.push_back(d.marker);
    }
    auto f = input_finding(context,
                           fmt::format("{} {} answered {} with a {} ({}) to {} in {}", r.op->method,
                                       r.op->path, r.status, fmt::join(kinds, " and a "),
                                       fmt::join(markers, "; "), r.what, r.param),
                           *r.op, r.param, r.account, r.request, r.status, "");
    f.evidence["kinds"] = kinds;
    f.evidence["excerpt"] = found.front().excerpt;
    f.fingerprint = make_fingerprint(meta.id, {r.op->method, r.op->path});
    findings.push_back(std::move(f));
  }
  return conclude(meta, run, std::move(findings), judged);
}

CheckResult run_input_injection(engine::Context& context, const CheckMeta& meta) {
  if (auto stop = preconditions(context, meta))
    return *stop;
  const auto& run = input::input_run(context);
  std::vector<Finding> findings;
  std::set<std::string> seen;
  for (const auto& s : run.signs) {
    std::string key = fmt::format("{} {} {} {}", s.op->method, s.op->path, s.param, s.technique);
    if (!seen.insert(key).second)
      continue;
    auto f = input_finding(context,
                           fmt::format("{} {}: {} injection sign in {}: {}", s.op->method,
                                       s.op->path, s.technique, s.param, s.detail),
                           *s.op, s.param, s.account, s.request, s.status, s.body);
    f.evidence["technique"] = s.technique;
    f.fingerprint = make_fingerprint(meta.id, {s.op->method, s.op->path, s.param, s.technique});
    findings.push_back(std::move(f));
  }
  size_t judged = 0;
  for (const auto& r : run.results)
    if (r.kind == ProbeKind::injection && r.status >= 0)
      ++judged;
  return conclude(meta, run, std::move(findings), judged);
}

} // namespace lg::checks
