// Mozilla's intermediate TLS profile as a table (analyze/tls_profile.hpp). Written from
// rules/tls/mozilla-intermediate.json, itself taken from Mozilla Server Side TLS 5.7
// (https://ssl-config.mozilla.org/guidelines/5.7.json, MPL-2.0); tls_profile_test checks that
// all three agree.

#include "analyze/tls_profile.hpp"

#include <algorithm>

namespace lg::analyze {

const TlsProfile& mozilla_intermediate() {
  static const TlsProfile k_profile{
      .name = "intermediate",
      .version = "5.7",
      .tls_versions = {"TLSv1.2", "TLSv1.3"},
      .ciphersuites = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                       "TLS_CHACHA20_POLY1305_SHA256"},
      .ciphers_iana = {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                       "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                       "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                       "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                       "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                       "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
                       "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
                       "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
      .ciphers_openssl = {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
                          "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
                          "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
                          "DHE-RSA-AES128-GCM-SHA256", "DHE-RSA-AES256-GCM-SHA384",
                          "DHE-RSA-CHACHA20-POLY1305"},
      .certificate_types = {"ecdsa", "rsa"},
      .certificate_curves = {"prime256v1", "secp384r1"},
      .certificate_signatures = {"sha256WithRSAEncryption", "ecdsa-with-SHA256",
                                 "ecdsa-with-SHA384", "ecdsa-with-SHA512"},
      .tls_curves = {"X25519", "prime256v1", "secp384r1"},
      .rsa_key_size = 2048,
      .dh_param_size = 2048,
      .ecdh_param_size = 256,
      .maximum_certificate_lifespan = 366,
      .recommended_certificate_lifespan = 90,
  };
  return k_profile;
}

bool profile_allows(const TlsProfile& profile, std::string_view iana_name) {
  auto has = [&](const std::vector<std::string_view>& list) {
    return std::find(list.begin(), list.end(), iana_name) != list.end();
  };
  return has(profile.ciphers_iana) || has(profile.ciphersuites);
}

} // namespace lg::analyze
