// Command-line parsing for launchgate-portal: a handful of `--name value` flags, strictly
// validated (numbers in range, HOST:PORT for --smtp, known flaw names), so that a typo stops the
// program with exit status 2 instead of silently running a different portal.

#include "options.hpp"

#include "util.hpp"

#include <fmt/format.h>

namespace portal {

namespace {

std::optional<SmtpTarget> parse_smtp(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return std::nullopt;
  }
  auto host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const auto port = parse_int(text.substr(colon + 1), 1, 65535);
  if (!port || host.empty()) {
    return std::nullopt;
  }
  return SmtpTarget{std::string(host), *port};
}

} // namespace

ParsedOptions parse_options(std::span<const std::string_view> args) {
  ParsedOptions out;
  auto& opt = out.options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view name = args[i];
    std::optional<std::string_view> inline_value;
    if (const auto eq = name.find('='); name.starts_with("--") && eq != std::string_view::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (name == "--help" || name == "-h") {
      opt.help = true;
      continue;
    }
    const bool takes_value = name == "--host" || name == "--port" || name == "--db" ||
                             name == "--smtp" || name == "--flaw" || name == "--seed-records";
    if (!takes_value) {
      out.error = fmt::format("unknown option '{}' (see --help)", name);
      return out;
    }
    std::string_view value;
    if (inline_value) {
      value = *inline_value;
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      out.error = fmt::format("option '{}' needs a value", name);
      return out;
    }
    // Reads `value` into `target` when it is an integer in [min, max]; else sets the error.
    const auto read_int = [&](int min, int max, int& target) {
      const auto number = parse_int(value, min, max);
      if (!number) {
        out.error = fmt::format("{} must be {}..{}, got '{}'", name, min, max, value);
        return false;
      }
      target = *number;
      return true;
    };
    if (name == "--host") {
      if (value.empty()) {
        out.error = "--host needs a non-empty address";
        return out;
      }
      opt.host = std::string(value);
    } else if (name == "--port") {
      if (!read_int(0, 65535, opt.port)) {
        return out;
      }
    } else if (name == "--db") {
      if (value.empty()) {
        out.error = "--db needs a path (or :memory:)";
        return out;
      }
      opt.db_path = std::string(value);
    } else if (name == "--smtp") {
      opt.smtp = parse_smtp(value);
      if (!opt.smtp) {
        out.error = fmt::format("--smtp must be HOST:PORT, got '{}'", value);
        return out;
      }
    } else if (name == "--flaw") {
      const auto flaw = parse_flaw(value);
      if (!flaw) {
        std::string known;
        for (const auto& info : flaw_table()) {
          known += known.empty() ? "" : ", ";
          known += info.name;
        }
        out.error = fmt::format("unknown flaw '{}' (known: {})", value, known);
        return out;
      }
      opt.flaws.add(*flaw);
    } else if (name == "--seed-records") {
      if (!read_int(0, 100000, opt.seed_records)) {
        return out;
      }
    }
  }
  return out;
}

std::string usage_text() {
  std::string text =
      "usage: launchgate-portal [--host ADDR] [--port N] [--db PATH] [--smtp HOST:PORT]\n"
      "                         [--flaw NAME]... [--seed-records N]\n"
      "\n"
      "  --host ADDR         address to listen on (default 127.0.0.1)\n"
      "  --port N            port to listen on; 0 picks a free one (default 0)\n"
      "  --db PATH           SQLite database file (default :memory:)\n"
      "  --smtp HOST:PORT    send mail to this SMTP server (default: drop mail, log a line)\n"
      "  --flaw NAME         plant one known failure; repeatable\n"
      "  --seed-records N    records per org seeded into an empty database (default 50)\n"
      "\n"
      "Seed users' password: $PORTAL_SEED_PASSWORD (default portal-demo-password).\n"
      "\nflaws:\n";
  for (const auto& info : flaw_table()) {
    text += fmt::format("  {:<20}{}\n", info.name, info.effect);
  }
  return text;
}

} // namespace portal
