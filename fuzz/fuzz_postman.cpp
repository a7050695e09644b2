// Fuzzes the Postman collection reader: arbitrary bytes parsed as JSON, then read as a Postman
// v2.1 collection and as an OpenAPI document.

#include "analyze/openapi.hpp"
#include "analyze/postman.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded())
    return 0;
  if (auto ops = lg::analyze::parse_postman(doc))
    for (const auto& op : *ops)
      (void)lg::analyze::fill_path(op.path, "1");
  (void)lg::analyze::parse_openapi(doc);
  return 0;
}
