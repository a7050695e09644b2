#pragma once
// Where the session gate reads the mail the portal sends (password resets, invites). Adapters
// (net/impl): launchgate's own SMTP sink, or a configured command that prints the newest message
// for an address (a provider's test inbox).

#include "util/expected.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace lg::net {

/// One received message, as it came over the wire (RFC 5322, CRLF line ends, dot-stuffing undone).
struct MailMessage {
  std::string mail_from;               ///< the envelope sender (MAIL FROM), may be empty
  std::vector<std::string> recipients; ///< the envelope recipients (RCPT TO); empty from a command
  std::string data;                    ///< the message: headers, blank line, body
};

class Mailbox {
public:
  virtual ~Mailbox() = default;

  /// Remembers what `address`'s inbox holds now, so that next() returns only mail that arrives
  /// later. Addresses compare case-insensitively.
  virtual Expected<void> watch(const std::string& address) = 0;

  /// The first message to `address` after the last watch() or next() for it, waiting up to
  /// `timeout`; nullopt when none arrived in time. Errors: the source failed (a command that
  /// exits non-zero, a sink that stopped).
  virtual Expected<std::optional<MailMessage>> next(const std::string& address,
                                                    std::chrono::milliseconds timeout) = 0;
};

} // namespace lg::net
