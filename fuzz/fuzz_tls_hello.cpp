// Fuzzes the parse of a server's reply to a hand-built ClientHello: those bytes come from any
// server a domain name points at. Also builds hellos from the input (host and suites).

#include "analyze/tls_hello.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto reply = lg::analyze::parse_server_reply(bytes);
  if (reply) {
    (void)lg::analyze::cipher_suite_name(reply->cipher);
    (void)lg::analyze::alert_name(reply->alert_description);
  }
  lg::analyze::ClientHelloSpec spec;
  spec.version = size > 1 ? static_cast<std::uint16_t>(0x0300 + (data[0] & 3U)) : 0x0303;
  spec.host = std::string(bytes.substr(0, std::min<size_t>(size, 300)));
  for (size_t i = 0; i + 1 < size && i < 64; i += 2)
    spec.ciphers.push_back(static_cast<std::uint16_t>((data[i] << 8U) | data[i + 1]));
  (void)lg::analyze::build_client_hello(spec);
  return 0;
}
