// gzip (RFC 1952) through zlib's inflate with windowBits 15+16: one member after another
// (inflateReset at each Z_STREAM_END while input remains), output handed to a sink one chunk
// at a time, with a cap on the total so a small bomb cannot expand without bound.

#include "util/gzip.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <vector>

namespace lg {

namespace {

constexpr size_t k_max_chunk = size_t{1} << 30;

// An inflate stream for gzip only (windowBits 15+16). zlib's state points back at the
// z_stream, so it never moves.
class Inflater {
public:
  Inflater() : m_ok(inflateInit2(&m_zs, 15 + 16) == Z_OK) {}
  ~Inflater() {
    if (m_ok)
      inflateEnd(&m_zs);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  Inflater(Inflater&&) = delete;
  Inflater& operator=(Inflater&&) = delete;

  bool ok() const { return m_ok; }
  z_stream* operator->() { return &m_zs; }
  z_stream* get() { return &m_zs; }

private:
  z_stream m_zs{};
  bool m_ok;
};

Unexpected<Error> corrupt(size_t offset, std::string_view what) {
  return unexpected(ErrorKind::parse,
                    fmt::format("gzip: {} at compressed offset {}", what, offset));
}

} // namespace

bool looks_gzip(std::string_view data) {
  return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
         static_cast<unsigned char>(data[1]) == 0x8b;
}

Expected<unsigned long long> gunzip(std::string_view data,
                                    const std::function<bool(std::string_view)>& sink,
                                    unsigned long long max_output, size_t chunk_bytes) {
  if (data.empty())
    return corrupt(0, "empty input");
  Inflater zs;
  if (!zs.ok())
    return unexpected(ErrorKind::internal, "gzip: inflateInit2 failed");
  // No bigger than what the cap can let through: a small cap needs a small buffer.
  size_t buffer_size = std::clamp<size_t>(chunk_bytes, 1, k_max_chunk);
  if (max_output < buffer_size)
    buffer_size = static_cast<size_t>(max_output) + 1;
  std::vector<char> buffer(buffer_size);

  size_t fed = 0; // bytes handed to zlib so far (avail_in is 32-bit, data may be larger)
  auto consumed = [&] { return fed - zs->avail_in; };
  unsigned long long total = 0;
  for (;;) {
    if (zs->avail_in == 0 && fed < data.size()) {
      size_t piece = std::min<size_t>(data.size() - fed, UINT_MAX);
      // zlib reads unsigned bytes through a non-const pointer (ZLIB_CONST would change z_stream
      // for this file only), and never writes them.
      // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast,cppcoreguidelines-pro-type-const-cast)
      zs->next_in = const_cast<Bytef*>(reinterpret_cast<const Bytef*>(data.data() + fed));
      zs->avail_in = static_cast<uInt>(piece);
      fed += piece;
    }
    // Room for one byte past the cap, so that exceeding it is seen without handing it out.
    unsigned long long room = max_output - total;
    size_t out_size = room >= buffer.size() ? buffer.size() : static_cast<size_t>(room) + 1;
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): zlib writes unsigned bytes
    zs->next_out = reinterpret_cast<Bytef*>(buffer.data());
    zs->avail_out = static_cast<uInt>(out_size);
    int rc = inflate(zs.get(), Z_NO_FLUSH);
    size_t produced = out_size - zs->avail_out;
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      if (rc == Z_MEM_ERROR)
        return unexpected(ErrorKind::budget, "gzip: out of memory");
      return corrupt(consumed(), zs->msg != nullptr ? zs->msg : "corrupt data");
    }
    if (produced > 0) {
      total += produced;
      if (total > max_output)
        return unexpected(ErrorKind::budget,
                          fmt::format("gzip: output exceeds the cap of {} bytes", max_output));
      if (!sink(std::string_view(buffer.data(), produced)))
        return total;
    }
    bool input_left = zs->avail_in > 0 || fed < data.size();
    if (rc == Z_STREAM_END) {
      if (!input_left)
        return total;
      size_t next = consumed();
      std::string_view rest = data.substr(next);
      if (std::all_of(rest.begin(), rest.end(), [](char c) { return c == 0; }))
        return total;
      if (!looks_gzip(rest))
        return corrupt(next, "trailing bytes that are not a gzip member");
      inflateReset(zs.get());
      continue;
    }
    // Z_OK or Z_BUF_ERROR: zlib wants more input or more room; without input it is truncated.
    if (!input_left && (rc == Z_BUF_ERROR || zs->avail_out > 0))
      return corrupt(consumed(), "truncated input");
  }
}

} // namespace lg
