#pragma once
// DMARC policy records (RFC 7489 section 6.3, with the tags DMARCbis adds: np, psd, t): parsed
// and judged; and found through a Resolver, as RFC 7489 receivers do (the domain, then its
// organizational domain from the public suffix list) or by the DMARCbis DNS tree walk.

#include "net/resolver.hpp"
#include "util/expected.hpp"

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

/// How a receiver finds the record that applies to a domain.
enum class DmarcMethod {
  rfc7489,   ///< _dmarc.<domain>, else _dmarc.<organizational domain> (public suffix list)
  tree_walk, ///< DMARCbis: _dmarc.<domain>, then each parent (at most 7 labels kept) to the TLD
};

/// The record that applies to a domain, and where it was found.
struct DmarcDiscovery {
  bool found = false;                ///< exactly one valid record was found
  std::string policy_domain;         ///< the domain whose _dmarc record applies ("" if none)
  std::string name;                  ///< "_dmarc.<policy_domain>", or the last name asked
  std::string text;                  ///< the record as published
  DmarcRecord record;                ///< parsed when found
  std::vector<std::string> records;  ///< every v=DMARC1 record at `name` (several: ignored)
  std::string organizational_domain; ///< by the method's rules; the domain itself when unknown
  std::vector<std::string> tried;    ///< the names asked, in order
  std::string problem;               ///< why nothing applies: none published, several, DNS failure
  bool temporary = false;            ///< the DNS failed (receivers defer: temperror)
  bool subdomain = false;            ///< the record is a parent's: sp (or np) applies, not p
};

/// Finds the record that applies to `domain` (lower case, no trailing dot) by `method`. DNS
/// failures are in `problem` with `temporary` set; errors only when the resolver is broken.
Expected<DmarcDiscovery> discover_dmarc(net::Resolver& dns, const std::string& domain,
                                        DmarcMethod method = DmarcMethod::rfc7489);

} // namespace lg::analyze
