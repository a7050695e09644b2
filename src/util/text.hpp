#pragma once
// Small string helpers shared by every layer.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lg {

/// ASCII lower-case copy of `s`.
std::string to_lower(std::string_view s);
/// ASCII upper-case copy of `s`.
std::string to_upper(std::string_view s);
/// `s` without leading and trailing ASCII whitespace.
std::string_view trim(std::string_view s);
/// True when `a` and `b` are equal ignoring ASCII case.
bool iequals(std::string_view a, std::string_view b);
/// Splits `s` at every `sep`; empty fields are kept.
std::vector<std::string_view> split(std::string_view s, char sep);

/// The lines of `text`, each without its '\n' or "\r\n"; no empty last line for a final '\n'.
std::vector<std::string_view> split_lines(std::string_view text);
/// True when `s` starts with `prefix` ignoring ASCII case.
bool istarts_with(std::string_view s, std::string_view prefix);

/// Standard base64 of `data` (RFC 4648 section 4, with '=' padding), e.g. for HTTP Basic.
std::string base64_encode(std::string_view data);

/// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

/// `text` as one single-quoted POSIX shell word ('it'\''s'), for commands shown or run.
std::string shell_quote(std::string_view text);

/// `parts` joined with `separator` between them.
std::string join(const std::vector<std::string>& parts, std::string_view separator);

/// HMAC of `data` under `key` with SHA-256, SHA-384 or SHA-512 (`bits` 256, 384, 512), raw
/// bytes; empty for any other `bits`. Used to judge JWT signatures (session.jwt).
std::string hmac_sha(int bits, std::string_view key, std::string_view data);

/// base64url without padding (RFC 4648 section 5, as JWTs use it).
std::string base64url_encode(std::string_view data);
/// Decodes base64url with or without padding; nullopt on any other character.
std::optional<std::string> base64url_decode(std::string_view text);

/// The redacted form of a secret value for reports and logs: at most a 4-character prefix, the
/// length and a short fingerprint, e.g. `ab12… (40 chars, fp 3f9a1c0e)`. Short values show no
/// prefix.
std::string redact(std::string_view secret);

/// "2026-12-01T02:00:00Z", or with an offset ("+01:00"), seconds optional (a fraction is read
/// past, not kept), in epoch milliseconds; empty when malformed.
std::optional<long long> parse_rfc3339_ms(std::string_view text);

/// The 1-based line number of positions in one text, counted as they come: cheap while positions
/// move forward, recounted from the start when one goes back. The text must outlive it.
class LineCounter {
public:
  explicit LineCounter(std::string_view text) : m_text(text) {}
  size_t at(size_t pos);

private:
  std::string_view m_text;
  size_t m_pos = 0;
  size_t m_line = 1;
};

} // namespace lg
