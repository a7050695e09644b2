// observability.log-leaks (ASVS 7.1.1, 7.1.2, CWE-532): the logs hold no credentials and no
// customer data. Three looks: the canaries the gate sent (a password, an email and a card number
// in a failed sign-in, a bearer token on a refused request) in the lines written since, which
// proves the portal logs request bodies or headers; the configured accounts' passwords anywhere
// in the logs; and personal data in what the logs hold now — email addresses, international
// phone numbers, card numbers that pass Luhn and IBANs that pass mod 97 (analyze/pii), counted
// per file with redacted examples — plus secrets (the secrets engine) in the lines written since
// (older lines are secrets.logs's). Nothing found is ever printed whole.

#include "analyze/pii.hpp"
#include "checks/observability/probes.hpp"
#include "checks/registry.hpp"
#include "checks/secrets/scan.hpp"
#include "secrets/findings.hpp"
#include "secrets/readers.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <map>

namespace lg::checks {

namespace {

struct PiiTally {
  std::map<analyze::PiiKind, size_t> counts;
  std::map<analyze::PiiKind, std::pair<size_t, std::string>> first; ///< line, redacted
};

} // namespace

CheckResult run_observability_log_leaks(engine::Context& context, const CheckMeta& meta) {
  const auto& sent = observability::probes(context);
  if (sent.sources.empty())
    return observability::no_logs(meta);
  std::vector<Finding> findings;

  // 1. The canaries, in what was written since they were sent.
  for (const auto& canary : sent.canaries) {
    auto lines = observability::lines_with(sent.written, canary.value);
    if (lines.empty())
      continue;
    Finding f;
    f.message = fmt::format("{} sent by launchgate is in the log{}", canary.what,
                            lines.size() > 1 ? fmt::format(" ({} lines)", lines.size()) : "");
    f.location = Location{lines.front()->source, static_cast<int>(lines.front()->line), ""};
    f.evidence = {
        {"canary", redact(canary.value)},
        {"line", observability::scrubbed(sent, context.config(), lines.front()->text, "[canary]")}};
    f.fingerprint = make_fingerprint(meta.id, {"canary", canary.what});
    findings.push_back(std::move(f));
  }

  // 2. The accounts' passwords and 3. personal data, in what the logs hold now.
  const engine::LogRead held = engine::LogTail::mark(sent.sources).everything();
  std::map<std::string, bool> password_found;
  for (const auto& [account, password] : observability::account_passwords(context.config())) {
    if (password_found[account])
      continue;
    auto lines = observability::lines_with(held, password);
    if (lines.empty())
      continue;
    password_found[account] = true;
    Finding f;
    f.message = fmt::format("{}'s password is in the log ({} line(s))", account, lines.size());
    f.location = Location{lines.front()->source, static_cast<int>(lines.front()->line), ""};
    f.evidence = {{"account", account},
                  {"line", observability::scrubbed(sent, context.config(), lines.front()->text,
                                                   "[password]")}};
    f.fingerprint = make_fingerprint(meta.id, {"password", account});
    findings.push_back(std::move(f));
  }

  std::map<std::string, PiiTally> tallies; // by source
  size_t pii_total = 0;
  for (const auto& line : held.lines) {
    for (const auto& hit : analyze::find_personal_data(line.text)) {
      const std::string_view found = std::string_view(line.text).substr(hit.offset, hit.length);
      bool ours = false; // a canary is its own finding above
      for (const auto& canary : sent.canaries)
        ours = ours || found.find(canary.value) != std::string_view::npos ||
               canary.value.find(found) != std::string::npos;
      if (ours)
        continue;
      auto& tally = tallies[line.source];
      if (tally.counts[hit.kind]++ == 0)
        tally.first[hit.kind] = {line.line, hit.redacted};
      ++pii_total;
    }
  }
  for (const auto& [source, tally] : tallies) {
    std::vector<std::string> parts;
    nlohmann::json examples = nlohmann::json::object();
    size_t first_line = 0;
    for (const auto& [kind, count] : tally.counts) {
      parts.push_back(fmt::format("{} {}", count, analyze::pii_kind_name(kind)));
      const auto& [line, redacted] = tally.first.at(kind);
      examples[std::string(analyze::pii_kind_name(kind))] =
          fmt::format("line {}: {}", line, redacted);
      if (first_line == 0 || line < first_line)
        first_line = line;
    }
    Finding f;
    f.message = fmt::format("personal data in {}: {}", source, join(parts, ", "));
    f.location = Location{source, static_cast<int>(first_line), ""};
    f.evidence = {{"examples", examples}};
    f.fingerprint = make_fingerprint(meta.id, {"pii", source});
    findings.push_back(std::move(f));
  }

  // 4. Secrets in the lines written since the probes (older ones are secrets.logs's).
  size_t secrets_found = 0;
  if (auto scan = scan_from_config(context.config())) {
    std::vector<secrets::Hit> hits;
    std::map<std::string, std::string> texts;
    for (const auto& line : sent.written.lines)
      texts[line.source] += line.text + "\n";
    for (const auto& [source, text] : texts) {
      secrets::StreamScanner stream(*scan->matcher, source, hits);
      stream.feed(text);
      stream.finish();
    }
    auto found = secrets::collapse_hits(meta.id, scan->matcher->rules(), hits, false);
    secrets_found = found.size();
    for (auto& f : found)
      findings.push_back(std::move(f));
  }

  std::string summary = fmt::format(
      "{} canary value(s) sent; {} line(s) in {} file(s){} read ({} bytes), {} line(s) written "
      "since the canaries; {} personal data match(es), {} secret(s)",
      sent.canaries.size(), held.lines.size(), held.files,
      sent.sources.command.empty() ? "" : " and logs.command", held.bytes,
      sent.written.lines.size(), pii_total, secrets_found);
  if (!held.notes.empty())
    summary += "; " + join(held.notes, "; ");
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), true, summary);
  if (held.lines.empty())
    return engine::errored(meta, "the logs hold no line, so nothing could be judged: " + summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
