// HtmlTagScanner: start tags and their attributes in the way of the HTML Living Standard's
// tokenizer (section 13.2.5: tag name, before/after attribute name and the three attribute value
// states), reduced to what the analyzers need. Comments run to "-->"; a '<' not followed by a
// letter starts no tag; after <script>, <style>, <textarea> or <title> the scan resumes at the
// matching end tag. Every step moves forward, so a scan is linear in the document.

#include "analyze/html_tags.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <cctype>

namespace lg::analyze {

namespace {

bool space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

/// Reads the start tag whose name begins at `i` (just past '<'); `i` ends just past its '>' (or
/// at the end of `html`).
HtmlTag read_tag(std::string_view html, size_t& i) {
  HtmlTag tag;
  while (i < html.size() && !space(html[i]) && html[i] != '>' && html[i] != '/')
    tag.name += lower(html[i++]);
  while (i < html.size() && html[i] != '>') {
    if (space(html[i]) || html[i] == '/') {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < html.size() && !space(html[i]) && html[i] != '=' && html[i] != '>' && html[i] != '/')
      ++i;
    std::string name = to_lower(html.substr(start, i - start));
    while (i < html.size() && space(html[i]))
      ++i;
    std::string value;
    if (i < html.size() && html[i] == '=') {
      ++i;
      while (i < html.size() && space(html[i]))
        ++i;
      if (i < html.size() && (html[i] == '"' || html[i] == '\'')) {
        char quote = html[i++];
        size_t close = std::min(html.find(quote, i), html.size());
        value = std::string(html.substr(i, close - i));
        i = std::min(close + 1, html.size());
      } else {
        start = i;
        while (i < html.size() && !space(html[i]) && html[i] != '>')
          ++i;
        value = std::string(html.substr(start, i - start));
      }
    }
    if (!name.empty() && tag.attributes.size() < k_max_html_attributes)
      tag.attributes.emplace_back(std::move(name), std::move(value));
  }
  i = std::min(i + 1, html.size());
  return tag;
}

/// Where the end tag "</`name`" (any case) begins at or after `from`; the end of `html` when
/// there is none.
size_t end_tag(std::string_view html, size_t from, std::string_view name) {
  while (from < html.size()) {
    size_t found = html.find("</", from);
    if (found == std::string_view::npos)
      break;
    if (iequals(html.substr(found + 2, name.size()), name) &&
        found + 2 + name.size() <= html.size())
      return found;
    from = found + 2;
  }
  return html.size();
}

} // namespace

const std::string* HtmlTag::attribute(std::string_view wanted) const {
  for (const auto& [n, v] : attributes)
    if (n == wanted)
      return &v;
  return nullptr;
}

HtmlTagScanner::HtmlTagScanner(std::string_view html, size_t max_tags)
    : m_html(html), m_max_tags(max_tags) {}

std::optional<HtmlTag> HtmlTagScanner::next() {
  const auto html = m_html;
  while (m_pos < html.size() && m_tags < m_max_tags) {
    size_t lt = html.find('<', m_pos);
    if (lt == std::string_view::npos || lt + 1 >= html.size())
      break;
    if (html.compare(lt, 4, "<!--") == 0) {
      size_t close = html.find("-->", lt + 4);
      m_pos = close == std::string_view::npos ? html.size() : close + 3;
      continue;
    }
    if (!std::isalpha(static_cast<unsigned char>(html[lt + 1]))) {
      m_pos = lt + 1;
      continue;
    }
    ++m_tags;
    m_pos = lt + 1;
    HtmlTag tag = read_tag(html, m_pos);
    const auto& n = tag.name;
    if (n == "script" || n == "style" || n == "textarea" || n == "title")
      m_pos = end_tag(html, m_pos, n);
    return tag;
  }
  m_pos = html.size();
  return std::nullopt;
}

} // namespace lg::analyze
