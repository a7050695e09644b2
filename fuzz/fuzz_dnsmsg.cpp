// Fuzzes the DNS wire-format parser: every byte of an answer comes from a server on the network
// (or whoever spoofs one), so names, pointers, counts and record data are all hostile.

#include "analyze/dnsmsg.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view wire(reinterpret_cast<const char*>(data), size);
  auto message = lg::analyze::parse_dns_message(wire);
  if (message)
    for (const auto& r : message->answers)
      (void)lg::net::rr_type_name(r.type);
  return 0;
}
