// Fuzzes DMARC record parsing: TXT data comes from DNS, which anyone who owns a domain writes.

#include "analyze/dmarc.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)lg::analyze::is_dmarc_record(text);
  auto record = lg::analyze::parse_dmarc(text);
  for (const auto& uri : record.rua)
    (void)uri.mailbox();
  return 0;
}
