// Fuzzes the HAR reader and the path templating of recordings: arbitrary bytes parsed as JSON,
// then read as a HAR (against a matching and a foreign base URL) and as an OpenAPI document.

#include "analyze/har.hpp"
#include "analyze/openapi.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)lg::analyze::recorded_json_body(text);
  (void)lg::analyze::singular(text);
  (void)lg::analyze::is_credential_name(text);
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded())
    return 0;
  for (const char* base : {"http://portal.test", "https://elsewhere.test:8443/app"})
    if (auto ops = lg::analyze::parse_har(doc, base))
      for (const auto& op : *ops)
        (void)lg::analyze::same_shape(op.path, "/api/records/{id}");
  (void)lg::analyze::parse_openapi(doc);
  return 0;
}
