// domain.dns: every configured name resolves (A/AAAA, directly or at the end of its CNAME chain,
// RFC 1034 section 3.6.2), to what domain.expect says, and never to an address users cannot
// reach (RFC 1918, RFC 6598, loopback, link-local, RFC 4193); the NS set of each name's zone
// equals domain.nameservers and the listed servers resolve; then each listed server is asked
// directly (Resolver::direct, recursion off) for the zone's SOA at each of its addresses: it must
// answer authoritatively (a lame delegation fails, RFC 1912 section 2.8) and all must agree on
// the serial (a secondary out of sync warns). Over a zone file that cannot be asked, and is said.

#include "analyze/addresses.hpp"
#include "analyze/psl.hpp"
#include "checks/preconditions.hpp"
#include "checks/registry.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <future>
#include <map>
#include <set>
#include <tuple>

namespace lg::checks {

namespace {

constexpr int k_max_apex_steps = 16;
constexpr size_t k_max_server_addresses = 4; ///< per listed name server, per family

std::string parent(const std::string& name) {
  size_t dot = name.find('.');
  return dot == std::string::npos ? std::string() : name.substr(dot + 1);
}

std::string status_text(net::DnsStatus s) {
  switch (s) {
  case net::DnsStatus::ok:
    return "no data";
  case net::DnsStatus::nxdomain:
    return "NXDOMAIN";
  case net::DnsStatus::servfail:
    return "SERVFAIL (the server failed, or the zone file does not cover the name)";
  case net::DnsStatus::timeout:
    return "a timeout";
  }
  return "?";
}

std::string normal_name(std::string name) {
  name = to_lower(name);
  if (!name.empty() && name.back() == '.')
    name.pop_back();
  return name;
}

/// What the A and AAAA questions for one name said.
struct NameLookup {
  std::vector<std::string> chain; ///< CNAME targets in order
  std::vector<std::string> v4, v6;
  net::DnsAnswer a, aaaa;

  std::string chain_text(const std::string& host) const {
    std::string out = host;
    for (const auto& t : chain)
      out += " -> " + t;
    return out;
  }
};

Expected<NameLookup> look_up(net::Resolver& dns, const std::string& host) {
  NameLookup l;
  auto a = dns.query(host, net::RrType::a);
  if (!a)
    return unexpected(a.error());
  auto aaaa = dns.query(host, net::RrType::aaaa);
  if (!aaaa)
    return unexpected(aaaa.error());
  l.a = std::move(*a);
  l.aaaa = std::move(*aaaa);
  for (const auto* answer : {&l.a, &l.aaaa}) {
    std::vector<std::string> chain;
    for (const auto& r : answer->records) {
      if (r.type == net::RrType::cname)
        chain.push_back(normal_name(r.data));
      else if (r.type == net::RrType::a && answer == &l.a)
        l.v4.push_back(r.data);
      else if (r.type == net::RrType::aaaa && answer == &l.aaaa)
        l.v6.push_back(r.data);
    }
    if (chain.size() > l.chain.size())
      l.chain = std::move(chain);
  }
  return l;
}

/// The canonical, sorted, unique forms of `addresses`.
std::vector<std::string> address_set(const std::vector<std::string>& addresses) {
  std::set<std::string> out;
  for (const auto& a : addresses) {
    std::string c = analyze::canonical_address(a);
    out.insert(c.empty() ? a : c);
  }
  return {out.begin(), out.end()};
}

std::string list_or_none(const std::vector<std::string>& items) {
  return items.empty() ? "none" : join(items, ", ");
}

class Judge {
public:
  explicit Judge(const CheckMeta& meta) : m_meta(meta) {}

  void add(std::string message, nlohmann::json evidence, const std::vector<std::string>& key,
           bool grave = true) {
    Finding f;
    f.message = std::move(message);
    f.evidence = std::move(evidence);
    f.fingerprint = make_fingerprint(m_meta.id, key);
    findings.push_back(std::move(f));
    serious = serious || grave;
  }

  std::vector<Finding> findings;
  bool serious = false;

private:
  const CheckMeta& m_meta;
};

/// The zone apex of `host`: the first name from `host` upwards whose SOA question answers with
/// an SOA record it owns, no higher than the registrable domain. "" plus `problem` when not found.
Expected<std::string> find_apex(net::Resolver& dns, const std::string& host, std::string& problem) {
  std::string top = analyze::organizational_domain(host);
  std::string n = host;
  for (int step = 0; step < k_max_apex_steps && n.find('.') != std::string::npos; ++step) {
    auto soa = dns.query(n, net::RrType::soa);
    if (!soa)
      return unexpected(soa.error());
    if (net::unanswered(soa->status)) {
      problem = fmt::format("the SOA question for {} got {}", n, status_text(soa->status));
      return std::string();
    }
    for (const auto& r : soa->records)
      if (r.type == net::RrType::soa && normal_name(r.name) == n)
        return n;
    if (n == top)
      break;
    n = parent(n);
  }
  problem = fmt::format("no SOA record at {} or its parents up to {}", host,
                        top.empty() ? "the top" : top);
  return std::string();
}

/// One listed name server asked for one zone's SOA at one of its addresses.
struct SoaProbe {
  std::string server, address, apex;
  bool v6 = false;
  std::string problem;   ///< set when the server could not be asked at all
  net::DnsAnswer answer; ///< otherwise, what it said
  std::string serial;    ///< the SOA serial when it answered authoritatively with one
};

/// The serial of the SOA record owned by `apex` in `answer`, or "".
std::string soa_serial(const net::DnsAnswer& answer, const std::string& apex) {
  for (const auto& r : answer.records) {
    if (r.type != net::RrType::soa || normal_name(r.name) != apex)
      continue;
    std::vector<std::string_view> fields; // mname rname serial refresh retry expire minimum
    for (auto field : split(r.data, ' '))
      if (!field.empty())
        fields.push_back(field);
    return fields.size() >= 3 ? std::string(fields[2]) : std::string();
  }
  return "";
}

/// Asks every probe's server at once (each on a resolver of its own); bounded by the caller.
void run_probes(net::Resolver& dns, int port, std::vector<SoaProbe>& probes) {
  std::vector<std::future<void>> pending;
  pending.reserve(probes.size());
  for (auto& probe : probes)
    pending.push_back(std::async(std::launch::async, [&dns, port, &probe] {
      auto direct = dns.direct(probe.address, port);
      if (!direct || !*direct) {
        probe.problem =
            direct ? "this resolver cannot ask a chosen server" : direct.error().message;
        return;
      }
      auto answer = (*direct)->query(probe.apex, net::RrType::soa);
      if (!answer) {
        probe.problem = answer.error().message;
        return;
      }
      probe.answer = std::move(*answer);
      if (probe.answer.status == net::DnsStatus::ok && probe.answer.authoritative)
        probe.serial = soa_serial(probe.answer, probe.apex);
    }));
  for (auto& f : pending)
    f.get();
}

/// What a probe that did not give a serial says about its server, for findings.
std::string lame_reason(const SoaProbe& p) {
  switch (p.answer.status) {
  case net::DnsStatus::timeout:
    return "did not answer (a timeout)";
  case net::DnsStatus::servfail:
    return "refused or failed the question (REFUSED or SERVFAIL), so it does not serve the zone";
  case net::DnsStatus::nxdomain:
    return p.answer.authoritative ? "says the zone does not exist (NXDOMAIN)"
                                  : "answered NXDOMAIN without authority";
  case net::DnsStatus::ok:
    break;
  }
  if (!p.answer.authoritative)
    return "answered without authority (the AA bit is clear), so it does not serve the zone";
  return "answered authoritatively but without an SOA record at the apex";
}

/// Asks each probe's server and judges: every listed server answers authoritatively for each
/// zone (a lame one fails) and all give the same SOA serial (a difference warns). An IPv6
/// address that gives no answer while the same server answered over IPv4 is a note: this machine
/// may have no IPv6 route. Returns the summary's words.
std::string judge_authority(net::Resolver& dns, int port, std::vector<SoaProbe>& probes,
                            Judge& judge) {
  if (probes.empty())
    return "";
  auto probe = dns.direct(probes.front().address, port);
  if (probe && !*probe)
    return "not verified: that each listed server answers authoritatively and that they agree "
           "on the SOA serial (a zone file is one copy of each zone; ask live DNS for this)";
  run_probes(dns, port, probes);

  std::vector<std::string> notes;
  std::map<std::string, std::map<std::string, std::vector<std::string>>> serials; // apex ->
  for (const auto& p : probes) {
    std::string who = fmt::format("{} ({})", p.server, p.address);
    if (!p.problem.empty()) {
      notes.push_back(fmt::format("{} not asked: {}", who, p.problem));
      continue;
    }
    if (!p.serial.empty()) {
      serials[p.apex][p.serial].push_back(who);
      continue;
    }
    bool silent = p.answer.status == net::DnsStatus::timeout;
    if (p.v6 && silent) {
      bool v4_answered = std::any_of(probes.begin(), probes.end(), [&](const SoaProbe& o) {
        return !o.v6 && o.server == p.server && o.apex == p.apex && !o.serial.empty();
      });
      notes.push_back(fmt::format("{} gave no answer over IPv6{} (this machine may have no "
                                  "IPv6 route)",
                                  who, v4_answered ? " while it answered over IPv4" : ""));
      continue;
    }
    nlohmann::json ev = {{"name", p.apex},
                         {"type", "SOA"},
                         {"server", p.server},
                         {"address", p.address},
                         {"port", port},
                         {"status", net::status_name(p.answer.status)},
                         {"authoritative", p.answer.authoritative}};
    judge.add(fmt::format("the name server {} is a lame delegation for {}: asked for the SOA "
                          "record, it {}; resolvers that pick it fail or wait",
                          who, p.apex, lame_reason(p)),
              ev, {p.apex, "lame", p.server, analyze::canonical_address(p.address)});
  }
  std::vector<std::string> agreed;
  for (const auto& [apex, by_serial] : serials) {
    if (by_serial.size() == 1) {
      agreed.push_back(fmt::format("{} serial {} from {}", apex, by_serial.begin()->first,
                                   join(by_serial.begin()->second, ", ")));
      continue;
    }
    std::vector<std::string> parts, keys;
    nlohmann::json ev = {{"name", apex}, {"type", "SOA"}};
    for (const auto& [serial, who] : by_serial) {
      parts.push_back(fmt::format("{} from {}", serial, join(who, ", ")));
      ev["serials"][serial] = join(who, ", ");
      keys.push_back(serial);
    }
    judge.add(fmt::format("the name servers of {} disagree on the SOA serial: {}; a secondary "
                          "has not transferred the zone's latest version",
                          apex, join(parts, "; ")),
              ev, {apex, "serials", join(keys, ",")}, false);
  }
  std::string out;
  if (!agreed.empty())
    out = "authoritative answers agree: " + join(agreed, "; ");
  if (!notes.empty())
    out += (out.empty() ? "" : "; ") + join(notes, "; ");
  return out;
}

} // namespace

CheckResult run_domain_dns(engine::Context& context, const CheckMeta& meta) {
  if (auto skip = needs_domain_names(context, meta))
    return *skip;
  const auto& domain = context.config().domain;
  auto* dns = context.resolver();

  Judge judge(meta);
  std::vector<std::string> resolved;   // summary: "name -> addresses"
  std::vector<std::string> unresolved; // "name: why"
  std::vector<std::string> notes;
  std::set<std::string> unresolved_hosts;
  size_t judged = 0;

  for (const auto& entry : domain.names) {
    const std::string& host = entry.host;
    auto lookup = look_up(*dns, host);
    if (!lookup)
      return engine::errored(meta, lookup.error().message);
    const auto& l = *lookup;
    nlohmann::json evidence = {{"name", host}, {"type", "A/AAAA"}};
    if (!l.chain.empty())
      evidence["cname_chain"] = l.chain_text(host);
    bool a_failed = net::unanswered(l.a.status), aaaa_failed = net::unanswered(l.aaaa.status);

    if (l.a.status == net::DnsStatus::nxdomain || l.aaaa.status == net::DnsStatus::nxdomain) {
      ++judged;
      evidence["status"] = "NXDOMAIN";
      std::string where = l.chain.empty() ? host
                                          : fmt::format("{} (the end of the CNAME chain {})",
                                                        l.chain.back(), l.chain_text(host));
      judge.add(fmt::format("{} does not resolve: {} does not exist (NXDOMAIN)", host, where),
                evidence, {host, "nxdomain"});
      continue;
    }
    if ((a_failed && aaaa_failed) || ((a_failed || aaaa_failed) && l.v4.empty() && l.v6.empty())) {
      auto status = a_failed ? l.a.status : l.aaaa.status;
      unresolved.push_back(fmt::format("{}: {}", host, status_text(status)));
      unresolved_hosts.insert(host);
      evidence["status"] = status == net::DnsStatus::timeout ? "timeout" : "SERVFAIL";
      judge.add(fmt::format("{} could not be resolved: {}", host, status_text(status)), evidence,
                {host, "unresolved"});
      continue;
    }
    ++judged;
    if (a_failed || aaaa_failed)
      notes.push_back(fmt::format("{} {} not answered ({})", host, a_failed ? "A" : "AAAA",
                                  status_text(a_failed ? l.a.status : l.aaaa.status)));
    std::vector<std::string> addresses = l.v4;
    addresses.insert(addresses.end(), l.v6.begin(), l.v6.end());
    if (!addresses.empty())
      evidence["addresses"] = join(addresses, ", ");
    if (addresses.empty()) {
      std::string end = l.chain.empty() ? host : l.chain.back();
      judge.add(fmt::format("{} has no address: no A or AAAA record at {}", host,
                            l.chain.empty() ? host : end + " (the end of its CNAME chain)"),
                evidence, {host, "no address"});
      continue;
    }
    resolved.push_back(fmt::format("{} -> {}", l.chain_text(host), join(addresses, ", ")));

    // What domain.expect says.
    if (auto it = domain.expect.find(host); it != domain.expect.end()) {
      const auto& expect = it->second;
      if (!expect.cname.empty()) {
        std::string actual = l.chain.empty() ? "" : l.chain.front();
        if (actual != expect.cname) {
          auto ev = evidence;
          ev["expected"] = expect.cname;
          ev["actual"] = actual.empty() ? "no CNAME" : actual;
          judge.add(fmt::format("{} is a CNAME to {} where domain.expect says {}", host,
                                actual.empty() ? "nothing (it has addresses of its own)" : actual,
                                expect.cname),
                    ev, {host, "expect cname", expect.cname});
        }
      }
      for (auto [type, wanted, answer, got] : {std::tuple{"A", &expect.a, &l.a, &l.v4},
                                               std::tuple{"AAAA", &expect.aaaa, &l.aaaa, &l.v6}}) {
        if (wanted->empty())
          continue;
        if (net::unanswered(answer->status)) {
          notes.push_back(fmt::format("{} {} not compared with domain.expect", host, type));
          continue;
        }
        auto expected_set = address_set(*wanted), actual_set = address_set(*got);
        if (expected_set != actual_set) {
          auto ev = evidence;
          ev["type"] = type;
          ev["expected"] = join(expected_set, ", ");
          ev["actual"] = list_or_none(actual_set);
          judge.add(fmt::format("{} {} records are {} where domain.expect says {}", host, type,
                                list_or_none(actual_set), join(expected_set, ", ")),
                    ev, {host, std::string("expect ") + type, join(expected_set, ",")});
        }
      }
    }
    // Addresses nobody on the internet can reach.
    for (const auto& address : addresses) {
      auto cls = analyze::classify_address(address);
      if (!analyze::unreachable_from_internet(cls))
        continue;
      auto ev = evidence;
      ev["address"] = address;
      ev["class"] = analyze::describe(cls);
      judge.add(fmt::format("{} points at a private address: {} is {}, unreachable for users", host,
                            address, analyze::describe(cls)),
                ev, {host, "unreachable " + analyze::canonical_address(address)});
    }
  }

  // The delegation: the NS set of each name's zone against domain.nameservers.
  std::string ns_summary;
  if (domain.nameservers.empty()) {
    ns_summary = "NS not compared (domain.nameservers is not set)";
  } else {
    std::vector<std::string> expected(domain.nameservers.begin(), domain.nameservers.end());
    std::sort(expected.begin(), expected.end());
    expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
    std::map<std::string, std::vector<std::string>> apexes; // apex -> hosts
    for (const auto& entry : domain.names) {
      if (unresolved_hosts.count(entry.host) != 0)
        continue; // already reported as not resolvable
      std::string problem;
      auto apex = find_apex(*dns, entry.host, problem);
      if (!apex)
        return engine::errored(meta, apex.error().message);
      if (apex->empty()) {
        unresolved.push_back(fmt::format("the zone of {}: {}", entry.host, problem));
        judge.add(fmt::format("the zone of {} could not be found, so its name servers were not "
                              "compared: {}",
                              entry.host, problem),
                  {{"name", entry.host}, {"type", "SOA"}}, {entry.host, "no apex"});
        continue;
      }
      apexes[*apex].push_back(entry.host);
    }
    std::vector<std::string> matched;
    for (const auto& [apex, hosts] : apexes) {
      auto ns = dns->query(apex, net::RrType::ns);
      if (!ns)
        return engine::errored(meta, ns.error().message);
      if (net::unanswered(ns->status) || ns->status == net::DnsStatus::nxdomain) {
        unresolved.push_back(fmt::format("NS of {}: {}", apex, status_text(ns->status)));
        judge.add(fmt::format("the NS records of {} could not be resolved: {}", apex,
                              status_text(ns->status)),
                  {{"name", apex}, {"type", "NS"}}, {apex, "ns unresolved"});
        continue;
      }
      std::set<std::string> actual_set;
      for (const auto& r : ns->records)
        if (r.type == net::RrType::ns)
          actual_set.insert(normal_name(r.data));
      std::vector<std::string> actual(actual_set.begin(), actual_set.end());
      if (actual == expected) {
        matched.push_back(apex);
        continue;
      }
      std::vector<std::string> missing, extra;
      std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(),
                          std::back_inserter(missing));
      std::set_difference(actual.begin(), actual.end(), expected.begin(), expected.end(),
                          std::back_inserter(extra));
      nlohmann::json ev = {{"name", apex},
                           {"type", "NS"},
                           {"expected", join(expected, ", ")},
                           {"actual", list_or_none(actual)},
                           {"for", join(hosts, ", ")}};
      std::string diff;
      if (!missing.empty())
        diff += "; missing " + join(missing, ", ");
      if (!extra.empty())
        diff += "; not listed " + join(extra, ", ");
      judge.add(fmt::format("the NS records of {} are {} where domain.nameservers says {}{}", apex,
                            list_or_none(actual), join(expected, ", "), diff),
                ev, {apex, "ns", join(actual, ",")});
    }
    // The listed servers must at least resolve, to addresses users' resolvers can reach.
    std::vector<std::string> servers, unverified;
    std::vector<SoaProbe> probes; // each listed server, at each address, for each zone
    for (const auto& server : expected) {
      auto lookup = look_up(*dns, server);
      if (!lookup)
        return engine::errored(meta, lookup.error().message);
      nlohmann::json ev = {{"name", server}, {"type", "A/AAAA"}};
      if (lookup->a.status == net::DnsStatus::nxdomain ||
          lookup->aaaa.status == net::DnsStatus::nxdomain) {
        judge.add(fmt::format("the name server {} does not exist (NXDOMAIN): resolvers cannot "
                              "ask it",
                              server),
                  ev, {server, "ns nxdomain"});
        continue;
      }
      std::vector<std::string> addresses = lookup->v4;
      addresses.insert(addresses.end(), lookup->v6.begin(), lookup->v6.end());
      if (addresses.empty()) {
        if (net::unanswered(lookup->a.status) || net::unanswered(lookup->aaaa.status))
          unverified.push_back(server);
        else
          judge.add(fmt::format("the name server {} has no A or AAAA record: resolvers cannot "
                                "ask it",
                                server),
                    ev, {server, "ns no address"});
        continue;
      }
      servers.push_back(fmt::format("{} ({})", server, join(addresses, ", ")));
      for (const auto& [apex, hosts] : apexes)
        for (const auto* family : {&lookup->v4, &lookup->v6})
          for (size_t i = 0; i < family->size() && i < k_max_server_addresses; ++i)
            probes.push_back({server, (*family)[i], apex, family == &lookup->v6, "", {}, ""});
      for (const auto& address : addresses) {
        auto cls = analyze::classify_address(address);
        if (!analyze::unreachable_from_internet(cls))
          continue;
        ev["address"] = address;
        judge.add(fmt::format("the name server {} points at a private address: {} is {}, "
                              "unreachable for resolvers",
                              server, address, analyze::describe(cls)),
                  ev, {server, "ns unreachable " + analyze::canonical_address(address)});
      }
    }
    std::string authority = judge_authority(*dns, domain.nameserver_port, probes, judge);
    if (!matched.empty())
      ns_summary = fmt::format("NS of {} match domain.nameservers", join(matched, ", "));
    if (!servers.empty())
      ns_summary += fmt::format("{}name servers resolve: {}", ns_summary.empty() ? "" : "; ",
                                join(servers, "; "));
    if (!unverified.empty())
      ns_summary += fmt::format("{}addresses of {} not verified (outside the zone or unanswered)",
                                ns_summary.empty() ? "" : "; ", join(unverified, ", "));
    if (!authority.empty())
      ns_summary += (ns_summary.empty() ? "" : "; ") + authority;
  }

  if (judged == 0 && !unresolved.empty())
    return engine::errored(meta, "no configured name could be resolved: " + join(unresolved, "; "));
  std::string summary = resolved.empty() ? "no name resolved" : join(resolved, "; ");
  if (!notes.empty())
    summary += "; " + join(notes, "; ");
  summary += "; " + ns_summary;
  if (!judge.findings.empty())
    return engine::failed(meta, std::move(judge.findings), judge.serious, summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
