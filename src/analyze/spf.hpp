#pragma once
// SPF (RFC 7208): the record parser, macro expansion, check_host() over a Resolver, and a static
// lint of a domain's record with its includes and redirect. DNS is asked only through
// net::Resolver; nothing here opens a socket.

#include "net/resolver.hpp"
#include "util/expected.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

enum class SpfResult { none, neutral, pass, fail, softfail, temperror, permerror };

/// "none", "neutral", "pass", "fail", "softfail", "temperror" or "permerror".
std::string_view spf_result_name(SpfResult result);

/// One connection to evaluate (RFC 7208 section 4.1).
struct SpfQuery {
  std::string ip;     ///< the client's IPv4 or IPv6 address (IPv4-mapped IPv6 is taken as IPv4)
  std::string sender; ///< MAIL FROM; empty: postmaster@`helo` (section 2.4)
  std::string helo;   ///< the HELO/EHLO name
  std::string receiver = "unknown"; ///< %{r}
  long long now = 0;                ///< %{t}, seconds since the epoch
  /// The explanation given for a fail when the record has no usable exp= (empty: none).
  std::string default_explanation;
};

struct SpfOutcome {
  SpfResult result = SpfResult::none;
  std::string explanation;      ///< exp= text for fail (or the query's default), else empty
  std::string domain;           ///< the domain evaluated (the sender's, or the HELO name)
  std::string record;           ///< its SPF record, if any
  std::string mechanism;        ///< the term that matched, if any
  std::string problem;          ///< why permerror/temperror/none, human-readable
  int dns_lookups = 0;          ///< DNS-querying terms evaluated (limit 10)
  int void_lookups = 0;         ///< of those, lookups that found nothing (limit 2)
  std::string mechanism_domain; ///< the domain whose record holds `mechanism` (redirects)
};

/// RFC 7208 check_host() for `query`: section 4 record selection, section 5 mechanisms,
/// section 6 modifiers, the section 4.6.4 limits. Never fails: DNS trouble is temperror.
SpfOutcome check_host(net::Resolver& dns, const SpfQuery& query);

// ---- the record -------------------------------------------------------------------------------

enum class SpfMechanismKind { all, include, a, mx, ptr, ip4, ip6, exists };

struct SpfMechanism {
  char qualifier = '+'; ///< '+', '-', '~' or '?'
  SpfMechanismKind kind = SpfMechanismKind::all;
  std::string domain_spec; ///< include, a, mx, ptr, exists: the macro-string target ("" = <domain>)
  std::string network;     ///< ip4, ip6: the address as written
  int cidr4 = 32;          ///< ip4, a, mx
  int cidr6 = 128;         ///< ip6, a, mx
  std::string text;        ///< the term as written
};

struct SpfModifier {
  std::string name; ///< lower case
  std::string value;
};

struct SpfRecord {
  std::vector<SpfMechanism> mechanisms;
  bool has_redirect = false;
  std::string redirect; ///< domain-spec
  bool has_exp = false;
  std::string exp;                  ///< domain-spec
  std::vector<SpfModifier> unknown; ///< modifiers other than redirect and exp
  bool has_all() const;             ///< an "all" mechanism is present
  int dns_terms() const;            ///< include, a, mx, ptr, exists (+ redirect without all)
};

/// True when `txt` is an SPF version 1 record: "v=spf1" (any case) then a space or the end.
bool is_spf_record(std::string_view txt);

/// Parses one record (section 4.6 and the ABNF of section 12). Any syntax error anywhere is an
/// error whose message names the term and what is wrong with it (evaluation gives permerror).
Expected<SpfRecord> parse_spf(std::string_view txt);

// ---- macros -----------------------------------------------------------------------------------

/// The values macros expand to (section 7.2).
struct SpfMacroContext {
  std::string sender; ///< <sender> as evaluated, "local@domain"
  std::string domain; ///< <domain>: %{d}
  std::string ip;     ///< the client's address: %{i}, %{c}, %{v}
  std::string helo;   ///< %{h}
  std::string receiver = "unknown";
  long long now = 0;
  std::function<std::string()> validated_name; ///< %{p}; unset: "unknown"
};

/// Expands a macro-string (a domain-spec when `explanation` is false) or, when `explanation` is
/// true, an explain-string, where spaces and the letters c, r and t are allowed too. Uppercase
/// macro letters URL-escape their value. Errors are syntax errors; output is capped at 8 KiB.
Expected<std::string> expand_spf_macros(std::string_view text, const SpfMacroContext& context,
                                        bool explanation);

/// A name built from a domain-spec made ready for a query (section 7.3): one trailing dot
/// dropped, labels removed from the left until it is at most 253 characters. Empty when the
/// result is not a usable DNS name (an empty label, a label over 63 characters).
std::string spf_target_name(std::string_view expanded);

// ---- lint -------------------------------------------------------------------------------------

struct SpfLintProblem {
  bool serious = false; ///< receivers return permerror or accept forged mail
  std::string key;      ///< what identifies the problem, for fingerprints
  std::string message;
};

/// A static walk of the record at `domain`, its includes and its redirect, without a client
/// address: what receivers will trip over before any mail is sent.
struct SpfLint {
  std::string domain;
  net::DnsStatus status = net::DnsStatus::ok; ///< of the TXT query at `domain`
  std::string lookup_error;                   ///< the resolver's error, if it failed
  std::vector<std::string> records;           ///< every "v=spf1" TXT record at `domain`
  std::string record;                         ///< the record when there is exactly one
  int dns_lookups = 0;    ///< DNS-querying terms over the record, its includes and redirect
  int void_lookups = 0;   ///< a/mx/include targets that do not exist or have no data
  char all_qualifier = 0; ///< the final all's qualifier (through redirect), 0 when none
  bool has_redirect = false;
  bool uses_ptr = false;
  std::vector<std::string> unverified;  ///< targets not followed: macros, unanswered lookups
  std::vector<SpfLintProblem> problems; ///< serious ones first
};

/// Walks `domain`'s SPF record (include and redirect followed up to 10 levels, loops stopped).
SpfLint lint_spf(net::Resolver& dns, const std::string& domain);

} // namespace lg::analyze
