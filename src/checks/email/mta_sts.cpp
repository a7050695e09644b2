// email.mta-sts: the MTA-STS announcement of email.domain (RFC 8461 section 3.1: exactly one TXT
// "v=STSv1; id=…" at _mta-sts.<domain>), the policy it announces (section 3.3: GET
// https://mta-sts.<domain>/.well-known/mta-sts.txt, redirects not followed) judged by
// analyze/mta_sts, and every MX host matched by the policy's mx patterns (section 4.1). TLS-RPT
// (RFC 8460, _smtp._tls.<domain>) is reported in the summary only. DNS through the Resolver, HTTP
// through the scope guard: a policy host outside target.scope is not fetched, and said so.

#include "analyze/mta_sts.hpp"
#include "checks/domain/web.hpp"
#include "checks/preconditions.hpp"
#include "checks/registry.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace lg::checks {

namespace {

/// The TXT data at `name` that `keep` accepts, and the lookup's status.
struct Txt {
  net::DnsStatus status = net::DnsStatus::ok;
  std::vector<std::string> records;
};

Expected<Txt> txt_at(net::Resolver& dns, const std::string& name, bool (*keep)(std::string_view)) {
  auto answer = dns.query(name, net::RrType::txt);
  if (!answer)
    return unexpected(answer.error());
  Txt out;
  out.status = answer->status;
  for (const auto& r : answer->records)
    if (r.type == net::RrType::txt && keep(r.data))
      out.records.push_back(r.data);
  return out;
}

Finding sts_finding(const CheckMeta& meta, std::string message, const std::string& name,
                    const std::string& type, const std::string& record, const std::string& key) {
  Finding f;
  f.message = std::move(message);
  f.evidence = {{"name", name}, {"type", type}};
  if (!record.empty())
    f.evidence["record"] = record;
  f.fingerprint = make_fingerprint(meta.id, {name, key});
  return f;
}

/// The TLS-RPT sentence of the summary: information only, never a finding.
std::string tlsrpt_summary(net::Resolver& dns, const std::string& domain) {
  std::string name = "_smtp._tls." + domain;
  auto found = txt_at(dns, name, analyze::is_tlsrpt_record);
  if (!found)
    return fmt::format("TLS-RPT not checked ({})", found.error().message);
  if (net::unanswered(found->status))
    return fmt::format("TLS-RPT {} unanswered ({})", name, net::status_name(found->status));
  if (found->records.empty())
    return fmt::format("no TLS-RPT record at {}: TLS delivery failures go unreported", name);
  if (found->records.size() > 1)
    return fmt::format("{} TLS-RPT records at {}: senders use none", found->records.size(), name);
  auto rua = analyze::tlsrpt_rua(found->records.front());
  if (rua.empty())
    return fmt::format("TLS-RPT at {} has no rua: reports go nowhere", name);
  return fmt::format("TLS-RPT reports to {}", join(rua, ", "));
}

/// The MX hosts of `domain` ("" entries for a null MX are dropped); `status` says how the
/// lookup went.
Expected<std::vector<std::string>> mx_hosts(net::Resolver& dns, const std::string& domain,
                                            net::DnsStatus& status) {
  auto answer = dns.query(domain, net::RrType::mx);
  if (!answer)
    return unexpected(answer.error());
  status = answer->status;
  std::vector<std::string> hosts;
  for (const auto& r : answer->records) {
    if (r.type != net::RrType::mx)
      continue;
    auto space = r.data.find(' ');
    std::string host = space == std::string::npos ? "" : to_lower(trim(r.data.substr(space + 1)));
    if (!host.empty() && host.back() == '.')
      host.pop_back();
    if (!host.empty() && hosts.size() < 50)
      hosts.push_back(host);
  }
  return hosts;
}

} // namespace

CheckResult run_email_mta_sts(engine::Context& context, const CheckMeta& meta) {
  if (auto skip = needs_email_domain(context, meta))
    return *skip;
  const std::string& domain = context.config().email.domain;
  auto* dns = context.resolver();

  // 1. The announcement.
  const std::string name = "_mta-sts." + domain;
  auto txt = txt_at(*dns, name, analyze::is_mta_sts_record);
  if (!txt)
    return engine::errored(meta, txt.error().message);
  if (net::unanswered(txt->status))
    return engine::errored(meta, fmt::format("TXT {} could not be answered ({})", name,
                                             net::status_name(txt->status)));
  const std::string tlsrpt = tlsrpt_summary(*dns, domain);
  if (txt->records.empty())
    return engine::failed(
        meta,
        {sts_finding(meta,
                     fmt::format("no MTA-STS: mail to {} can be downgraded to plaintext (no "
                                 "\"v=STSv1\" TXT record at {})",
                                 domain, name),
                     name, "TXT", "", "missing")},
        false, fmt::format("{}: no MTA-STS record; {}", domain, tlsrpt));
  if (txt->records.size() > 1)
    return engine::failed(
        meta,
        {sts_finding(meta,
                     fmt::format("{} MTA-STS records at {}: senders ignore them all (RFC 8461 "
                                 "3.1) and apply no policy",
                                 txt->records.size(), name),
                     name, "TXT", join(txt->records, " | "), "several")},
        true, tlsrpt);
  const std::string& record_text = txt->records.front();
  auto record = analyze::parse_mta_sts_record(record_text);
  std::vector<Finding> findings;
  bool serious = false;
  for (const auto& e : record.errors) {
    findings.push_back(
        sts_finding(meta, fmt::format("{}: {}", name, e), name, "TXT", record_text, e));
    serious = true;
  }

  // 2. The policy, over HTTPS without following redirects (RFC 8461 section 3.3).
  const std::string url = fmt::format("https://mta-sts.{}/.well-known/mta-sts.txt", domain);
  std::string policy_note;
  bool policy_unfetched = false;
  if (!context.http().in_scope(url)) {
    policy_unfetched = true;
    policy_note = fmt::format("policy not fetched: mta-sts.{} is outside target.scope (add it "
                              "to check the policy); only the TXT record was judged",
                              domain);
  } else {
    // By name, to the address the run's resolver gives, like every check of the domain gate.
    auto response = web::get(context, url);
    if (!response && response.error().kind == ErrorKind::out_of_scope) {
      policy_unfetched = true;
      policy_note = fmt::format("policy not fetched: {}", response.error().message);
    } else if (!response) {
      findings.push_back(sts_finding(
          meta,
          fmt::format("{} announces MTA-STS but its policy cannot be fetched ({}): senders "
                      "cannot apply it",
                      name, response.error().message),
          url, "policy", "", "unreachable"));
      serious = true;
    } else if (response->status != 200) {
      findings.push_back(sts_finding(
          meta,
          fmt::format("{} announces MTA-STS but {} answers {}{}: senders find no policy", name, url,
                      response->status,
                      response->status >= 300 && response->status < 400
                          ? " (a redirect, which senders must not follow)"
                          : ""),
          url, "policy", "", fmt::format("status {}", response->status)));
      serious = true;
    } else {
      auto type = response->header("content-type").value_or("");
      if (!istarts_with(trim(type), "text/plain"))
        findings.push_back(sts_finding(
            meta,
            fmt::format("{} is served as '{}', not text/plain: some senders reject it", url, type),
            url, "policy", "", "content-type"));
      auto policy = analyze::parse_mta_sts_policy(response->body);
      for (const auto& e : policy.errors) {
        findings.push_back(sts_finding(meta, fmt::format("{}: {}", url, e), url, "policy", "", e));
        serious = true;
      }
      for (const auto& w : policy.warnings)
        findings.push_back(sts_finding(meta, fmt::format("{}: {}", url, w), url, "policy", "", w));

      // 3. Every MX host must match a pattern, or enforcing senders refuse to deliver.
      if (policy.errors.empty() && policy.mode != "none") {
        net::DnsStatus mx_status = net::DnsStatus::ok;
        auto hosts = mx_hosts(*dns, domain, mx_status);
        if (!hosts)
          return engine::errored(meta, hosts.error().message);
        if (net::unanswered(mx_status))
          policy_note = fmt::format("MX {} unanswered ({}): hosts not matched against the policy",
                                    domain, net::status_name(mx_status));
        for (const auto& host : *hosts) {
          bool matched = false;
          for (const auto& pattern : policy.mx)
            matched = matched || analyze::mta_sts_mx_matches(pattern, host);
          if (!matched) {
            findings.push_back(sts_finding(
                meta,
                fmt::format("MX host {} of {} matches no mx line of the policy ({}): senders "
                            "{} mail to it",
                            host, domain, join(policy.mx, ", "),
                            policy.mode == "enforce" ? "refuse to deliver" : "report failures for"),
                url, "policy", "", "unmatched " + host));
            serious = true;
          }
        }
        if (policy_note.empty())
          policy_note = fmt::format("policy mode {}, max_age {}, {} mx pattern(s), {} MX host(s)",
                                    policy.mode, policy.max_age, policy.mx.size(), hosts->size());
      } else if (policy.errors.empty()) {
        policy_note = "policy mode none";
      }
    }
  }

  std::string summary = fmt::format("{}: id={}", name, record.id);
  if (!policy_note.empty())
    summary += "; " + policy_note;
  summary += "; " + tlsrpt;
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), serious, summary);
  // A valid TXT record alone proves nothing about the policy senders apply.
  if (policy_unfetched)
    return engine::skipped(meta, SkipKind::not_configured, summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
