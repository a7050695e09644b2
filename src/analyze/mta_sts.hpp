#pragma once
// MTA-STS (RFC 8461): the _mta-sts TXT record, the policy file served at
// https://mta-sts.<domain>/.well-known/mta-sts.txt and its MX patterns; and the TLS-RPT record
// (RFC 8460) at _smtp._tls.<domain>. Pure: text in, judgements out.

#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

/// True when TXT data starts an MTA-STS record: "v=STSv1" followed by ';', white space or the
/// end (RFC 8461 section 3.1: senders discard the others).
bool is_mta_sts_record(std::string_view txt);

struct MtaStsRecord {
  std::string id;                  ///< the id field (1 to 32 letters and digits when valid)
  std::vector<std::string> errors; ///< empty when senders accept the record
};

/// Parses "v=STSv1; id=20240501T0000;" (RFC 8461 section 3.1): the version first, fields
/// separated by ';' with optional white space, exactly one id of 1-32 alphanumerics; unknown
/// fields are allowed (extensions).
MtaStsRecord parse_mta_sts_record(std::string_view txt);

struct MtaStsPolicy {
  std::string version;               ///< "STSv1" when valid
  std::string mode;                  ///< enforce, testing or none ("" when missing)
  long long max_age = -1;            ///< seconds; -1 when missing or malformed
  std::vector<std::string> mx;       ///< patterns, lower case: "mail.example.com", "*.example.net"
  std::vector<std::string> errors;   ///< senders reject the policy, or it breaks delivery
  std::vector<std::string> warnings; ///< valid but weak: testing or none, a short max_age
};

/// Parses and judges a policy body (RFC 8461 section 3.2): "key: value" lines ending in LF or
/// CRLF; version STSv1, mode, max_age (0 to 31557600; under 86400 is a warning), mx lines
/// (required unless mode is none). Keys are case-sensitive; unknown keys are ignored. Bodies
/// over 64 KiB are an error and only their first 64 KiB are read.
MtaStsPolicy parse_mta_sts_policy(std::string_view body);

/// Whether MX host `host` matches policy pattern `pattern` (RFC 8461 section 4.1):
/// case-insensitive, a leading "*." stands for exactly one label.
bool mta_sts_mx_matches(std::string_view pattern, std::string_view host);

/// True when TXT data starts a TLS-RPT record ("v=TLSRPTv1" then ';', white space or the end).
bool is_tlsrpt_record(std::string_view txt);

/// The rua destinations of a TLS-RPT record (RFC 8460 section 3: "rua=mailto:a@x,https://r/"),
/// each trimmed; empty when there is no rua field.
std::vector<std::string> tlsrpt_rua(std::string_view txt);

} // namespace lg::analyze
