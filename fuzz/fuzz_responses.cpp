// Fuzzes what the access and input gates read from a target's answers: arbitrary bytes as a
// response body through the object collector, the leak judge, the refusal test, the disclosure
// scanner, the evidence excerpt and the schema sampler.

#include "analyze/disclosure.hpp"
#include "analyze/objects.hpp"
#include "analyze/samples.hpp"
#include "engine/replay.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)lg::analyze::find_disclosures(text);
  (void)lg::analyze::has_database_error(text);
  (void)lg::engine::excerpt(text);
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded())
    return 0;
  lg::analyze::OwnershipMap map;
  for (const auto& object : lg::analyze::collect_objects(doc, 200))
    map.add(object.id.size() % 2 == 0 ? "acme" : "globex", object);
  (void)map.find_leaks(doc, "globex", "acme");
  (void)lg::analyze::is_refusal_body(doc);
  (void)lg::analyze::sample_value(doc, "marker");
  (void)lg::analyze::sample_body(doc, doc, "marker");
  return 0;
}
