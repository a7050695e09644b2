// `launchgate email spf-eval`.

#include "app/cmd_email.hpp"

#include <fmt/format.h>

namespace lg::app {

EmailCommand add_email_spf_eval(CLI::App& email) {
  auto* cmd = email.add_subcommand("spf-eval", "evaluate SPF (RFC 7208) for one connection");
  return {cmd, [] {
            fmt::print(stderr, "launchgate: email spf-eval is not implemented yet\n");
            return 2;
          }};
}

} // namespace lg::app
