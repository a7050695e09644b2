// Fuzzes the bounded start-tag scanner (analyze/html_tags) directly and through
// find_mixed_content (analyze/mixed_content): every page is what a server anyone runs chooses to
// send. Invariants: the bounds hold, every tag has a name, every reference an element.

#include "analyze/html_tags.hpp"
#include "analyze/mixed_content.hpp"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view html(reinterpret_cast<const char*>(data), size);
  auto refs = lg::analyze::find_mixed_content(html, 50);
  if (refs.size() > 50)
    __builtin_trap();
  for (const auto& r : refs)
    if (r.url.size() > size || r.element.empty())
      __builtin_trap();
  lg::analyze::HtmlTagScanner scanner(html, 64);
  size_t n = 0;
  while (auto tag = scanner.next()) {
    if (++n > 64 || tag->name.empty() ||
        tag->attributes.size() > lg::analyze::k_max_html_attributes)
      __builtin_trap();
  }
  return 0;
}
