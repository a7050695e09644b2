#pragma once
// Where DNS questions go, from `dns:` (or a command's --zone-file / --dns-server): a zone file
// read and checked now, a server at host:port, or the system's servers.

#include "core/config.hpp"
#include "net/resolver.hpp"

#include <memory>

namespace lg::app {

/// The Resolver `dns` describes: a ZoneResolver for `zone_file` (read and checked now), a
/// CaresResolver on `server`, or one on the system's servers when neither is given; never null.
/// A broken zone file, a malformed server address or c-ares failing to start is an error that
/// names the source.
Expected<std::unique_ptr<net::Resolver>> open_resolver(const DnsConfig& dns,
                                                       const std::string& base_dir);

} // namespace lg::app
