// domain.tls-protocols: for each domain.names entry, which protocol versions the server accepts
// (TLS 1.0 to 1.3 through OpenSSL at security level 0; SSLv3 through a hand-built ClientHello)
// and which TLS 1.2 (or best legacy) and TLS 1.3 cipher suites: OpenSSL handshakes, each time
// without the suite chosen before, then hand-built hellos for the suites OpenSSL 3 cannot offer
// (RC4, DES, 3DES, EXPORT) and again NULL and anonymous ones. Judged against Mozilla's intermediate
// profile (analyze/tls_profile): SSLv3/TLS 1.0/1.1 accepted or TLS 1.2 missing fail,
// NULL/EXPORT/anon/ RC4/DES/3DES suites fail, other suites outside the profile warn.

#include "analyze/tls_hello.hpp"
#include "analyze/tls_profile.hpp"
#include "checks/domain/tls_common.hpp"
#include "checks/registry.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <iterator>
#include <map>
#include <set>

namespace lg::checks {

namespace {

constexpr int k_max_openssl_rounds = 64;   ///< suites enumerated through OpenSSL, per name
constexpr int k_max_handbuilt_rounds = 48; ///< suites enumerated by hand-built hellos, per name
constexpr int k_max_timeouts = 2;          ///< a name that stays silent is given up after this
constexpr std::size_t k_max_reply = 16384 + 5;
constexpr const char* k_all_ciphers = "ALL:COMPLEMENTOFALL";

enum class Seen { unknown, accepted, refused }; // unknown first: the map default

struct Suite {
  std::uint16_t code = 0;
  std::string openssl_name; ///< empty when found by a hand-built hello
};

/// What one name accepts.
struct Probe {
  std::map<net::TlsVersion, Seen> versions;
  std::map<net::TlsVersion, std::string> details;
  net::TlsVersion enumerated = net::TlsVersion::tls1_2;
  std::vector<Suite> suites;
  int timeouts = 0;
  std::string unreachable; ///< set when no TCP connection could be made
};

bool has_suite(const Probe& p, std::uint16_t code) {
  return std::any_of(p.suites.begin(), p.suites.end(),
                     [&](const Suite& s) { return s.code == code; });
}

/// One OpenSSL handshake at exactly `version`; false when the name cannot be reached at all.
bool probe_version(net::TlsProber& prober, const net::TlsTarget& target, net::TlsVersion version,
                   Probe& probe) {
  net::TlsOffer offer;
  offer.min_version = version;
  offer.max_version = version;
  offer.security_level = 0;
  if (version != net::TlsVersion::tls1_3)
    offer.ciphers = std::string(k_all_ciphers) + ":@SECLEVEL=0";
  auto hs = prober.handshake(target, offer);
  if (!hs) {
    if (hs.error().kind == ErrorKind::network) {
      probe.unreachable = hs.error().message;
      return false;
    }
    probe.versions[version] = Seen::unknown; // this OpenSSL cannot offer it
    probe.details[version] = hs.error().message;
    return true;
  }
  switch (hs->outcome) {
  case net::TlsOutcome::connected:
    probe.versions[version] = hs->version == version ? Seen::accepted : Seen::refused;
    break;
  case net::TlsOutcome::refused:
    probe.versions[version] = Seen::refused;
    probe.details[version] = hs->detail;
    break;
  case net::TlsOutcome::timeout:
    probe.versions[version] = Seen::unknown;
    probe.details[version] = hs->detail;
    ++probe.timeouts;
    break;
  }
  return true;
}

/// SSLv3 through a hand-built hello offering every known suite.
void probe_ssl3(net::TlsProber& prober, const net::TlsTarget& target, Probe& probe) {
  analyze::ClientHelloSpec spec;
  spec.version = 0x0300;
  spec.host = target.host;
  for (const auto& s : analyze::cipher_suites())
    if ((s.code >> 8U) != 0x13U)
      spec.ciphers.push_back(s.code);
  auto reply = prober.exchange(target, analyze::build_client_hello(spec), k_max_reply);
  if (!reply) {
    probe.versions[net::TlsVersion::ssl3] = Seen::unknown;
    probe.details[net::TlsVersion::ssl3] = reply.error().message;
    return;
  }
  auto parsed = analyze::parse_server_reply(*reply);
  bool accepted = parsed && parsed->kind == analyze::ServerReply::Kind::server_hello &&
                  parsed->version == 0x0300;
  probe.versions[net::TlsVersion::ssl3] = accepted ? Seen::accepted : Seen::refused;
  if (accepted && !has_suite(probe, parsed->cipher))
    probe.suites.push_back({parsed->cipher, ""});
}

/// The suites OpenSSL can offer at `version`, each handshake without the ones chosen before.
void enumerate_openssl(net::TlsProber& prober, const net::TlsTarget& target,
                       net::TlsVersion version, Probe& probe) {
  std::string excluded;
  for (int round = 0; round < k_max_openssl_rounds && probe.timeouts < k_max_timeouts; ++round) {
    net::TlsOffer offer;
    offer.min_version = version;
    offer.max_version = version;
    offer.security_level = 0;
    offer.ciphers = std::string(k_all_ciphers) + excluded + ":@SECLEVEL=0";
    auto hs = prober.handshake(target, offer);
    if (!hs) // every suite excluded (the list matches nothing), or the server went away
      return;
    if (hs->outcome == net::TlsOutcome::timeout)
      ++probe.timeouts;
    if (hs->outcome != net::TlsOutcome::connected || hs->cipher.empty() ||
        has_suite(probe, hs->cipher_code))
      return;
    probe.suites.push_back({hs->cipher_code, hs->cipher});
    excluded += ":!" + hs->cipher;
  }
}

/// The TLS 1.3 suites (RFC 8446 appendix B.4), each handshake without the ones chosen before.
void enumerate_tls13(net::TlsProber& prober, const net::TlsTarget& target, Probe& probe) {
  std::vector<std::string> left = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                                   "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_CCM_SHA256",
                                   "TLS_AES_128_CCM_8_SHA256"};
  while (!left.empty() && probe.timeouts < k_max_timeouts) {
    net::TlsOffer offer;
    offer.min_version = net::TlsVersion::tls1_3;
    offer.max_version = net::TlsVersion::tls1_3;
    offer.security_level = 0;
    offer.ciphersuites = join(left, ":");
    auto hs = prober.handshake(target, offer);
    if (!hs)
      return;
    if (hs->outcome == net::TlsOutcome::timeout)
      ++probe.timeouts;
    auto chosen = std::find(left.begin(), left.end(), hs->cipher);
    if (hs->outcome != net::TlsOutcome::connected || chosen == left.end() ||
        has_suite(probe, hs->cipher_code))
      return;
    probe.suites.push_back({hs->cipher_code, hs->cipher});
    left.erase(chosen);
  }
}

/// The weak suites OpenSSL cannot offer (or might not), by hand-built hellos at `version`.
void enumerate_handbuilt(net::TlsProber& prober, const net::TlsTarget& target,
                         std::uint16_t version, Probe& probe) {
  std::vector<std::uint16_t> offered;
  for (auto w : {analyze::CipherWeakness::rc4, analyze::CipherWeakness::triple_des,
                 analyze::CipherWeakness::des, analyze::CipherWeakness::export_grade,
                 analyze::CipherWeakness::null_cipher, analyze::CipherWeakness::anonymous})
    for (auto code : analyze::suites_of(w))
      if (!has_suite(probe, code))
        offered.push_back(code);
  for (int round = 0; round < k_max_handbuilt_rounds && !offered.empty(); ++round) {
    analyze::ClientHelloSpec spec;
    spec.version = version;
    spec.host = target.host;
    spec.ciphers = offered;
    auto reply = prober.exchange(target, analyze::build_client_hello(spec), k_max_reply);
    if (!reply)
      return;
    auto parsed = analyze::parse_server_reply(*reply);
    if (!parsed || parsed->kind != analyze::ServerReply::Kind::server_hello)
      return;
    auto it = std::find(offered.begin(), offered.end(), parsed->cipher);
    if (it == offered.end()) // a suite that was not offered: the server is broken; stop here
      return;
    probe.suites.push_back({parsed->cipher, ""});
    offered.erase(it);
    // The handshake went through at the version the server chose: that version is accepted,
    // even when OpenSSL could not get that far (a server speaking only weak suites).
    auto chosen = static_cast<net::TlsVersion>(parsed->version);
    if (chosen >= net::TlsVersion::tls1_0 && chosen <= net::TlsVersion::tls1_2 &&
        probe.versions[chosen] != Seen::accepted) {
      probe.versions[chosen] = Seen::accepted;
      probe.details[chosen] = "hand-built ClientHello";
    }
  }
}

std::string suite_label(const Suite& s) {
  std::string iana = analyze::cipher_suite_name(s.code);
  if (s.openssl_name.empty() || s.openssl_name == iana)
    return iana;
  return fmt::format("{} ({})", iana, s.openssl_name);
}

Finding make_finding(const CheckMeta& meta, const tls::Endpoint& e, std::string message,
                     const std::string& key, nlohmann::json extra) {
  Finding f;
  f.message = std::move(message);
  f.evidence = {{"host", e.host}, {"port", e.port}, {"address", e.address}};
  for (auto it = extra.begin(); it != extra.end(); ++it)
    f.evidence[it.key()] = it.value();
  f.fingerprint = make_fingerprint(meta.id, {e.host, std::to_string(e.port), key});
  return f;
}

/// What one name gave: its findings and its summary line (none when it could not be probed).
struct Verdict {
  std::vector<Finding> findings;
  bool serious = false;
  std::string line;
};

/// Probes and judges one name; its handshakes run one after another.
Verdict judge_name(net::TlsProber& prober, const CheckMeta& meta, const tls::Endpoint& e) {
  const auto& profile = analyze::mozilla_intermediate();
  Verdict out;
  auto& findings = out.findings;
  bool& serious = out.serious;
  if (e.address.empty()) {
    findings.push_back(make_finding(
        meta, e, fmt::format("{}: no protocol could be checked", e.problem), "unresolved", {}));
    serious = true;
    return out;
  }
  auto target = tls::target_of(e);
  Probe probe;
  bool reachable = true;
  for (auto v : {net::TlsVersion::tls1_2, net::TlsVersion::tls1_3, net::TlsVersion::tls1_1,
                 net::TlsVersion::tls1_0})
    if (reachable && probe.timeouts < k_max_timeouts)
      reachable = probe_version(prober, target, v, probe);
  if (!reachable) {
    findings.push_back(make_finding(meta, e,
                                    fmt::format("{} ({}:{}): no TCP connection: {}", e.host,
                                                e.address, e.port, probe.unreachable),
                                    "unreachable", {}));
    serious = true;
    return out;
  }
  if (probe.timeouts < k_max_timeouts)
    probe_ssl3(prober, target, probe);

  // The suites, at TLS 1.2 or else the best legacy version the server speaks.
  std::optional<net::TlsVersion> at;
  for (auto v : {net::TlsVersion::tls1_2, net::TlsVersion::tls1_1, net::TlsVersion::tls1_0})
    if (!at && probe.versions[v] == Seen::accepted)
      at = v;
  if (at && probe.timeouts < k_max_timeouts) {
    probe.enumerated = *at;
    enumerate_openssl(prober, target, *at, probe);
  }
  if (probe.versions[net::TlsVersion::tls1_3] == Seen::accepted)
    enumerate_tls13(prober, target, probe);
  // Hand-built hellos also when OpenSSL got nowhere: a server may speak only suites OpenSSL
  // no longer has.
  if (probe.timeouts < k_max_timeouts)
    enumerate_handbuilt(prober, target, static_cast<std::uint16_t>(probe.enumerated), probe);

  // Judge the versions.
  std::vector<std::string> accepted, unknown;
  for (auto v : {net::TlsVersion::ssl3, net::TlsVersion::tls1_0, net::TlsVersion::tls1_1,
                 net::TlsVersion::tls1_2, net::TlsVersion::tls1_3}) {
    auto seen = probe.versions.count(v) != 0 ? probe.versions[v] : Seen::unknown;
    auto name = net::tls_version_name(v);
    if (seen == Seen::accepted)
      accepted.push_back(name);
    else if (seen == Seen::unknown)
      unknown.push_back(name);
    bool legacy =
        v == net::TlsVersion::ssl3 || v == net::TlsVersion::tls1_0 || v == net::TlsVersion::tls1_1;
    if (legacy && seen == Seen::accepted) {
      findings.push_back(make_finding(
          meta, e,
          fmt::format("{} accepts {}, which is deprecated (RFC 8996) and outside Mozilla's "
                      "intermediate profile",
                      e.host, name),
          "version " + name, {{"version", name}}));
      serious = true;
    }
  }
  if (probe.versions[net::TlsVersion::tls1_2] != Seen::accepted) {
    findings.push_back(make_finding(
        meta, e,
        fmt::format("{} does not offer TLS 1.2 ({}): clients without TLS 1.3 cannot connect",
                    e.host,
                    probe.details[net::TlsVersion::tls1_2].empty()
                        ? "refused"
                        : probe.details[net::TlsVersion::tls1_2]),
        "no tls1.2", {}));
    serious = true;
  }

  // Judge the suites: the weak classes fail, the rest outside the profile warns.
  std::map<analyze::CipherWeakness, std::vector<std::string>> weak;
  std::vector<std::string> outside;
  for (const auto& s : probe.suites) {
    std::string iana = analyze::cipher_suite_name(s.code);
    if (analyze::profile_allows(profile, iana))
      continue;
    const auto* known = analyze::find_cipher_suite(s.code);
    auto weakness = known != nullptr ? known->weakness : analyze::CipherWeakness::none;
    if (analyze::weakness_fails(weakness))
      weak[weakness].push_back(suite_label(s));
    else
      outside.push_back(suite_label(s));
  }
  for (const auto& [weakness, names] : weak) {
    std::string cls(analyze::weakness_name(weakness));
    findings.push_back(make_finding(
        meta, e, fmt::format("{} accepts {} cipher suite(s): {}", e.host, cls, join(names, ", ")),
        "suites " + cls, {{"suites", names}}));
    serious = true;
  }
  if (!outside.empty())
    findings.push_back(make_finding(
        meta, e,
        fmt::format("{} accepts {} suite(s) outside Mozilla's intermediate profile {}: {}", e.host,
                    outside.size(), profile.version, join(outside, ", ")),
        "suites outside profile", {{"suites", outside}}));

  auto tls13 = static_cast<size_t>(
      std::count_if(probe.suites.begin(), probe.suites.end(),
                    [](const Suite& suite) { return (suite.code >> 8U) == 0x13U; }));
  std::string line = fmt::format(
      "{}: {}; {} {} suite(s)", e.host, accepted.empty() ? "none" : join(accepted, ", "),
      probe.suites.size() - tls13, net::tls_version_name(probe.enumerated));
  if (tls13 > 0)
    line += fmt::format(", {} TLSv1.3 suite(s)", tls13);
  if (!unknown.empty())
    line += fmt::format(" (not determined: {})", join(unknown, ", "));
  out.line = std::move(line);
  return out;
}

} // namespace

CheckResult run_domain_tls_protocols(engine::Context& context, const CheckMeta& meta) {
  if (auto skip = tls::precondition(context, meta))
    return *skip;
  auto endpoints = tls::endpoints(context);
  if (!endpoints)
    return engine::errored(meta, endpoints.error().message);
  auto& prober = *context.tls();

  std::vector<Finding> findings;
  std::vector<std::string> summary;
  bool serious = false;
  auto verdicts = tls::for_each_name(
      *endpoints, [&](const tls::Endpoint& e) { return judge_name(prober, meta, e); });
  for (auto& v : verdicts) {
    std::move(v.findings.begin(), v.findings.end(), std::back_inserter(findings));
    serious = serious || v.serious;
    if (!v.line.empty())
      summary.push_back(std::move(v.line));
  }
  std::string text = join(summary, "; ");
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), serious, text);
  return engine::passed(meta, text);
}

} // namespace lg::checks
