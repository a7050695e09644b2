#pragma once
// The server side of an SMTP dialogue (RFC 5321) as a state machine over lines: what launchgate's
// mail sink answers to each command, and the messages it has received. No sockets here: the sink
// (net/impl) feeds it lines and writes its replies.

#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

/// One message as it arrived: the envelope and the DATA, dot-unstuffed, CRLF line ends.
struct ReceivedMail {
  std::string mail_from;
  std::vector<std::string> rcpt_to;
  std::string data;
  std::string auth_user; ///< who authenticated (SMTP AUTH) before sending it, or empty
  bool tls = false;      ///< whether it came over TLS (after STARTTLS)
};

class SmtpDialogue {
public:
  /// `max_message_bytes`: the SIZE the server announces and enforces (552 beyond it).
  explicit SmtpDialogue(size_t max_message_bytes = 10u << 20, std::string host = "launchgate.sink");

  /// The 220 greeting, with CRLF.
  std::string greeting() const;

  /// Offers STARTTLS (RFC 3207) until TLS is on; the caller holds a certificate and answers a
  /// Reply with `start_tls` by a TLS handshake, then calls tls_started(). Off by default.
  void offer_starttls();
  /// Requires SMTP AUTH (RFC 4954, PLAIN or LOGIN) as `username` with `password` before MAIL;
  /// when STARTTLS is offered, AUTH is offered and accepted only once TLS is on. Off by default.
  void require_auth(std::string username, std::string password);
  /// The TLS handshake after STARTTLS succeeded: the dialogue starts over, as RFC 3207 4.2
  /// requires (the client says EHLO again, nothing it said before counts).
  void tls_started();

  struct Reply {
    std::string text;       ///< reply lines with CRLF; empty while DATA lines arrive
    bool close = false;     ///< after QUIT (or too many errors): close the connection
    bool start_tls = false; ///< after sending `text`: start TLS, dropping any line already read
  };

  /// Feeds one line, without its CRLF, and returns what to answer.
  Reply feed(std::string_view line);

  /// The messages completed since the last call.
  std::vector<ReceivedMail> take();

private:
  Reply command(std::string_view line);
  Reply auth(std::string_view args);
  Reply auth_continue(std::string_view line);
  Reply check_login(std::string_view user, std::string_view password);
  Reply fail(std::string text); ///< an error reply, counted; closes after too many
  void reset();

  enum class AuthStep { none, plain, login_user, login_password };

  size_t m_max;
  std::string m_host;
  bool m_greeted = false;
  bool m_in_data = false;
  bool m_too_big = false;
  int m_errors = 0;
  ReceivedMail m_current;
  bool m_has_sender = false;
  std::vector<ReceivedMail> m_done;
  bool m_offer_tls = false;
  bool m_tls = false;
  bool m_auth_required = false;
  std::string m_username;
  std::string m_password;
  std::string m_auth_user; ///< who authenticated on this connection, or empty
  AuthStep m_auth_step = AuthStep::none;
  std::string m_login_user; ///< AUTH LOGIN: the user name given, awaiting the password
};

} // namespace lg::analyze
