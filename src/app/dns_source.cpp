// open_resolver: the zone-file adapter for dns.zone_file; live DNS (dns.server or the system's
// servers) is not wired yet, so those configurations have no resolver and the DNS checks skip.

#include "app/dns_source.hpp"

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
  return std::unique_ptr<net::Resolver>();
}

} // namespace lg::app
