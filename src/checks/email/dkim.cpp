// email.dkim: the DKIM keys of email.domain (RFC 6376 section 3.6, RFC 8301, RFC 8463) at
// <selector>._domainkey.<domain> for each configured selector, or, without any, at a list of
// selectors common mail providers use. Each key found is parsed and judged: revoked, unusable,
// RSA below 1024 bits or excluding sha256 fail; RSA 1024 and testing mode (t=y) warn.

#include "analyze/dkim.hpp"
#include "checks/preconditions.hpp"
#include "checks/registry.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace lg::checks {

namespace {

/// Selectors of common senders, tried when email.dkim_selectors is empty.
const std::vector<std::string> k_common_selectors = {
    "default",  "selector1", "selector2", "google",  "k1",
    "k2",       "s1",        "s2",        "mail",    "dkim",
    "mandrill", "smtpapi",   "pm",        "mxvault", "everlytickey1",
    "resend",   "amazonses", "zoho",      "key1",    "sig1",
};

/// The record with p= shortened: enough to recognise it, not the whole key.
std::string shortened(const std::string& record) {
  auto p = record.find("p=");
  if (p == std::string::npos)
    return record.substr(0, 300);
  auto end = record.find(';', p);
  std::string key =
      record.substr(p + 2, end == std::string::npos ? std::string::npos : end - p - 2);
  key = std::string(trim(key));
  if (key.size() <= 24)
    return record.substr(0, 300);
  std::string out = record.substr(0, p + 2) + key.substr(0, 12) + "…" + key.substr(key.size() - 8) +
                    fmt::format(" ({} chars)", key.size());
  if (end != std::string::npos)
    out += record.substr(end, 200);
  return out;
}

struct Found {
  std::string name;
  std::vector<std::string> records; ///< TXT data
  net::DnsStatus status = net::DnsStatus::ok;
};

Finding key_finding(const CheckMeta& meta, std::string message, const std::string& name,
                    const std::string& record, const std::string& key) {
  Finding f;
  f.message = std::move(message);
  f.evidence = {{"name", name}, {"type", "TXT"}};
  if (!record.empty())
    f.evidence["record"] = shortened(record);
  f.fingerprint = make_fingerprint(meta.id, {name, key});
  return f;
}

} // namespace

CheckResult run_email_dkim(engine::Context& context, const CheckMeta& meta) {
  if (auto skip = needs_email_domain(context, meta))
    return *skip;
  const std::string& domain = context.config().email.domain;
  auto* dns = context.resolver();
  const auto& configured = context.config().email.dkim_selectors;
  bool guessing = configured.empty();
  const auto& selectors = guessing ? k_common_selectors : configured;

  std::vector<Finding> findings;
  std::vector<std::string> summaries;
  std::vector<std::string> unanswered;
  bool serious = false;
  bool any_key = false;
  for (const auto& selector : selectors) {
    std::string name = selector + "._domainkey." + domain;
    auto answer = dns->query(name, net::RrType::txt);
    if (!answer)
      return engine::errored(meta, answer.error().message);
    if (answer->status == net::DnsStatus::servfail || answer->status == net::DnsStatus::timeout) {
      if (!guessing)
        return engine::errored(
            meta,
            fmt::format("{} could not be answered ({})", name,
                        answer->status == net::DnsStatus::timeout ? "a timeout" : "SERVFAIL"));
      unanswered.push_back(name);
      continue;
    }
    std::vector<std::string> records;
    for (const auto& r : answer->records)
      if (r.type == net::RrType::txt && records.size() < 8)
        records.push_back(r.data);
    if (records.empty()) {
      if (!guessing) {
        findings.push_back(
            key_finding(meta,
                        fmt::format("no DKIM key at {}: mail signed with selector {} fails DKIM",
                                    name, selector),
                        name, "", "missing"));
        serious = true;
      }
      continue;
    }
    any_key = true;
    if (records.size() > 1) {
      findings.push_back(
          key_finding(meta,
                      fmt::format("{} TXT records at {}: receivers may pick any one of them",
                                  records.size(), name),
                      name, join(records, " | "), "several"));
      serious = true;
    }
    const auto& text = records.front();
    auto key = analyze::parse_dkim_key(text);
    if (!key) {
      findings.push_back(key_finding(
          meta, fmt::format("{}: the key record does not parse: {}", name, key.error().message),
          name, text, "syntax"));
      serious = true;
      continue;
    }
    auto judgement = analyze::judge_dkim_key(*key);
    summaries.push_back(fmt::format("{}: {}", selector, judgement.summary));
    for (const auto& issue : judgement.issues) {
      findings.push_back(
          key_finding(meta, fmt::format("{}: {}", name, issue.text), name, text, issue.key));
      serious = serious || issue.serious;
    }
  }

  if (guessing && !any_key) {
    std::string message = fmt::format(
        "no DKIM key at any common selector of {} ({}) — configure email.dkim_selectors", domain,
        join(k_common_selectors, ", "));
    if (!unanswered.empty())
      message += fmt::format("; unanswered: {}", join(unanswered, ", "));
    findings.push_back(
        key_finding(meta, std::move(message), "_domainkey." + domain, "", "none-found"));
    return engine::failed(meta, std::move(findings), true);
  }
  std::string summary =
      fmt::format("{} ({})", join(summaries, ", "),
                  guessing ? "found among common selectors" : "configured selectors");
  if (!unanswered.empty())
    summary += fmt::format("; unanswered: {}", join(unanswered, ", "));
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), serious, summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
