#pragma once
// DNS messages in wire format (RFC 1035 section 4): a response read into the records of its
// answer section, in exactly the presentation form the zone-file parser gives (analyze/zonefile),
// so that live DNS and a zone file answer a check alike. Pure; untrusted bytes in, never a crash.

#include "net/resolver.hpp"
#include "util/expected.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

struct DnsMessage {
  std::uint16_t id = 0;
  bool response = false;  ///< the QR bit
  bool truncated = false; ///< the TC bit: the answer did not fit (UDP) and is incomplete
  bool authoritative = false;
  int rcode = 0;               ///< the header's RCODE: 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN …
  std::string question;        ///< the first question's name ("" without one)
  net::RrType question_type{}; ///< and its type
  std::vector<net::DnsRecord> answers; ///< the answer section's records of class IN, in order
};

/// Parses one message of at most 65535 bytes. Names come out lower case without the trailing
/// dot ("" for the root), label bytes outside printable ASCII and '.', '\' as "\DDD"/"\.";
/// compression pointers must point backwards, names stay within 255 octets. Record data as
/// zonefile gives it: A and AAAA (inet_ntop's form), "10 mail.example.com" (MX), the seven SOA
/// fields, "prio weight port target" (SRV), names (NS, CNAME, PTR), TXT/SPF strings in `strings`
/// and concatenated in `data`, CAA as `flags tag "value"` (tag lower case), any other type as
/// RFC 3597's "\# <length> <hex>". The authority and additional sections are walked (to find
/// malformed messages) but not returned. Errors (kind parse) for truncated or malformed bytes.
Expected<DnsMessage> parse_dns_message(std::string_view wire);

/// A query message for `name` (absolute, without the trailing dot) and `type`, class IN, RD set:
/// for tests and probes. Errors when a label is empty or over 63 octets or the name over 255.
Expected<std::string> build_dns_query(std::uint16_t id, std::string_view name, net::RrType type);

} // namespace lg::analyze
