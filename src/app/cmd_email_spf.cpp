// `launchgate email spf-eval`: RFC 7208 check_host() for one connection (analyze/spf) over a
// zone file or a DNS server. Prints the result word, then the explanation (fail with exp=) or
// why the result is none, temperror or permerror. Exit 0 once evaluated, 2 for usage errors.

#include "app/cmd_email.hpp"

#include "analyze/spf.hpp"
#include "app/dns_source.hpp"

#include <arpa/inet.h>
#include <array>
#include <ctime>
#include <fmt/format.h>
#include <memory>

namespace lg::app {
namespace {

constexpr int k_usage = 2;

struct SpfEvalOptions {
  std::string ip;
  std::string mail_from;
  std::string helo;
  std::string receiver;
  std::string zone_file;
  std::string dns_server;
};

int run_spf_eval(const SpfEvalOptions& o) {
  if (!is_ip_address(o.ip)) {
    fmt::print(stderr, "launchgate: --ip '{}' is not an IPv4 or IPv6 address\n",
               terminal_line(o.ip));
    return k_usage;
  }
  if (o.mail_from.empty() && o.helo.empty()) {
    fmt::print(stderr, "launchgate: an empty --mail-from needs --helo (SPF then checks the HELO "
                       "name)\n");
    return k_usage;
  }
  auto dns = command_resolver(o.zone_file, o.dns_server);
  if (!dns)
    return k_usage;
  analyze::SpfQuery query;
  query.ip = o.ip;
  query.sender = o.mail_from;
  query.helo = o.helo;
  if (!o.receiver.empty())
    query.receiver = o.receiver;
  query.now = static_cast<long long>(std::time(nullptr));
  auto outcome = analyze::check_host(*dns, query);
  fmt::print("{}\n", analyze::spf_result_name(outcome.result));
  if (!outcome.explanation.empty())
    fmt::print("{}\n", terminal_line(outcome.explanation));
  else if (!outcome.problem.empty())
    fmt::print("{}\n", terminal_line(outcome.problem));
  return 0;
}

} // namespace

EmailCommand add_email_spf_eval(CLI::App& email) {
  auto* cmd = email.add_subcommand("spf-eval", "evaluate SPF (RFC 7208) for one connection");
  auto options = std::make_shared<SpfEvalOptions>();
  cmd->add_option("--ip", options->ip, "the client's IPv4 or IPv6 address")->required();
  cmd->add_option("--mail-from", options->mail_from,
                  "the MAIL FROM address; \"\" for a bounce (then --helo is checked)")
      ->required();
  cmd->add_option("--helo", options->helo, "the HELO/EHLO name");
  cmd->add_option("--receiver", options->receiver, "the receiving host's name, for %{r}");
  auto* zone = cmd->add_option("--zone-file", options->zone_file, "answer DNS from this zone file");
  auto* server =
      cmd->add_option("--dns-server", options->dns_server, "ask this DNS server (HOST:PORT)");
  zone->excludes(server);
  return {cmd, [options] { return run_spf_eval(*options); }};
}

} // namespace lg::app
