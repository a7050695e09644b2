// Fuzzes the MTA-STS parsers: the _mta-sts and _smtp._tls TXT records come from DNS and the
// policy body from an HTTPS server, both written by whoever runs the domain.

#include "analyze/mta_sts.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)lg::analyze::is_mta_sts_record(text);
  (void)lg::analyze::parse_mta_sts_record(text);
  auto policy = lg::analyze::parse_mta_sts_policy(text);
  for (const auto& pattern : policy.mx)
    (void)lg::analyze::mta_sts_mx_matches(pattern, "mx1.example.com");
  (void)lg::analyze::tlsrpt_rua(text);
  return 0;
}
