// Fuzzes the secret-rule loader (TOML, regex checks) and, when the input loads, the matcher over
// the input itself.

#include "secrets/matcher.hpp"
#include "secrets/rules.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  if (auto rules = lg::secrets::parse_rules(text, "fuzz.toml"))
    if (auto matcher = lg::secrets::Matcher::compile(std::move(*rules)))
      (void)matcher->scan(text, "fuzz.env");
  return 0;
}
