// Command-line parsing for launchgate-portal: a handful of `--name value` flags, strictly
// validated (numbers in range, HOST:PORT for --smtp, serialised origins for --cors-origin, known
// flaw names and the session mode each flaw needs), so that a typo stops the program with exit
// status 2 instead of silently running a different portal.

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

// True when `text` is a serialised origin (RFC 6454): http or https, "://", a non-empty host and
// an optional port, nothing else (no path, query, userinfo or white space).
bool valid_origin(std::string_view text) {
  std::string_view rest;
  if (text.starts_with("http://")) {
    rest = text.substr(7);
  } else if (text.starts_with("https://")) {
    rest = text.substr(8);
  } else {
    return false;
  }
  if (rest.empty() || rest.front() == ':') {
    return false;
  }
  for (const char c : rest) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f || c == '/' || c == '?' || c == '#' || c == '@' || c == '\\') {
      return false;
    }
  }
  return true;
}

// The error for a flaw that only works in one session mode, or "" when `opt` is consistent.
std::string mode_problem(const Options& opt) {
  for (const auto flaw : {Flaw::jwt_none, Flaw::jwt_weak_secret}) {
    if (opt.flaws.has(flaw) && opt.session != SessionMode::jwt) {
      return fmt::format("--flaw {} needs --session jwt", flaw_name(flaw));
    }
  }
  if (opt.flaws.has(Flaw::fixation) && opt.session != SessionMode::cookie) {
    return "--flaw fixation needs --session cookie (a signed JWT cannot be planted)";
  }
  if (opt.tls_cert.empty() != opt.tls_key.empty()) {
    return "--tls-cert and --tls-key go together";
  }
  const bool tls = !opt.tls_cert.empty();
  if (opt.http_port >= 0 && !tls) {
    return "--http-port needs --tls-cert and --tls-key (it redirects to HTTPS)";
  }
  for (const auto flaw : {Flaw::no_https_redirect, Flaw::weak_hsts, Flaw::mixed_content}) {
    if (opt.flaws.has(flaw) && !tls) {
      return fmt::format("--flaw {} needs --tls-cert and --tls-key", flaw_name(flaw));
    }
  }
  return {};
}

constexpr std::int64_t k_max_lifetime = 10LL * 365 * 24 * 3600; // 10 years

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
    const bool takes_value =
        name == "--host" || name == "--port" || name == "--db" || name == "--smtp" ||
        name == "--flaw" || name == "--seed-records" || name == "--session" ||
        name == "--session-idle" || name == "--session-absolute" || name == "--reset-ttl" ||
        name == "--invite-ttl" || name == "--cors-origin" || name == "--login-window" ||
        name == "--tls-cert" || name == "--tls-key" || name == "--http-port";
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
    // The same for a number of seconds in [1, `max`].
    const auto read_seconds = [&](std::int64_t max, std::int64_t& target) {
      const auto number = parse_int<std::int64_t>(value, 1, max);
      if (!number) {
        out.error = fmt::format("{} must be 1..{} seconds, got '{}'", name, max, value);
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
    } else if (name == "--tls-cert" || name == "--tls-key") {
      if (value.empty()) {
        out.error = fmt::format("{} needs a PEM file", name);
        return out;
      }
      (name == "--tls-cert" ? opt.tls_cert : opt.tls_key) = std::string(value);
    } else if (name == "--http-port") {
      if (!read_int(0, 65535, opt.http_port)) {
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
    } else if (name == "--session") {
      if (value == "cookie") {
        opt.session = SessionMode::cookie;
      } else if (value == "jwt") {
        opt.session = SessionMode::jwt;
      } else {
        out.error = fmt::format("--session must be cookie or jwt, got '{}'", value);
        return out;
      }
    } else if (name == "--cors-origin") {
      if (!valid_origin(value)) {
        out.error = fmt::format(
            "--cors-origin must be an origin like https://app.example:8443, got '{}'", value);
        return out;
      }
      opt.cors_origins.emplace_back(value);
    } else {
      auto& target = name == "--session-idle"       ? opt.session_idle
                     : name == "--session-absolute" ? opt.session_absolute
                     : name == "--reset-ttl"        ? opt.reset_ttl
                     : name == "--invite-ttl"       ? opt.invite_ttl
                                                    : opt.login_window;
      if (!read_seconds(name == "--login-window" ? 86400 : k_max_lifetime, target)) {
        return out;
      }
    }
  }
  out.error = mode_problem(opt);
  return out;
}

std::string usage_text() {
  std::string text =
      "usage: launchgate-portal [--host ADDR] [--port N] [--db PATH] [--smtp HOST:PORT]\n"
      "                         [--flaw NAME]... [--seed-records N] [--session cookie|jwt]\n"
      "                         [--session-idle S] [--session-absolute S] [--reset-ttl S]\n"
      "                         [--invite-ttl S] [--cors-origin ORIGIN]... [--login-window S]\n"
      "                         [--tls-cert FILE --tls-key FILE [--http-port N]]\n"
      "\n"
      "  --host ADDR           address to listen on (default 127.0.0.1)\n"
      "  --port N              port to listen on; 0 picks a free one (default 0)\n"
      "  --db PATH             SQLite database file (default :memory:)\n"
      "  --smtp HOST:PORT      send mail to this SMTP server (default: drop mail, log a line)\n"
      "  --flaw NAME           plant one known failure; repeatable\n"
      "  --seed-records N      records per org seeded into an empty database (default 50)\n"
      "  --session MODE        session token: cookie (opaque id, server-side) or jwt (HS256)\n"
      "                        (default cookie)\n"
      "  --session-idle S      cookie sessions: idle timeout and cookie Max-Age (default 28800)\n"
      "  --session-absolute S  absolute session lifetime; jwt: exp - iat (default 43200)\n"
      "  --reset-ttl S         password-reset link lifetime (default 1800)\n"
      "  --invite-ttl S        invite link lifetime (default 259200)\n"
      "  --cors-origin ORIGIN  front-end origin allowed for CORS with credentials; repeatable\n"
      "                        (default none: no CORS headers)\n"
      "  --tls-cert FILE       serve HTTPS with this PEM certificate (chain)\n"
      "  --tls-key FILE        the private key of --tls-cert\n"
      "  --http-port N         with TLS: also listen for plain HTTP here, redirecting to HTTPS;\n"
      "                        0 picks a free port (printed on stderr)\n"
      "  --login-window S      window of the failed-login limits: 10 per IP and email, 25 per\n"
      "                        IP (default 900)\n"
      "\n"
      "Seed users' password: $PORTAL_SEED_PASSWORD (default portal-demo-password).\n"
      "\nflaws:\n";
  for (const auto& info : flaw_table()) {
    text += fmt::format("  {:<22}{}\n", info.name, info.effect);
  }
  return text;
}

} // namespace portal
