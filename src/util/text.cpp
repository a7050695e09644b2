// String helpers, SHA-256 through OpenSSL's EVP interface, and the one redaction rule of the
// design: a secret appears as a prefix of at most 4 characters, its length and a fingerprint.

#include "util/text.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <ctime>
#include <fmt/format.h>

namespace lg {

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string to_upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_space(s.back()))
    s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos)
      end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

std::string base64_encode(std::string_view data) {
  static constexpr std::string_view k_digits =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  for (size_t i = 0; i < data.size(); i += 3) {
    size_t left = std::min<size_t>(3, data.size() - i);
    uint32_t group = 0;
    for (size_t j = 0; j < 3; ++j)
      group = (group << 8) | (j < left ? static_cast<unsigned char>(data[i + j]) : 0u);
    for (size_t j = 0; j < 4; ++j)
      out += j <= left ? k_digits[(group >> (18 - 6 * j)) & 0x3F] : '=';
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha256(), nullptr);
  std::string out;
  out.reserve(static_cast<size_t>(len) * 2);
  for (unsigned int i = 0; i < len; ++i)
    out += fmt::format("{:02x}", md[i]);
  return out;
}

std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty())
      out += separator;
    out += part;
  }
  return out;
}

std::string hmac_sha(int bits, std::string_view key, std::string_view data) {
  const EVP_MD* md = bits == 256   ? EVP_sha256()
                     : bits == 384 ? EVP_sha384()
                     : bits == 512 ? EVP_sha512()
                                   : nullptr;
  if (md == nullptr)
    return {};
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  if (HMAC(md, key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(),
           &len) == nullptr)
    return {};
  return std::string(reinterpret_cast<const char*>(out.data()), len);
}

std::string base64url_encode(std::string_view data) {
  std::string out = base64_encode(data);
  while (!out.empty() && out.back() == '=')
    out.pop_back();
  for (char& c : out)
    c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=')
    text.remove_suffix(1);
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = c >= 'A' && c <= 'Z'   ? c - 'A'
            : c >= 'a' && c <= 'z' ? c - 'a' + 26
            : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '-' || c == '+' ? 62
            : c == '_' || c == '/' ? 63
                                   : -1;
    if (v < 0)
      return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFFu);
    }
  }
  if (text.size() % 4 == 1)
    return std::nullopt;
  return out;
}

std::string redact(std::string_view secret) {
  // Values shorter than 12 characters show no prefix: 4 characters would be a third of them.
  size_t prefix = secret.size() >= 12 ? 4 : 0;
  std::string shown(secret.substr(0, prefix));
  for (char& c : shown)
    if (std::isprint(static_cast<unsigned char>(c)) == 0)
      c = '?';
  return fmt::format("{}… ({} chars, fp {})", shown, secret.size(),
                     sha256_hex(secret).substr(0, 8));
}

std::optional<long long> parse_rfc3339_ms(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, consumed = 0;
  std::string t(trim(text));
  if (std::sscanf(t.c_str(), "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &consumed) != 5 &&
      std::sscanf(t.c_str(), "%4d-%2d-%2d %2d:%2d%n", &y, &mo, &d, &h, &mi, &consumed) != 5)
    return std::nullopt;
  std::string_view rest = std::string_view(t).substr(static_cast<size_t>(consumed));
  if (rest.size() >= 3 && rest[0] == ':' && std::isdigit(static_cast<unsigned char>(rest[1])) &&
      std::isdigit(static_cast<unsigned char>(rest[2]))) {
    sec = (rest[1] - '0') * 10 + (rest[2] - '0');
    rest.remove_prefix(3);
    if (!rest.empty() && rest[0] == '.') { // a fraction of a second, not kept
      rest.remove_prefix(1);
      size_t digits = 0;
      while (digits < rest.size() && digits < 9 &&
             std::isdigit(static_cast<unsigned char>(rest[digits])))
        ++digits;
      if (digits == 0)
        return std::nullopt;
      rest.remove_prefix(digits);
    }
  }
  long long offset_min = 0;
  if (rest == "Z" || rest == "z") {
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int oh = 0, om = 0;
    if (std::sscanf(std::string(rest.substr(1)).c_str(), "%2d:%2d", &oh, &om) != 2 || oh > 23 ||
        om > 59)
      return std::nullopt;
    offset_min = (rest[0] == '+' ? 1 : -1) * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  time_t epoch = timegm(&tm);
  if (epoch == static_cast<time_t>(-1))
    return std::nullopt;
  return (static_cast<long long>(epoch) - offset_min * 60) * 1000;
}

size_t LineCounter::at(size_t pos) {
  pos = std::min(pos, m_text.size());
  if (pos < m_pos) {
    m_pos = 0;
    m_line = 1;
  }
  for (; m_pos < pos; ++m_pos)
    if (m_text[m_pos] == '\n')
      ++m_line;
  return m_line;
}

} // namespace lg
