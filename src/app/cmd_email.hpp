#pragma once
// `launchgate email …`: the email gate's tools on their own. Each subcommand is added by its own
// file; the returned function runs it when it is the one the command line chose.

#include <CLI/CLI.hpp>

#include <functional>

namespace lg::app {

/// A subcommand of `email` and how to run it (the process exit code).
struct EmailCommand {
  CLI::App* command = nullptr;
  std::function<int()> run;
};

/// `email spf-eval --ip IP --mail-from ADDR [--helo NAME] [--zone-file F | --dns-server H:P]`:
/// RFC 7208 check_host() for one connection; prints the result word and the explanation.
EmailCommand add_email_spf_eval(CLI::App& email);

/// `email verify MESSAGE.eml [--ip IP]`: DKIM signatures, SPF and DMARC alignment of a received
/// message.
EmailCommand add_email_verify(CLI::App& email);

} // namespace lg::app
