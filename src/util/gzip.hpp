#pragma once
// gzip decompression (rotated logs are often .gz: the secrets gate and engine/logs read them),
// streaming into a sink with bounded memory and an output cap against decompression bombs.

#include "util/expected.hpp"

#include <cstddef>
#include <functional>
#include <string_view>

namespace lg {

/// Decompresses gzip `data` (RFC 1952), every member of a multi-member file in turn as
/// `gzip -d` does, and hands the output to `sink` in chunks of at most `chunk_bytes` (clamped
/// to 1 byte .. 1 GiB); `sink` returns false to stop early, which is not an error. Trailing
/// zero bytes (padding) are ignored. Errors: kind parse for data that is not gzip, corrupt,
/// truncated or followed by other bytes, the message saying at which compressed offset; kind
/// budget when more than `max_output` bytes would come out (the sink has then received at
/// most `max_output`). Memory: zlib's state (~40 KiB) and one chunk buffer.
/// Returns the number of bytes handed to `sink`.
Expected<unsigned long long> gunzip(std::string_view data,
                                    const std::function<bool(std::string_view)>& sink,
                                    unsigned long long max_output, size_t chunk_bytes = 1 << 20);

/// True when `data` starts with the gzip magic bytes 1f 8b.
bool looks_gzip(std::string_view data);

} // namespace lg
