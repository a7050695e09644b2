// find_mixed_content: start tags and their attributes (HTML's attribute syntax: unquoted, single-
// or double-quoted values, names case-insensitive), the elements and attributes that fetch a
// subresource, and which of them browsers block on an https:// page (W3C Mixed Content, section
// 3: "blockable" versus "upgradeable" content). Bounded: at most 100000 tags are read.

#include "analyze/mixed_content.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <cctype>

namespace lg::analyze {

namespace {

bool space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

struct Tag {
  std::string name;                                            ///< lower case
  std::vector<std::pair<std::string, std::string>> attributes; ///< names lower case
  size_t end = 0;                                              ///< just past '>'
};

/// Reads the start tag whose name begins at `at` (just past '<').
Tag read_tag(std::string_view html, size_t at) {
  Tag tag;
  size_t i = at;
  while (i < html.size() && !space(html[i]) && html[i] != '>' && html[i] != '/')
    tag.name += static_cast<char>(std::tolower(static_cast<unsigned char>(html[i++])));
  while (i < html.size() && html[i] != '>') {
    if (space(html[i]) || html[i] == '/') {
      ++i;
      continue;
    }
    std::string name;
    while (i < html.size() && !space(html[i]) && html[i] != '=' && html[i] != '>' && html[i] != '/')
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(html[i++])));
    while (i < html.size() && space(html[i]))
      ++i;
    std::string value;
    if (i < html.size() && html[i] == '=') {
      ++i;
      while (i < html.size() && space(html[i]))
        ++i;
      if (i < html.size() && (html[i] == '"' || html[i] == '\'')) {
        char quote = html[i++];
        size_t close = html.find(quote, i);
        if (close == std::string_view::npos)
          close = html.size();
        value = std::string(html.substr(i, close - i));
        i = close + 1;
      } else {
        while (i < html.size() && !space(html[i]) && html[i] != '>')
          value += html[i++];
      }
    }
    if (!name.empty())
      tag.attributes.emplace_back(std::move(name), std::move(value));
  }
  tag.end = std::min(i + 1, html.size());
  return tag;
}

const std::string* attribute(const Tag& tag, std::string_view name) {
  for (const auto& [n, v] : tag.attributes)
    if (n == name)
      return &v;
  return nullptr;
}

bool plain_http(std::string_view url) {
  return istarts_with(trim(url), "http://");
}

/// The http:// URLs of a srcset ("a.png 1x, http://b/c.png 2x").
std::vector<std::string> srcset_urls(const std::string& srcset) {
  std::vector<std::string> out;
  for (auto candidate : split(srcset, ',')) {
    auto c = trim(candidate);
    auto end = std::find_if(c.begin(), c.end(), space);
    std::string url(c.begin(), end);
    if (plain_http(url))
      out.push_back(url);
  }
  return out;
}

} // namespace

std::vector<MixedReference> find_mixed_content(std::string_view html, size_t max_refs) {
  std::vector<MixedReference> out;
  constexpr size_t k_max_tags = 100000;
  size_t tags = 0;
  size_t i = 0;
  auto add = [&](const std::string& url, std::string element, bool blockable) {
    if (out.size() < max_refs)
      out.push_back({std::string(trim(url)), std::move(element), blockable});
  };
  while (i < html.size() && tags < k_max_tags && out.size() < max_refs) {
    size_t lt = html.find('<', i);
    if (lt == std::string_view::npos || lt + 1 >= html.size())
      break;
    if (html.compare(lt, 4, "<!--") == 0) {
      size_t close = html.find("-->", lt + 4);
      i = close == std::string_view::npos ? html.size() : close + 3;
      continue;
    }
    if (!std::isalpha(static_cast<unsigned char>(html[lt + 1]))) {
      i = lt + 1;
      continue;
    }
    ++tags;
    Tag tag = read_tag(html, lt + 1);
    i = tag.end;
    const auto& n = tag.name;
    auto src = [&](const char* attr, bool blockable) {
      if (const auto* v = attribute(tag, attr); v && plain_http(*v))
        add(*v, n + " " + attr, blockable);
    };
    if (n == "script" || n == "iframe" || n == "frame" || n == "embed")
      src("src", true);
    else if (n == "object")
      src("data", true);
    else if (n == "img" || n == "audio" || n == "video" || n == "source" || n == "track" ||
             n == "input") {
      src("src", false);
      if (n == "video")
        src("poster", false);
      if (const auto* set = attribute(tag, "srcset"))
        for (const auto& url : srcset_urls(*set))
          add(url, n + " srcset", false);
    } else if (n == "link") {
      const auto* rel = attribute(tag, "rel");
      std::string rels = rel ? to_lower(*rel) : "";
      bool fetched = rels.find("stylesheet") != std::string::npos ||
                     rels.find("preload") != std::string::npos ||
                     rels.find("modulepreload") != std::string::npos ||
                     rels.find("icon") != std::string::npos ||
                     rels.find("manifest") != std::string::npos;
      if (const auto* href = attribute(tag, "href"); fetched && href && plain_http(*href))
        add(*href, "link[" + std::string(trim(rels)) + "] href",
            rels.find("icon") == std::string::npos);
    } else if (n == "form") {
      src("action", true);
    }
    // Raw text elements: their content holds no tags.
    if (n == "script" || n == "style" || n == "textarea" || n == "title") {
      std::string close = "</" + n;
      size_t at = i;
      while (at < html.size()) {
        size_t found = html.find("</", at);
        if (found == std::string_view::npos) {
          at = html.size();
          break;
        }
        if (found + close.size() <= html.size() &&
            iequals(html.substr(found, close.size()), close)) {
          at = found;
          break;
        }
        at = found + 2;
      }
      i = at;
    }
  }
  return out;
}

} // namespace lg::analyze
