// email.dmarc: finds the DMARC record of email.domain as receivers do (RFC 7489 section 6.6.3:
// _dmarc.<domain>, else _dmarc.<organizational domain> from the public suffix list), parses and
// judges it, and checks that external report destinations authorized the reports (section 7.1:
// <domain>._report._dmarc.<destination> TXT "v=DMARC1"). Works over any Resolver: a zone file
// about to be published, or live DNS.

#include "analyze/dmarc.hpp"
#include "analyze/psl.hpp"
#include "checks/registry.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace lg::checks {

namespace {

struct Lookup {
  std::vector<std::string> records; ///< TXT data starting v=DMARC1
  net::DnsStatus status = net::DnsStatus::ok;
};

Expected<Lookup> dmarc_at(net::Resolver& dns, const std::string& name) {
  auto answer = dns.query(name, net::RrType::txt);
  if (!answer)
    return unexpected(answer.error());
  Lookup out;
  out.status = answer->status;
  for (const auto& r : answer->records)
    if (r.type == net::RrType::txt && analyze::is_dmarc_record(r.data))
      out.records.push_back(r.data);
  return out;
}

std::string status_text(net::DnsStatus status) {
  switch (status) {
  case net::DnsStatus::ok:
    return "no DMARC record";
  case net::DnsStatus::nxdomain:
    return "NXDOMAIN";
  case net::DnsStatus::servfail:
    return "SERVFAIL";
  case net::DnsStatus::timeout:
    return "a timeout";
  }
  return "?";
}

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
  const std::string& domain = context.config().email.domain;
  if (domain.empty())
    return engine::skipped(meta, SkipKind::not_configured,
                           "email.domain is not configured: the domain the portal mails from");
  auto* dns = context.resolver();
  if (dns == nullptr)
    return engine::skipped(meta, SkipKind::not_configured,
                           "no DNS source: give dns.zone_file (the live resolver is not built "
                           "yet)");

  std::string name = "_dmarc." + domain;
  auto found = dmarc_at(*dns, name);
  if (!found)
    return engine::errored(meta, found.error().message);
  std::string tried = name;
  // Only a name without a record falls back to the organizational domain; a failed lookup is an
  // error, since receivers then defer (temperror).
  if (found->records.empty() &&
      (found->status == net::DnsStatus::ok || found->status == net::DnsStatus::nxdomain)) {
    auto org = analyze::organizational_domain(domain);
    if (!org.empty() && org != domain) {
      name = "_dmarc." + org;
      auto fallback = dmarc_at(*dns, name);
      if (!fallback)
        return engine::errored(meta, fallback.error().message);
      found = std::move(fallback);
      tried += " and " + name;
    }
  }
  if (found->status == net::DnsStatus::servfail || found->status == net::DnsStatus::timeout)
    return engine::errored(
        meta, fmt::format("{} could not be answered ({})", name, status_text(found->status)));
  if (found->records.empty())
    return engine::failed(
        meta,
        {dmarc_finding(meta,
                       fmt::format("no DMARC record at {}: receivers apply no policy, so mail "
                                   "forged in {}'s name is delivered and nobody is told",
                                   tried, domain),
                       name, "", "missing")},
        true);
  if (found->records.size() > 1)
    return engine::failed(
        meta,
        {dmarc_finding(meta,
                       fmt::format("{} DMARC records at {}: receivers ignore them all (RFC 7489 "
                                   "6.6.3)",
                                   found->records.size(), name),
                       name, join(found->records, " | "), "several")},
        true);

  const auto& text = found->records.front();
  auto record = analyze::parse_dmarc(text);
  std::vector<Finding> findings;
  bool serious = false;
  for (const auto& e : record.errors) {
    findings.push_back(dmarc_finding(meta, fmt::format("{}: {}", name, e), name, text, e));
    serious = true;
  }
  for (const auto& w : record.warnings)
    findings.push_back(dmarc_finding(meta, fmt::format("{}: {}", name, w), name, text, w));

  // External report destinations must agree to receive the reports.
  std::string policy_domain = name.substr(7);
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
      auto auth = dmarc_at(*dns, auth_name);
      if (!auth)
        return engine::errored(meta, auth.error().message);
      if (auth->status == net::DnsStatus::servfail || auth->status == net::DnsStatus::timeout) {
        unverified.push_back(auth_name);
        continue;
      }
      if (auth->records.empty())
        findings.push_back(
            dmarc_finding(meta,
                          fmt::format("{} sends reports to {}, which has not authorized them (no "
                                      "\"v=DMARC1\" at {}): receivers drop those reports",
                                      name, mailbox, auth_name),
                          auth_name, text, "unauthorized " + destination));
    }
  std::string summary =
      fmt::format("{}: p={}{}, adkim={}, aspf={}, {} rua destination(s)", name, record.policy,
                  record.subdomain_policy.empty() ? "" : ", sp=" + record.subdomain_policy,
                  record.adkim, record.aspf, record.rua.size());
  if (!unverified.empty())
    summary +=
        fmt::format("; not verified (outside the zone or unanswered): {}", join(unverified, ", "));
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), serious, summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
