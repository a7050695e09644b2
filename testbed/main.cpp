// launchgate-portal: the sample client portal that launchgate audits. Parses flags, opens and
// seeds the SQLite store, binds the HTTP server (HTTPS with --tls-cert/--tls-key; port 0 picks a
// free one) and prints exactly one "listening on http(s)://HOST:PORT" line to stdout; logs go to
// stderr. With --http-port a second, plain-HTTP server redirects every request to HTTPS. SIGINT
// and SIGTERM are taken synchronously by a watcher thread (sigtimedwait) that stops the servers,
// so shutdown is clean.

#include "auth.hpp"
#include "mail.hpp"
#include "options.hpp"
#include "seed.hpp"
#include "server.hpp"
#include "store.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <memory>
#include <thread>
#include <vector>

namespace {

// Debian's cpp-httplib is a shared library built with a listen queue of 5: a hundred users who
// connect together overflow it, and each dropped SYN waits a second or more for its retransmit.
// Linux lets listen() be called again on a listening socket to change its queue, so the socket
// bound to `port` gets nginx's 511.
void deepen_listen_queue(int port) {
  for (int fd = 3; fd < 1024; ++fd) {
    int listening = 0;
    socklen_t len = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || listening == 0)
      continue;
    sockaddr_storage addr{};
    socklen_t addr_len = sizeof addr;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &addr_len) != 0)
      continue;
    int bound = 0;
    if (addr.ss_family == AF_INET)
      bound = ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
    else if (addr.ss_family == AF_INET6)
      bound = ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
    if (bound == port)
      ::listen(fd, 511);
  }
}

using namespace portal;

std::string seed_password() {
  const char* env = std::getenv("PORTAL_SEED_PASSWORD");
  return env != nullptr && *env != '\0' ? env : "portal-demo-password";
}

void seed_if_empty(Store& store, int records_per_org) {
  if (!store.empty()) {
    return;
  }
  auto users = seed_users();
  const auto password = seed_password();
  for (auto& user : users) {
    user.password_hash = hash_password(password);
  }
  store.seed(users, seed_records(records_per_org));
  fmt::print(stderr, "seeded orgs acme and globex, {} users, {} records per org\n", users.size(),
             records_per_org);
}

std::string url_host(const std::string& host) {
  return host.find(':') != std::string::npos ? fmt::format("[{}]", host) : host;
}

int run(const Options& options) {
  // Block the stop signals before any thread starts, so that every thread inherits the mask and
  // only the watcher below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  Store store(options.db_path);
  seed_if_empty(store, options.seed_records);
  Auth auth(store, options);
  Mailer mailer(options.smtp);
  LoginThrottle throttle(options.login_window, !options.flaws.has(Flaw::no_rate_limit));

  const bool tls = !options.tls_cert.empty();
  std::unique_ptr<httplib::Server> https;
  if (tls) {
    https = std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
    if (!https->is_valid()) {
      fmt::print(stderr, "error: cannot load --tls-cert {} and --tls-key {}\n", options.tls_cert,
                 options.tls_key);
      return 1;
    }
  } else {
    https = std::make_unique<httplib::Server>();
  }
  httplib::Server& server = *https;
  Context ctx{options, store, auth, mailer, throttle, {}};
  install_middleware(server, ctx);
  install_api_routes(server, ctx);
  install_page_routes(server, ctx);
  server.set_keep_alive_max_count(100);
  // cpp-httplib writes headers and body separately; with Nagle on, each response then waits for
  // the client's delayed ACK (about 40 ms on Linux). See bench/README.md.
  server.set_tcp_nodelay(true);

  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port(options.host);
  } else if (!server.bind_to_port(options.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    fmt::print(stderr, "error: cannot listen on {}:{}\n", options.host, options.port);
    return 1;
  }
  deepen_listen_queue(port);
  ctx.base_url = fmt::format("{}://{}:{}", tls ? "https" : "http", url_host(options.host), port);

  // The plain-HTTP side: a permanent redirect to the same path over HTTPS, on the host the
  // client asked for (the no-https-redirect flaw serves the sign-in page instead).
  httplib::Server plain;
  if (options.http_port >= 0) {
    install_http_side(plain, ctx, port);
    int http_port =
        options.http_port == 0
            ? plain.bind_to_any_port(options.host)
            : (plain.bind_to_port(options.host, options.http_port) ? options.http_port : -1);
    if (http_port <= 0) {
      fmt::print(stderr, "error: cannot listen on {}:{} (--http-port)\n", options.host,
                 options.http_port);
      return 1;
    }
    fmt::print(stderr, "plain http on http://{}:{}\n", url_host(options.host), http_port);
  }
  std::thread plain_thread;
  std::atomic<bool> plain_done{false};
  if (options.http_port >= 0) {
    plain_thread = std::thread([&plain, &plain_done] {
      plain.listen_after_bind();
      plain_done.store(true);
    });
  }
  if (!options.flaws.empty()) {
    fmt::print(stderr, "flaws on: {}\n", fmt::join(options.flaws.names(), ", "));
  }
  if (options.session == SessionMode::jwt) {
    fmt::print(stderr, "sessions: HS256 JWTs\n");
  }

  std::atomic<bool> done{false};
  std::thread watcher([&] {
    const timespec tick{0, 100'000'000};
    while (!done.load()) {
      const int sig = sigtimedwait(&stop_signals, nullptr, &tick);
      if (sig == SIGINT || sig == SIGTERM) {
        fmt::print(stderr, "received {}, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
        // stop() is a no-op until the accept loop runs, so repeat until it has returned.
        while (!done.load()) {
          server.stop();
          plain.stop();
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
      }
    }
  });

  std::fputs(fmt::format("listening on {}\n", ctx.base_url).c_str(), stdout);
  std::fflush(stdout);
  server.listen_after_bind();
  done.store(true);
  watcher.join();
  if (plain_thread.joinable()) {
    // stop() is a no-op until the accept loop runs, as above.
    while (!plain_done.load()) {
      plain.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    plain_thread.join();
  }
  fmt::print(stderr, "stopped\n");
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  const auto parsed = portal::parse_options(args);
  if (!parsed.error.empty()) {
    fmt::print(stderr, "launchgate-portal: {}\n", parsed.error);
    return 2;
  }
  if (parsed.options.help) {
    std::fputs(portal::usage_text().c_str(), stdout);
    return 0;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  int status = 1;
  try {
    status = run(parsed.options);
  } catch (const std::exception& e) {
    fmt::print(stderr, "launchgate-portal: {}\n", e.what());
  }
  curl_global_cleanup();
  return status;
}
