// domain.tls-cert: for each domain.names entry, one TLS handshake (any version from 1.0, SNI =
// the name) to the address the name resolves to, and the certificate judged: the chain validates
// (system store plus domain.ca_file), the name is covered (RFC 6125 / RFC 9525), days to expiry
// (fail under 7, warn under 30), not self-signed, key size and signature algorithm, and the
// lifetime against Mozilla's intermediate profile (analyze/tls_profile).

#include "analyze/tls_profile.hpp"
#include "checks/domain/tls_common.hpp"
#include "checks/registry.hpp"
#include "util/text.hpp"

#include <chrono>
#include <ctime>
#include <fmt/format.h>

namespace lg::checks {

namespace {

constexpr std::int64_t k_day = 86400;

std::string date_text(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr)
    return "?";
  char buf[32];
  if (std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
    return "?";
  return buf;
}

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return s;
}

bool weak_signature(const std::string& name) {
  auto n = lower(name);
  return n.find("sha1") != std::string::npos || n.find("md5") != std::string::npos ||
         n.find("md2") != std::string::npos || n.find("md4") != std::string::npos;
}

/// Judges one endpoint's handshake; findings go to `out`, `serious` is raised for failures.
struct Judge {
  const CheckMeta& meta;
  std::vector<Finding>& out;
  bool& serious;

  Finding make(const tls::Endpoint& e, const net::CertInfo* leaf, std::string message,
               const std::string& key) const {
    Finding f;
    f.message = std::move(message);
    f.evidence = {{"host", e.host}, {"port", e.port}, {"address", e.address}};
    if (leaf != nullptr) {
      f.evidence["subject"] = leaf->subject;
      f.evidence["issuer"] = leaf->issuer;
      f.evidence["not_after"] = date_text(leaf->not_after);
      f.evidence["fingerprint"] = leaf->sha256;
    }
    f.fingerprint = make_fingerprint(meta.id, {e.host, std::to_string(e.port), key});
    return f;
  }
  void fail(const tls::Endpoint& e, const net::CertInfo* leaf, std::string message,
            const std::string& key) const {
    out.push_back(make(e, leaf, std::move(message), key));
    serious = true;
  }
  void warn(const tls::Endpoint& e, const net::CertInfo* leaf, std::string message,
            const std::string& key) const {
    out.push_back(make(e, leaf, std::move(message), key));
  }
};

std::string names_of(const net::CertInfo& leaf) {
  std::vector<std::string> names = leaf.dns_names;
  names.insert(names.end(), leaf.ip_addresses.begin(), leaf.ip_addresses.end());
  if (names.empty())
    return fmt::format("no subjectAltName, CN={}", leaf.common_name);
  return "names: " + join(names, ", ");
}

} // namespace

CheckResult run_domain_tls_cert(engine::Context& context, const CheckMeta& meta) {
  if (auto skip = tls::precondition(context, meta))
    return *skip;
  auto endpoints = tls::endpoints(context);
  if (!endpoints)
    return engine::errored(meta, endpoints.error().message);

  const auto& profile = analyze::mozilla_intermediate();
  const auto& domain = context.config().domain;
  net::TlsOffer offer;
  offer.min_version = net::TlsVersion::tls1_0;
  offer.max_version = net::TlsVersion::tls1_3;
  offer.ciphers = "ALL:!aNULL:!eNULL:@SECLEVEL=0"; // reach the certificate of old servers too
  offer.security_level = 0;
  if (!domain.ca_file.empty())
    offer.ca_file = context.config().resolve_path(domain.ca_file);
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();

  std::vector<Finding> findings;
  std::vector<std::string> summary;
  bool serious = false;
  Judge judge{meta, findings, serious};
  auto& prober = *context.tls();
  auto handshakes = tls::for_each_name(*endpoints, [&](const tls::Endpoint& e) {
    return e.address.empty() ? Expected<net::TlsHandshake>(net::TlsHandshake{})
                             : prober.handshake(tls::target_of(e), offer);
  });
  for (size_t n = 0; n < endpoints->size(); ++n) {
    const auto& e = (*endpoints)[n];
    if (e.address.empty()) {
      judge.fail(e, nullptr, fmt::format("{}: no certificate could be checked", e.problem),
                 "unresolved");
      continue;
    }
    auto& hs = handshakes[n];
    if (!hs) {
      if (hs.error().kind != ErrorKind::network)
        return engine::errored(meta, hs.error().message);
      judge.fail(e, nullptr,
                 fmt::format("{} ({}:{}): no TLS connection: {}", e.host, e.address, e.port,
                             hs.error().message),
                 "unreachable");
      continue;
    }
    if (hs->outcome != net::TlsOutcome::connected) {
      judge.fail(e, nullptr,
                 fmt::format("{} ({}:{}): the TLS handshake {}: {}", e.host, e.address, e.port,
                             hs->outcome == net::TlsOutcome::timeout ? "timed out" : "failed",
                             hs->detail),
                 "handshake");
      continue;
    }
    if (hs->chain.empty()) {
      judge.fail(e, nullptr, fmt::format("{}: the server sent no certificate", e.host),
                 "no certificate");
      continue;
    }
    const auto& leaf = hs->chain.front();
    std::int64_t days_left = (leaf.not_after - now) / k_day;
    summary.push_back(fmt::format("{} ({}, {} {}-bit, {}) expires {} ({} days)", e.host,
                                  leaf.common_name.empty() ? leaf.subject : leaf.common_name,
                                  leaf.key_type, leaf.key_bits, leaf.signature_algorithm,
                                  date_text(leaf.not_after).substr(0, 10), days_left));

    if (leaf.self_signed)
      judge.fail(e, &leaf,
                 fmt::format("{}: the certificate is self-signed: no browser trusts it", e.host),
                 "self-signed");
    else if (!hs->verified && hs->verify_error != "certificate has expired" &&
             hs->verify_error != "certificate is not yet valid") // those are judged below
      judge.fail(e, &leaf,
                 fmt::format("{}: the chain does not validate ({}); issuer {}", e.host,
                             hs->verify_error, leaf.issuer),
                 "chain");
    if (!hs->name_covered)
      judge.fail(
          e, &leaf,
          fmt::format("{}: the certificate does not cover this name ({})", e.host, names_of(leaf)),
          "name");
    if (leaf.not_after <= now)
      judge.fail(
          e, &leaf,
          fmt::format("{}: the certificate expired on {}", e.host, date_text(leaf.not_after)),
          "expired");
    else if (leaf.not_before > now)
      judge.fail(e, &leaf,
                 fmt::format("{}: the certificate is not valid before {}", e.host,
                             date_text(leaf.not_before)),
                 "not yet valid");
    else if (days_left < 7)
      judge.fail(e, &leaf,
                 fmt::format("{}: the certificate expires in {} day(s), on {}", e.host, days_left,
                             date_text(leaf.not_after)),
                 "expiring");
    else if (days_left < 30)
      judge.warn(e, &leaf,
                 fmt::format("{}: the certificate expires in {} days, on {}: renew it now", e.host,
                             days_left, date_text(leaf.not_after)),
                 "expiring");
    if (leaf.key_type == "RSA" && leaf.key_bits < profile.rsa_key_size)
      judge.fail(e, &leaf,
                 fmt::format("{}: RSA key of {} bits (at least {} needed)", e.host, leaf.key_bits,
                             profile.rsa_key_size),
                 "rsa key");
    if (leaf.key_type == "EC" && leaf.key_bits < profile.ecdh_param_size)
      judge.fail(e, &leaf,
                 fmt::format("{}: EC key of {} bits (at least {} needed)", e.host, leaf.key_bits,
                             profile.ecdh_param_size),
                 "ec key");
    if (leaf.key_type == "DSA" || leaf.key_type == "?")
      judge.fail(e, &leaf,
                 fmt::format("{}: {} key: browsers do not accept it", e.host, leaf.key_type),
                 "key type");
    // Signatures that matter: the leaf's and the intermediates' (a root's self-signature is
    // never checked by clients).
    for (size_t i = 0; i < hs->chain.size(); ++i) {
      const auto& cert = hs->chain[i];
      if ((i == 0 || !cert.self_signed) && weak_signature(cert.signature_algorithm)) {
        judge.fail(e, &leaf,
                   fmt::format("{}: {} is signed with {} (collisions are practical)", e.host,
                               i == 0 ? "the certificate" : "the intermediate " + cert.subject,
                               cert.signature_algorithm),
                   "signature " + cert.sha256);
      }
    }
    std::int64_t lifetime = (leaf.not_after - leaf.not_before) / k_day;
    if (lifetime > profile.maximum_certificate_lifespan)
      judge.warn(e, &leaf,
                 fmt::format("{}: the certificate is valid for {} days; browsers reject more "
                             "than {} (Mozilla intermediate profile {}): issue shorter-lived "
                             "certificates",
                             e.host, lifetime, profile.maximum_certificate_lifespan,
                             profile.version),
                 "lifetime");
  }
  std::string text = join(summary, "; ");
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), serious, text);
  return engine::passed(meta, text);
}

} // namespace lg::checks
