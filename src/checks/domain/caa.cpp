// domain.caa: finds the relevant CAA set of each configured name as a CA does (RFC 8659 section
// 3: the name, then its parents, up to the registrable domain from the public suffix list),
// parses it and reports which CAs may issue. Fails when no CA may issue for a name that serves
// HTTPS (issue ";", or an unknown tag flagged critical); warns when any CA may issue.

#include "analyze/caa.hpp"
#include "analyze/psl.hpp"
#include "checks/preconditions.hpp"
#include "checks/registry.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <map>

namespace lg::checks {

namespace {

constexpr int k_max_climb = 16;

std::string parent(const std::string& name) {
  size_t dot = name.find('.');
  return dot == std::string::npos ? std::string() : name.substr(dot + 1);
}

std::string status_text(net::DnsStatus s) {
  return s == net::DnsStatus::timeout ? "a timeout" : "SERVFAIL";
}

/// The relevant CAA set of one name.
struct RelevantSet {
  std::string owner;                   ///< where it was found; "" when nowhere
  std::vector<std::string> records;    ///< each record's data
  std::vector<std::string> unverified; ///< levels whose question failed ("name: SERVFAIL")
  std::string top;                     ///< the highest name asked
};

Expected<RelevantSet> relevant_set(net::Resolver& dns, const std::string& host) {
  RelevantSet out;
  out.top = analyze::organizational_domain(host);
  if (out.top.empty())
    out.top = host;
  std::string n = host;
  for (int step = 0; step < k_max_climb && !n.empty(); ++step) {
    auto answer = dns.query(n, net::RrType::caa);
    if (!answer)
      return unexpected(answer.error());
    if (answer->status == net::DnsStatus::servfail || answer->status == net::DnsStatus::timeout)
      out.unverified.push_back(fmt::format("{}: {}", n, status_text(answer->status)));
    for (const auto& r : answer->records)
      if (r.type == net::RrType::caa)
        out.records.push_back(r.data);
    if (!out.records.empty()) {
      out.owner = n;
      break;
    }
    if (n == out.top)
      break;
    n = parent(n);
  }
  return out;
}

class Findings {
public:
  explicit Findings(const CheckMeta& meta) : m_meta(meta) {}

  /// One finding per owner and problem; a second name with the same problem joins its "for".
  void add(const std::string& owner, const std::string& host, std::string message,
           const std::vector<std::string>& records, const std::string& key, bool grave) {
    std::string fingerprint = make_fingerprint(m_meta.id, {owner, key});
    if (auto it = m_index.find(fingerprint); it != m_index.end()) {
      auto& evidence = list[it->second].evidence;
      evidence["for"] = evidence["for"].get<std::string>() + ", " + host;
      return;
    }
    Finding f;
    f.message = std::move(message);
    f.evidence = {{"name", owner}, {"type", "CAA"}, {"for", host}};
    if (!records.empty())
      f.evidence["records"] = join(records, " | ");
    f.fingerprint = fingerprint;
    m_index[fingerprint] = list.size();
    list.push_back(std::move(f));
    serious = serious || grave;
  }

  std::vector<Finding> list;
  bool serious = false;

private:
  const CheckMeta& m_meta;
  std::map<std::string, size_t> m_index;
};

} // namespace

CheckResult run_domain_caa(engine::Context& context, const CheckMeta& meta) {
  if (auto skip = needs_domain_names(context, meta))
    return *skip;
  const auto& domain = context.config().domain;
  auto* dns = context.resolver();

  Findings findings(meta);
  std::vector<std::string> allowed, unverified;
  size_t judged = 0;
  for (const auto& entry : domain.names) {
    const std::string& host = entry.host;
    auto set = relevant_set(*dns, host);
    if (!set)
      return engine::errored(meta, set.error().message);
    for (const auto& u : set->unverified)
      unverified.push_back(u);
    if (set->owner.empty()) {
      if (!set->unverified.empty())
        continue; // a level that did not answer may hold the set
      ++judged;
      findings.add(set->top, host,
                   fmt::format("any CA may issue for {}: no CAA record at {}{}", host, host,
                               host == set->top ? "" : " or its parents up to " + set->top),
                   {}, "none", false);
      continue;
    }
    ++judged;
    const std::string& owner = set->owner;
    std::string at = owner == host ? "CAA at " + owner : "CAA at " + owner + " (for " + host + ")";
    auto policy = analyze::judge_caa(set->records);
    for (const auto& tag : policy.unknown_critical)
      findings.add(owner, host,
                   fmt::format("{} has the tag '{}' flagged critical (128), which no CA knows: "
                               "CAs must refuse to issue for {} (RFC 8659 section 4.1)",
                               at, tag, host),
                   set->records, "critical " + tag, true);
    if (policy.nobody_may_issue())
      findings.add(owner, host,
                   fmt::format("{} lets no CA issue (issue \";\") while {} serves HTTPS on port "
                               "{}: its certificate cannot be issued or renewed",
                               at, host, entry.https_port),
                   set->records, "nobody may issue", true);
    else if (!policy.restricts_issue)
      findings.add(owner, host,
                   fmt::format("any CA may issue for {}: {} has no issue property", host, at),
                   set->records, "no issue", false);
    for (const auto& problem : policy.problems)
      findings.add(owner, host, fmt::format("{}: {}", at, problem), set->records, problem, false);
    std::string line = fmt::format("{}: {} allows {}", host, at,
                                   policy.restricts_issue
                                       ? (policy.issue.empty() ? "no CA" : join(policy.issue, ", "))
                                       : "any CA");
    if (policy.restricts_wild)
      line += fmt::format(", wildcards: {}",
                          policy.issuewild.empty() ? "no CA" : join(policy.issuewild, ", "));
    if (!policy.iodef.empty())
      line += ", reports to " + join(policy.iodef, ", ");
    allowed.push_back(line);
  }

  if (judged == 0)
    return engine::errored(meta, "no CAA set could be found: " + join(unverified, "; "));
  std::string summary = allowed.empty() ? "no CAA records" : join(allowed, "; ");
  if (!unverified.empty())
    summary += "; not verified (outside the zone or unanswered): " + join(unverified, ", ");
  if (!findings.list.empty())
    return engine::failed(meta, std::move(findings.list), findings.serious, summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
