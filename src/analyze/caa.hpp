#pragma once
// CAA records (RFC 8659): the presentation form a Resolver gives (`0 issue "letsencrypt.org"`)
// parsed into flags, tag and value; issue/issuewild values parsed into the issuer and its
// parameters (RFC 8659 section 4.2, RFC 8657); and a relevant CAA set turned into what CAs may
// do. Pure, bounded, no exceptions: record data comes from DNS, which anyone can write.

#include "util/expected.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lg::analyze {

struct CaaRecord {
  unsigned flags = 0; ///< 0-255; bit 128 is the issuer-critical flag
  std::string tag;    ///< lower case (tags match case-insensitively)
  std::string value;  ///< between the quotes, as given
  bool critical() const { return (flags & 128U) != 0; }
};

/// Parses one record's data: flags (0-255), a tag of 1-15 letters and digits, and the value,
/// quoted or not. Errors (kind parse) say what is wrong.
Expected<CaaRecord> parse_caa(std::string_view data);

/// The value of an issue or issuewild property.
struct CaaIssuer {
  std::string domain; ///< the CA's issuer domain name, lower case; empty: no CA ("issue ;")
  std::vector<std::pair<std::string, std::string>> parameters; ///< e.g. accounturi=…, in order
};

/// Parses `value` by RFC 8659's grammar: [issuer-domain-name] [";" parameters]. At most 32
/// parameters. A malformed value authorizes no CA (section 4.2), so callers treat it that way.
Expected<CaaIssuer> parse_caa_issuer(std::string_view value);

/// True for the tags RFC 8659 and its extensions define: issue, issuewild, iodef (RFC 8659),
/// contactemail, contactphone (CA/Browser Forum), issuemail (RFC 9495), issuevmc (BIMI).
bool is_known_caa_tag(std::string_view tag);

/// What a relevant CAA set allows.
struct CaaPolicy {
  bool restricts_issue = false;       ///< at least one issue property: only `issue` may issue
  bool restricts_wild = false;        ///< at least one issuewild property: it governs wildcards
  std::vector<std::string> issue;     ///< CAs named by issue properties, unique, in order
  std::vector<std::string> issuewild; ///< CAs that may issue wildcards (issuewild, else issue)
  std::vector<std::string> iodef;     ///< where CAs report refused requests
  std::vector<std::string> unknown_critical; ///< tags with the critical flag that no CA knows
  std::vector<std::string> problems;         ///< malformed records or values, one line each

  /// issue properties exist and none names a CA (`0 issue ";"`): every CA must refuse.
  bool nobody_may_issue() const { return restricts_issue && issue.empty(); }
  /// An unknown critical tag: RFC 8659 section 4.1 makes every CA refuse to issue.
  bool blocks_all() const { return !unknown_critical.empty(); }
};

/// Judges the relevant CAA set given as each record's data (at most 256 records are read).
CaaPolicy judge_caa(const std::vector<std::string>& records);

} // namespace lg::analyze
