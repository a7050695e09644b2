// Fuzzes the CSRF token finder and the HTML character reference decoder (analyze/forms). The
// first line of an input is the field name asked for (empty: the common names), the rest the page.

#include "analyze/forms.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t newline = input.find('\n');
  std::string_view field = newline == std::string_view::npos ? "" : input.substr(0, newline);
  std::string_view html = newline == std::string_view::npos ? input : input.substr(newline + 1);
  if (auto token = lg::analyze::find_csrf_token(html, field)) {
    if (token->value.empty())
      std::abort(); // an empty value is never a token
    if (!field.empty() && token->field != field)
      std::abort(); // a named field is posted under its own name
  }
  (void)lg::analyze::decode_html_entities(input);
  return 0;
}
