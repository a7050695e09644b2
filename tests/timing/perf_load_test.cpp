// The load engine against a real loopback server (tests/support/latency_server.hpp): request
// counts and statuses in the closed model, the open model's rate and percentiles against a known
// delay schedule, coordinated omission made visible by a stall, failures (connect, timeout, too
// large) and every body framing HTTP/1.1 allows. Over HTTPS (the server with a certificate from
// the test CA, tests/support/tls_fixture.hpp): keep-alive and the rate hold, sessions resume on
// reconnects, and an untrusted certificate or a wrong name is one clear error before the run.

#include "perf/impl/epoll_load.hpp"
#include "support/latency_server.hpp"
#include "support/tls_fixture.hpp"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace lg::perf {
namespace {

using namespace std::chrono_literals;
using test::LatencyServer;
using test::LatencyServerOptions;

LoadTarget loopback(const LatencyServer& server) {
  return LoadTarget{"127.0.0.1", server.port(), "127.0.0.1:" + std::to_string(server.port())};
}

LoadRequest get(const std::string& action, const std::string& path, double weight = 1) {
  LoadRequest r;
  r.action = action;
  r.target = path;
  r.weight = weight;
  return r;
}

std::int64_t total_requests(const LoadResult& result) {
  std::int64_t n = 0;
  for (const auto& a : result.actions)
    n += a.requests;
  return n;
}

TEST(PerfLoad, ClosedModelCountsRequestsAndStatusesPerAction) {
  LatencyServer server;
  LoadOptions options;
  options.threads = 1;
  options.connections = 4;
  options.max_requests = 100;
  options.duration = 5s;
  const auto result =
      run_load(loopback(server), {get("ok", "/", 3), get("missing", "/missing", 1)}, options);
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->actions.size(), 2U);
  const auto& ok = result->actions[0];
  const auto& missing = result->actions[1];
  EXPECT_EQ(ok.action, "ok");
  // Smooth weighted round-robin: exactly 3 to 1 over 100 requests.
  EXPECT_EQ(ok.requests, 75);
  EXPECT_EQ(ok.statuses.at(200), 75);
  EXPECT_EQ(ok.errors(), 0);
  EXPECT_EQ(missing.requests, 25);
  EXPECT_EQ(missing.statuses.at(404), 25);
  EXPECT_EQ(missing.errors(), 25);
  EXPECT_EQ(ok.latency.count() + missing.latency.count(), 100);
  EXPECT_EQ(server.requests(), 100);
  EXPECT_LE(server.connections(), 5); // 4 kept alive, and the engine's reachability probe
  EXPECT_GT(result->seconds, 0);
  EXPECT_LT(result->seconds, 4.0); // max_requests ended the run, not the duration
}

TEST(PerfLoad, RequestsOfOneActionAreCountedTogether) {
  LatencyServer server;
  LoadOptions options;
  options.connections = 2;
  options.max_requests = 60;
  options.duration = 5s;
  // One action's template filled with two ids, beside another action: two actions come back.
  const auto result = run_load(
      loopback(server), {get("read", "/r/1"), get("list", "/"), get("read", "/missing")}, options);
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->actions.size(), 2U);
  EXPECT_EQ(result->actions[0].action, "read");
  EXPECT_EQ(result->actions[0].requests, 40);
  EXPECT_EQ(result->actions[0].statuses.at(404), 20);
  EXPECT_EQ(result->actions[0].latency.count(), 40);
  EXPECT_EQ(result->actions[1].action, "list");
  EXPECT_EQ(result->actions[1].requests, 20);
}

TEST(PerfLoad, OpenModelKeepsTheRateAndMeasuresTheScheduleOfDelays) {
  LatencyServerOptions schedule;
  schedule.delay = [](std::int64_t n) { return n % 10 == 0 ? 300ms : 10ms; };
  LatencyServer server(schedule);
  LoadOptions options;
  options.threads = 2;
  options.connections = 64; // each connection sends every 320 ms: never busy when due
  options.rate = 200;
  options.duration = 2s;
  const auto result = run_load(loopback(server), {get("ok", "/")}, options);
  ASSERT_TRUE(result) << result.error().message;
  const auto& ok = result->actions[0];
  EXPECT_NEAR(static_cast<double>(ok.requests), 400, 20);
  EXPECT_EQ(ok.statuses.at(200), ok.requests);
  EXPECT_EQ(server.requests(), ok.requests);
  EXPECT_NEAR(static_cast<double>(ok.latency.percentile(95)), 300'000, 15'000);
  EXPECT_NEAR(static_cast<double>(ok.latency.percentile(50)), 10'000, 500);
  EXPECT_NEAR(result->seconds, 2.0, 0.01);
  // The instrument kept its schedule and says what it cost.
  EXPECT_EQ(result->self.send_lag.count(), ok.requests);
  EXPECT_LT(result->self.send_lag.percentile(99), 20'000);
  EXPECT_GT(result->self.cpu_seconds, 0);
  EXPECT_GT(result->self.cpu_share, 0);
  EXPECT_LE(result->self.cpu_share, 1);
}

TEST(PerfLoad, StallIsChargedToEveryRequestItDelayed) {
  // 4 connections at 200 req/s: a 500 ms stall holds only the 4 requests in flight, but about
  // 100 were due during it. A tool timing from the send would see 4 slow answers of 400.
  LatencyServerOptions stall;
  stall.delay = [](std::int64_t) { return 2ms; };
  stall.stall_first = 700ms;
  stall.stall_length = 500ms;
  stall.stall_period = 10s;
  LatencyServer server(stall);
  LoadOptions options;
  options.threads = 1;
  options.connections = 4;
  options.rate = 200;
  options.duration = 2s;
  const auto result = run_load(loopback(server), {get("ok", "/")}, options);
  ASSERT_TRUE(result) << result.error().message;
  const auto& ok = result->actions[0];
  EXPECT_NEAR(static_cast<double>(ok.requests), 400, 20);
  EXPECT_LE(server.held_over(100ms), 4 + 1);
  EXPECT_GE(server.held_over(100ms), 1);
  // About a quarter of the schedule waited on the stall, from 500 ms down to nothing.
  EXPECT_GT(ok.latency.percentile(99), 400'000);
  EXPECT_GT(ok.latency.percentile(80), 100'000);
  EXPECT_LT(ok.latency.percentile(50), 50'000);
  // The wait behind the stalled connections is the server's, not the instrument's lag.
  EXPECT_LT(result->self.send_lag.percentile(99), 20'000);
}

TEST(PerfLoad, StallAtTheEndOfTheWindowIsChargedToo) {
  // The window closes inside a stall: the ~60 requests that fell due behind the held answers
  // still leave once it ends, each counted from its due time, so the run has every request of
  // its schedule and none is quietly dropped.
  LatencyServerOptions stall;
  stall.delay = [](std::int64_t) { return 2ms; };
  stall.stall_first = 1200ms;
  stall.stall_length = 500ms;
  LatencyServer server(stall);
  LoadOptions options;
  options.threads = 1;
  options.connections = 2;
  options.rate = 200;
  options.duration = 1500ms;
  const auto result = run_load(loopback(server), {get("ok", "/")}, options);
  ASSERT_TRUE(result) << result.error().message;
  const auto& ok = result->actions[0];
  EXPECT_EQ(ok.requests, 300);
  EXPECT_TRUE(ok.failures.empty());
  // A fifth of the schedule waited: its p90 is a few hundred ms, whatever the send times were.
  EXPECT_GT(ok.latency.percentile(90), 100'000);
  EXPECT_GT(ok.latency.max(), 250'000);
}

TEST(PerfLoad, DeadPortIsANetworkErrorNamingTheAddress) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  close(fd); // bound, never listening: connections are refused
  LoadOptions options;
  options.duration = 1s;
  const auto result = run_load(LoadTarget{"127.0.0.1", port, "x"}, {get("ok", "/")}, options);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::network);
  EXPECT_NE(result.error().message.find("127.0.0.1:" + std::to_string(port)), std::string::npos)
      << result.error().message;
}

TEST(PerfLoad, EveryBodyFramingIsASuccess) {
  LatencyServer server;
  LoadOptions options;
  options.threads = 1;
  options.connections = 2;
  options.max_requests = 70;
  options.duration = 5s;
  LoadRequest head = get("head", "/");
  head.method = "HEAD";
  const std::vector<LoadRequest> mix = {get("chunked", "/chunked"),
                                        get("close", "/close"),
                                        get("eof", "/eof"),
                                        head,
                                        get("nocontent", "/nocontent"),
                                        get("notmodified", "/notmodified"),
                                        get("early", "/early")};
  const auto result = run_load(loopback(server), mix, options);
  ASSERT_TRUE(result) << result.error().message;
  const std::vector<int> expected = {200, 200, 200, 200, 204, 304, 200};
  for (std::size_t a = 0; a < mix.size(); ++a) {
    const auto& stats = result->actions[a];
    EXPECT_EQ(stats.requests, 10) << stats.action;
    EXPECT_TRUE(stats.failures.empty()) << stats.action << ": " << stats.failures.begin()->first;
    EXPECT_EQ(stats.statuses.count(expected[a]) ? stats.statuses.at(expected[a]) : 0, 10)
        << stats.action;
  }
  // Connection: close and bodies until close each cost a fresh connection.
  EXPECT_GE(server.connections(), 20);
  EXPECT_EQ(server.requests(), 70);
}

TEST(PerfLoad, TimeoutIsCountedAndTheConnectionReplaced) {
  LatencyServer server;
  LoadOptions options;
  options.threads = 1;
  options.connections = 1;
  options.duration = 700ms;
  options.timeout = 200ms;
  const auto result = run_load(loopback(server), {get("slow", "/slow")}, options);
  ASSERT_TRUE(result) << result.error().message;
  const auto& slow = result->actions[0];
  EXPECT_TRUE(slow.statuses.empty());
  EXPECT_GE(slow.failures.count("timeout") ? slow.failures.at("timeout") : 0, 3);
  EXPECT_EQ(slow.errors(), slow.requests);
  EXPECT_GE(server.connections(), 4); // the probe, then a fresh connection after each timeout
}

TEST(PerfLoad, FailuresAreCountedByKind) {
  LatencyServer server;
  LoadOptions options;
  options.threads = 1;
  options.connections = 1;
  options.max_requests = 6;
  options.duration = 5s;
  const auto result =
      run_load(loopback(server), {get("huge", "/huge"), get("drop", "/drop")}, options);
  ASSERT_TRUE(result) << result.error().message;
  const auto& huge = result->actions[0].failures;
  const auto& drop = result->actions[1].failures;
  EXPECT_EQ(huge.count("too-large") ? huge.at("too-large") : 0, 3);
  EXPECT_EQ(drop.count("reset") ? drop.at("reset") : 0, 3);
  EXPECT_EQ(result->actions[0].errors() + result->actions[1].errors(), 6);
}

TEST(PerfLoad, WarmupIsSentButNotRecorded) {
  LatencyServer server;
  LoadOptions options;
  options.threads = 1;
  options.connections = 2;
  options.rate = 100;
  options.warmup = 500ms;
  options.duration = 500ms;
  const auto result = run_load(loopback(server), {get("ok", "/")}, options);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_NEAR(static_cast<double>(total_requests(*result)), 50, 3);
  EXPECT_NEAR(static_cast<double>(server.requests()), 100, 3);
}

TEST(PerfLoad, OptionsOutOfRangeAreUsageErrors) {
  const LoadTarget target{"127.0.0.1", 9, "x"};
  LoadOptions options;
  EXPECT_EQ(run_load(target, {}, options).error().kind, ErrorKind::usage);
  options.threads = 0;
  EXPECT_EQ(run_load(target, {get("ok", "/")}, options).error().kind, ErrorKind::usage);
  options = {};
  options.connections = 1;
  options.threads = 2;
  EXPECT_EQ(run_load(target, {get("ok", "/")}, options).error().kind, ErrorKind::usage);
  options = {};
  EXPECT_EQ(run_load(LoadTarget{"localhost", 80, "x"}, {get("ok", "/")}, options).error().kind,
            ErrorKind::usage);
  LoadRequest injected = get("ok", "/");
  injected.headers = {{"X-A", "b\r\nX-Evil: 1"}};
  EXPECT_EQ(run_load(target, {injected}, options).error().kind, ErrorKind::usage);
}

// ---- HTTPS ----------------------------------------------------------------------------------

/// One test CA and a leaf for portal.test for the whole suite (the `openssl` program makes them).
class PerfLoadTls : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    if (!test::TlsPki::available())
      return;
    s_pki = new test::TlsPki();
    s_leaf = s_pki->leaf("portal.test");
  }
  static void TearDownTestSuite() {
    delete s_pki;
    s_pki = nullptr;
  }
  void SetUp() override {
    if (s_pki == nullptr)
      GTEST_SKIP() << "the openssl program is not installed";
    ASSERT_TRUE(s_pki->ok());
  }

  static LatencyServerOptions tls_options(LatencyServerOptions options = {}) {
    options.tls_cert = s_leaf.cert;
    options.tls_key = s_leaf.key;
    return options;
  }

  /// The server on 127.0.0.1 under the name portal.test, trusting the test CA.
  static LoadTarget tls_target(const LatencyServer& server,
                               const std::string& name = "portal.test") {
    LoadTarget target = loopback(server);
    target.host = name + ":" + std::to_string(server.port());
    target.tls = true;
    target.sni = name;
    target.ca_file = s_pki->ca_file();
    return target;
  }

  static test::TlsPki* s_pki;
  static test::TlsLeaf s_leaf;
};

test::TlsPki* PerfLoadTls::s_pki = nullptr;
test::TlsLeaf PerfLoadTls::s_leaf;

TEST_F(PerfLoadTls, ClosedModelCountsEveryRequestOverKeptAliveConnections) {
  LatencyServer server(tls_options());
  LoadOptions options;
  options.threads = 1;
  options.connections = 4;
  options.max_requests = 200;
  options.duration = 5s;
  const auto result = run_load(tls_target(server), {get("ok", "/")}, options);
  ASSERT_TRUE(result) << result.error().message;
  const auto& ok = result->actions[0];
  EXPECT_EQ(ok.requests, 200);
  EXPECT_EQ(ok.statuses.count(200) ? ok.statuses.at(200) : 0, 200);
  EXPECT_TRUE(ok.failures.empty()) << ok.failures.begin()->first;
  EXPECT_EQ(server.requests(), 200);
  EXPECT_LE(server.connections(), 5); // 4 kept alive, and the probe
}

TEST_F(PerfLoadTls, OpenModelKeepsTheRate) {
  LatencyServerOptions schedule;
  schedule.delay = [](std::int64_t) { return 5ms; };
  LatencyServer server(tls_options(schedule));
  LoadOptions options;
  options.threads = 2;
  options.connections = 32;
  options.rate = 200;
  options.duration = 2s;
  const auto result = run_load(tls_target(server), {get("ok", "/")}, options);
  ASSERT_TRUE(result) << result.error().message;
  const auto& ok = result->actions[0];
  EXPECT_NEAR(static_cast<double>(ok.requests), 400, 20);
  EXPECT_EQ(ok.statuses.count(200) ? ok.statuses.at(200) : 0, ok.requests);
  EXPECT_EQ(server.requests(), ok.requests);
  EXPECT_NEAR(static_cast<double>(ok.latency.percentile(50)), 5'000, 2'000);
  EXPECT_LE(server.connections(), 33);
}

TEST_F(PerfLoadTls, ReconnectsResumeTheSessionAndEveryFramingWorks) {
  LatencyServer server(tls_options());
  LoadOptions options;
  options.threads = 1;
  options.connections = 1;
  options.max_requests = 30;
  options.duration = 5s;
  const std::vector<LoadRequest> mix = {get("close", "/close"), get("eof", "/eof"),
                                        get("chunked", "/chunked")};
  const auto result = run_load(tls_target(server), mix, options);
  ASSERT_TRUE(result) << result.error().message;
  for (const auto& stats : result->actions) {
    EXPECT_EQ(stats.requests, 10) << stats.action;
    EXPECT_EQ(stats.statuses.count(200) ? stats.statuses.at(200) : 0, 10) << stats.action;
  }
  // Connection: close and bodies until close: a new connection for each of those 20, each
  // resuming the slot's last session (the probe's and the first are full handshakes).
  EXPECT_GE(server.connections(), 21);
  EXPECT_GE(server.resumed(), server.connections() - 2);
}

TEST_F(PerfLoadTls, UntrustedCertificateIsOneClearErrorBeforeTheRun) {
  LatencyServer server(tls_options());
  LoadTarget target = tls_target(server);
  target.ca_file.clear(); // the system store alone does not know the test CA
  LoadOptions options;
  options.duration = 1s;
  const auto result = run_load(target, {get("ok", "/")}, options);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::network);
  const std::string prefix =
      "https://portal.test:" + std::to_string(server.port()) + ": certificate verify failed: ";
  EXPECT_EQ(result.error().message.rfind(prefix, 0), 0U) << result.error().message;
  EXPECT_EQ(server.requests(), 0);
  EXPECT_EQ(server.connections(), 1); // the probe alone

  // Told not to verify, the same server is measured.
  target.verify = false;
  options.max_requests = 20;
  const auto unverified = run_load(target, {get("ok", "/")}, options);
  ASSERT_TRUE(unverified) << unverified.error().message;
  EXPECT_EQ(
      unverified->actions[0].statuses.count(200) ? unverified->actions[0].statuses.at(200) : 0, 20);
}

TEST_F(PerfLoadTls, WrongHostNameFailsVerification) {
  LatencyServer server(tls_options());
  LoadOptions options;
  options.duration = 1s;
  const auto result = run_load(tls_target(server, "other.test"), {get("ok", "/")}, options);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::network);
  EXPECT_NE(result.error().message.find("certificate verify failed: hostname mismatch"),
            std::string::npos)
      << result.error().message;
  EXPECT_EQ(server.requests(), 0);
}

TEST_F(PerfLoadTls, PlainHttpServerIsAHandshakeErrorNotAHang) {
  LatencyServer server; // no TLS: it waits for a request head the ClientHello never ends
  LoadOptions options;
  options.duration = 1s;
  options.timeout = 300ms;
  const auto result = run_load(tls_target(server), {get("ok", "/")}, options);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::network);
  EXPECT_EQ(result.error().message,
            "https://portal.test:" + std::to_string(server.port()) + ": TLS handshake timed out");
}

} // namespace
} // namespace lg::perf
