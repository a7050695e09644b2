// lg-latency-server: a loopback HTTP/1.1 keep-alive server with a known latency distribution, for
// bench/perf-accuracy.sh. It wraps tests/support/latency_server.hpp (a thread per connection)
// with a command-line schedule, so the truth a load generator should report is exact:
//   every request          held --delay-ms
//   every Nth request      (the server-wide request number n with n % N == 0) held --slow-ms
//   stall windows          from --stall-first-ms after start, every --stall-every-ms, for
//                          --stall-ms, no answer leaves; those due inside leave at the window's end
// It prints "listening on http://127.0.0.1:PORT" on stdout once it accepts, and on SIGINT or
// SIGTERM the number of requests it answered, then exits.
//
// usage: lg-latency-server [--delay-ms D] [--slow-every N --slow-ms S]
//                          [--stall-ms L --stall-every-ms P [--stall-first-ms F]]

#include "latency_server.hpp"

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

bool parse_number(const char* text, std::int64_t& out) {
  char* end = nullptr;
  const long long value = std::strtoll(text, &end, 10);
  if (end == text || *end != '\0' || value < 0 || value > 86'400'000)
    return false;
  out = value;
  return true;
}

int usage() {
  std::fputs("usage: lg-latency-server [--delay-ms D] [--slow-every N --slow-ms S]\n"
             "                         [--stall-ms L --stall-every-ms P [--stall-first-ms F]]\n",
             stderr);
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  std::int64_t delay_ms = 0, slow_every = 0, slow_ms = 0;
  std::int64_t stall_ms = 0, stall_every_ms = 0, stall_first_ms = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    std::int64_t* target = nullptr;
    if (flag == "--delay-ms")
      target = &delay_ms;
    else if (flag == "--slow-every")
      target = &slow_every;
    else if (flag == "--slow-ms")
      target = &slow_ms;
    else if (flag == "--stall-ms")
      target = &stall_ms;
    else if (flag == "--stall-every-ms")
      target = &stall_every_ms;
    else if (flag == "--stall-first-ms")
      target = &stall_first_ms;
    if (target == nullptr || i + 1 >= argc || !parse_number(argv[i + 1], *target))
      return usage();
    ++i;
  }
  if (stall_ms > 0 && stall_every_ms <= stall_ms)
    return usage();

  // Every thread the server starts inherits this mask; the main thread alone takes the signal.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  lg::test::LatencyServerOptions options;
  options.delay = [=](std::int64_t n) {
    const bool slow = slow_every > 0 && n % slow_every == 0;
    return std::chrono::milliseconds(slow ? slow_ms : delay_ms);
  };
  if (stall_ms > 0) {
    options.stall_first = std::chrono::milliseconds(stall_first_ms);
    options.stall_length = std::chrono::milliseconds(stall_ms);
    options.stall_period = std::chrono::milliseconds(stall_every_ms);
  }
  std::int64_t answered = 0;
  {
    lg::test::LatencyServer server(options);
    std::printf("listening on http://127.0.0.1:%d\n", server.port());
    std::fflush(stdout);
    int got = 0;
    sigwait(&signals, &got);
    answered = server.requests();
  }
  std::printf("requests %lld\n", static_cast<long long>(answered));
  return 0;
}
