#pragma once
// Sending mail: one message handed to an SMTP server for submission (RFC 6409), with STARTTLS
// (RFC 3207) or implicit TLS (RFC 8314) and SMTP AUTH (RFC 4954). The monitor's e-mail alerts
// talk through this interface; the adapter (net/impl/curl_mail) speaks SMTP with libcurl.

#include "util/expected.hpp"

#include <string>
#include <vector>

namespace lg::net {

/// Where and how to submit mail.
struct MailServer {
  /// How the connection is protected.
  enum class Tls {
    starttls, ///< plain connect, then STARTTLS; a server without it is an error, never plain text
    implicit, ///< TLS from the first byte (smtps, port 465)
    none,     ///< plain text all along (a local relay or a test sink only)
  };
  std::string host;
  int port = 587;
  Tls tls = Tls::starttls;
  std::string username; ///< SMTP AUTH when set
  std::string password;
  std::string ca_file;    ///< extra trust anchors (PEM), added to the system store; none when empty
  int timeout_ms = 15000; ///< the whole submission, connect included
};

/// One message and its envelope.
struct OutgoingMail {
  std::string from;            ///< the envelope sender (MAIL FROM), a bare address
  std::vector<std::string> to; ///< the envelope recipients (RCPT TO), bare addresses
  std::string message;         ///< the full RFC 5322 text, CRLF line ends
};

/// Submits one message per call. Errors (kind network for the connection, TLS, authentication or
/// a refusal; config for an unusable address) name the server and the cause, never the password.
class MailTransport {
public:
  virtual ~MailTransport() = default;
  virtual Expected<void> send(const MailServer& server, const OutgoingMail& mail) = 0;
};

} // namespace lg::net
