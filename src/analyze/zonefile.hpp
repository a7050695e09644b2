#pragma once
// DNS zone files in the master format of RFC 1035 section 5 (BIND, and the exports of Cloudflare,
// Route 53 and others): $ORIGIN, $TTL, @, relative names, blank owners, TTL and class in either
// order, parentheses across lines, comments, quoted character-strings with escapes. Bytes in,
// records out; no I/O.

#include "net/resolver.hpp"
#include "util/expected.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

struct Zone {
  std::string origin; ///< the last $ORIGIN (or the default), lower case, no trailing dot
  std::vector<net::DnsRecord> records;
};

/// Parses a zone file. `default_origin` stands for @ and completes relative names until a
/// $ORIGIN line (it may be empty when the file sets its own). Errors (kind parse) list up to ten
/// problems as "line N: …": unknown types with no TYPE<n> form, malformed addresses, names and
/// TTLs, unbalanced parentheses or quotes, $INCLUDE (not followed), more than `max_records`.
Expected<Zone> parse_zone(std::string_view text, std::string_view default_origin = "",
                          size_t max_records = 200000);

/// A BIND TTL: seconds, or a sum of numbers with units w, d, h, m, s ("1h30m"); false when
/// malformed or over 2^31-1.
bool parse_ttl(std::string_view text, std::uint32_t& out);

} // namespace lg::analyze
