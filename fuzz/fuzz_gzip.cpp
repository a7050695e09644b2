// Fuzzes gzip decompression (util/gzip) with a 1 MiB output cap and small chunks, checking
// that the sink never sees more than the cap or an over-long chunk.

#include "util/gzip.hpp"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr unsigned long long k_cap = 1 << 20;
  constexpr size_t k_chunk = 4096;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)lg::looks_gzip(in);
  unsigned long long seen = 0;
  auto r = lg::gunzip(
      in,
      [&](std::string_view chunk) {
        if (chunk.empty() || chunk.size() > k_chunk)
          __builtin_trap();
        seen += chunk.size();
        return true;
      },
      k_cap, k_chunk);
  if (seen > k_cap || (r && *r != seen))
    __builtin_trap();
  return 0;
}
