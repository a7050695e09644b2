// email.mx: the MX records of email.domain (RFC 5321 section 5.1) and whether each exchange can
// take mail: it resolves to addresses (A/AAAA), is a host name rather than an IP literal or a
// CNAME (RFC 2181 section 10.3), and its addresses are reachable from the internet. A null MX
// (RFC 7505: "0 .") says the domain takes no mail at all. Works over any Resolver.

#include "analyze/addresses.hpp"
#include "checks/preconditions.hpp"
#include "checks/registry.hpp"
#include "util/text.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <array>
#include <set>

namespace lg::checks {

namespace {

struct Mx {
  int preference = 0;
  std::string exchange; ///< "" for the root (null MX)
  std::string record;   ///< the data as published
};

/// "10 mail.example.com" -> {10, "mail.example.com"}; false when malformed.
bool parse_mx(const std::string& data, Mx& out) {
  auto space = data.find(' ');
  if (space == std::string::npos || space == 0 || space > 5)
    return false;
  int preference = 0;
  for (size_t k = 0; k < space; ++k) {
    if (data[k] < '0' || data[k] > '9')
      return false;
    preference = preference * 10 + (data[k] - '0');
  }
  out.preference = preference;
  out.exchange = to_lower(trim(std::string_view(data).substr(space + 1)));
  if (out.exchange == ".")
    out.exchange.clear();
  if (!out.exchange.empty() && out.exchange.back() == '.')
    out.exchange.pop_back();
  out.record = data;
  return true;
}

/// An exchange written as an address ("192.0.2.1", "[192.0.2.1]", "2001:db8::1") instead of a
/// host name: senders look it up as a name and find nothing.
bool ip_literal(std::string name) {
  if (name.size() > 2 && name.front() == '[' && name.back() == ']')
    return true;
  std::array<unsigned char, 16> buf{};
  return inet_pton(AF_INET, name.c_str(), buf.data()) == 1 ||
         inet_pton(AF_INET6, name.c_str(), buf.data()) == 1;
}

/// Why `address` is not reachable from the internet, or "" when it is.
std::string unreachable(const std::string& address) {
  auto c = analyze::classify_address(address);
  return analyze::unreachable_from_internet(c) ? analyze::describe(c) : "";
}

Finding mx_finding(const CheckMeta& meta, std::string message, const std::string& domain,
                   const std::string& record, const std::string& key) {
  Finding f;
  f.message = std::move(message);
  f.evidence = {{"name", domain}, {"type", "MX"}};
  if (!record.empty())
    f.evidence["record"] = record;
  f.fingerprint = make_fingerprint(meta.id, {domain, key});
  return f;
}

/// What A and AAAA say about one exchange.
struct Lookup {
  std::vector<std::string> addresses;
  std::string cname; ///< the first CNAME target when the exchange is an alias
  bool nxdomain = false;
  bool unanswered = false; ///< SERVFAIL or timeout on both (outside a zone file, say)
  std::string why;         ///< the status of the unanswered queries
};

Expected<Lookup> addresses_of(net::Resolver& dns, const std::string& host) {
  Lookup out;
  int nx = 0;
  int failed = 0;
  for (auto type : {net::RrType::a, net::RrType::aaaa}) {
    auto answer = dns.query(host, type);
    if (!answer)
      return unexpected(answer.error());
    if (answer->status == net::DnsStatus::nxdomain)
      ++nx;
    if (answer->status == net::DnsStatus::servfail || answer->status == net::DnsStatus::timeout) {
      ++failed;
      out.why = net::status_name(answer->status);
    }
    for (const auto& r : answer->records) {
      if (r.type == net::RrType::cname && out.cname.empty() && r.name == host)
        out.cname = r.data;
      if (r.type == type)
        out.addresses.push_back(r.data);
    }
  }
  out.nxdomain = nx == 2 || (nx == 1 && failed == 1);
  out.unanswered = failed == 2 || (failed == 1 && out.addresses.empty() && nx == 0);
  return out;
}

} // namespace

CheckResult run_email_mx(engine::Context& context, const CheckMeta& meta) {
  if (auto skip = needs_email_domain(context, meta))
    return *skip;
  const std::string& domain = context.config().email.domain;
  auto* dns = context.resolver();

  auto answer = dns->query(domain, net::RrType::mx);
  if (!answer)
    return engine::errored(meta, answer.error().message);
  if (answer->status == net::DnsStatus::servfail || answer->status == net::DnsStatus::timeout)
    return engine::errored(meta, fmt::format("MX {} could not be answered ({})", domain,
                                             net::status_name(answer->status)));
  if (answer->status == net::DnsStatus::nxdomain)
    return engine::failed(
        meta,
        {mx_finding(meta,
                    fmt::format("{} does not exist (NXDOMAIN): mail to it bounces, and mail from "
                                "it is rejected by receivers that check the sender's domain",
                                domain),
                    domain, "", "nxdomain")},
        true);

  std::vector<Mx> mxs;
  std::vector<Finding> findings;
  bool serious = false;
  for (const auto& r : answer->records) {
    if (r.type != net::RrType::mx)
      continue;
    Mx mx;
    if (!parse_mx(r.data, mx)) {
      findings.push_back(mx_finding(meta, fmt::format("MX {} '{}' is malformed", domain, r.data),
                                    domain, r.data, "malformed " + r.data));
      serious = true;
      continue;
    }
    if (mxs.size() < 50)
      mxs.push_back(std::move(mx));
  }

  if (mxs.empty() && findings.empty()) {
    // RFC 5321 section 5.1: without MX, mail goes to the domain's own address (the implicit MX),
    // which for a portal's domain is a web server that takes no mail.
    std::string fallback = "it has no address either, so mail to it bounces";
    for (auto type : {net::RrType::a, net::RrType::aaaa}) {
      auto direct = dns->query(domain, type);
      if (direct && direct->status == net::DnsStatus::ok)
        for (const auto& r : direct->records)
          if (r.type == type) {
            fallback = fmt::format("senders fall back to its {} record ({}), which rarely runs a "
                                   "mail server: replies and bounces to the portal's mail are lost",
                                   net::rr_type_name(type), r.data);
            break;
          }
      if (fallback.rfind("senders", 0) == 0)
        break;
    }
    return engine::failed(
        meta,
        {mx_finding(meta, fmt::format("no MX record for {}: {}", domain, fallback), domain, "",
                    "missing")},
        true);
  }

  // RFC 7505: a null MX stands alone and means "no mail accepted here".
  size_t nulls = 0;
  for (const auto& mx : mxs)
    nulls += mx.exchange.empty() ? 1u : 0u;
  if (nulls > 0) {
    if (mxs.size() > nulls) {
      findings.push_back(mx_finding(
          meta,
          fmt::format("{} publishes a null MX (0 .) next to other MX records: RFC 7505 forbids "
                      "it and senders treat the domain inconsistently",
                      domain),
          domain, "", "null-mixed"));
      serious = true;
    } else {
      findings.push_back(mx_finding(
          meta,
          fmt::format("{} publishes a null MX (RFC 7505): it accepts no mail, so replies to the "
                      "portal's invites and resets, and bounces, are refused",
                      domain),
          domain, mxs.front().record, "null"));
      return engine::failed(meta, std::move(findings), serious,
                            fmt::format("{}: null MX (accepts no mail)", domain));
    }
  }

  std::set<std::string> done;
  std::vector<std::string> unverified;
  size_t address_count = 0;
  for (const auto& mx : mxs) {
    if (mx.exchange.empty() || !done.insert(mx.exchange).second)
      continue;
    if (ip_literal(mx.exchange)) {
      findings.push_back(mx_finding(
          meta,
          fmt::format("MX {} names an IP address ({}), not a host name: senders look it up as a "
                      "name and find no mail server",
                      domain, mx.exchange),
          domain, mx.record, "ip " + mx.exchange));
      serious = true;
      continue;
    }
    auto found = addresses_of(*dns, mx.exchange);
    if (!found)
      return engine::errored(meta, found.error().message);
    if (!found->cname.empty())
      findings.push_back(mx_finding(
          meta,
          fmt::format("MX {} points to {}, an alias (CNAME to {}): RFC 2181 10.3 and RFC 5321 "
                      "5.1 want the host's own name, and some senders refuse aliases",
                      domain, mx.exchange, found->cname),
          domain, mx.record, "cname " + mx.exchange));
    if (found->nxdomain) {
      findings.push_back(mx_finding(
          meta,
          fmt::format("MX {} points to {}, which does not exist (NXDOMAIN): mail to that "
                      "exchange bounces",
                      domain, mx.exchange),
          domain, mx.record, "nxdomain " + mx.exchange));
      serious = true;
      continue;
    }
    if (found->unanswered) {
      unverified.push_back(fmt::format("{} ({})", mx.exchange, found->why));
      continue;
    }
    if (found->addresses.empty()) {
      findings.push_back(mx_finding(
          meta,
          fmt::format("MX {} points to {}, which has no A or AAAA record: no mail can be "
                      "delivered to it",
                      domain, mx.exchange),
          domain, mx.record, "noaddress " + mx.exchange));
      serious = true;
      continue;
    }
    address_count += found->addresses.size();
    for (const auto& address : found->addresses) {
      auto why = unreachable(address);
      if (!why.empty())
        findings.push_back(
            mx_finding(meta,
                       fmt::format("MX {} points to {} at {}, {}: not reachable from the internet",
                                   domain, mx.exchange, address, why),
                       domain, mx.record, "unreachable " + mx.exchange + " " + address));
    }
  }

  std::vector<std::string> listed;
  for (const auto& mx : mxs)
    listed.push_back(fmt::format("{} {}", mx.preference, mx.exchange));
  std::string summary = fmt::format("{}: {} MX ({}), {} address(es)", domain, mxs.size(),
                                    join(listed, ", "), address_count);
  if (!unverified.empty())
    summary +=
        fmt::format("; not verified (outside the zone or unanswered): {}", join(unverified, ", "));
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), serious, summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
