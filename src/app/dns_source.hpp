#pragma once
// Where DNS questions go, from `dns:` (or a command's --zone-file / --dns-server): a zone file
// read and checked now, a server at host:port, or the system's servers.

#include "core/config.hpp"
#include "net/resolver.hpp"

#include <memory>

namespace lg::app {

/// The Resolver `dns` describes; a broken zone file or server address is an error that names it.
/// Null when there is no DNS source available (no zone file, no server, no system resolver).
Expected<std::unique_ptr<net::Resolver>> open_resolver(const DnsConfig& dns,
                                                       const std::string& base_dir);

} // namespace lg::app
