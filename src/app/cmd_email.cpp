// What the `email` subcommands share: argument checks, terminal output and their resolver.

#include "app/cmd_email.hpp"

#include "analyze/addresses.hpp"
#include "app/dns_source.hpp"

#include <fmt/format.h>

namespace lg::app {

bool is_ip_address(const std::string& text) {
  return analyze::classify_address(text) != analyze::AddressClass::invalid;
}

std::string terminal_line(std::string_view text, std::size_t max) {
  std::string out(text.substr(0, max));
  for (auto& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      c = '?';
  if (text.size() > max)
    out += "…";
  return out;
}

std::unique_ptr<net::Resolver> command_resolver(const std::string& zone_file,
                                                const std::string& dns_server) {
  DnsConfig config;
  config.zone_file = zone_file;
  config.server = dns_server;
  auto opened = open_resolver(config, "");
  if (!opened) {
    fmt::print(stderr, "launchgate: {}\n", opened.error().message);
    return nullptr;
  }
  return std::move(*opened);
}

} // namespace lg::app
