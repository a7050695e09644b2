// `launchgate perf --url URL`: perf.api-latency for one URL without a config, the way wrk and
// wrk2 measure one — a constant rate (open model, coordinated omission corrected) with --rate,
// or as many requests as the connections carry (closed model) without — reported like an audit
// of the perf gate, with the percentiles in its measurements.

#include "app/commands.hpp"
#include "checks/catalog.hpp"
#include "launchgate/version.hpp"
#include "perf/impl/epoll_load.hpp"
#include "perf/judge.hpp"
#include "util/text.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <sys/socket.h>

#include <chrono>

namespace lg::app {

namespace {

constexpr int k_usage = 2;

/// The parts of an http:// or https:// URL the engine needs.
struct PerfUrl {
  bool tls = false; ///< https://
  std::string host;
  int port = 80;
  std::string target = "/";
};

Expected<PerfUrl> parse_perf_url(const std::string& url) {
  PerfUrl out;
  out.tls = istarts_with(url, "https://");
  if (!out.tls && !istarts_with(url, "http://"))
    return unexpected(ErrorKind::usage,
                      fmt::format("--url '{}' must be an http:// or https:// URL", url));
  if (out.tls)
    out.port = 443;
  std::string rest = url.substr(out.tls ? 8 : 7);
  auto slash = rest.find_first_of("/?");
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos)
    out.target = rest[slash] == '?' ? "/" + rest.substr(slash) : rest.substr(slash);
  if (authority.empty() || authority.find('@') != std::string::npos)
    return unexpected(ErrorKind::usage, fmt::format("--url '{}' has no usable host", url));
  std::string port;
  if (authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string::npos)
      return unexpected(ErrorKind::usage, fmt::format("--url '{}': unclosed [", url));
    out.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':')
        return unexpected(ErrorKind::usage, fmt::format("--url '{}' has no usable host", url));
      port = authority.substr(close + 2);
    }
  } else {
    auto colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string::npos)
      port = authority.substr(colon + 1);
  }
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(port) < 1 || std::stoi(port) > 65535)
      return unexpected(ErrorKind::usage, fmt::format("--url '{}': bad port '{}'", url, port));
    out.port = std::stoi(port);
  }
  if (out.host.empty())
    return unexpected(ErrorKind::usage, fmt::format("--url '{}' has no host", url));
  return out;
}

/// The literal address of `host`: itself when literal, else its first address (IPv4 first).
Expected<std::string> address_of(const std::string& host) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1)
    return host;
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (rc != 0 || found == nullptr)
    return unexpected(ErrorKind::network,
                      fmt::format("{} does not resolve: {}", host, gai_strerror(rc)));
  std::string v4, v6;
  for (auto* a = found; a != nullptr; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    if (a->ai_family == AF_INET && v4.empty())
      v4 = inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr, text,
                     sizeof text);
    else if (a->ai_family == AF_INET6 && v6.empty())
      v6 = inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr, text,
                     sizeof text);
  }
  freeaddrinfo(found);
  return v4.empty() ? v6 : v4;
}

} // namespace

int run_perf(const PerfOptions& options) {
  auto started = std::chrono::steady_clock::now();
  auto url = parse_perf_url(options.url);
  if (!url) {
    fmt::print(stderr, "launchgate perf: {}\n", url.error().message);
    return k_usage;
  }
  auto address = address_of(url->host);
  if (!address) {
    fmt::print(stderr, "launchgate perf: {}\n", address.error().message);
    return k_usage;
  }
  perf::LoadTarget target;
  target.address = *address;
  target.port = url->port;
  bool v6 = url->host.find(':') != std::string::npos;
  target.host = (v6 ? "[" + url->host + "]" : url->host) +
                (url->port == (url->tls ? 443 : 80) ? "" : ":" + std::to_string(url->port));
  target.tls = url->tls;
  target.sni = url->host; // verified against the certificate
  target.ca_file = options.ca_file;
  target.verify = !options.insecure;

  perf::LoadRequest request;
  request.method = to_upper(options.method);
  request.target = url->target;
  request.action = request.method + " " + url->target;
  request.body = options.body;
  for (const auto& header : options.headers) {
    auto colon = header.find(':');
    if (colon == std::string::npos || colon == 0) {
      fmt::print(stderr, "launchgate perf: --header '{}' must be 'Name: value'\n", header);
      return k_usage;
    }
    request.headers.emplace_back(std::string(trim(header.substr(0, colon))),
                                 std::string(trim(header.substr(colon + 1))));
  }

  perf::LoadOptions load;
  load.threads = options.threads;
  load.connections = options.connections;
  load.rate = options.rate;
  load.duration = std::chrono::milliseconds(static_cast<long long>(options.duration_s * 1000));
  load.warmup = std::chrono::milliseconds(static_cast<long long>(options.warmup_s * 1000));
  load.timeout = std::chrono::milliseconds(static_cast<long long>(options.timeout_s * 1000));
  load.max_requests = options.max_requests;

  if (options.output.stdout_format == report::Format::text && !options.output.quiet)
    fmt::print(stderr,
               "launchgate perf: {} {} for {:.0f} s, {} connection(s) on {} thread(s), {}\n",
               request.method, options.url, options.duration_s, load.connections, load.threads,
               load.rate > 0 ? fmt::format("{:.0f} requests/s (open model)", load.rate)
                             : std::string("as fast as answers come (closed model)"));
  std::vector<perf::LoadRequest> mix{request};
  auto result = perf::run_load(target, mix, load);
  const auto& meta = *checks::find_check("perf.api-latency");
  CheckResult check;
  if (!result) {
    check.meta = meta;
    check.status = Status::error;
    check.reason = result.error().message;
  } else {
    perf::LatencyPolicy policy;
    policy.p95_ms = options.p95_ms;
    check = perf::judge_latency(meta, mix, *result, policy);
  }
  Report report;
  report.tool_version = k_version;
  report.base_url = options.url;
  report.started_at = rfc3339_utc_now();
  report.gates = {"perf"};
  report.checks.push_back(std::move(check));
  report.verdict = compute_verdict(report.checks);
  report.duration_ms = ms_since(started);
  return emit_report(report, options.output);
}

} // namespace lg::app
