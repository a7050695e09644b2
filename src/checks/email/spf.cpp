// email.spf: the SPF record of email.domain (RFC 7208), judged before any mail is sent: exactly
// one "v=spf1" TXT record that parses, at most 10 DNS-querying terms counting its includes and
// redirect, at most 2 void lookups, includes that have records, and an -all or ~all at the end.
// +all and everything receivers turn into permerror fail; ?all, no -all/~all and ptr warn.

#include "analyze/spf.hpp"
#include "checks/preconditions.hpp"
#include "checks/registry.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace lg::checks {

namespace {

std::string ending(char qualifier) {
  if (qualifier == 0)
    return "no all";
  return fmt::format("{}all", qualifier);
}

} // namespace

CheckResult run_email_spf(engine::Context& context, const CheckMeta& meta) {
  if (auto skip = needs_email_domain(context, meta))
    return *skip;
  const std::string& domain = context.config().email.domain;
  auto* dns = context.resolver();

  auto lint = analyze::lint_spf(*dns, domain);
  if (!lint.lookup_error.empty())
    return engine::errored(meta, lint.lookup_error);
  if (lint.status == net::DnsStatus::servfail || lint.status == net::DnsStatus::timeout)
    return engine::errored(meta, fmt::format("{} TXT could not be answered ({})", domain,
                                             net::status_name(lint.status)));

  std::string record = lint.records.size() == 1 ? lint.record : join(lint.records, " | ");
  std::vector<Finding> findings;
  bool serious = false;
  for (const auto& p : lint.problems) {
    Finding f;
    f.message = p.message;
    f.evidence = {{"name", domain}, {"type", "TXT"}};
    if (!record.empty())
      f.evidence["record"] = record;
    f.fingerprint = make_fingerprint(meta.id, {domain, p.key});
    findings.push_back(std::move(f));
    serious = serious || p.serious;
  }
  std::string summary;
  if (lint.records.size() == 1) {
    summary = fmt::format("{}: \"{}\"; {} DNS lookup(s) of 10, ends in {}", domain, lint.record,
                          lint.dns_lookups, ending(lint.all_qualifier));
    if (!lint.unverified.empty())
      summary += fmt::format("; not followed (outside the zone, unanswered or macros): {}",
                             join(lint.unverified, ", "));
  }
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), serious, summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
