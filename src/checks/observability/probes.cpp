#include "checks/observability/probes.hpp"

#include "analyze/openapi.hpp"
#include "analyze/pii.hpp"
#include "engine/session.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <random>

namespace lg::checks::observability {

namespace {

std::string random_hex(size_t digits) {
  std::random_device rd;
  std::string out;
  while (out.size() < digits)
    out += fmt::format("{:08x}", rd());
  out.resize(digits);
  return out;
}

/// A GET of the API description that needs a session (not public, not admin-only) and no path
/// parameter: where a request without one, or with a bad token, is refused.
std::string protected_path(engine::Context& context) {
  auto ops = context.operations();
  if (!ops)
    return "";
  const auto& api = context.config().api;
  for (const auto& op : **ops) {
    if (op.method != "GET" || !op.path_params.empty() || op.spec_public || op.spec_admin ||
        analyze::any_pattern_matches(api.public_, op.method, op.path) ||
        analyze::any_pattern_matches(api.admin_only, op.method, op.path))
      continue;
    bool needs_query = false;
    for (const auto& p : op.params)
      needs_query = needs_query || (p.in == "query" && p.required);
    if (!needs_query)
      return op.path;
  }
  return "";
}

Probes send_probes(engine::Context& context) {
  Probes out;
  const auto& config = context.config();
  out.sources = engine::log_sources(config);
  if (out.sources.empty())
    return out;
  const auto tail = engine::LogTail::mark(out.sources);
  const std::string run = random_hex(12);
  int n = 0;

  const auto send = [&](std::string what, net::HttpRequest request) {
    Probe probe;
    probe.what = std::move(what);
    probe.request_id = fmt::format("lg-{}-{}", run, ++n);
    probe.method = request.method;
    request.url = context.url(request.url);
    request.headers.push_back({"X-Request-Id", probe.request_id});
    auto at = request.url.find("://");
    at = at == std::string::npos ? 0 : request.url.find('/', at + 3);
    probe.path = at == std::string::npos ? "/" : request.url.substr(at);
    probe.path = probe.path.substr(0, probe.path.find('?'));
    auto answer = context.http().send(request);
    if (answer)
      probe.status = answer->status;
    else
      probe.error = answer.error().message;
    out.probes.push_back(std::move(probe));
  };

  // Requests that must fail.
  send("an unknown route", net::HttpRequest("GET", "/launchgate-probe-" + run));
  const std::string guarded = protected_path(context);
  if (guarded.empty())
    out.notes.push_back("no request without a session: the API description lists no GET that "
                        "needs one");
  else
    send("a request without a session", net::HttpRequest("GET", guarded));
  const Account* login = nullptr;
  for (const auto& a : config.accounts)
    if (login == nullptr && a.login_style == LoginStyle::recipe)
      login = &a;
  if (login == nullptr) {
    out.notes.push_back("no malformed body and no failed sign-in: no account signs in with a "
                        "request");
  } else {
    send("a malformed body",
         net::HttpRequest(login->login.method, login->login.path,
                          {{"Content-Type", "application/json"}}, "{\"email\": \"launchgate"));
  }
  if (config.logs.error_request) {
    net::HttpRequest request(config.logs.error_request->method, config.logs.error_request->path);
    engine::fill_body(request, *config.logs.error_request);
    for (const auto& [name, value] : config.logs.error_request->headers)
      request.headers.push_back({name, value});
    // Sent with a session when one is at hand: the failing route may need one.
    if (!config.accounts.empty())
      if (auto session = context.session(config.accounts.front().name))
        request = (*session)->authorized(std::move(request));
    send("logs.error_request", std::move(request));
  }

  // Canaries: values that exist only in these requests.
  const std::string seed = random_hex(12);
  Canary password{"the password of a failed sign-in", "lgCanaryPw" + seed};
  Canary email{"the email of a failed sign-in", "lg.canary." + seed + "@example.com"};
  Canary card{"a card number in a request body", canary_card(seed)};
  Canary token{"a bearer token", "lgcanarytoken" + random_hex(24)};
  if (login != nullptr) {
    nlohmann::json body = {
        {"email", email.value}, {"password", password.value}, {"card", card.value}};
    send("a failed sign-in with canaries",
         net::HttpRequest(login->login.method, login->login.path,
                          {{"Content-Type", "application/json"}}, body.dump()));
    out.canaries.push_back(password);
    out.canaries.push_back(email);
    out.canaries.push_back(card);
  }
  send("a refused bearer token",
       net::HttpRequest("GET", guarded.empty() ? "/launchgate-probe-" + run + "-token" : guarded,
                        {{"Authorization", "Bearer " + token.value}}));
  out.canaries.push_back(token);

  // Until every failure that was answered is in the logs, or logs.wait has passed.
  out.written =
      engine::read_until(tail, context.clock(), std::chrono::milliseconds(config.logs.wait_ms),
                         [&](const engine::LogRead& read) {
                           for (const auto& p : out.probes)
                             if (p.status >= 400 && lines_with(read, p.request_id).empty())
                               return false;
                           return true;
                         });
  return out;
}

} // namespace

const Probes& probes(engine::Context& context) {
  return context.memo<Probes>("observability.probes", [&] { return send_probes(context); });
}

CheckResult no_logs(const CheckMeta& meta) {
  return engine::skipped(meta, SkipKind::not_configured,
                         "no logs: set logs.files (the portal's log files) or logs.command (e.g. "
                         "journalctl -u portal -o cat --since -10min)");
}

std::vector<const engine::LogLine*> lines_with(const engine::LogRead& read,
                                               const std::string& needle) {
  std::vector<const engine::LogLine*> out;
  for (const auto& line : read.lines)
    if (line.text.find(needle) != std::string::npos)
      out.push_back(&line);
  return out;
}

std::vector<std::pair<std::string, std::string>> account_passwords(const Config& config) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto secret_key = [](const std::string& key) {
    auto k = to_lower(key);
    return k.find("pass") != std::string::npos || k.find("secret") != std::string::npos;
  };
  for (const auto& a : config.accounts) {
    if (a.login.json && a.login.json->is_object())
      for (auto it = a.login.json->begin(); it != a.login.json->end(); ++it)
        if (secret_key(it.key()) && it.value().is_string() &&
            it.value().get<std::string>().size() >= 6)
          out.emplace_back(a.name, it.value().get<std::string>());
    for (const auto& [key, value] : a.login.form)
      if (secret_key(key) && value.size() >= 6)
        out.emplace_back(a.name, value);
    if (a.basic_password.size() >= 6)
      out.emplace_back(a.name, a.basic_password);
  }
  return out;
}

std::string scrubbed(const Probes& sent, const Config& config, std::string line,
                     const std::string& focus) {
  const auto replace_all = [&line](const std::string& value, const std::string& shown) {
    if (value.empty())
      return;
    for (size_t at = line.find(value); at != std::string::npos;
         at = line.find(value, at + shown.size()))
      line.replace(at, value.size(), shown);
  };
  for (const auto& canary : sent.canaries)
    replace_all(canary.value, "[canary]");
  for (const auto& [account, password] : account_passwords(config))
    replace_all(password, "[password]");
  auto hits = analyze::find_personal_data(line);
  for (auto it = hits.rbegin(); it != hits.rend(); ++it)
    line.replace(it->offset, it->length, it->redacted);
  if (line.size() <= 240)
    return line;
  // A window around what the line is shown for, cut on character boundaries.
  size_t at = focus.empty() ? 0 : line.find(focus);
  size_t from = at == std::string::npos || at < 80 ? 0 : at - 80;
  while (from > 0 && (static_cast<unsigned char>(line[from]) & 0xC0) == 0x80)
    --from;
  size_t to = std::min(line.size(), from + 240);
  while (to < line.size() && (static_cast<unsigned char>(line[to]) & 0xC0) == 0x80)
    ++to;
  return (from > 0 ? "…" : "") + line.substr(from, to - from) + (to < line.size() ? "…" : "");
}

std::string canary_card(const std::string& seed) {
  std::string digits = "4000";
  for (size_t i = 0; digits.size() < 15; ++i)
    digits +=
        static_cast<char>('0' + (i < seed.size() ? static_cast<unsigned char>(seed[i]) : i) % 10);
  // The Luhn check digit: double every second digit from the right of the full number.
  int sum = 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    int d = digits[digits.size() - 1 - i] - '0';
    if (i % 2 == 0) {
      d *= 2;
      if (d > 9)
        d -= 9;
    }
    sum += d;
  }
  digits += static_cast<char>('0' + (10 - sum % 10) % 10);
  return digits;
}

} // namespace lg::checks::observability
