// gzip: round trips in small chunks, multi-member files, truncated and corrupt input with the
// offset in the message, the output cap (zip bombs), an early stop by the sink.

#include "util/gzip.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <vector>

namespace lg {
namespace {

// One gzip member of `text`, as `gzip -n` would write it.
std::string gzip(const std::string& text, int level = Z_DEFAULT_COMPRESSION) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, static_cast<uLong>(text.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string text_of(size_t n) {
  std::string s;
  for (size_t i = 0; s.size() < n; ++i)
    s += "line " + std::to_string(i) + " token=abc" + std::to_string(i * 7919 % 1000) + "\n";
  s.resize(n);
  return s;
}

struct Collected {
  std::string out;
  std::vector<size_t> chunks;
  std::function<bool(std::string_view)> sink() {
    return [this](std::string_view chunk) {
      out.append(chunk);
      chunks.push_back(chunk.size());
      return true;
    };
  }
};

TEST(Gzip, RoundTripInBoundedChunks) {
  std::string text = text_of(100000);
  std::string gz = gzip(text);
  ASSERT_TRUE(looks_gzip(gz));
  Collected c;
  auto n = gunzip(gz, c.sink(), 1 << 20, 4096);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, text.size());
  EXPECT_EQ(c.out, text);
  for (size_t size : c.chunks) {
    EXPECT_GT(size, 0u);
    EXPECT_LE(size, 4096u);
  }
  Collected tiny;
  ASSERT_TRUE(gunzip(gz, tiny.sink(), 1 << 20, 1));
  EXPECT_EQ(tiny.out, text);
  Collected big; // the default chunk
  ASSERT_TRUE(gunzip(gz, big.sink(), 1 << 20));
  EXPECT_EQ(big.out, text);
}

TEST(Gzip, EmptyAndStoredMembers) {
  Collected c;
  auto n = gunzip(gzip(""), c.sink(), 10);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 0u);
  EXPECT_TRUE(c.chunks.empty());
  Collected stored;
  ASSERT_TRUE(gunzip(gzip("abc", 0), stored.sink(), 10));
  EXPECT_EQ(stored.out, "abc");
}

TEST(Gzip, EveryMemberOfAMultiMemberFile) {
  std::string gz = gzip("first\n") + gzip("") + gzip(text_of(5000)) + gzip("last\n");
  Collected c;
  auto n = gunzip(gz, c.sink(), 1 << 20, 100);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(c.out, "first\n" + text_of(5000) + "last\n");
  EXPECT_EQ(*n, c.out.size());
}

TEST(Gzip, TrailingZerosIgnoredOtherTrailingBytesRejected) {
  std::string gz = gzip("hello");
  Collected c;
  ASSERT_TRUE(gunzip(gz + std::string(512, '\0'), c.sink(), 100));
  EXPECT_EQ(c.out, "hello");
  auto r = gunzip(gz + "garbage", Collected().sink(), 100);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::parse);
  EXPECT_NE(r.error().message.find("trailing bytes that are not a gzip member at compressed "
                                   "offset " +
                                   std::to_string(gz.size())),
            std::string::npos)
      << r.error().message;
}

TEST(Gzip, TruncatedInputSaysWhere) {
  std::string gz = gzip(text_of(20000));
  for (size_t cut :
       {size_t{1}, size_t{5}, size_t{9}, gz.size() / 2, gz.size() - 4, gz.size() - 1}) {
    Collected c;
    auto r = gunzip(std::string_view(gz).substr(0, cut), c.sink(), 1 << 20, 512);
    ASSERT_FALSE(r) << cut;
    EXPECT_EQ(r.error().kind, ErrorKind::parse);
    EXPECT_NE(r.error().message.find("truncated input at compressed offset " + std::to_string(cut)),
              std::string::npos)
        << r.error().message;
  }
  // A second member cut short is as bad as the first.
  auto r = gunzip(gz + gz.substr(0, 12), Collected().sink(), 1 << 20);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("truncated"), std::string::npos);
}

TEST(Gzip, CorruptInputSaysWhere) {
  std::string gz = gzip(text_of(20000));
  std::string bad_crc = gz;
  bad_crc[bad_crc.size() - 6] ^= 0x55; // the CRC-32 in the trailer
  auto r = gunzip(bad_crc, Collected().sink(), 1 << 20);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::parse);
  EXPECT_NE(r.error().message.find("incorrect data check at compressed offset"), std::string::npos)
      << r.error().message;

  std::string bad_body = gz;
  for (size_t i = 20; i < 40; ++i)
    bad_body[i] = static_cast<char>(0xff);
  r = gunzip(bad_body, Collected().sink(), 1 << 20);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("at compressed offset"), std::string::npos);

  r = gunzip("plain text, not gzip", Collected().sink(), 1 << 20);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("incorrect header check at compressed offset"),
            std::string::npos)
      << r.error().message;
  r = gunzip("", Collected().sink(), 1 << 20);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("empty input"), std::string::npos);
}

TEST(Gzip, OutputCapStopsABomb) {
  std::string bomb = gzip(std::string(20 << 20, '\0'), 9); // 20 MiB of zeros, ~20 KiB
  EXPECT_LT(bomb.size(), 64u << 10);
  Collected c;
  auto r = gunzip(bomb, c.sink(), 1 << 20, 64 << 10);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::budget);
  EXPECT_NE(r.error().message.find("1048576"), std::string::npos);
  EXPECT_LE(c.out.size(), 1u << 20);

  // Exactly at the cap is fine; one byte over is not.
  std::string gz = gzip("0123456789");
  Collected exact;
  auto ok = gunzip(gz, exact.sink(), 10, 3);
  ASSERT_TRUE(ok);
  EXPECT_EQ(exact.out, "0123456789");
  Collected over;
  auto no = gunzip(gz, over.sink(), 9, 3);
  ASSERT_FALSE(no);
  EXPECT_EQ(no.error().kind, ErrorKind::budget);
  EXPECT_EQ(over.out, "012345678");
  EXPECT_FALSE(gunzip(gz, Collected().sink(), 0));
}

TEST(Gzip, SinkStopsEarly) {
  std::string gz = gzip(text_of(100000)) + "this is not gzip and is never read";
  size_t calls = 0;
  auto n = gunzip(
      gz,
      [&](std::string_view chunk) {
        EXPECT_EQ(chunk.size(), 1000u);
        return ++calls < 3;
      },
      1 << 20, 1000);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(calls, 3u);
  EXPECT_EQ(*n, 3000u);
}

TEST(Gzip, LooksGzip) {
  EXPECT_TRUE(looks_gzip("\x1f\x8b"));
  EXPECT_TRUE(looks_gzip(gzip("x")));
  EXPECT_FALSE(looks_gzip("\x1f"));
  EXPECT_FALSE(looks_gzip(""));
  EXPECT_FALSE(looks_gzip("PK\x03\x04"));
}

} // namespace
} // namespace lg
