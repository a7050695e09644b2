// Classifies IPv4 and IPv6 addresses by the IANA special-purpose address registries (RFC 6890,
// RFC 1918, RFC 6598, RFC 4193, RFC 4291, RFC 5737, RFC 3849). Shared by the domain gate's
// checks (domain.dns) and any check that judges where a record points.

#include "analyze/addresses.hpp"

#include <arpa/inet.h>

#include <array>

namespace lg::analyze {

namespace {

using Bytes = std::array<unsigned char, 16>;

/// Parses `address` as IPv4 (4 bytes used, returns 4) or IPv6 (16 bytes, returns 6); 0 if neither.
int parse(std::string_view address, Bytes& b) {
  if (address.empty() || address.size() > 64 || address.find('\0') != std::string_view::npos)
    return 0;
  std::string text(address); // inet_pton needs a terminated string
  if (inet_pton(AF_INET, text.c_str(), b.data()) == 1)
    return 4;
  if (inet_pton(AF_INET6, text.c_str(), b.data()) == 1)
    return 6;
  return 0;
}

AddressClass classify_v4(unsigned char a, unsigned char b, unsigned char c) {
  if (a == 10 || (a == 172 && (b & 0xF0) == 16) || (a == 192 && b == 168))
    return AddressClass::private_use;
  if (a == 100 && (b & 0xC0) == 64)
    return AddressClass::shared;
  if (a == 127)
    return AddressClass::loopback;
  if (a == 169 && b == 254)
    return AddressClass::link_local;
  if (a == 0)
    return AddressClass::unspecified;
  if ((a & 0xF0) == 224)
    return AddressClass::multicast;
  if ((a == 192 && b == 0 && c == 2) || (a == 198 && b == 51 && c == 100) ||
      (a == 203 && b == 0 && c == 113))
    return AddressClass::documentation;
  if ((a & 0xF0) == 240) // includes 255.255.255.255
    return AddressClass::reserved;
  return AddressClass::global;
}

} // namespace

AddressClass classify_address(std::string_view address) {
  Bytes b{};
  int family = parse(address, b);
  if (family == 4)
    return classify_v4(b[0], b[1], b[2]);
  if (family != 6)
    return AddressClass::invalid;
  static constexpr Bytes k_any{};
  static constexpr Bytes k_loopback{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  if (b == k_any)
    return AddressClass::unspecified;
  if (b == k_loopback)
    return AddressClass::loopback;
  // ::ffff:a.b.c.d reaches the IPv4 address a.b.c.d.
  bool mapped = b[10] == 0xFF && b[11] == 0xFF;
  for (size_t i = 0; i < 10 && mapped; ++i)
    mapped = b[i] == 0;
  if (mapped)
    return classify_v4(b[12], b[13], b[14]);
  if ((b[0] & 0xFE) == 0xFC)
    return AddressClass::unique_local;
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80)
    return AddressClass::link_local;
  if (b[0] == 0xFF)
    return AddressClass::multicast;
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8)
    return AddressClass::documentation;
  return AddressClass::global;
}

bool unreachable_from_internet(AddressClass c) {
  switch (c) {
  case AddressClass::private_use:
  case AddressClass::shared:
  case AddressClass::loopback:
  case AddressClass::link_local:
  case AddressClass::unique_local:
  case AddressClass::unspecified:
  case AddressClass::multicast:
  case AddressClass::reserved:
    return true;
  case AddressClass::invalid:
  case AddressClass::global:
  case AddressClass::documentation:
    return false;
  }
  return false;
}

std::string describe(AddressClass c) {
  switch (c) {
  case AddressClass::invalid:
    return "not an address";
  case AddressClass::global:
    return "a public address";
  case AddressClass::private_use:
    return "a private address (RFC 1918)";
  case AddressClass::shared:
    return "a carrier-grade NAT address (RFC 6598)";
  case AddressClass::loopback:
    return "a loopback address";
  case AddressClass::link_local:
    return "a link-local address";
  case AddressClass::unique_local:
    return "a unique local address (RFC 4193)";
  case AddressClass::unspecified:
    return "an unspecified address";
  case AddressClass::multicast:
    return "a multicast address";
  case AddressClass::documentation:
    return "a documentation address (RFC 5737 / RFC 3849)";
  case AddressClass::reserved:
    return "a reserved address (240.0.0.0/4)";
  }
  return "?";
}

std::string canonical_address(std::string_view address) {
  Bytes b{};
  int family = parse(address, b);
  if (family == 0)
    return "";
  std::array<char, INET6_ADDRSTRLEN> out{};
  if (inet_ntop(family == 4 ? AF_INET : AF_INET6, b.data(), out.data(),
                static_cast<socklen_t>(out.size())) == nullptr)
    return "";
  return out.data();
}

} // namespace lg::analyze
