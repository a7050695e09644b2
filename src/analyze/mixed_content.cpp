// find_mixed_content: over the start tags of a page (read by analyze/html_tags), the elements and
// attributes that fetch a subresource, and which of them browsers block on an https:// page (W3C
// Mixed Content, section 3: "blockable" versus "upgradeable" content). Bounded: at most 100000
// tags are read.

#include "analyze/mixed_content.hpp"

#include "analyze/html_tags.hpp"
#include "util/text.hpp"

#include <algorithm>

namespace lg::analyze {

namespace {

constexpr size_t k_max_tags = 100000;

bool space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
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
  auto add = [&](const std::string& url, std::string element, bool blockable) {
    if (out.size() < max_refs)
      out.push_back({std::string(trim(url)), std::move(element), blockable});
  };
  HtmlTagScanner scanner(html, k_max_tags);
  while (out.size() < max_refs) {
    auto tag = scanner.next();
    if (!tag)
      break;
    const auto& n = tag->name;
    auto src = [&](const char* attr, bool blockable) {
      if (const auto* v = tag->attribute(attr); v && plain_http(*v))
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
      if (const auto* set = tag->attribute("srcset"))
        for (const auto& url : srcset_urls(*set))
          add(url, n + " srcset", false);
    } else if (n == "link") {
      const auto* rel = tag->attribute("rel");
      std::string rels = rel ? to_lower(*rel) : "";
      bool fetched = rels.find("stylesheet") != std::string::npos ||
                     rels.find("preload") != std::string::npos ||
                     rels.find("modulepreload") != std::string::npos ||
                     rels.find("icon") != std::string::npos ||
                     rels.find("manifest") != std::string::npos;
      if (const auto* href = tag->attribute("href"); fetched && href && plain_http(*href))
        add(*href, "link[" + std::string(trim(rels)) + "] href",
            rels.find("icon") == std::string::npos);
    } else if (n == "form") {
      src("action", true);
    }
  }
  return out;
}

} // namespace lg::analyze
