// Fuzzes the API-description reader: YAML/JSON parsing, OpenAPI operations, endpoint patterns.

#include "analyze/openapi.hpp"
#include "core/config.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  if (auto doc = lg::parse_yaml_document(text))
    if (auto ops = lg::analyze::parse_openapi(*doc))
      for (const auto& op : *ops)
        (void)lg::analyze::pattern_matches("/api/**", op.method, op.path);
  (void)lg::analyze::parse_endpoint(text);
  (void)lg::analyze::pattern_matches(text, "GET", "/api/a/b/c");
  return 0;
}
