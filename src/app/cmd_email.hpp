#pragma once
// `launchgate email …`: the email gate's tools on their own. Each subcommand is added by its own
// file; the returned function runs it when it is the one the command line chose.

#include <CLI/CLI.hpp>

#include "net/resolver.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace lg::app {

/// A subcommand of `email` and how to run it (the process exit code).
struct EmailCommand {
  CLI::App* command = nullptr;
  std::function<int()> run;
};

/// `email spf-eval --ip IP --mail-from ADDR [--helo NAME] [--zone-file F | --dns-server H:P]`:
/// RFC 7208 check_host() for one connection; prints the result word and the explanation.
EmailCommand add_email_spf_eval(CLI::App& email);

/// True for an IPv4 or IPv6 address in text form.
bool is_ip_address(const std::string& text);

/// `text` for one terminal line: control bytes shown as '?', at most `max` characters ("…" after).
std::string terminal_line(std::string_view text, std::size_t max = 200);

/// The resolver of a command's --zone-file or --dns-server (the system's servers without
/// either); null, with the reason printed, when it cannot be opened.
std::unique_ptr<net::Resolver> command_resolver(const std::string& zone_file,
                                                const std::string& dns_server);

/// `email verify MESSAGE.eml [--ip IP]`: DKIM signatures, SPF and DMARC alignment of a received
/// message.
EmailCommand add_email_verify(CLI::App& email);

} // namespace lg::app
