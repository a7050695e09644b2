// `launchgate email verify`.

#include "app/cmd_email.hpp"

#include <fmt/format.h>

namespace lg::app {

EmailCommand add_email_verify(CLI::App& email) {
  auto* cmd = email.add_subcommand("verify", "verify DKIM, SPF and DMARC of a received message");
  return {cmd, [] {
            fmt::print(stderr, "launchgate: email verify is not implemented yet\n");
            return 2;
          }};
}

} // namespace lg::app
