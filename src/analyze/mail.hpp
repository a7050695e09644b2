#pragma once
// Mail as the session gate reads it: an RFC 5322 message with MIME parts (RFC 2045-2047) turned
// into decoded text parts, and the links in them (reset and invite links).

#include "util/expected.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lg::analyze {

/// A text part of a message (text/plain or text/html), its body decoded from quoted-printable or
/// base64, and from ISO-8859-1 to UTF-8 when that is its charset.
struct MailPart {
  std::string content_type; ///< lower case, without parameters: "text/plain"
  std::string text;
};

struct Mail {
  std::vector<std::pair<std::string, std::string>> headers; ///< names lower case, unfolded
  std::string from;                                         ///< RFC 2047 words decoded
  std::string to;
  std::string subject;
  std::vector<MailPart> parts; ///< text parts in document order (a single-part text mail: one)

  /// The first header named `name` (lower case), or "".
  std::string header(std::string_view name) const;
};

/// Parses `raw` (CRLF or LF line ends). Multipart bodies are split by their boundary and parsed
/// part by part, at most `max_parts` parts and 8 levels deep; parts that are not text are skipped.
/// Errors (kind parse) when there is no header block at all.
Expected<Mail> parse_mail(std::string_view raw, size_t max_parts = 64);

/// Quoted-printable (RFC 2045 6.7): =XX escapes and soft line breaks; malformed escapes are kept.
std::string decode_quoted_printable(std::string_view text);

/// Base64 (RFC 4648) ignoring whitespace; stops at the first character outside the alphabet.
std::string decode_base64(std::string_view text);

/// Encoded words (RFC 2047, `=?charset?B|Q?text?=`) in a header value, decoded.
std::string decode_header_words(std::string_view value);

/// The http and https links of `mail`: href values of its HTML parts (entities decoded) and URLs
/// in its text, without trailing punctuation, each once, in order of appearance.
std::vector<std::string> mail_links(const Mail& mail);

} // namespace lg::analyze
