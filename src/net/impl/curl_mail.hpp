#pragma once
// The libcurl adapter of net::MailTransport.

#include "net/mail_transport.hpp"

namespace lg::net {

/// Submits each message on a fresh libcurl easy handle (smtp:// or smtps://), so one transport
/// may be shared by threads. STARTTLS is required when asked for (CURLUSESSL_ALL: a server that
/// does not offer it fails the send, nothing goes out in plain text); certificates and host names
/// are always verified, against the system store plus the server's `ca_file`. Ignores proxy
/// environment variables, speaks only SMTP(S).
class CurlMailTransport final : public MailTransport {
public:
  CurlMailTransport();
  Expected<void> send(const MailServer& server, const OutgoingMail& mail) override;
};

} // namespace lg::net
