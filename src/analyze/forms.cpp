// The anti-CSRF token of a login page: a single pass over the HTML that keeps only <input> and
// <meta> tags, tokenised as the HTML Living Standard's tokenizer reads attributes (any order,
// quoted or not, the first of a repeated attribute wins), then a choice by field name. Emits no
// check ids; engine/session uses it for `login.csrf`.

#include "analyze/forms.hpp"

#include "util/text.hpp"

#include <array>
#include <cstdint>

namespace lg::analyze {
namespace {

struct Tag {
  std::string name;  ///< the name attribute
  std::string value; ///< value (input) or content (meta), decoded
};

struct Page {
  std::vector<Tag> inputs;
  std::vector<Tag> metas;
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

/// A numeric character reference after "&#" at `pos`: the code point and the characters it used
/// (digits and an optional ';'), or 0 characters when no digit follows.
size_t numeric_reference(std::string_view text, size_t pos, uint32_t& cp) {
  bool hex = pos < text.size() && (text[pos] == 'x' || text[pos] == 'X');
  size_t i = hex ? pos + 1 : pos;
  size_t digits = 0;
  uint32_t value = 0;
  for (; i < text.size(); ++i, ++digits) {
    char c = text[i];
    uint32_t d = 0;
    if (c >= '0' && c <= '9')
      d = static_cast<uint32_t>(c - '0');
    else if (hex && c >= 'a' && c <= 'f')
      d = static_cast<uint32_t>(c - 'a' + 10);
    else if (hex && c >= 'A' && c <= 'F')
      d = static_cast<uint32_t>(c - 'A' + 10);
    else
      break;
    if (value <= 0x10FFFF) // beyond it the value is invalid anyway: stop growing
      value = value * (hex ? 16u : 10u) + d;
  }
  if (digits == 0)
    return 0;
  cp = value;
  if (i < text.size() && text[i] == ';')
    ++i;
  return i - pos;
}

/// Reads the attributes of a tag from `pos` (just after the tag name) to its '>', keeping
/// `name` and `value_attr`; returns the position after the tag.
size_t read_attributes(std::string_view html, size_t pos, std::string_view value_attr, Tag& tag,
                       bool keep) {
  bool seen_name = false;
  bool seen_value = false;
  const size_t n = html.size();
  while (pos < n) {
    while (pos < n && (is_space(html[pos]) || html[pos] == '/'))
      ++pos;
    if (pos >= n)
      break;
    if (html[pos] == '>')
      return pos + 1;
    size_t start = pos++; // the first character belongs to the name, even an '='
    while (pos < n && !is_space(html[pos]) && html[pos] != '/' && html[pos] != '>' &&
           html[pos] != '=')
      ++pos;
    std::string attr = to_lower(html.substr(start, pos - start));
    while (pos < n && is_space(html[pos]))
      ++pos;
    std::string_view value;
    if (pos < n && html[pos] == '=') {
      ++pos;
      while (pos < n && is_space(html[pos]))
        ++pos;
      if (pos < n && (html[pos] == '"' || html[pos] == '\'')) {
        size_t close = html.find(html[pos], pos + 1);
        size_t end = close == std::string_view::npos ? n : close;
        value = html.substr(pos + 1, end - pos - 1);
        pos = close == std::string_view::npos ? n : close + 1;
      } else {
        size_t begin = pos;
        while (pos < n && !is_space(html[pos]) && html[pos] != '>')
          ++pos;
        value = html.substr(begin, pos - begin);
      }
    }
    if (!keep)
      continue;
    if (attr == "name" && !seen_name) {
      seen_name = true;
      tag.name = decode_html_entities(value);
    } else if (attr == value_attr && !seen_value) {
      seen_value = true;
      tag.value = decode_html_entities(value);
    }
  }
  return n;
}

/// The position of the end tag `</name` (any case) at or after `pos`, or the end of `html`.
size_t find_end_tag(std::string_view html, size_t pos, std::string_view name) {
  for (;;) {
    pos = html.find("</", pos);
    if (pos == std::string_view::npos)
      return html.size();
    if (istarts_with(html.substr(pos + 2), name))
      return pos;
    pos += 2;
  }
}

Page scan(std::string_view html) {
  Page page;
  const size_t n = html.size();
  size_t pos = 0;
  while (pos < n) {
    size_t lt = html.find('<', pos);
    if (lt == std::string_view::npos || lt + 1 >= n)
      break;
    char next = html[lt + 1];
    if (html.substr(lt, 4) == "<!--") {
      size_t end = html.find("-->", lt + 4);
      pos = end == std::string_view::npos ? n : end + 3;
      continue;
    }
    if (next == '!' || next == '?' || next == '/') { // doctype, processing instruction, end tag
      size_t end = html.find('>', lt + 1);
      pos = end == std::string_view::npos ? n : end + 1;
      continue;
    }
    if (!is_alpha(next)) {
      pos = lt + 1;
      continue;
    }
    size_t name_end = lt + 1;
    while (name_end < n && !is_space(html[name_end]) && html[name_end] != '/' &&
           html[name_end] != '>')
      ++name_end;
    std::string name = to_lower(html.substr(lt + 1, name_end - lt - 1));
    bool input = name == "input";
    bool meta = name == "meta";
    Tag tag;
    pos = read_attributes(html, name_end, meta ? "content" : "value", tag, input || meta);
    if ((input || meta) && !tag.name.empty() && !tag.value.empty())
      (input ? page.inputs : page.metas).push_back(std::move(tag));
    if (name == "script" || name == "style" || name == "textarea" || name == "title")
      pos = find_end_tag(html, pos, name); // raw text: no tags inside
  }
  return page;
}

const Tag* input_named(const Page& page, std::string_view name) {
  for (const auto& tag : page.inputs)
    if (tag.name == name)
      return &tag;
  return nullptr;
}

const Tag* meta_named(const Page& page, std::string_view name) {
  for (const auto& tag : page.metas)
    if (iequals(tag.name, name))
      return &tag;
  return nullptr;
}

} // namespace

const std::vector<std::string>& common_csrf_fields() {
  static const std::vector<std::string> k_fields = {
      "csrf_token",         "_csrf",  "csrfmiddlewaretoken",
      "authenticity_token", "_token", "__RequestVerificationToken"};
  return k_fields;
}

std::string decode_html_entities(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> k_named = {{
      {"amp;", "&"},
      {"lt;", "<"},
      {"gt;", ">"},
      {"quot;", "\""},
      {"apos;", "'"},
      {"nbsp;", "\xC2\xA0"},
  }};
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t amp = text.find('&', i);
    if (amp == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, amp - i));
    i = amp + 1;
    if (i < text.size() && text[i] == '#') {
      uint32_t cp = 0;
      if (size_t used = numeric_reference(text, i + 1, cp); used > 0) {
        append_utf8(out, cp);
        i += 1 + used;
        continue;
      }
    } else {
      bool named = false;
      for (const auto& [entity, replacement] : k_named)
        if (text.substr(i).starts_with(entity)) {
          out.append(replacement);
          i += entity.size();
          named = true;
          break;
        }
      if (named)
        continue;
    }
    out += '&';
  }
  return out;
}

std::optional<CsrfToken> find_csrf_token(std::string_view html, std::string_view field) {
  Page page = scan(html);
  std::vector<std::string_view> names;
  if (field.empty())
    names.assign(common_csrf_fields().begin(), common_csrf_fields().end());
  else
    names.push_back(field);
  for (auto name : names)
    if (const Tag* tag = input_named(page, name))
      return CsrfToken{std::string(name), tag->value};
  for (auto name : names)
    if (const Tag* tag = meta_named(page, name))
      return CsrfToken{std::string(name), tag->value};
  if (const Tag* tag = meta_named(page, "csrf-token")) {
    std::string param;
    if (field.empty()) {
      if (const Tag* p = meta_named(page, "csrf-param"))
        param = p->value;
    }
    return CsrfToken{field.empty() ? param : std::string(field), tag->value};
  }
  return std::nullopt;
}

} // namespace lg::analyze
