#pragma once
// launchgate's own SMTP sink: a TCP server on a configured address that accepts every message
// (the portal's password resets and invites) and keeps the latest ones in memory, read through
// net::Mailbox. `launchgate mailsink` runs it on its own; `audit` starts it for `mail.smtp_sink`.

#include "net/mailbox.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace lg::net {

struct SmtpSinkOptions {
  long long max_message_bytes = 10 << 20; ///< the SIZE announced and enforced (552 beyond it)
  int max_connections = 16;               ///< more at once are answered 421 and closed
  std::chrono::milliseconds idle_timeout{60000}; ///< a silent client is answered 421 and closed
  size_t max_kept_messages = 1000;               ///< the oldest are dropped beyond either bound
  size_t max_kept_bytes = size_t{64} << 20;
  /// Called for every message received, on the connection's thread, one call at a time, before
  /// next() can return it; may be empty; must not throw.
  std::function<void(const MailMessage&)> on_message;
  /// For tests of mail clients. With a certificate chain and key (PEM files) the sink offers
  /// STARTTLS; with a user name, MAIL needs SMTP AUTH (PLAIN or LOGIN) as it with `auth_password`,
  /// offered only after STARTTLS when that is offered. Messages sent over TLS or after AUTH begin
  /// with a Received: line saying so ("with ESMTPSA (authenticated as alice)"); others arrive
  /// unchanged.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string auth_username;
  std::string auth_password;
};

/// A running sink. Thread-safe; the destructor stops accepting, closes every connection (clients
/// still connected included) and joins its threads.
class SmtpSink final : public Mailbox {
public:
  /// Listens on `listen` ("127.0.0.1:2525", "[::1]:0": a literal IP and a port, 0 for any free
  /// one). Errors name the address and the cause: "127.0.0.1:2525: address already in use" (kind
  /// network), or a malformed address or unreadable TLS files (kind config).
  static Expected<std::unique_ptr<SmtpSink>> start(const std::string& listen,
                                                   long long max_message_bytes);
  static Expected<std::unique_ptr<SmtpSink>> start(const std::string& listen,
                                                   SmtpSinkOptions options);

  ~SmtpSink() override;
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;
  SmtpSink(SmtpSink&&) = delete;
  SmtpSink& operator=(SmtpSink&&) = delete;

  /// The bound port (the one the system chose when asked for port 0).
  int port() const;
  /// The bound address as host:port, IPv6 in brackets: "127.0.0.1:2525".
  std::string address() const;
  /// Messages received since the start (dropped ones included).
  size_t received() const;

  /// Remembers how many messages to `address` (any RCPT TO, compared case-insensitively) the sink
  /// holds now; next() returns only later ones. Never fails.
  Expected<void> watch(const std::string& address) override;

  /// The first message to `address` after the cursor of the last watch() or next() (the first
  /// kept one when `address` was never watched), waiting up to `timeout`, and advances the
  /// cursor past it. Errors only once the sink is stopping.
  Expected<std::optional<MailMessage>> next(const std::string& address,
                                            std::chrono::milliseconds timeout) override;

private:
  struct Impl;
  explicit SmtpSink(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

} // namespace lg::net
