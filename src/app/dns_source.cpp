// open_resolver: the zone-file adapter for dns.zone_file, c-ares on dns.server, else c-ares on the
// system's servers (/etc/resolv.conf). Live resolvers keep every answer for the run.

#include "app/dns_source.hpp"

#include "net/impl/cares_resolver.hpp"
#include "net/impl/zone_resolver.hpp"

#include <filesystem>

namespace lg::app {

Expected<std::unique_ptr<net::Resolver>> open_resolver(const DnsConfig& dns,
                                                       const std::string& base_dir) {
  if (!dns.zone_file.empty()) {
    std::filesystem::path path = dns.zone_file;
    if (path.is_relative() && !base_dir.empty())
      path = std::filesystem::path(base_dir) / path;
    auto loaded = net::ZoneResolver::load(path.string(), dns.origin);
    if (!loaded)
      return unexpected(loaded.error().kind, "dns.zone_file " + loaded.error().message);
    return std::unique_ptr<net::Resolver>(std::move(*loaded));
  }
  net::CaresOptions options;
  options.server = dns.server;
  auto live = net::CaresResolver::open(options);
  if (!live)
    return unexpected(live.error());
  return std::unique_ptr<net::Resolver>(std::move(*live));
}

} // namespace lg::app
