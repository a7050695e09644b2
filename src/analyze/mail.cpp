// Reads the mail a portal sends (RFC 5322 messages, MIME per RFC 2045-2047) for the session
// gate's reset and invite checks: unfolded headers, encoded words, multipart bodies split by their
// boundary, quoted-printable and base64 bodies, ISO-8859-1 to UTF-8, and the links in the text.
// Input comes from the network: every loop is bounded by the input and the part and depth limits.

#include "analyze/mail.hpp"

#include "analyze/forms.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cctype>

namespace lg::analyze {
namespace {

constexpr int k_max_depth = 8;

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

std::string latin1_to_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

/// Splits `raw` into its header block and body at the first empty line.
std::pair<std::string_view, std::string_view> split_head(std::string_view raw) {
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\n')
      continue;
    if (i + 1 < raw.size() && raw[i + 1] == '\n')
      return {raw.substr(0, i + 1), raw.substr(i + 2)};
    if (i + 2 < raw.size() && raw[i + 1] == '\r' && raw[i + 2] == '\n')
      return {raw.substr(0, i + 1), raw.substr(i + 3)};
  }
  return {raw, std::string_view()};
}

std::vector<std::pair<std::string, std::string>> parse_headers(std::string_view block) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto line : split(block, '\n')) {
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (line.empty())
      continue;
    if ((line.front() == ' ' || line.front() == '\t') && !out.empty()) {
      out.back().second += ' ';
      out.back().second += trim(line);
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0)
      continue;
    out.emplace_back(to_lower(trim(line.substr(0, colon))),
                     std::string(trim(line.substr(colon + 1))));
  }
  return out;
}

std::string find_header(const std::vector<std::pair<std::string, std::string>>& headers,
                        std::string_view name) {
  for (const auto& [k, v] : headers)
    if (k == name)
      return v;
  return "";
}

/// A parameter of a structured header value (`boundary`, `charset`), quoted or not.
std::string header_param(std::string_view value, std::string_view name) {
  size_t at = 0;
  while ((at = value.find(';', at)) != std::string_view::npos) {
    ++at;
    while (at < value.size() && (value[at] == ' ' || value[at] == '\t'))
      ++at;
    size_t eq = value.find('=', at);
    if (eq == std::string_view::npos)
      return "";
    if (!iequals(trim(value.substr(at, eq - at)), name))
      continue;
    std::string_view rest = value.substr(eq + 1);
    if (!rest.empty() && rest.front() == '"') {
      size_t end = rest.find('"', 1);
      return std::string(rest.substr(1, end == std::string_view::npos ? rest.size() - 1 : end - 1));
    }
    size_t end = rest.find(';');
    return std::string(trim(rest.substr(0, end)));
  }
  return "";
}

std::string media_type(std::string_view content_type) {
  auto semi = content_type.find(';');
  return to_lower(trim(content_type.substr(0, semi)));
}

std::string decode_body(std::string_view body, std::string_view encoding,
                        std::string_view charset) {
  auto enc = to_lower(trim(encoding));
  std::string text = enc == "quoted-printable" ? decode_quoted_printable(body)
                     : enc == "base64"         ? decode_base64(body)
                                               : std::string(body);
  auto cs = to_lower(charset);
  if (cs == "iso-8859-1" || cs == "latin1" || cs == "windows-1252")
    return latin1_to_utf8(text);
  return text;
}

void parse_entity(std::string_view raw, int depth, size_t max_parts, std::vector<MailPart>& parts,
                  std::vector<std::pair<std::string, std::string>>* top_headers) {
  auto [head, body] = split_head(raw);
  auto headers = parse_headers(head);
  std::string content_type = find_header(headers, "content-type");
  std::string type = content_type.empty() ? "text/plain" : media_type(content_type);
  if (top_headers)
    *top_headers = headers;
  if (type.starts_with("multipart/")) {
    std::string boundary = header_param(content_type, "boundary");
    if (boundary.empty() || depth >= k_max_depth)
      return;
    std::string delimiter = "--" + boundary;
    // Each part starts after a delimiter line and ends before the next one.
    size_t at = 0;
    size_t start = std::string_view::npos;
    while (at <= body.size() && parts.size() < max_parts) {
      size_t end = body.find('\n', at);
      std::string_view line =
          body.substr(at, end == std::string_view::npos ? body.size() - at : end - at);
      if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
      if (line.starts_with(delimiter)) {
        std::string_view tail = trim(line.substr(delimiter.size()));
        if (start != std::string_view::npos) {
          size_t stop = at;
          // The line break before a delimiter belongs to the delimiter.
          if (stop > start && body[stop - 1] == '\n')
            --stop;
          if (stop > start && body[stop - 1] == '\r')
            --stop;
          parse_entity(body.substr(start, stop - start), depth + 1, max_parts, parts, nullptr);
        }
        if (tail == "--")
          return;
        start = end == std::string_view::npos ? body.size() : end + 1;
      }
      if (end == std::string_view::npos)
        break;
      at = end + 1;
    }
    // A last part without its closing delimiter is read to the end of the body.
    if (start != std::string_view::npos && start < body.size() && parts.size() < max_parts)
      parse_entity(body.substr(start), depth + 1, max_parts, parts, nullptr);
    return;
  }
  if (type != "text/plain" && type != "text/html")
    return;
  if (parts.size() >= max_parts)
    return;
  parts.push_back({type, decode_body(body, find_header(headers, "content-transfer-encoding"),
                                     header_param(content_type, "charset"))});
}

void add_link(std::vector<std::string>& links, std::string link) {
  while (!link.empty() &&
         std::string_view(".,;:!?)]}'\"").find(link.back()) != std::string_view::npos)
    link.pop_back();
  if (link.size() > 8 && std::find(links.begin(), links.end(), link) == links.end())
    links.push_back(std::move(link));
}

bool url_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7F && c != '"' && c != '<' && c != '>' && c != '\'' && c != '`';
}

} // namespace

std::string Mail::header(std::string_view name) const {
  return find_header(headers, name);
}

std::string decode_quoted_printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '=') {
      out += c;
      continue;
    }
    // A soft line break: '=' at the end of a line (trailing spaces allowed).
    size_t j = i + 1;
    while (j < text.size() && (text[j] == ' ' || text[j] == '\t'))
      ++j;
    if (j < text.size() && (text[j] == '\n' || text[j] == '\r')) {
      if (text[j] == '\r' && j + 1 < text.size() && text[j + 1] == '\n')
        ++j;
      i = j;
      continue;
    }
    if (j == text.size()) {
      i = j;
      continue;
    }
    if (i + 2 < text.size()) {
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += c; // a malformed escape stays as it was
  }
  return out;
}

std::string decode_base64(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  uint32_t group = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+' || c == '-')
      v = 62;
    else if (c == '/' || c == '_')
      v = 63;
    else if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
      continue;
    else
      break; // '=' padding or anything else ends the data
    group = (group << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((group >> bits) & 0xFF);
    }
  }
  return out;
}

std::string decode_header_words(std::string_view value) {
  std::string out;
  size_t i = 0;
  bool last_was_word = false;
  while (i < value.size()) {
    size_t start = value.find("=?", i);
    if (start == std::string_view::npos) {
      out += value.substr(i);
      break;
    }
    // =?charset?E?text?=
    size_t q1 = value.find('?', start + 2);
    size_t q2 = q1 == std::string_view::npos ? q1 : value.find('?', q1 + 1);
    size_t end = q2 == std::string_view::npos ? q2 : value.find("?=", q2 + 1);
    if (end == std::string_view::npos || q2 != q1 + 2) {
      out += value.substr(i);
      break;
    }
    std::string_view between = value.substr(i, start - i);
    // Whitespace between two encoded words is dropped (RFC 2047 section 6.2).
    if (!(last_was_word && trim(between).empty()))
      out += between;
    std::string charset = to_lower(value.substr(start + 2, q1 - start - 2));
    char encoding = static_cast<char>(std::toupper(static_cast<unsigned char>(value[q1 + 1])));
    std::string_view text = value.substr(q2 + 1, end - q2 - 1);
    std::string decoded;
    if (encoding == 'B') {
      decoded = decode_base64(text);
    } else {
      std::string underscores(text);
      std::replace(underscores.begin(), underscores.end(), '_', ' ');
      decoded = decode_quoted_printable(underscores);
    }
    out += charset == "iso-8859-1" ? latin1_to_utf8(decoded) : decoded;
    last_was_word = true;
    i = end + 2;
  }
  return out;
}

Expected<Mail> parse_mail(std::string_view raw, size_t max_parts) {
  auto [head, body] = split_head(raw);
  if (head.find(':') == std::string_view::npos)
    return unexpected(ErrorKind::parse, "not a mail message: no header lines");
  Mail mail;
  parse_entity(raw, 0, max_parts, mail.parts, &mail.headers);
  mail.from = decode_header_words(mail.header("from"));
  mail.to = decode_header_words(mail.header("to"));
  mail.subject = decode_header_words(mail.header("subject"));
  return mail;
}

std::vector<std::string> mail_links(const Mail& mail) {
  std::vector<std::string> links;
  for (const auto& part : mail.parts) {
    std::string_view text = part.text;
    if (part.content_type == "text/html") {
      // href="..." and href='...' values, entities decoded.
      std::string lower = to_lower(text);
      size_t at = 0;
      while ((at = lower.find("href", at)) != std::string::npos) {
        size_t i = at + 4;
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
          ++i;
        if (i >= text.size() || text[i] != '=') {
          at = i;
          continue;
        }
        ++i;
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
          ++i;
        if (i >= text.size())
          break;
        char quote = text[i];
        size_t end =
            quote == '"' || quote == '\'' ? text.find(quote, i + 1) : text.find_first_of(" \t>", i);
        size_t from = quote == '"' || quote == '\'' ? i + 1 : i;
        if (end == std::string_view::npos)
          end = text.size();
        auto value = decode_html_entities(text.substr(from, end - from));
        if (istarts_with(value, "http://") || istarts_with(value, "https://"))
          add_link(links, std::move(value));
        at = end;
      }
    }
    // Bare URLs in the text (plain parts, and the visible text of HTML ones).
    size_t at = 0;
    while ((at = text.find("http", at)) != std::string_view::npos) {
      auto rest = text.substr(at);
      if (!istarts_with(rest, "http://") && !istarts_with(rest, "https://")) {
        at += 4;
        continue;
      }
      size_t end = at;
      while (end < text.size() && url_char(text[end]))
        ++end;
      std::string link(text.substr(at, end - at));
      if (part.content_type == "text/html")
        link = decode_html_entities(link);
      add_link(links, std::move(link));
      at = end;
    }
  }
  return links;
}

} // namespace lg::analyze
