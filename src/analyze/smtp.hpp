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
};

class SmtpDialogue {
public:
  /// `max_message_bytes`: the SIZE the server announces and enforces (552 beyond it).
  explicit SmtpDialogue(size_t max_message_bytes = 10u << 20, std::string host = "launchgate.sink");

  /// The 220 greeting, with CRLF.
  std::string greeting() const;

  struct Reply {
    std::string text;   ///< reply lines with CRLF; empty while DATA lines arrive
    bool close = false; ///< after QUIT (or too many errors): close the connection
  };

  /// Feeds one line, without its CRLF, and returns what to answer.
  Reply feed(std::string_view line);

  /// The messages completed since the last call.
  std::vector<ReceivedMail> take();

private:
  Reply command(std::string_view line);
  void reset();

  size_t m_max;
  std::string m_host;
  bool m_greeted = false;
  bool m_in_data = false;
  bool m_too_big = false;
  int m_errors = 0;
  ReceivedMail m_current;
  bool m_has_sender = false;
  std::vector<ReceivedMail> m_done;
};

} // namespace lg::analyze
