// Fuzzes the source-map decoder (secrets/sourcemap): the input as a map, looked up at a few
// positions, and as a generated file whose sourceMappingURL may be an inline data: URL.

#include "secrets/sourcemap.hpp"

#include <cstdint>
#include <string_view>

namespace {

void exercise(const lg::secrets::SourceMap& map, size_t size) {
  const size_t positions[][2] = {{0, 0}, {1, 0}, {1, 5}, {2, 0}, {3, 17}, {size, size}};
  for (const auto& p : positions)
    if (auto pos = map.original(p[0], p[1]))
      if (pos->source >= map.sources().size())
        __builtin_trap(); // an original position must name a real source
  if (map.contents().size() != map.sources().size())
    __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto map = lg::secrets::SourceMap::parse(text))
    exercise(*map, size);
  if (auto url = lg::secrets::source_mapping_url(text))
    if (auto json = lg::secrets::decode_data_url(*url))
      if (auto map = lg::secrets::SourceMap::parse(*json))
        exercise(*map, size);
  (void)lg::secrets::decode_data_url(text);
  return 0;
}
