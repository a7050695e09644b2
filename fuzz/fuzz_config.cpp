// Fuzzes the config loader (YAML, schema, interpolation): any bytes give a Config or an error.

#include "core/config.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)lg::parse_config(text, "fuzz.yaml", "/nonexistent");
  return 0;
}
