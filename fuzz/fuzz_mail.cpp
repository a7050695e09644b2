// Fuzzes the mail sink's untrusted input: arbitrary bytes as an SMTP session (one command or DATA
// line per input line; the first byte's low bits turn on STARTTLS and required AUTH, a STARTTLS
// that is taken up starting the dialogue over as after a handshake) and as a mail message (MIME
// parts, encodings, encoded words, links), and every message the dialogue captured, parsed
// again.

#include "analyze/mail.hpp"
#include "analyze/smtp.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  lg::analyze::SmtpDialogue dialogue(4096);
  const unsigned mode = size > 0 ? data[0] : 0;
  if (mode & 1u)
    dialogue.offer_starttls();
  if (mode & 2u)
    dialogue.require_auth("alerts", "pw");
  size_t at = 0;
  while (at <= text.size()) {
    size_t end = text.find('\n', at);
    auto line = text.substr(at, end == std::string_view::npos ? text.size() - at : end - at);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    auto reply = dialogue.feed(line);
    if (reply.start_tls)
      dialogue.tls_started();
    if (reply.close || end == std::string_view::npos)
      break;
    at = end + 1;
  }
  for (const auto& mail : dialogue.take())
    if (auto parsed = lg::analyze::parse_mail(mail.data))
      (void)lg::analyze::mail_links(*parsed);
  if (auto parsed = lg::analyze::parse_mail(text, 16))
    (void)lg::analyze::mail_links(*parsed);
  (void)lg::analyze::decode_header_words(text);
  (void)lg::analyze::decode_quoted_printable(text);
  (void)lg::analyze::decode_base64(text);
  return 0;
}
