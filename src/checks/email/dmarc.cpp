// email.dmarc: finds the DMARC record of email.domain as receivers do (RFC 7489 section 6.6.3:
// _dmarc.<domain>, else _dmarc.<organizational domain> from the public suffix list), parses and
// judges it, and checks that external report destinations authorized the reports (section 7.1:
// <domain>._report._dmarc.<destination> TXT "v=DMARC1"), and warns where the DMARCbis DNS tree
// walk would apply another record or organizational domain. Works over any Resolver: a zone file
// about to be published, or live DNS.

#include "analyze/dmarc.hpp"
#include "analyze/psl.hpp"
#include "checks/preconditions.hpp"
#include "checks/registry.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace lg::checks {

namespace {

Finding dmarc_finding(const CheckMeta& meta, std::string message, const std::string& name,
                      const std::string& record, const std::string& key) {
  Finding f;
  f.message = std::move(message);
  f.evidence = {{"name", name}, {"type", "TXT"}};
  if (!record.empty())
    f.evidence["record"] = record;
  f.fingerprint = make_fingerprint(meta.id, {name, key});
  return f;
}

} // namespace

CheckResult run_email_dmarc(engine::Context& context, const CheckMeta& meta) {
  if (auto skip = needs_email_domain(context, meta))
    return *skip;
  const std::string& domain = context.config().email.domain;
  auto* dns = context.resolver();

  auto found = analyze::discover_dmarc(*dns, domain);
  if (!found)
    return engine::errored(meta, found.error().message);
  // A failed lookup is an error, since receivers then defer (temperror).
  if (found->temporary)
    return engine::errored(meta, found->problem);
  if (!found->found && found->records.empty())
    return engine::failed(
        meta,
        {dmarc_finding(meta,
                       fmt::format("{}: receivers apply no policy, so mail forged in {}'s name is "
                                   "delivered and nobody is told",
                                   found->problem, domain),
                       found->name, "", "missing")},
        true);
  if (!found->found)
    return engine::failed(meta,
                          {dmarc_finding(meta, found->problem + " (RFC 7489 6.6.3)", found->name,
                                         join(found->records, " | "), "several")},
                          true);
  const std::string& name = found->name;
  const auto& text = found->text;
  const auto& record = found->record;
  std::vector<Finding> findings;
  bool serious = false;
  for (const auto& e : record.errors) {
    findings.push_back(dmarc_finding(meta, fmt::format("{}: {}", name, e), name, text, e));
    serious = true;
  }
  for (const auto& w : record.warnings)
    findings.push_back(dmarc_finding(meta, fmt::format("{}: {}", name, w), name, text, w));

  // External report destinations must agree to receive the reports.
  const std::string& policy_domain = found->policy_domain;
  std::string own_org = analyze::organizational_domain(policy_domain);
  std::vector<std::string> unverified;
  for (const auto* list : {&record.rua, &record.ruf})
    for (const auto& uri : *list) {
      auto mailbox = uri.mailbox();
      auto at = mailbox.rfind('@');
      if (at == std::string::npos)
        continue;
      std::string destination = mailbox.substr(at + 1);
      if (analyze::organizational_domain(destination) == own_org)
        continue;
      std::string auth_name = policy_domain + "._report._dmarc." + destination;
      auto auth = dns->query(auth_name, net::RrType::txt);
      if (!auth)
        return engine::errored(meta, auth.error().message);
      if (auth->status == net::DnsStatus::servfail || auth->status == net::DnsStatus::timeout) {
        unverified.push_back(auth_name);
        continue;
      }
      if (std::none_of(auth->records.begin(), auth->records.end(), [](const net::DnsRecord& r) {
            return r.type == net::RrType::txt && analyze::is_dmarc_record(r.data);
          }))
        findings.push_back(
            dmarc_finding(meta,
                          fmt::format("{} sends reports to {}, which has not authorized them (no "
                                      "\"v=DMARC1\" at {}): receivers drop those reports",
                                      name, mailbox, auth_name),
                          auth_name, text, "unauthorized " + destination));
    }
  // DMARCbis receivers walk the tree instead of using the public suffix list; where the two
  // disagree, some receivers apply another record (or another organizational domain).
  std::string walk_note;
  auto walked = analyze::discover_dmarc(*dns, domain, analyze::DmarcMethod::tree_walk);
  if (!walked)
    return engine::errored(meta, walked.error().message);
  if (walked->found && walked->policy_domain != policy_domain)
    findings.push_back(dmarc_finding(
        meta,
        fmt::format("the DMARCbis tree walk finds {} while RFC 7489 receivers use {}: receivers "
                    "disagree on the policy for {}",
                    walked->name, name, domain),
        walked->name, walked->text, "tree walk " + walked->policy_domain));
  else if (walked->found &&
           walked->organizational_domain != analyze::organizational_domain(domain) &&
           !analyze::organizational_domain(domain).empty())
    findings.push_back(dmarc_finding(
        meta,
        fmt::format("the DMARCbis tree walk makes {} the organizational domain of {} where the "
                    "public suffix list makes it {}: relaxed alignment differs between receivers",
                    walked->organizational_domain, domain, analyze::organizational_domain(domain)),
        walked->name, walked->text, "org " + walked->organizational_domain));
  else if (walked->temporary)
    walk_note = "; the DMARCbis tree walk was not completed (" + walked->problem + ")";
  else
    walk_note = "; the DMARCbis tree walk agrees";

  std::string summary =
      fmt::format("{}: p={}{}, adkim={}, aspf={}, {} rua destination(s)", name, record.policy,
                  record.subdomain_policy.empty() ? "" : ", sp=" + record.subdomain_policy,
                  record.adkim, record.aspf, record.rua.size());
  summary += walk_note;
  if (!unverified.empty())
    summary +=
        fmt::format("; not verified (outside the zone or unanswered): {}", join(unverified, ", "));
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), serious, summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
