#pragma once
// DMARC policy records (RFC 7489 section 6.3, with the tags DMARCbis adds: np, psd, t): parsed
// and judged. Bytes in, facts out; the DNS tree walk that finds the record lives with the check.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

/// A reporting address of rua/ruf: the URI and its optional size limit ("!10m").
struct DmarcUri {
  std::string uri;             ///< as given, e.g. "mailto:dmarc@example.com"
  std::string limit;           ///< "10m", or empty
  std::string mailbox() const; ///< the address of a mailto: URI, lower case; "" otherwise
};

struct DmarcRecord {
  std::string policy;           ///< p: none, quarantine or reject ("" when missing)
  std::string subdomain_policy; ///< sp ("" when absent: p applies)
  std::string np;               ///< DMARCbis: policy for non-existent subdomains
  int pct = 100;
  char adkim = 'r'; ///< 'r' relaxed or 's' strict
  char aspf = 'r';
  std::vector<DmarcUri> rua;
  std::vector<DmarcUri> ruf;
  std::string fo = "0";
  long ri = 86400;
  std::string psd;      ///< DMARCbis: y, n or u
  bool testing = false; ///< DMARCbis t=y
  std::vector<std::string> unknown_tags;
  std::vector<std::string> errors;   ///< the record is invalid or a tag is ignored by receivers
  std::vector<std::string> warnings; ///< valid but weak: p=none, pct<100, no rua …
};

/// True when a TXT string starts a DMARC record ("v=DMARC1" followed by ';' or the end,
/// whitespace allowed around '=').
bool is_dmarc_record(std::string_view txt);

/// Parses and judges one record. Never fails: what is wrong is in `errors`.
DmarcRecord parse_dmarc(std::string_view txt);

} // namespace lg::analyze
