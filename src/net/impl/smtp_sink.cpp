// The SMTP sink (RFC 5321 server side over TCP): one thread accepts, one thread per connection
// (at most `max_connections`; more are greeted with 421 and closed) reads CRLF or LF lines under a
// length cap and an idle timeout and feeds them to analyze::SmtpDialogue, which speaks the
// protocol. Messages are kept in memory, bounded, for net::Mailbox readers. An eventfd that every
// poll() watches stops all threads at once. Given a certificate, STARTTLS switches a connection
// to OpenSSL over the same non-blocking socket (RFC 3207: plain text read past the command is
// dropped); SMTP AUTH is the dialogue's.

#include "net/impl/smtp_sink.hpp"

#include "analyze/smtp.hpp"
#include "util/text.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <deque>
#include <fmt/format.h>
#include <list>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>
#include <utility>

namespace lg::net {
namespace {

constexpr size_t k_max_line_bytes =
    size_t{256} * 1024; // DATA lines may exceed RFC 5321's 1000 a little
constexpr const char* k_host = "launchgate.sink";

/// The message of `err` for people, lower case: "address already in use".
std::string socket_error(int err) {
  switch (err) {
  case EADDRINUSE:
    return "address already in use";
  case EADDRNOTAVAIL:
    return "address not available on this machine";
  case EACCES:
    return "permission denied (ports below 1024 need privileges)";
  default:
    return to_lower(std::strerror(err));
  }
}

/// Closes a file descriptor once.
class Fd {
public:
  Fd() = default;
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
  }
  int get() const { return m_fd; }
  void reset() {
    if (m_fd >= 0)
      close(m_fd);
    m_fd = -1;
  }

private:
  int m_fd = -1;
};

/// The port and "host:port" (IPv6 in brackets) of the socket bound to `fd`.
std::pair<int, std::string> bound_address(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API's own idiom
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::array<char, INET6_ADDRSTRLEN> host{};
  if (addr.ss_family == AF_INET6) {
    sockaddr_in6 a6{};
    std::memcpy(&a6, &addr, sizeof(a6));
    inet_ntop(AF_INET6, &a6.sin6_addr, host.data(), host.size());
    int port = ntohs(a6.sin6_port);
    return {port, fmt::format("[{}]:{}", host.data(), port)};
  }
  sockaddr_in a4{};
  std::memcpy(&a4, &addr, sizeof(a4));
  inet_ntop(AF_INET, &a4.sin_addr, host.data(), host.size());
  int port = ntohs(a4.sin_port);
  return {port, fmt::format("{}:{}", host.data(), port)};
}

/// A bound, listening socket on `listen` ("127.0.0.1:2525", "[::1]:0").
Expected<Fd> open_listener(const std::string& listen) {
  auto bad = [&] {
    return unexpected(ErrorKind::config,
                      fmt::format("{}: not host:port with a literal IP, e.g. 127.0.0.1:2525 or "
                                  "[::1]:2525",
                                  listen));
  };
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size())
    return bad();
  std::string host = listen.substr(0, colon);
  std::string port = listen.substr(colon + 1);
  if (port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      std::stoi(port) > 65535)
    return bad();
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  else if (host.find(':') != std::string::npos)
    return bad(); // IPv6 without brackets
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 || found == nullptr)
    return bad();
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> info(found, &freeaddrinfo);

  Fd fd(socket(info->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (fd.get() < 0)
    return unexpected(ErrorKind::network, fmt::format("{}: {}", listen, socket_error(errno)));
  int one = 1;
  setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (info->ai_family == AF_INET6)
    setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  if (bind(fd.get(), info->ai_addr, info->ai_addrlen) != 0 || ::listen(fd.get(), 64) != 0)
    return unexpected(ErrorKind::network, fmt::format("{}: {}", listen, socket_error(errno)));
  return fd;
}

struct SslDeleter {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};
struct SslCtxDeleter {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};

/// The trace line put before a message that came over TLS or after AUTH (RFC 5321 4.4, the
/// protocol names of RFC 3848), dated now.
std::string received_line(const analyze::ReceivedMail& mail) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::array<char, 64> date{};
  std::strftime(date.data(), date.size(), "%d %b %Y %H:%M:%S +0000", &tm);
  std::string with =
      std::string("ESMTP") + (mail.tls ? "S" : "") + (mail.auth_user.empty() ? "" : "A");
  std::string who =
      mail.auth_user.empty() ? "" : fmt::format(" (authenticated as {})", mail.auth_user);
  // The user name came from the client: no CR or LF may reach the header.
  std::erase_if(who, [](char c) { return c == '\r' || c == '\n'; });
  return fmt::format("Received: by {} with {}{}; {}\r\n", k_host, with, who, date.data());
}

struct Kept {
  uint64_t seq = 0;
  MailMessage message;
  size_t bytes = 0;
};

bool addressed_to(const MailMessage& message, std::string_view address) {
  return std::any_of(message.recipients.begin(), message.recipients.end(),
                     [&](const std::string& r) { return iequals(r, address); });
}

} // namespace

struct SmtpSink::Impl {
  SmtpSinkOptions options;
  std::unique_ptr<SSL_CTX, SslCtxDeleter> tls; ///< null: no STARTTLS
  Fd listener;
  Fd wake; ///< an eventfd: written once at stop, readable from then on for every poll()
  int port = 0;
  std::string address; ///< bound host:port
  std::thread acceptor;

  struct Connection {
    std::thread thread;
    std::atomic<bool> done{false};
  };
  std::mutex connections_mutex;
  std::list<Connection> connections;

  mutable std::mutex mail_mutex;
  std::condition_variable arrived;
  std::deque<Kept> kept;
  size_t kept_bytes = 0;
  uint64_t next_seq = 0;
  std::map<std::string, uint64_t> cursors; ///< lower-case address -> first sequence not yet read
  bool stopping = false;

  std::mutex callback_mutex;

  void accept_loop();
  void serve(int fd);
  bool send_all(int fd, SSL* ssl, std::string_view text) const;
  /// Waits for `events` on `fd` (or the stop signal) up to `timeout_ms`; whether they came.
  bool wait_for(int fd, short events, int timeout_ms) const;
  /// The TLS handshake after STARTTLS, bounded by the idle timeout; null when it failed.
  std::unique_ptr<SSL, SslDeleter> handshake(int fd) const;
  void keep(std::vector<analyze::ReceivedMail> mails);
  /// Joins finished connection threads; returns how many are still running.
  size_t reap();
};

size_t SmtpSink::Impl::reap() {
  std::lock_guard lock(connections_mutex);
  for (auto it = connections.begin(); it != connections.end();) {
    if (it->done) {
      it->thread.join();
      it = connections.erase(it);
    } else {
      ++it;
    }
  }
  return connections.size();
}

void SmtpSink::Impl::accept_loop() {
  while (true) {
    std::array<pollfd, 2> fds{{{listener.get(), POLLIN, 0}, {wake.get(), POLLIN, 0}}};
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR)
        continue;
      return;
    }
    if (fds[1].revents != 0)
      return;
    int fd = accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        pollfd w{wake.get(), POLLIN, 0};
        poll(&w, 1, 100); // out of descriptors: let connections finish rather than spin
      }
      continue;
    }
    if (reap() >= static_cast<size_t>(options.max_connections)) {
      constexpr std::string_view k_busy = "421 4.3.2 too many connections, try again later\r\n";
      (void)send(fd, k_busy.data(), k_busy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      close(fd);
      continue;
    }
    std::lock_guard lock(connections_mutex);
    auto& connection = connections.emplace_back();
    connection.thread = std::thread([this, fd, &connection] {
      serve(fd);
      connection.done = true;
    });
  }
}

bool SmtpSink::Impl::wait_for(int fd, short events, int timeout_ms) const {
  std::array<pollfd, 2> fds{{{fd, events, 0}, {wake.get(), POLLIN, 0}}};
  int rc = poll(fds.data(), fds.size(), timeout_ms);
  return rc > 0 && fds[1].revents == 0;
}

std::unique_ptr<SSL, SslDeleter> SmtpSink::Impl::handshake(int fd) const {
  std::unique_ptr<SSL, SslDeleter> ssl(SSL_new(tls.get()));
  if (!ssl || SSL_set_fd(ssl.get(), fd) != 1)
    return nullptr;
  auto deadline = std::chrono::steady_clock::now() + options.idle_timeout;
  while (true) {
    ERR_clear_error();
    int rc = SSL_accept(ssl.get());
    if (rc == 1)
      return ssl;
    int err = SSL_get_error(ssl.get(), rc);
    if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
      return nullptr;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !wait_for(fd, err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT,
                                       static_cast<int>(left.count())))
      return nullptr;
  }
}

bool SmtpSink::Impl::send_all(int fd, SSL* ssl, std::string_view text) const {
  while (!text.empty() && ssl != nullptr) {
    ERR_clear_error();
    int n = SSL_write(ssl, text.data(), static_cast<int>(std::min<size_t>(text.size(), 1 << 20)));
    if (n > 0) {
      text.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    int err = SSL_get_error(ssl, n);
    if ((err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) ||
        !wait_for(fd, err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT,
                  static_cast<int>(options.idle_timeout.count())))
      return false;
  }
  while (!text.empty()) {
    ssize_t n = send(fd, text.data(), text.size(), MSG_NOSIGNAL);
    if (n > 0) {
      text.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
      return false;
    std::array<pollfd, 2> fds{{{fd, POLLOUT, 0}, {wake.get(), POLLIN, 0}}};
    int rc = poll(fds.data(), fds.size(), static_cast<int>(options.idle_timeout.count()));
    if (rc <= 0 || fds[1].revents != 0)
      return false;
  }
  return true;
}

void SmtpSink::Impl::serve(int raw_fd) {
  Fd fd(raw_fd);
  analyze::SmtpDialogue dialogue(static_cast<size_t>(options.max_message_bytes), k_host);
  if (tls)
    dialogue.offer_starttls();
  if (!options.auth_username.empty())
    dialogue.require_auth(options.auth_username, options.auth_password);
  std::unique_ptr<SSL, SslDeleter> ssl; // set once STARTTLS succeeded
  if (!send_all(fd.get(), nullptr, dialogue.greeting()))
    return;
  std::string buffer;
  std::array<char, 16384> chunk{};
  // Answers every complete line in `buffer`; false once the connection is to be closed.
  auto answer_lines = [&] {
    size_t start = 0;
    for (size_t nl = buffer.find('\n'); nl != std::string::npos; nl = buffer.find('\n', start)) {
      std::string_view line(buffer.data() + start, nl - start);
      if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
      start = nl + 1;
      auto reply = dialogue.feed(line);
      keep(dialogue.take());
      if (!reply.text.empty() && !send_all(fd.get(), ssl.get(), reply.text))
        return false;
      if (reply.close)
        return false;
      if (reply.start_tls) {
        buffer.clear(); // RFC 3207 5: what came in plain text after STARTTLS is not heeded
        ssl = handshake(fd.get());
        if (!ssl)
          return false;
        dialogue.tls_started();
        return true;
      }
    }
    buffer.erase(0, start);
    if (buffer.size() > k_max_line_bytes) {
      send_all(fd.get(), ssl.get(), "500 5.5.2 line too long, closing\r\n");
      return false;
    }
    return true;
  };
  while (true) {
    // Bytes OpenSSL already decrypted make no socket readable: read them without waiting.
    bool pending = ssl && SSL_pending(ssl.get()) > 0;
    std::array<pollfd, 2> fds{{{fd.get(), POLLIN, 0}, {wake.get(), POLLIN, 0}}};
    int rc =
        pending ? 1 : poll(fds.data(), fds.size(), static_cast<int>(options.idle_timeout.count()));
    if (rc < 0 && errno == EINTR)
      continue;
    if (rc < 0)
      return;
    if (fds[1].revents != 0) {
      send_all(fd.get(), ssl.get(), "421 4.3.0 the sink is stopping, closing\r\n");
      return;
    }
    if (rc == 0) {
      send_all(fd.get(), ssl.get(), "421 4.4.2 idle for too long, closing\r\n");
      return;
    }
    if (ssl) {
      ERR_clear_error();
      int got = SSL_read(ssl.get(), chunk.data(), static_cast<int>(chunk.size()));
      if (got <= 0) {
        int err = SSL_get_error(ssl.get(), got);
        if (err == SSL_ERROR_WANT_READ)
          continue;
        if (err == SSL_ERROR_WANT_WRITE &&
            wait_for(fd.get(), POLLOUT, static_cast<int>(options.idle_timeout.count())))
          continue;
        return;
      }
      buffer.append(chunk.data(), static_cast<size_t>(got));
      if (!answer_lines())
        return;
      continue;
    }
    ssize_t n = recv(fd.get(), chunk.data(), chunk.size(), 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
      continue;
    if (n <= 0)
      return;
    buffer.append(chunk.data(), static_cast<size_t>(n));
    if (!answer_lines())
      return;
  }
}

void SmtpSink::Impl::keep(std::vector<analyze::ReceivedMail> mails) {
  for (auto& mail : mails) {
    if (mail.tls || !mail.auth_user.empty())
      mail.data.insert(0, received_line(mail));
    MailMessage message{std::move(mail.mail_from), std::move(mail.rcpt_to), std::move(mail.data)};
    if (options.on_message) {
      std::lock_guard lock(callback_mutex);
      options.on_message(message);
    }
    {
      std::lock_guard lock(mail_mutex);
      size_t bytes = message.data.size() + message.mail_from.size();
      for (const auto& r : message.recipients)
        bytes += r.size();
      kept.push_back(Kept{next_seq++, std::move(message), bytes});
      kept_bytes += bytes;
      // The newest message stays even when it alone exceeds the byte bound.
      while (kept.size() > 1 &&
             (kept.size() > options.max_kept_messages || kept_bytes > options.max_kept_bytes)) {
        kept_bytes -= kept.front().bytes;
        kept.pop_front();
      }
    }
    arrived.notify_all();
  }
}

SmtpSink::SmtpSink(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

Expected<std::unique_ptr<SmtpSink>> SmtpSink::start(const std::string& listen,
                                                    long long max_message_bytes) {
  SmtpSinkOptions options;
  options.max_message_bytes = max_message_bytes;
  return start(listen, std::move(options));
}

Expected<std::unique_ptr<SmtpSink>> SmtpSink::start(const std::string& listen,
                                                    SmtpSinkOptions options) {
  if (options.max_message_bytes <= 0 || options.max_connections <= 0 ||
      options.idle_timeout.count() <= 0 || options.max_kept_messages == 0)
    return unexpected(ErrorKind::config,
                      fmt::format("{}: the sink's limits must be positive", listen));
  auto impl = std::make_unique<Impl>();
  if (!options.tls_cert_file.empty() || !options.tls_key_file.empty()) {
    impl->tls.reset(SSL_CTX_new(TLS_server_method()));
    if (!impl->tls)
      return unexpected(ErrorKind::internal, "SSL_CTX_new failed");
    SSL_CTX_set_min_proto_version(impl->tls.get(), TLS1_2_VERSION);
    if (SSL_CTX_use_certificate_chain_file(impl->tls.get(), options.tls_cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(impl->tls.get(), options.tls_key_file.c_str(),
                                    SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(impl->tls.get()) != 1) {
      ERR_clear_error();
      return unexpected(ErrorKind::config,
                        fmt::format("{}: cannot use the TLS certificate {} with the key {}", listen,
                                    options.tls_cert_file, options.tls_key_file));
    }
  }
  impl->options = std::move(options);
  impl->listener = LG_TRY(open_listener(listen));
  impl->wake = Fd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (impl->wake.get() < 0)
    return unexpected(ErrorKind::internal, fmt::format("eventfd: {}", socket_error(errno)));
  std::tie(impl->port, impl->address) = bound_address(impl->listener.get());
  Impl* raw = impl.get();
  impl->acceptor = std::thread([raw] { raw->accept_loop(); });
  return std::unique_ptr<SmtpSink>(new SmtpSink(std::move(impl)));
}

SmtpSink::~SmtpSink() {
  uint64_t one = 1;
  (void)write(m_impl->wake.get(), &one, sizeof(one));
  {
    std::lock_guard lock(m_impl->mail_mutex);
    m_impl->stopping = true;
  }
  m_impl->arrived.notify_all();
  if (m_impl->acceptor.joinable())
    m_impl->acceptor.join();
  // The acceptor is gone, so the list only shrinks from here.
  std::lock_guard lock(m_impl->connections_mutex);
  for (auto& connection : m_impl->connections)
    connection.thread.join();
  m_impl->connections.clear();
}

int SmtpSink::port() const {
  return m_impl->port;
}

std::string SmtpSink::address() const {
  return m_impl->address;
}

size_t SmtpSink::received() const {
  std::lock_guard lock(m_impl->mail_mutex);
  return static_cast<size_t>(m_impl->next_seq);
}

Expected<void> SmtpSink::watch(const std::string& address) {
  std::lock_guard lock(m_impl->mail_mutex);
  m_impl->cursors[to_lower(address)] = m_impl->next_seq;
  return {};
}

Expected<std::optional<MailMessage>> SmtpSink::next(const std::string& address,
                                                    std::chrono::milliseconds timeout) {
  auto key = to_lower(address);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(m_impl->mail_mutex);
  while (true) {
    if (m_impl->stopping)
      return unexpected(ErrorKind::network, "the SMTP sink stopped");
    uint64_t& cursor = m_impl->cursors[key];
    for (const auto& k : m_impl->kept) {
      if (k.seq >= cursor && addressed_to(k.message, key)) {
        cursor = k.seq + 1;
        return std::optional<MailMessage>(k.message);
      }
    }
    if (std::chrono::steady_clock::now() >= deadline)
      return std::optional<MailMessage>();
    m_impl->arrived.wait_until(lock, deadline);
  }
}

} // namespace lg::net
