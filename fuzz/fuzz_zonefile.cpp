// Fuzzes the zone-file parser (a user's export, or a file a hostile repository ships) and the
// resolver over what it parsed: CNAME chains, wildcards, empty non-terminals.

#include "analyze/zonefile.hpp"
#include "net/impl/zone_resolver.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto zone = lg::analyze::parse_zone(text, "example.com", 2000);
  if (!zone)
    return 0;
  std::vector<std::string> names;
  for (const auto& r : zone->records)
    if (names.size() < 8)
      names.push_back(r.name);
  lg::net::ZoneResolver dns(std::move(*zone));
  for (const auto& name : names)
    for (auto type : {lg::net::RrType::a, lg::net::RrType::txt, lg::net::RrType::cname})
      (void)dns.query("x." + name, type), (void)dns.query(name, type);
  std::uint32_t ttl = 0;
  (void)lg::analyze::parse_ttl(text.substr(0, 32), ttl);
  return 0;
}
