// Fuzzes the security-header judgement (analyze/headers): the input is "Name: value" lines.

#include "analyze/headers.hpp"
#include "util/text.hpp"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::pair<std::string, std::string>> headers;
  for (auto line : lg::split(text, '\n')) {
    size_t colon = line.find(':');
    if (colon != std::string_view::npos)
      headers.emplace_back(std::string(line.substr(0, colon)), std::string(line.substr(colon + 1)));
  }
  (void)lg::analyze::judge_security_headers(headers, true);
  (void)lg::analyze::judge_security_headers(headers, false);
  (void)lg::analyze::parse_csp(text);
  return 0;
}
