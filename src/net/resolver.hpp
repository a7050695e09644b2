#pragma once
// The DNS interface the email, domain and edge gates ask through. Adapters (net/impl): a zone file
// read offline (ZoneResolver) and c-ares against live servers (CaresResolver). Names are compared
// case-insensitively and given without the trailing dot.

#include "util/expected.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lg::net {

/// Record types by their IANA numbers.
enum class RrType : std::uint16_t {
  a = 1,
  ns = 2,
  cname = 5,
  soa = 6,
  ptr = 12,
  mx = 15,
  txt = 16,
  aaaa = 28,
  srv = 33,
  spf = 99,
  caa = 257,
};

/// "A", "MX" …, or "TYPE<n>" for types without a name here.
std::string rr_type_name(RrType type);
/// The type named `name` (case-insensitive, "TYPE<n>" accepted); false when unknown.
bool parse_rr_type(std::string_view name, RrType& out);

struct DnsRecord {
  std::string name; ///< owner, lower case, no trailing dot
  RrType type = RrType::a;
  std::uint32_t ttl = 0;
  /// The data in presentation form with names absolute and without trailing dots:
  /// "192.0.2.1", "10 mail.example.com", "ns1.example.com hostmaster.example.com 1 7200 …".
  /// TXT and SPF: the character-strings concatenated (RFC 7208 section 3.3).
  std::string data;
  std::vector<std::string> strings; ///< TXT and SPF: each character-string as it stands
};

enum class DnsStatus {
  ok,       ///< the name exists; `records` may be empty (no data of that type)
  nxdomain, ///< the name does not exist
  servfail, ///< the server failed, or a zone file does not cover the name
  timeout,  ///< no answer in time
};

/// "no data", "NXDOMAIN", "SERVFAIL" or "a timeout", for messages.
std::string status_name(DnsStatus status);

/// True for the statuses that say nothing about the name: SERVFAIL and timeouts.
inline bool unanswered(DnsStatus status) {
  return status == DnsStatus::servfail || status == DnsStatus::timeout;
}

struct DnsAnswer {
  DnsStatus status = DnsStatus::ok;
  std::vector<DnsRecord> records; ///< CNAMEs followed on the way come first
  /// The AA bit of the last response: the server answered from a zone it holds (RFC 1035
  /// section 4.1.1). From a zone file: true for the names it holds.
  bool authoritative = false;
};

class Resolver {
public:
  virtual ~Resolver() = default;
  /// The records of `type` at `name` (CNAMEs followed). Errors only for misuse or a broken
  /// source; DNS outcomes (NXDOMAIN, SERVFAIL, timeouts) are statuses.
  virtual Expected<DnsAnswer> query(const std::string& name, RrType type) = 0;

  /// A resolver that asks only the server at `address` (a literal IPv4 or IPv6 address) on
  /// `port`, without recursion: how the domain gate asks a zone's own name servers. Null when
  /// this source cannot ask a chosen server (a zone file is one copy of each zone); errors for
  /// an address that is not a literal.
  virtual Expected<std::unique_ptr<Resolver>> direct(const std::string& address, int port) {
    (void)address;
    (void)port;
    return std::unique_ptr<Resolver>();
  }
};

} // namespace lg::net
