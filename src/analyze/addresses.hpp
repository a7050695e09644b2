#pragma once
// IP addresses classified by the special-purpose registries (RFC 6890 and its updates): which
// addresses a DNS record may publish for users on the internet and which ones nobody outside
// the operator's own network can reach. Pure; no I/O.

#include <string>
#include <string_view>

namespace lg::analyze {

enum class AddressClass {
  invalid,       ///< not an IPv4 or IPv6 address in text form
  global,        ///< none of the below: reachable as far as the address tells
  private_use,   ///< 10/8, 172.16/12, 192.168/16 (RFC 1918)
  shared,        ///< 100.64/10, carrier-grade NAT (RFC 6598)
  loopback,      ///< 127/8, ::1
  link_local,    ///< 169.254/16, fe80::/10
  unique_local,  ///< fc00::/7 (RFC 4193)
  unspecified,   ///< 0/8, ::
  multicast,     ///< 224/4, ff00::/8
  documentation, ///< 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32 (RFC 5737, 3849)
  reserved,      ///< 240/4 and 255.255.255.255
};

/// The class of `address` ("192.0.2.1", "2001:db8::1"); an IPv4-mapped IPv6 address
/// (::ffff:10.0.0.1) has the class of its IPv4 address.
AddressClass classify_address(std::string_view address);

/// True for the classes no user on the internet can reach a server at: private use, shared,
/// loopback, link-local, unique local, unspecified, multicast and reserved. Documentation
/// addresses count as reachable: examples and test fixtures use them in place of public ones.
bool unreachable_from_internet(AddressClass c);

/// "a private address (RFC 1918)", "a loopback address" …; "a public address" for `global`.
std::string describe(AddressClass c);

/// `address` in its canonical text form ("2001:db8::1" for "2001:0DB8:0:0::1"), or "" when it
/// is not an address. Use it to compare addresses written differently.
std::string canonical_address(std::string_view address);

} // namespace lg::analyze
