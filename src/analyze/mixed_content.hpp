#pragma once
// Mixed content (W3C Mixed Content): the plain-http:// subresources an HTML page asks for, found
// by the small start-tag scanner of analyze/html_tags (not a full HTML5 parser: comments and the
// bodies of <script>, <style>, <textarea> and <title> are skipped, the number of tags bounded).

#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

/// One http:// reference of a page.
struct MixedReference {
  std::string url;       ///< as written
  std::string element;   ///< "script src", "img src", "link[stylesheet] href", "form action" …
  bool blockable = true; ///< browsers block it (scripts, frames, styles, objects, forms' posts);
                         ///< false: an image or medium they load or upgrade with a warning
};

/// The http:// subresources of `html`, in page order, at most `max_refs` of them.
std::vector<MixedReference> find_mixed_content(std::string_view html, size_t max_refs = 200);

} // namespace lg::analyze
