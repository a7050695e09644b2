// Record type names for the DNS interface.

#include "net/resolver.hpp"

#include "util/text.hpp"

#include <array>
#include <charconv>
#include <utility>

namespace lg::net {

namespace {

constexpr std::array<std::pair<RrType, std::string_view>, 11> k_names{{
    {RrType::a, "A"},
    {RrType::ns, "NS"},
    {RrType::cname, "CNAME"},
    {RrType::soa, "SOA"},
    {RrType::ptr, "PTR"},
    {RrType::mx, "MX"},
    {RrType::txt, "TXT"},
    {RrType::aaaa, "AAAA"},
    {RrType::srv, "SRV"},
    {RrType::spf, "SPF"},
    {RrType::caa, "CAA"},
}};

} // namespace

std::string rr_type_name(RrType type) {
  for (const auto& [t, name] : k_names)
    if (t == type)
      return std::string(name);
  return "TYPE" + std::to_string(static_cast<unsigned>(type));
}

bool parse_rr_type(std::string_view name, RrType& out) {
  std::string upper = to_lower(name);
  for (char& c : upper)
    c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  for (const auto& [t, n] : k_names)
    if (n == upper) {
      out = t;
      return true;
    }
  if (upper.rfind("TYPE", 0) == 0 && upper.size() > 4) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(upper.data() + 4, upper.data() + upper.size(), value);
    if (ec == std::errc() && end == upper.data() + upper.size() && value <= 65535) {
      out = static_cast<RrType>(value);
      return true;
    }
  }
  return false;
}

std::string status_name(DnsStatus status) {
  switch (status) {
  case DnsStatus::ok:
    return "no data";
  case DnsStatus::nxdomain:
    return "NXDOMAIN";
  case DnsStatus::servfail:
    return "SERVFAIL";
  case DnsStatus::timeout:
    return "a timeout";
  }
  return "?";
}

} // namespace lg::net
