// `launchgate email verify`: what a receiver concludes about a received invite or reset mail.
// DKIM signatures (analyze/dkim: RFC 6376, RFC 8463, RFC 8301), SPF for the envelope sender and
// the connecting IP (analyze/spf: RFC 7208), and DMARC (RFC 7489 section 3.1 alignment, the
// policy found by analyze::discover_dmarc). Exit 0 when DMARC passes (or, without a DMARC
// record, when a DKIM signature passes), 1 when the message fails, 2 for usage or file errors.

#include "app/cmd_email.hpp"

#include "analyze/dkim.hpp"
#include "analyze/dmarc.hpp"
#include "analyze/psl.hpp"
#include "analyze/spf.hpp"
#include "app/dns_source.hpp"
#include "util/text.hpp"

#include <arpa/inet.h>
#include <array>
#include <ctime>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

namespace lg::app {
namespace {

constexpr int k_usage = 2;
constexpr std::uintmax_t k_max_message = 32u << 20;

struct VerifyOptions {
  std::string message;
  std::string ip;
  std::string mail_from;
  bool mail_from_given = false;
  std::string helo;
  std::string zone_file;
  std::string dns_server;
};

const analyze::HeaderField* first_field(const analyze::DkimMessage& m, std::string_view name) {
  for (const auto& h : m.headers)
    if (iequals(h.name, name))
      return &h;
  return nullptr;
}

/// The address inside <…> of a Return-Path value ("" for the null path <>), nullopt when the
/// value holds no address.
std::optional<std::string> return_path_address(std::string_view value) {
  auto lt = value.find('<');
  auto gt = value.find('>', lt == std::string_view::npos ? 0 : lt);
  if (lt == std::string_view::npos || gt == std::string_view::npos) {
    auto bare = trim(value);
    if (bare.find('@') == std::string_view::npos)
      return std::nullopt;
    return std::string(bare);
  }
  return std::string(trim(value.substr(lt + 1, gt - lt - 1)));
}

/// The connecting client of the topmost Received field: the first bracketed IP address, and the
/// name after "from".
struct ReceivedFrom {
  std::string ip;
  std::string helo;
};
ReceivedFrom topmost_received(const analyze::DkimMessage& m) {
  ReceivedFrom out;
  const auto* received = first_field(m, "Received");
  if (received == nullptr)
    return out;
  auto value = received->value();
  auto words = split(trim(value), ' ');
  if (words.size() >= 2 && iequals(words[0], "from"))
    out.helo = std::string(trim(words[1]));
  std::size_t pos = 0;
  for (int guard = 0; guard < 32; ++guard) {
    auto open = value.find('[', pos);
    if (open == std::string::npos)
      break;
    auto close = value.find(']', open);
    if (close == std::string::npos)
      break;
    std::string inside = value.substr(open + 1, close - open - 1);
    if (istarts_with(inside, "IPv6:"))
      inside = inside.substr(5);
    if (is_ip_address(inside)) {
      out.ip = inside;
      break;
    }
    pos = close + 1;
  }
  return out;
}

bool aligned(const std::string& a, const std::string& b, char mode) {
  if (a.empty() || b.empty())
    return false;
  if (iequals(a, b))
    return true;
  if (mode == 's')
    return false;
  auto org = analyze::organizational_domain(a);
  return !org.empty() && org == analyze::organizational_domain(b);
}

int run_verify(const VerifyOptions& o) {
  // 1. The message and the DNS source.
  std::error_code ec;
  auto size = std::filesystem::file_size(o.message, ec);
  if (ec) {
    fmt::print(stderr, "launchgate: {}: {}\n", o.message, ec.message());
    return k_usage;
  }
  if (size > k_max_message) {
    fmt::print(stderr, "launchgate: {}: larger than 32 MiB\n", o.message);
    return k_usage;
  }
  std::ifstream in(o.message, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in && !in.eof()) {
    fmt::print(stderr, "launchgate: {}: cannot read\n", o.message);
    return k_usage;
  }
  std::string raw = buffer.str();
  auto message = analyze::split_dkim_message(raw);
  if (!message) {
    fmt::print(stderr, "launchgate: {}: {}\n", o.message, message.error().message);
    return k_usage;
  }
  if (!o.ip.empty() && !is_ip_address(o.ip)) {
    fmt::print(stderr, "launchgate: --ip '{}' is not an IPv4 or IPv6 address\n",
               terminal_line(o.ip));
    return k_usage;
  }
  auto opened = command_resolver(o.zone_file, o.dns_server);
  if (!opened)
    return k_usage;
  net::Resolver& dns = *opened;
  auto now = static_cast<long long>(std::time(nullptr));

  const auto* from_field = first_field(*message, "From");
  std::string from_domain = from_field ? analyze::mail_address_domain(from_field->value()) : "";
  fmt::print("message: {} ({} bytes), From domain: {}\n", o.message, raw.size(),
             from_domain.empty() ? "(none)" : terminal_line(from_domain));

  // 2. DKIM: every signature.
  auto dkim = analyze::verify_dkim(raw, dns, now);
  if (dkim.empty())
    fmt::print("DKIM: no signature\n");
  bool dkim_pass = false;
  for (const auto& r : dkim) {
    fmt::print("DKIM: d={} s={} a={}: {} ({})\n", terminal_line(r.domain),
               terminal_line(r.selector), terminal_line(r.algorithm),
               analyze::dkim_status_name(r.status), terminal_line(r.reason));
    dkim_pass = dkim_pass || r.status == analyze::DkimStatus::pass;
  }

  // 3. SPF: the envelope sender and the connecting client.
  std::string sender;
  std::string sender_source;
  bool have_sender = false;
  if (o.mail_from_given) {
    sender = o.mail_from;
    sender_source = "--mail-from";
    have_sender = true;
  } else if (const auto* rp = first_field(*message, "Return-Path")) {
    if (auto address = return_path_address(rp->value())) {
      sender = *address;
      sender_source = "Return-Path";
      have_sender = true;
    }
  }
  auto received = topmost_received(*message);
  std::string ip = o.ip;
  std::string ip_source = "--ip";
  if (ip.empty() && !received.ip.empty()) {
    ip = received.ip;
    ip_source = "the topmost Received field, added by the receiving server";
  }
  std::string helo = o.helo.empty() ? received.helo : o.helo;
  std::optional<analyze::SpfOutcome> spf;
  if (ip.empty())
    fmt::print("SPF: not evaluated: no connecting IP (no Received field with one; give --ip)\n");
  else if (!have_sender)
    fmt::print("SPF: not evaluated: no envelope sender (no Return-Path; give --mail-from)\n");
  else if (sender.empty() && helo.empty())
    fmt::print("SPF: not evaluated: a null sender (<>) needs the HELO name (give --helo)\n");
  else {
    analyze::SpfQuery query;
    query.ip = ip;
    query.sender = sender;
    query.helo = helo;
    query.now = now;
    spf = analyze::check_host(dns, query);
    fmt::print("SPF: {} for {} from {} (sender from {}, IP from {}){}\n",
               analyze::spf_result_name(spf->result),
               sender.empty() ? "postmaster@" + terminal_line(helo) : terminal_line(sender), ip,
               sender_source, ip_source,
               !spf->mechanism.empty() ? ", matched " + terminal_line(spf->mechanism)
               : !spf->problem.empty() ? ": " + terminal_line(spf->problem)
                                       : "");
  }

  // 4. DMARC: the From domain's policy and whether DKIM or SPF aligns with it.
  if (from_domain.empty()) {
    fmt::print("DMARC: fail: no From address with a domain\n");
    return 1;
  }
  auto discovery = analyze::discover_dmarc(dns, from_domain);
  if (!discovery) {
    fmt::print("DMARC: temperror: {}\n", terminal_line(discovery.error().message));
    return 1;
  }
  if (!discovery->found) {
    if (discovery->temporary) {
      fmt::print("DMARC: temperror: {}\n", terminal_line(discovery->problem));
      return 1;
    }
    fmt::print("DMARC: none: {}\n", terminal_line(discovery->problem));
    fmt::print("result: {}\n", dkim_pass ? "pass (a DKIM signature verifies; no DMARC policy)"
                                         : "fail (no DKIM signature verifies; no DMARC policy)");
    return dkim_pass ? 0 : 1;
  }
  const auto& record = discovery->record;
  std::string dkim_aligned;
  for (const auto& r : dkim)
    if (r.status == analyze::DkimStatus::pass && aligned(r.domain, from_domain, record.adkim)) {
      dkim_aligned = r.domain;
      break;
    }
  std::string spf_aligned;
  if (spf && spf->result == analyze::SpfResult::pass &&
      aligned(spf->domain, from_domain, record.aspf))
    spf_aligned = spf->domain;
  bool pass = !dkim_aligned.empty() || !spf_aligned.empty();
  std::string policy = discovery->subdomain && !record.subdomain_policy.empty()
                           ? record.subdomain_policy
                           : record.policy;
  std::string how;
  if (!dkim_aligned.empty())
    how = fmt::format("DKIM aligned (d={}, adkim={})", dkim_aligned, record.adkim);
  if (!spf_aligned.empty())
    how += fmt::format("{}SPF aligned ({}, aspf={})", how.empty() ? "" : " and ", spf_aligned,
                       record.aspf);
  if (how.empty())
    how = fmt::format("neither a passing DKIM signature nor an SPF pass aligns with {} "
                      "(adkim={}, aspf={})",
                      from_domain, record.adkim, record.aspf);
  fmt::print(
      "DMARC: {} ({}: p={}{}): {}\n", pass ? "pass" : "fail", terminal_line(discovery->name),
      terminal_line(record.policy),
      record.subdomain_policy.empty() ? "" : ", sp=" + terminal_line(record.subdomain_policy), how);
  if (pass)
    fmt::print("result: pass\n");
  else
    fmt::print("result: fail: receivers apply p={}{}\n", terminal_line(policy),
               record.pct < 100 ? fmt::format(" to {}% of such mail", record.pct) : "");
  return pass ? 0 : 1;
}

} // namespace

EmailCommand add_email_verify(CLI::App& email) {
  auto* cmd = email.add_subcommand("verify", "verify DKIM, SPF and DMARC of a received message");
  auto options = std::make_shared<VerifyOptions>();
  cmd->add_option("MESSAGE", options->message, "the received message (.eml), at most 32 MiB")
      ->required();
  cmd->add_option("--ip", options->ip,
                  "the connecting client's IP (default: from the topmost Received field)");
  auto* mail_from = cmd->add_option("--mail-from", options->mail_from,
                                    "the envelope sender (default: the Return-Path field)");
  cmd->add_option("--helo", options->helo, "the client's HELO/EHLO name");
  auto* zone = cmd->add_option("--zone-file", options->zone_file, "answer DNS from this zone file");
  auto* server =
      cmd->add_option("--dns-server", options->dns_server, "ask this DNS server (HOST:PORT)");
  zone->excludes(server);
  return {cmd, [options, mail_from] {
            options->mail_from_given = mail_from->count() > 0;
            return run_verify(*options);
          }};
}

} // namespace lg::app
