// The perf gate's load engine (perf/load.hpp's LoadRunner): one epoll loop per thread over
// non-blocking sockets, HTTP/1.1 keep-alive without pipelining, each response parsed by a
// Boost.Beast basic_parser fed from the engine's own buffers (no Asio I/O). The open model follows
// wrk2: a constant overall rate, connection k of C sending at (k + n * C) / rate, latency measured
// from when a request was due (coordinated omission corrected); the closed model sends as each
// answer arrives. Every wait has a deadline; per-thread statistics are merged once every thread has
// been joined. HTTPS goes through OpenSSL on the same non-blocking sockets (RFC 8446 / 5246, TLS
// 1.2 minimum, RFC 6125 name checks by OpenSSL), one SSL_CTX per run shared by the threads, each
// connection slot resuming its last session when it reconnects.

#include "perf/impl/epoll_load.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <optional>
#include <poll.h>
#include <queue>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <thread>
#include <unistd.h>

namespace lg::perf {

namespace {

namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

constexpr std::uint64_t k_max_response = 16ULL * 1024 * 1024; ///< body bytes, then "too-large"
constexpr std::uint32_t k_max_header = 64 * 1024;             ///< header bytes, likewise
constexpr std::size_t k_read_chunk = 64 * 1024;
constexpr auto k_connect_backoff = std::chrono::milliseconds(50); ///< closed model, after a failure
constexpr auto k_probe_timeout = std::chrono::milliseconds(5000);
constexpr auto k_slack = std::chrono::seconds(1); ///< beyond the last deadline: stop regardless
constexpr int k_max_events = 256;

std::int64_t micros(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}

// ---- where to connect ---------------------------------------------------------------------------

struct Endpoint {
  sockaddr_storage addr{};
  socklen_t len = 0;
  int family = AF_INET;
  std::string text; ///< "127.0.0.1:8080" or "[::1]:8080", for messages
};

Expected<Endpoint> parse_endpoint(const LoadTarget& target) {
  if (target.port < 1 || target.port > 65535)
    return unexpected(ErrorKind::usage, "port out of range: " + std::to_string(target.port));
  Endpoint e;
  const auto port = htons(static_cast<std::uint16_t>(target.port));
  auto* v4 = reinterpret_cast<sockaddr_in*>(&e.addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&e.addr);
  if (inet_pton(AF_INET, target.address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = port;
    e.len = sizeof(sockaddr_in);
    e.text = target.address + ":" + std::to_string(target.port);
  } else if (inet_pton(AF_INET6, target.address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = port;
    e.family = AF_INET6;
    e.len = sizeof(sockaddr_in6);
    e.text = "[" + target.address + "]:" + std::to_string(target.port);
  } else {
    return unexpected(ErrorKind::usage, "not a literal IP address: " + target.address);
  }
  return e;
}

/// A non-blocking TCP socket with its connect begun; -1 and `err` set when that failed at once.
int start_connect(const Endpoint& endpoint, bool& connected, int& err) {
  connected = false;
  const int fd = socket(endpoint.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    err = errno;
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&endpoint.addr), endpoint.len) == 0) {
    connected = true;
  } else if (errno != EINPROGRESS) {
    err = errno;
    close(fd);
    return -1;
  }
  return fd;
}

/// One connection attempt before the run, bounded by `timeout`: the connected socket, or the
/// error when none can be made.
Expected<int> probe_connect(const Endpoint& endpoint, std::chrono::milliseconds timeout) {
  bool connected = false;
  int err = 0;
  const int fd = start_connect(endpoint, connected, err);
  if (fd >= 0 && !connected) {
    pollfd p{fd, POLLOUT, 0};
    const int n = poll(&p, 1, static_cast<int>(timeout.count()));
    socklen_t len = sizeof err;
    if (n <= 0)
      err = n == 0 ? ETIMEDOUT : errno;
    else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
      err = errno;
  }
  if (err != 0) {
    if (fd >= 0)
      close(fd);
    return unexpected(ErrorKind::network,
                      "cannot connect to " + endpoint.text + ": " + std::strerror(err));
  }
  return fd;
}

// ---- the transport seam: plain TCP or TLS
// --------------------------------------------------------

enum class Io { done, again, closed, failed };

struct IoResult {
  Io status = Io::done;
  std::size_t bytes = 0;
};

/// What a connection reads and writes through once TCP is connected. `handshake` runs until it
/// returns done (TLS); `read`/`write` return again when the socket would block.
class Transport {
public:
  virtual ~Transport() = default;
  virtual Io handshake() = 0;
  virtual IoResult read(char* data, std::size_t size) = 0;
  virtual IoResult write(const char* data, std::size_t size) = 0;
};

class PlainTransport final : public Transport {
public:
  explicit PlainTransport(int fd) : m_fd(fd) {}
  Io handshake() override { return Io::done; }
  IoResult read(char* data, std::size_t size) override {
    const ssize_t n = recv(m_fd, data, size, 0);
    if (n > 0)
      return {Io::done, static_cast<std::size_t>(n)};
    if (n == 0)
      return {Io::closed, 0};
    return {errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? Io::again : Io::failed, 0};
  }
  IoResult write(const char* data, std::size_t size) override {
    const ssize_t n = send(m_fd, data, size, MSG_NOSIGNAL);
    if (n >= 0)
      return {Io::done, static_cast<std::size_t>(n)};
    return {errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? Io::again : Io::failed, 0};
  }

private:
  int m_fd;
};

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};
struct SessionFree {
  void operator()(SSL_SESSION* session) const { SSL_SESSION_free(session); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;
using SslPtr = std::unique_ptr<SSL, SslFree>;
using SessionPtr = std::unique_ptr<SSL_SESSION, SessionFree>;

// OpenSSL's own socket BIO writes with write(2), which raises SIGPIPE when the server has gone:
// this one sends with MSG_NOSIGNAL, like PlainTransport. Its data is the descriptor.
int socket_of(BIO* bio) {
  return static_cast<int>(reinterpret_cast<std::intptr_t>(BIO_get_data(bio)));
}

int bio_write(BIO* bio, const char* data, int size) {
  BIO_clear_retry_flags(bio);
  const ssize_t n = send(socket_of(bio), data, static_cast<std::size_t>(size), MSG_NOSIGNAL);
  if (n >= 0)
    return static_cast<int>(n);
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
    BIO_set_retry_write(bio);
  return -1;
}

int bio_read(BIO* bio, char* data, int size) {
  BIO_clear_retry_flags(bio);
  const ssize_t n = recv(socket_of(bio), data, static_cast<std::size_t>(size), 0);
  if (n >= 0)
    return static_cast<int>(n); // 0: the server closed
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
    BIO_set_retry_read(bio);
  return -1;
}

long bio_ctrl(BIO*, int command, long, void*) {
  return command == BIO_CTRL_FLUSH ? 1 : 0;
}

/// The method of socket_bio, made once per process (it is read-only after that).
const BIO_METHOD* socket_method() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "lg-socket");
    if (m != nullptr) {
      BIO_meth_set_write(m, bio_write);
      BIO_meth_set_read(m, bio_read);
      BIO_meth_set_ctrl(m, bio_ctrl);
    }
    return m;
  }();
  return method;
}

/// A BIO over the non-blocking socket `fd` (not closing it); null when OpenSSL cannot make one.
BIO* socket_bio(int fd) {
  const BIO_METHOD* method = socket_method();
  BIO* bio = method == nullptr ? nullptr : BIO_new(method);
  if (bio != nullptr) {
    BIO_set_data(bio, reinterpret_cast<void*>(static_cast<std::intptr_t>(fd)));
    BIO_set_init(bio, 1);
  }
  return bio;
}

/// A client SSL over `fd` for `target` (SNI unless the name is an IP literal, the name the
/// certificate must hold), resuming `session` when given; null when OpenSSL fails.
SslPtr new_ssl(SSL_CTX* ctx, const LoadTarget& target, int fd, SSL_SESSION* session) {
  SslPtr ssl(SSL_new(ctx));
  if (!ssl)
    return nullptr;
  BIO* bio = socket_bio(fd);
  if (bio == nullptr)
    return nullptr;
  SSL_set_bio(ssl.get(), bio, bio);
  const std::string& name = target.sni.empty() ? target.address : target.sni;
  unsigned char literal[16];
  const bool ip = inet_pton(AF_INET, name.c_str(), literal) == 1 ||
                  inet_pton(AF_INET6, name.c_str(), literal) == 1;
  if (!ip && SSL_set_tlsext_host_name(ssl.get(), name.c_str()) != 1)
    return nullptr;
  // OpenSSL 3's SSL_set1_host takes an IP literal as an address to match against the IP SANs.
  if (target.verify && SSL_set1_host(ssl.get(), name.c_str()) != 1)
    return nullptr;
  if (session != nullptr)
    SSL_set_session(ssl.get(), session);
  SSL_set_connect_state(ssl.get());
  return ssl;
}

/// TLS over a connected non-blocking socket. WANT_READ and WANT_WRITE are both `again`: the
/// event loop retries reads and writes on every event of the socket, so a write waiting on a
/// read (or the reverse) is not stranded under edge-triggered notification. On destruction it
/// sends close_notify (when the connection is still sound) and leaves its session in `keep` for
/// the slot's next connection.
class TlsTransport final : public Transport {
public:
  TlsTransport(SslPtr ssl, SessionPtr* keep) : m_ssl(std::move(ssl)), m_keep(keep) {}
  ~TlsTransport() override {
    if (!m_sound)
      return;
    SSL_shutdown(m_ssl.get()); // one non-blocking try; its answer is not awaited
    if (m_keep != nullptr) {
      SessionPtr session(SSL_get1_session(m_ssl.get()));
      if (session && SSL_SESSION_is_resumable(session.get()) == 1)
        *m_keep = std::move(session);
    }
  }
  TlsTransport(const TlsTransport&) = delete;
  TlsTransport& operator=(const TlsTransport&) = delete;

  Io handshake() override {
    ERR_clear_error();
    const int rc = SSL_do_handshake(m_ssl.get());
    if (rc == 1) {
      m_sound = true;
      return Io::done;
    }
    const Io io = status(rc);
    if (io != Io::again && m_keep != nullptr)
      m_keep->reset(); // do not offer that session again
    return io;
  }
  IoResult read(char* data, std::size_t size) override {
    ERR_clear_error();
    std::size_t got = 0;
    const int rc = SSL_read_ex(m_ssl.get(), data, size, &got);
    return rc == 1 ? IoResult{Io::done, got} : IoResult{status(rc), 0};
  }
  IoResult write(const char* data, std::size_t size) override {
    ERR_clear_error();
    std::size_t put = 0;
    const int rc = SSL_write_ex(m_ssl.get(), data, size, &put);
    return rc == 1 ? IoResult{Io::done, put} : IoResult{status(rc), 0};
  }
  SSL* ssl() const { return m_ssl.get(); }

private:
  Io status(int rc) {
    switch (SSL_get_error(m_ssl.get(), rc)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      return Io::again;
    case SSL_ERROR_ZERO_RETURN:
      return Io::closed; // close_notify, or (SSL_OP_IGNORE_UNEXPECTED_EOF) a bare EOF
    default:
      m_sound = false; // after SSL_ERROR_SSL or _SYSCALL, SSL_shutdown must not be called
      return Io::failed;
    }
  }

  SslPtr m_ssl;
  SessionPtr* m_keep;
  bool m_sound = false;
};

/// The run's client context: TLS 1.2 or later, the system's trust store plus `target.ca_file`,
/// peer verification unless `target.verify` is false. Shared read-only by every thread.
Expected<SslCtxPtr> client_context(const LoadTarget& target) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx || SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) != 1)
    return unexpected(ErrorKind::internal, "cannot create a TLS context");
  // A server closing without close_notify ends a body-until-close answer, as over plain HTTP.
  SSL_CTX_set_options(ctx.get(), SSL_OP_IGNORE_UNEXPECTED_EOF);
  if (SSL_CTX_set_default_verify_paths(ctx.get()) != 1)
    ERR_clear_error(); // no system store: ca_file may still be enough
  if (!target.ca_file.empty() &&
      SSL_CTX_load_verify_locations(ctx.get(), target.ca_file.c_str(), nullptr) != 1) {
    ERR_clear_error();
    return unexpected(ErrorKind::io, "cannot read trust anchors from " + target.ca_file);
  }
  SSL_CTX_set_verify(ctx.get(), target.verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
  return ctx;
}

/// "https://name:port", for messages.
std::string https_origin(const LoadTarget& target) {
  const std::string& name = target.sni.empty() ? target.address : target.sni;
  const bool v6 = name.find(':') != std::string::npos;
  return "https://" + (v6 ? "[" + name + "]" : name) + ":" + std::to_string(target.port);
}

/// Why the handshake on `ssl` failed, in OpenSSL's words.
std::string handshake_error(SSL* ssl, const LoadTarget& target) {
  const long verified = SSL_get_verify_result(ssl);
  if (target.verify && verified != X509_V_OK)
    return https_origin(target) +
           ": certificate verify failed: " + X509_verify_cert_error_string(verified);
  const unsigned long code = ERR_peek_last_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  ERR_clear_error();
  return https_origin(target) + ": TLS handshake failed: " +
         (reason != nullptr ? reason : "the server closed the connection");
}

/// Before the run: one connection and, over TLS, one handshake, bounded by `timeout`; the error
/// (kind network) when the target cannot be reached or its certificate does not verify.
Expected<void> probe(const LoadTarget& target, const Endpoint& endpoint, SSL_CTX* tls,
                     std::chrono::milliseconds timeout) {
  const TimePoint deadline = Clock::now() + timeout;
  auto fd = probe_connect(endpoint, timeout);
  if (!fd)
    return unexpected(fd.error());
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{*fd};
  if (tls == nullptr)
    return {};
  SslPtr ssl = new_ssl(tls, target, *fd, nullptr);
  if (!ssl)
    return unexpected(ErrorKind::internal, "cannot set up TLS for " + https_origin(target));
  for (;;) {
    ERR_clear_error();
    const int rc = SSL_do_handshake(ssl.get());
    if (rc == 1) {
      SSL_shutdown(ssl.get());
      return {};
    }
    const int wants = SSL_get_error(ssl.get(), rc);
    if (wants != SSL_ERROR_WANT_READ && wants != SSL_ERROR_WANT_WRITE)
      return unexpected(ErrorKind::network, handshake_error(ssl.get(), target));
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0)
      return unexpected(ErrorKind::network, https_origin(target) + ": TLS handshake timed out");
    pollfd p{*fd, static_cast<short>(wants == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT), 0};
    poll(&p, 1, static_cast<int>(left.count()));
  }
}

// ---- response parsing ---------------------------------------------------------------------------

/// Beast's HTTP/1.1 response parser keeping only the status: bodies are counted and dropped.
class ResponseParser final : public http::basic_parser<false> {
public:
  int status = 0;

private:
  using string_view = boost::beast::string_view;
  using error_code = boost::beast::error_code;
  void on_request_impl(http::verb, string_view, string_view, int, error_code&) override {}
  void on_response_impl(int code, string_view, int, error_code&) override { status = code; }
  void on_field_impl(http::field, string_view, string_view, error_code&) override {}
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
  std::size_t on_body_impl(string_view body, error_code&) override { return body.size(); }
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override {
    return body.size();
  }
  void on_finish_impl(error_code&) override {}
};

// ---- the plan every thread shares ---------------------------------------------------------------

struct Plan {
  LoadTarget target;
  Endpoint endpoint;
  SSL_CTX* tls = nullptr;        ///< HTTPS: the run's context; null: plain HTTP
  std::vector<std::string> wire; ///< each action's request bytes
  std::vector<double> weights;
  std::vector<bool> head; ///< HEAD: no body in the answer
  LoadOptions options;
  TimePoint start;
  TimePoint measure_start;
  TimePoint measure_end;
  TimePoint hard_stop;
  std::atomic<std::int64_t> slots{0}; ///< requests taken, against max_requests
};

bool bad_text(const std::string& s) {
  return s.find_first_of(std::string("\r\n\0", 3)) != std::string::npos;
}

bool is_token(const std::string& s) {
  if (s.empty())
    return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
  });
}

bool iequals(const std::string& a, const char* b) {
  return a.size() == std::strlen(b) && std::equal(a.begin(), a.end(), b, [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

/// The request's bytes: request line, Host, the given headers, Content-Length when there is a
/// body (or the method usually has one), then the body.
Expected<std::string> build_request(const LoadTarget& target, const Endpoint& endpoint,
                                    const LoadRequest& request) {
  if (!is_token(request.method))
    return unexpected(ErrorKind::usage, "bad method in action " + request.action);
  if (request.target.empty() || bad_text(request.target) ||
      request.target.find_first_of(" \t") != std::string::npos)
    return unexpected(ErrorKind::usage, "bad target in action " + request.action);
  bool has_host = false;
  bool has_length = false;
  for (const auto& [name, value] : request.headers) {
    if (!is_token(name) || bad_text(value))
      return unexpected(ErrorKind::usage, "bad header in action " + request.action);
    has_host = has_host || iequals(name, "host");
    has_length =
        has_length || iequals(name, "content-length") || iequals(name, "transfer-encoding");
  }
  if (bad_text(target.host))
    return unexpected(ErrorKind::usage, "bad Host: " + target.host);
  std::string out = request.method + " " + request.target + " HTTP/1.1\r\n";
  if (!has_host)
    out += "Host: " + (target.host.empty() ? endpoint.text : target.host) + "\r\n";
  for (const auto& [name, value] : request.headers)
    out += name + ": " + value + "\r\n";
  const bool wants_body =
      request.method == "POST" || request.method == "PUT" || request.method == "PATCH";
  if (!has_length && (!request.body.empty() || wants_body))
    out += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
  out += "\r\n";
  out += request.body;
  return out;
}

// ---- one thread's event loop --------------------------------------------------------------------

struct Tally {
  Histogram latency;
  std::int64_t requests = 0;
  std::map<int, std::int64_t> statuses;
  std::map<std::string, std::int64_t> failures;
};

struct ThreadResult {
  std::vector<Tally> actions;
  Histogram send_lag;
  std::int64_t connects = 0;
  TimePoint finished{};
  std::string fatal; ///< set when the loop itself failed
};

enum class State { closed, connecting, handshaking, idle, sending, receiving, stopped };

struct Conn {
  std::int64_t index = 0; ///< among all connections, for the open model's phase
  int fd = -1;
  std::uint32_t socket_gen = 0; ///< tells events of a closed socket from its successor's
  std::unique_ptr<Transport> transport;
  SessionPtr session; ///< TLS: the last connection's session, offered by the next one
  State state = State::closed;
  int served = 0; ///< answers on the current socket

  // the request in hand
  bool busy = false;
  int action = 0;
  TimePoint due{};
  TimePoint deadline{};
  std::size_t sent = 0;
  bool wrote = false;    ///< its first byte is out
  bool answered = false; ///< a byte of its answer came in
  bool retried = false;  ///< already resent once on a fresh socket
  bool queued = false;   ///< it was due while the connection was still busy
  std::optional<ResponseParser> parser;
  std::string in; ///< received bytes the parser has not taken yet

  std::int64_t sequence = 0; ///< open model: the next request's number on this connection
  TimePoint not_before{};    ///< closed model: no new attempt before (after a connect failure)
  TimePoint freed{};         ///< when the last request in hand ended
  TimePoint timer_at = TimePoint::max();
  std::uint64_t timer_gen = 0;
};

struct TimerEntry {
  TimePoint at;
  std::uint64_t gen;
  std::size_t conn;
  bool operator>(const TimerEntry& o) const { return at > o.at; }
};

class Worker {
public:
  Worker(Plan& plan, std::vector<std::int64_t> indexes, ThreadResult& out)
      : m_plan(plan), m_out(out), m_current(plan.weights.size(), 0.0) {
    m_out.actions.resize(plan.wire.size());
    m_conns.resize(indexes.size());
    for (std::size_t i = 0; i < indexes.size(); ++i)
      m_conns[i].index = indexes[i];
    m_open = plan.options.rate > 0;
    m_buffer.resize(k_read_chunk);
  }

  ~Worker() {
    for (auto& c : m_conns)
      close_socket(c);
    if (m_timer >= 0)
      close(m_timer);
    if (m_epoll >= 0)
      close(m_epoll);
  }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void run() {
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    m_timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (m_epoll < 0 || m_timer < 0) {
      m_out.fatal = std::string("cannot create an event loop: ") + std::strerror(errno);
      return;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = k_timer_tag;
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_timer, &ev);

    m_active = m_conns.size();
    std::this_thread::sleep_until(m_plan.start); // the schedule's origin, shared by all threads
    const TimePoint now = Clock::now();
    for (std::size_t i = 0; i < m_conns.size(); ++i) {
      // Connect every connection at once, so the first requests do not pay for it.
      if (m_open)
        open_socket(i);
      next_request(i, now);
    }
    loop();
    m_out.finished = Clock::now();
  }

private:
  static constexpr std::uint64_t k_timer_tag = ~0ULL;

  void loop() {
    std::array<epoll_event, k_max_events> events{};
    while (m_active > 0) {
      TimePoint now = Clock::now();
      if (now >= m_plan.hard_stop) {
        for (std::size_t i = 0; i < m_conns.size(); ++i)
          stop(i);
        break;
      }
      while (!m_timers.empty() && m_timers.top().at <= now) {
        const TimerEntry t = m_timers.top();
        m_timers.pop();
        if (m_conns[t.conn].timer_gen == t.gen && m_conns[t.conn].timer_at == t.at)
          on_timer(t.conn, now);
        now = Clock::now();
      }
      if (m_active == 0)
        break;
      arm(m_timers.empty() ? m_plan.hard_stop : std::min(m_timers.top().at, m_plan.hard_stop));
      const int n = epoll_wait(m_epoll, events.data(), k_max_events, 1000);
      if (n < 0 && errno != EINTR) {
        m_out.fatal = std::string("epoll_wait: ") + std::strerror(errno);
        for (std::size_t i = 0; i < m_conns.size(); ++i)
          stop(i);
        break;
      }
      for (int e = 0; e < n; ++e) {
        const std::uint64_t tag = events[static_cast<std::size_t>(e)].data.u64;
        if (tag == k_timer_tag) {
          std::uint64_t expirations = 0;
          [[maybe_unused]] const auto r = read(m_timer, &expirations, sizeof expirations);
          m_armed = TimePoint::max();
          continue;
        }
        const auto conn = static_cast<std::size_t>(tag & 0xffffffffU);
        const auto gen = static_cast<std::uint32_t>(tag >> 32);
        if (conn < m_conns.size() && m_conns[conn].socket_gen == gen && m_conns[conn].fd >= 0)
          on_event(conn, events[static_cast<std::size_t>(e)].events);
      }
    }
  }

  /// Sets the timerfd to `at` (absolute, CLOCK_MONOTONIC, which steady_clock reads on Linux).
  void arm(TimePoint at) {
    if (at == m_armed)
      return;
    m_armed = at;
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch());
    const auto count = std::max<std::int64_t>(ns.count(), 1);
    itimerspec spec{};
    spec.it_value.tv_sec = static_cast<time_t>(count / 1000000000);
    spec.it_value.tv_nsec = static_cast<long>(count % 1000000000);
    timerfd_settime(m_timer, TFD_TIMER_ABSTIME, &spec, nullptr);
  }

  void wake(std::size_t i, TimePoint at) {
    Conn& c = m_conns[i];
    c.timer_at = at;
    ++c.timer_gen;
    m_timers.push({at, c.timer_gen, i});
    // Superseded entries stay in the heap until they surface: rebuild it from the live timers
    // once they outnumber them, which keeps it within a few entries per connection.
    if (m_timers.size() > 4 * m_conns.size() + 64)
      rebuild_timers();
  }

  void rebuild_timers() {
    std::vector<TimerEntry> live;
    for (std::size_t k = 0; k < m_conns.size(); ++k)
      if (m_conns[k].timer_at != TimePoint::max())
        live.push_back({m_conns[k].timer_at, m_conns[k].timer_gen, k});
    m_timers = decltype(m_timers)(std::greater<>(), std::move(live));
  }

  void cancel_timer(std::size_t i) {
    m_conns[i].timer_at = TimePoint::max();
    ++m_conns[i].timer_gen;
  }

  bool recorded(TimePoint due) const {
    return due >= m_plan.measure_start && due < m_plan.measure_end;
  }

  bool take_slot() {
    if (m_plan.options.max_requests <= 0)
      return true;
    return m_plan.slots.fetch_add(1, std::memory_order_relaxed) < m_plan.options.max_requests;
  }

  /// Smooth weighted round-robin over the mix: deterministic, and exact over every cycle.
  int pick() {
    double total = 0;
    std::size_t best = 0;
    for (std::size_t a = 0; a < m_current.size(); ++a) {
      m_current[a] += m_plan.weights[a];
      total += m_plan.weights[a];
      if (m_current[a] > m_current[best])
        best = a;
    }
    m_current[best] -= total;
    return static_cast<int>(best);
  }

  TimePoint due_of(const Conn& c) const {
    // Connection k of C sends its n-th request at (k + n * C) / rate after the start.
    const double n =
        static_cast<double>(c.index) +
        static_cast<double>(c.sequence) * static_cast<double>(m_plan.options.connections);
    const auto offset = std::chrono::nanoseconds(
        static_cast<std::int64_t>(std::llround(n * 1e9 / m_plan.options.rate)));
    return m_plan.start + offset;
  }

  /// The connection is free: take its next request, or wait until one is due, or stop.
  void next_request(std::size_t i, TimePoint now) {
    Conn& c = m_conns[i];
    for (;;) {
      // The closed model stops with the window. The open model also sends, late, every request
      // that fell due inside it while its connection was busy (each counted from its due time,
      // or as a timeout once its time has run out): a stall at the end is charged like any other.
      if (!m_open && now >= m_plan.measure_end) {
        stop(i);
        return;
      }
      TimePoint due = now;
      if (m_open) {
        due = due_of(c);
        if (due >= m_plan.measure_end) {
          stop(i);
          return;
        }
        if (due > now) {
          wake(i, due);
          return;
        }
      } else if (c.not_before > now) {
        wake(i, c.not_before);
        return;
      }
      if (!take_slot()) {
        stop(i);
        return;
      }
      ++c.sequence;
      const int action = pick();
      if (now - due >= m_plan.options.timeout) {
        // Due so long ago behind a busy connection that its time ran out before it could leave.
        count_failure(action, due, "timeout");
        continue;
      }
      begin(i, action, due);
      return;
    }
  }

  void begin(std::size_t i, int action, TimePoint due) {
    Conn& c = m_conns[i];
    c.busy = true;
    c.action = action;
    c.due = due;
    c.deadline = due + m_plan.options.timeout;
    c.wrote = false;
    c.answered = false;
    c.retried = false;
    c.queued = due < c.freed;
    wake(i, c.deadline);
    if (c.state == State::idle)
      start_send(i);
    else if (c.state == State::closed)
      open_socket(i);
  }

  void open_socket(std::size_t i) {
    Conn& c = m_conns[i];
    bool connected = false;
    int err = 0;
    const int fd = start_connect(m_plan.endpoint, connected, err);
    if (fd < 0) {
      on_connect_failed(i, "connect");
      return;
    }
    c.fd = fd;
    ++c.socket_gen;
    if (m_plan.tls != nullptr) {
      SslPtr ssl = new_ssl(m_plan.tls, m_plan.target, fd, c.session.get());
      if (!ssl) {
        close_socket(c);
        on_connect_failed(i, "tls");
        return;
      }
      c.transport = std::make_unique<TlsTransport>(std::move(ssl), &c.session);
    } else {
      c.transport = std::make_unique<PlainTransport>(fd);
    }
    c.served = 0;
    c.in.clear();
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.u64 = (static_cast<std::uint64_t>(c.socket_gen) << 32) | i;
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev) != 0) {
      close_socket(c);
      on_connect_failed(i, "connect");
      return;
    }
    c.state = State::connecting;
    if (connected)
      on_connected(i);
  }

  void on_connected(std::size_t i) {
    Conn& c = m_conns[i];
    ++m_out.connects;
    c.state = State::handshaking;
    step_handshake(i);
  }

  void step_handshake(std::size_t i) {
    Conn& c = m_conns[i];
    switch (c.transport->handshake()) {
    case Io::done:
      c.state = State::idle;
      if (c.busy)
        start_send(i);
      return;
    case Io::again:
      return;
    case Io::closed:
    case Io::failed:
      close_socket(c);
      on_connect_failed(i, "tls");
      return;
    }
  }

  /// No connection: count the request in hand (if any) as a failure of `kind`.
  void on_connect_failed(std::size_t i, const char* kind) {
    Conn& c = m_conns[i];
    c.state = State::closed;
    c.not_before = Clock::now() + k_connect_backoff;
    if (c.busy)
      fail(i, kind);
  }

  void start_send(std::size_t i) {
    Conn& c = m_conns[i];
    c.state = State::sending;
    c.sent = 0;
    new_parser(c);
    flush(i);
  }

  void new_parser(Conn& c) {
    c.parser.emplace();
    c.parser->eager(true);
    c.parser->body_limit(k_max_response);
    c.parser->header_limit(k_max_header);
    if (m_plan.head[static_cast<std::size_t>(c.action)])
      c.parser->skip(true);
  }

  void flush(std::size_t i) {
    Conn& c = m_conns[i];
    const std::string& wire = m_plan.wire[static_cast<std::size_t>(c.action)];
    while (c.sent < wire.size()) {
      const IoResult r = c.transport->write(wire.data() + c.sent, wire.size() - c.sent);
      if (r.status == Io::again)
        return;
      if (r.status != Io::done) {
        on_eof(i); // a failed write: as if the server had closed
        return;
      }
      if (!c.wrote && r.bytes > 0) {
        c.wrote = true;
        // The instrument's own lag: a wait behind a busy connection is the server's doing.
        if (recorded(c.due) && !c.queued)
          m_out.send_lag.record(micros(Clock::now() - c.due));
      }
      c.sent += r.bytes;
    }
    c.state = State::receiving;
    if (!c.in.empty())
      feed(i, nullptr, 0); // an answer that came early
  }

  void on_event(std::size_t i, std::uint32_t events) {
    Conn& c = m_conns[i];
    if (c.state == State::connecting) {
      int err = 0;
      socklen_t len = sizeof err;
      if (getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        err = errno;
      if (err != 0) {
        close_socket(c);
        on_connect_failed(i, "connect");
        return;
      }
      if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0)
        return;
      on_connected(i);
      return;
    }
    if (c.state == State::handshaking) {
      step_handshake(i);
      return;
    }
    // Every event retries both directions, whichever it signals: over TLS a write may wait on
    // a read and a read on a write, and an edge-triggered wakeup not acted on is not repeated.
    // A retry with nothing to do costs one system call.
    const std::uint32_t gen = c.socket_gen;
    if (c.state == State::sending)
      flush(i);
    if (c.fd < 0 || c.socket_gen != gen)
      return;
    on_readable(i);
  }

  void on_readable(std::size_t i) {
    Conn& c = m_conns[i];
    const std::uint32_t gen = c.socket_gen;
    for (;;) {
      if (c.fd < 0 || c.socket_gen != gen)
        return; // closed while answering (Connection: close, a failure)
      const IoResult r = c.transport->read(m_buffer.data(), m_buffer.size());
      if (r.status == Io::again)
        return;
      if (r.status != Io::done) {
        on_eof(i);
        return;
      }
      if (c.state == State::receiving) {
        c.answered = true;
        feed(i, m_buffer.data(), r.bytes);
      } else if (c.state == State::sending && c.in.size() + r.bytes <= k_max_header) {
        c.answered = true;
        c.in.append(m_buffer.data(), r.bytes);
      } else {
        // Bytes nobody asked for (or a flood while sending): the connection is not usable.
        if (c.busy)
          fail(i, "parse");
        else
          drop_socket(i);
        return;
      }
    }
  }

  /// Gives the parser `data` after whatever it has not taken yet.
  void feed(std::size_t i, const char* data, std::size_t size) {
    Conn& c = m_conns[i];
    const char* p = data;
    std::size_t left = size;
    if (!c.in.empty()) {
      c.in.append(data == nullptr ? "" : data, size);
      p = c.in.data();
      left = c.in.size();
    }
    std::size_t used_total = 0;
    while (left > 0) {
      boost::beast::error_code ec;
      const std::size_t used = c.parser->put(boost::asio::const_buffer(p, left), ec);
      p += used;
      left -= used;
      used_total += used;
      if (ec == http::error::need_more)
        break;
      if (ec) {
        const bool large = ec == http::error::body_limit || ec == http::error::header_limit;
        fail(i, large ? "too-large" : "parse");
        return;
      }
      if (c.parser->is_done() && c.parser->status >= 100 && c.parser->status < 200 &&
          c.parser->status != 101) {
        new_parser(c); // an interim answer (103 Early Hints): the real one follows
        continue;
      }
      if (c.parser->is_done()) {
        // No pipelining: bytes after the answer mean the connection cannot be trusted further.
        complete(i, left == 0);
        return;
      }
      if (used == 0)
        break;
    }
    if (!c.in.empty())
      c.in.erase(0, used_total);
    else if (left > 0)
      c.in.assign(p, left);
    if (c.in.size() > k_max_header)
      fail(i, "too-large");
  }

  void on_eof(std::size_t i) {
    Conn& c = m_conns[i];
    if (c.state == State::receiving && c.parser && c.parser->is_header_done() &&
        c.parser->need_eof()) {
      boost::beast::error_code ec;
      c.parser->put_eof(ec);
      if (!ec && c.parser->is_done()) {
        complete(i, false);
        return;
      }
    }
    if (!c.busy) {
      drop_socket(i); // the server closed an idle keep-alive connection
      return;
    }
    if (!c.answered && c.served > 0 && !c.retried) {
      // The server closed a kept-alive connection as the request went out: send it once more on
      // a fresh one, as browsers do.
      close_socket(c);
      c.state = State::closed;
      c.retried = true;
      c.wrote = false;
      open_socket(i);
      return;
    }
    fail(i, "reset");
  }

  void complete(std::size_t i, bool reusable) {
    Conn& c = m_conns[i];
    const TimePoint now = Clock::now();
    if (recorded(c.due)) {
      Tally& t = m_out.actions[static_cast<std::size_t>(c.action)];
      t.latency.record(micros(now - c.due));
      ++t.requests;
      ++t.statuses[c.parser->status];
    }
    ++c.served;
    c.freed = now;
    const bool keep = reusable && c.parser->keep_alive();
    c.parser.reset();
    c.in.clear();
    c.busy = false;
    cancel_timer(i);
    if (keep)
      c.state = State::idle;
    else
      drop_socket(i);
    next_request(i, now);
  }

  void count_failure(int action, TimePoint due, const char* kind) {
    if (!recorded(due))
      return;
    Tally& t = m_out.actions[static_cast<std::size_t>(action)];
    ++t.requests;
    ++t.failures[kind];
  }

  /// The request in hand failed: count it, drop the socket, go on with the next.
  void fail(std::size_t i, const char* kind) {
    Conn& c = m_conns[i];
    count_failure(c.action, c.due, kind);
    c.busy = false;
    c.freed = Clock::now();
    c.parser.reset();
    cancel_timer(i);
    if (c.state != State::closed)
      drop_socket(i);
    next_request(i, Clock::now());
  }

  void on_timer(std::size_t i, TimePoint now) {
    Conn& c = m_conns[i];
    c.timer_at = TimePoint::max();
    if (c.state == State::stopped)
      return;
    if (c.busy) {
      if (now >= c.deadline)
        fail(i, "timeout");
      return;
    }
    next_request(i, now);
  }

  void drop_socket(std::size_t i) {
    close_socket(m_conns[i]);
    m_conns[i].state = State::closed;
  }

  static void close_socket(Conn& c) {
    c.transport.reset();
    if (c.fd >= 0)
      close(c.fd); // also leaves the epoll set
    c.fd = -1;
    c.in.clear();
  }

  void stop(std::size_t i) {
    Conn& c = m_conns[i];
    if (c.state == State::stopped)
      return;
    close_socket(c);
    c.busy = false;
    c.parser.reset();
    c.state = State::stopped;
    cancel_timer(i);
    --m_active;
  }

  Plan& m_plan;
  ThreadResult& m_out;
  std::vector<Conn> m_conns;
  std::vector<double> m_current; ///< the round-robin's running weights
  std::priority_queue<TimerEntry, std::vector<TimerEntry>, std::greater<>> m_timers;
  std::vector<char> m_buffer;
  std::size_t m_active = 0;
  bool m_open = false;
  int m_epoll = -1;
  int m_timer = -1;
  TimePoint m_armed = TimePoint::max();
};

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

Expected<void> check_options(const std::vector<LoadRequest>& mix, const LoadOptions& o) {
  if (mix.empty())
    return unexpected(ErrorKind::usage, "the request mix is empty");
  for (const auto& r : mix)
    if (!(r.weight > 0) || !std::isfinite(r.weight))
      return unexpected(ErrorKind::usage, "action " + r.action + " needs a positive weight");
  if (o.threads < 1 || o.threads > 64)
    return unexpected(ErrorKind::usage, "threads must be 1..64");
  if (o.connections < 1 || o.connections > 10000)
    return unexpected(ErrorKind::usage, "connections must be 1..10000");
  if (o.connections < o.threads)
    return unexpected(ErrorKind::usage, "at least one connection per thread");
  if (!(o.rate >= 0) || !std::isfinite(o.rate) || o.rate > 10'000'000)
    return unexpected(ErrorKind::usage, "rate must be 0..10000000 requests per second");
  if (o.duration.count() <= 0 || o.duration > std::chrono::hours(24))
    return unexpected(ErrorKind::usage, "duration must be positive (at most a day)");
  if (o.warmup.count() < 0 || o.warmup > std::chrono::hours(1))
    return unexpected(ErrorKind::usage, "warm-up must be 0..1 h");
  if (o.timeout.count() <= 0 || o.timeout > std::chrono::minutes(10))
    return unexpected(ErrorKind::usage, "timeout must be positive (at most 10 min)");
  if (o.max_requests < 0)
    return unexpected(ErrorKind::usage, "max_requests must not be negative");
  return {};
}

} // namespace

Expected<LoadResult> run_load(const LoadTarget& target, const std::vector<LoadRequest>& mix,
                              const LoadOptions& options) {
  if (auto ok = check_options(mix, options); !ok)
    return unexpected(ok.error());
  auto endpoint = parse_endpoint(target);
  if (!endpoint)
    return unexpected(endpoint.error());

  Plan plan;
  plan.endpoint = *endpoint;
  plan.options = options;
  for (const auto& request : mix) {
    auto wire = build_request(target, plan.endpoint, request);
    if (!wire)
      return unexpected(wire.error());
    plan.wire.push_back(std::move(*wire));
    plan.weights.push_back(request.weight);
    plan.head.push_back(request.method == "HEAD");
  }
  SslCtxPtr tls;
  if (target.tls) {
    auto ctx = client_context(target);
    if (!ctx)
      return unexpected(ctx.error());
    tls = std::move(*ctx);
    plan.tls = tls.get();
  }
  plan.target = target;
  if (auto reachable =
          probe(target, plan.endpoint, plan.tls, std::min(options.timeout, k_probe_timeout));
      !reachable)
    return unexpected(reachable.error());

  // Connections are dealt round-robin, so each thread's are spread evenly over the schedule.
  const auto threads = static_cast<std::size_t>(options.threads);
  std::vector<std::vector<std::int64_t>> indexes(threads);
  for (int k = 0; k < options.connections; ++k)
    indexes[static_cast<std::size_t>(k) % threads].push_back(k);

  std::vector<ThreadResult> results(threads);
  const double cpu_before = cpu_seconds();
  plan.start = Clock::now() + std::chrono::milliseconds(1);
  plan.measure_start = plan.start + options.warmup;
  plan.measure_end = plan.measure_start + options.duration;
  plan.hard_stop = plan.measure_end + options.timeout + k_slack;
  {
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (std::size_t t = 0; t < threads; ++t) {
      pool.emplace_back([&plan, &indexes, &results, t] {
        try {
          Worker worker(plan, indexes[t], results[t]);
          worker.run();
        } catch (const std::exception& e) {
          results[t].fatal = e.what();
        }
        if (results[t].finished == TimePoint{})
          results[t].finished = Clock::now();
      });
    }
    for (auto& thread : pool)
      thread.join();
  }
  const TimePoint ended = Clock::now();
  const double cpu = cpu_seconds() - cpu_before;

  LoadResult result;
  std::int64_t connects = 0;
  TimePoint finished = plan.start;
  for (const auto& r : results) {
    if (!r.fatal.empty())
      return unexpected(ErrorKind::internal, "load engine: " + r.fatal);
    connects += r.connects;
    finished = std::max(finished, r.finished);
  }
  if (connects == 0)
    return unexpected(ErrorKind::network,
                      "no connection to " + plan.endpoint.text + " could be made during the run");
  // One ActionStats per action name: the concrete requests of one action (a template filled
  // with several ids) are counted together.
  std::map<std::string, std::size_t> slot;
  for (std::size_t a = 0; a < mix.size(); ++a) {
    auto [it, fresh] = slot.emplace(mix[a].action, result.actions.size());
    if (fresh) {
      result.actions.emplace_back();
      result.actions.back().action = mix[a].action;
    }
    ActionStats& stats = result.actions[it->second];
    for (const auto& r : results) {
      const Tally& t = r.actions[a];
      stats.latency.merge(t.latency);
      stats.requests += t.requests;
      for (const auto& [status, count] : t.statuses)
        stats.statuses[status] += count;
      for (const auto& [kind, count] : t.failures)
        stats.failures[kind] += count;
    }
  }
  for (const auto& r : results)
    result.self.send_lag.merge(r.send_lag);
  // Measured time: the window, or less when max_requests ended the run inside it.
  const TimePoint measured_end = std::min(finished, plan.measure_end);
  result.seconds =
      std::max(0.0, std::chrono::duration<double>(measured_end - plan.measure_start).count());
  const double wall = std::chrono::duration<double>(ended - plan.start).count();
  result.self.cpu_seconds = cpu;
  result.self.cpu_share = wall > 0 ? cpu / (wall * static_cast<double>(threads)) : 0;
  return result;
}

Expected<LoadResult> EpollLoadRunner::run(const LoadTarget& target,
                                          const std::vector<LoadRequest>& mix,
                                          const LoadOptions& options) {
  return run_load(target, mix, options);
}

} // namespace lg::perf
