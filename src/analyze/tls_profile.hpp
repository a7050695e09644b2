#pragma once
// The TLS profile domain.tls-protocols and domain.tls-cert judge against: Mozilla's Server Side
// TLS "intermediate" configuration, version 5.7 (rules/tls/mozilla-intermediate.json, MPL-2.0).
// Compiled in as a table; a unit test keeps it equal to the data file and to Mozilla's JSON.

#include <cstdint>
#include <string_view>
#include <vector>

namespace lg::analyze {

struct TlsProfile {
  std::string_view name;                         ///< "intermediate"
  std::string_view version;                      ///< of Mozilla's guidelines, "5.7"
  std::vector<std::string_view> tls_versions;    ///< "TLSv1.2", "TLSv1.3"
  std::vector<std::string_view> ciphersuites;    ///< TLS 1.3 suites, IANA names
  std::vector<std::string_view> ciphers_iana;    ///< TLS 1.2 suites, IANA names
  std::vector<std::string_view> ciphers_openssl; ///< the same suites, OpenSSL names
  std::vector<std::string_view> certificate_types;
  std::vector<std::string_view> certificate_curves;
  std::vector<std::string_view> certificate_signatures; ///< OpenSSL long names
  std::vector<std::string_view> tls_curves;
  int rsa_key_size = 0;
  int dh_param_size = 0;
  int ecdh_param_size = 0;
  int maximum_certificate_lifespan = 0;     ///< days
  int recommended_certificate_lifespan = 0; ///< days
};

/// Mozilla's intermediate profile.
const TlsProfile& mozilla_intermediate();

/// Whether the profile allows the suite with IANA name `iana_name` (TLS 1.2 or 1.3).
bool profile_allows(const TlsProfile& profile, std::string_view iana_name);

} // namespace lg::analyze
