#pragma once
// Small helpers shared by the portal's modules: clock, text checks, escaping and encoding.

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>

namespace portal {

// Seconds since the Unix epoch, from the system clock.
std::int64_t now_seconds();

// `epoch_seconds` as an RFC 3339 UTC timestamp, e.g. "2024-01-08T09:00:00Z".
std::string rfc3339(std::int64_t epoch_seconds);

// `epoch_seconds` as an RFC 5322 date, e.g. "Mon, 08 Jan 2024 09:00:00 +0000".
std::string rfc5322_date(std::int64_t epoch_seconds);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates).
bool valid_utf8(std::string_view text);

// Number of Unicode code points in the well-formed UTF-8 string `text`.
std::size_t utf8_length(std::string_view text);

// ASCII lower-case copy of `text`.
std::string ascii_lower(std::string_view text);

// True when `a` and `b` are equal ignoring ASCII case.
bool iequals(std::string_view a, std::string_view b);

// `text` escaped for HTML element content and quoted attribute values.
std::string html_escape(std::string_view text);

// Lower-case hex of `bytes`.
std::string hex_encode(std::string_view bytes);

// Decodes one application/x-www-form-urlencoded component (`+` is a space, `%XX` a byte).
std::string form_decode(std::string_view text);

// The value of the field `name` in the form-encoded body `body`, or "" when absent.
std::string form_field(std::string_view body, std::string_view name);

// `text` with every byte outside printable ASCII replaced by '?', for log lines.
std::string log_safe(std::string_view text);

// An address as the log shows it: its first character and its domain ("b***@acme.test"), so that
// the log holds no customer's email.
std::string masked_address(std::string_view address);

// `text` as a whole decimal integer in [`min`, `max`], or nullopt when it is empty, holds anything
// else or is out of range.
template <typename Int> std::optional<Int> parse_int(std::string_view text, Int min, Int max) {
  Int value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

// The readable (demangled) name of `type`, e.g. "std::invalid_argument".
std::string type_name(const std::type_info& type);

// A plausible mailbox: one '@', no spaces or control characters, 3..254 bytes.
bool plausible_email(std::string_view email);

} // namespace portal
