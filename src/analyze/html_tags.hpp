#pragma once
// A small HTML start-tag scanner for the analyzers that look at a page's elements
// (`mixed_content`, the Subresource Integrity test of `observatory`). Not a full HTML5 parser: it
// reads start tags and their attributes as the HTML tokenizer does (unquoted, single- or
// double-quoted values, names case-insensitive), passes over comments, end tags and other markup,
// skips the text of the raw-text and RCDATA elements (<script>, <style>, <textarea>, <title>),
// whose content holds no tags, and stops after a bounded number of tags.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lg::analyze {

/// How many attributes of one tag are kept (later ones are read past, not kept).
inline constexpr size_t k_max_html_attributes = 256;

/// One start tag.
struct HtmlTag {
  std::string name; ///< lower case
  /// In document order, names lower case, values as written (no entity decoding); at most
  /// k_max_html_attributes. An attribute without a value has "".
  std::vector<std::pair<std::string, std::string>> attributes;

  /// The value of the first attribute named `wanted` (lower case), or null.
  const std::string* attribute(std::string_view wanted) const;
};

/// Reads the start tags of a document one by one, in document order.
class HtmlTagScanner {
public:
  /// Scans `html`, which must outlive the scanner, reading at most `max_tags` start tags.
  explicit HtmlTagScanner(std::string_view html, size_t max_tags = 100000);

  /// The next start tag, or nothing at the end of the document or once `max_tags` were read.
  std::optional<HtmlTag> next();

private:
  std::string_view m_html;
  size_t m_pos = 0;
  size_t m_tags = 0;
  size_t m_max_tags;
};

} // namespace lg::analyze
