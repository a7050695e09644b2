// Source maps (ECMA-426): VLQ mappings looked up at and between segments, sourceRoot and
// sourcesContent, index maps flattened, every error path; the sourceMappingURL annotation and
// data: URLs.

#include "secrets/sourcemap.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace lg::secrets {

// Readable failures: gtest would print the bytes.
void PrintTo(const OriginalPosition& p, std::ostream* os) {
  *os << "{source " << p.source << ", line " << p.line << ", column " << p.column << "}";
}

namespace {

using Pos = OriginalPosition;

// Base64 VLQ of one value, as generators write it.
std::string vlq(long long value) {
  static const char* digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  unsigned long long v = value < 0 ? (static_cast<unsigned long long>(-value) << 1) | 1
                                   : static_cast<unsigned long long>(value) << 1;
  std::string out;
  do {
    unsigned digit = v & 31;
    v >>= 5;
    if (v != 0)
      digit |= 32;
    out += digits[digit];
  } while (v != 0);
  return out;
}

std::string map_json(const std::string& mappings, const std::string& extra = "",
                     const std::string& sources = R"(["a.js"])") {
  return R"({"version":3,"sources":)" + sources + R"(,"mappings":")" + mappings + "\"" + extra +
         "}";
}

SourceMap parse_ok(const std::string& json) {
  auto map = SourceMap::parse(json);
  EXPECT_TRUE(map) << (map ? "" : map.error().message);
  return map ? std::move(*map) : SourceMap{};
}

std::string parse_error(const std::string& json) {
  auto map = SourceMap::parse(json);
  EXPECT_FALSE(map) << json;
  if (map)
    return "";
  EXPECT_EQ(map.error().kind, ErrorKind::parse);
  return map.error().message;
}

TEST(SourceMap, DecodesRelativeFieldsAcrossLines) {
  // Line 1: col 0 -> a.js 1:0. Line 2: col 0 -> 2:0, col 4 -> 2:4 (fields are relative).
  auto map = parse_ok(map_json("AAAA;AACA,IAAI"));
  EXPECT_EQ(map.segment_count(), 3u);
  EXPECT_EQ(map.original(1, 0), (Pos{0, 1, 0}));
  EXPECT_EQ(map.original(1, 500), (Pos{0, 1, 0})); // the segment at or before
  EXPECT_EQ(map.original(2, 3), (Pos{0, 2, 0}));
  EXPECT_EQ(map.original(2, 4), (Pos{0, 2, 4}));
  EXPECT_EQ(map.original(2, 99), (Pos{0, 2, 4}));
  EXPECT_EQ(map.original(3, 0), std::nullopt); // no such line
  EXPECT_EQ(map.original(0, 0), std::nullopt); // lines are 1-based
}

TEST(SourceMap, OneFieldSegmentsAreUnmapped) {
  auto map = parse_ok(map_json("AAAA,E;;EAEE"));
  EXPECT_EQ(map.original(1, 1), (Pos{0, 1, 0}));
  EXPECT_EQ(map.original(1, 2), std::nullopt); // "E": column 2, no source
  EXPECT_EQ(map.original(2, 0), std::nullopt); // empty line
  EXPECT_EQ(map.original(3, 1), std::nullopt); // before the line's first segment
  EXPECT_EQ(map.original(3, 2), (Pos{0, 3, 2}));
}

TEST(SourceMap, FiveFieldsMultipleSourcesAndUnsortedColumns) {
  // Col 4 -> b.js 1:4 with a name, then col 0 -> a.js 1:0 (a negative delta on each field).
  auto map = parse_ok(map_json("ICAIA,JDAJ", R"(,"names":["x"])", R"(["a.js","b.js"])"));
  EXPECT_EQ(map.original(1, 0), (Pos{0, 1, 0}));
  EXPECT_EQ(map.original(1, 4), (Pos{1, 1, 4}));
  EXPECT_EQ(map.sources().size(), 2u);
}

TEST(SourceMap, LargeValuesAndManySegments) {
  std::string mappings;
  long long previous_column = 0, previous_line = 0;
  for (int i = 0; i < 1000; ++i) {
    long long column = i * 100, line = i * 7919;
    if (i > 0)
      mappings += ',';
    mappings += vlq(column - previous_column) + vlq(0) + vlq(line - previous_line) + vlq(0);
    previous_column = column;
    previous_line = line;
  }
  mappings += ";" + vlq(2147483647) + "AAA"; // the largest column
  auto map = parse_ok(map_json(mappings));
  EXPECT_EQ(map.segment_count(), 1001u);
  EXPECT_EQ(map.original(1, 99950), (Pos{0, 999 * 7919 + 1, 0}));
  EXPECT_EQ(map.original(1, 550), (Pos{0, 5 * 7919 + 1, 0}));
  EXPECT_EQ(map.original(2, 2147483646), std::nullopt);
  EXPECT_EQ(map.original(2, 2147483647), (Pos{0, 999 * 7919 + 1, 0}));
}

TEST(SourceMap, SourceRootAndNullSources) {
  auto map = parse_ok(map_json("AAAA", R"(,"sourceRoot":"webpack:///src")", R"(["a.js",null])"));
  ASSERT_EQ(map.sources().size(), 2u);
  EXPECT_EQ(map.sources()[0], "webpack:///src/a.js");
  EXPECT_EQ(map.sources()[1], "");
  EXPECT_EQ(parse_ok(map_json("", R"(,"sourceRoot":"src/")")).sources()[0], "src/a.js");
  EXPECT_EQ(parse_ok(map_json("", R"(,"sourceRoot":"")")).sources()[0], "a.js");
  EXPECT_EQ(parse_ok(map_json("", R"(,"sourceRoot":null)")).sources()[0], "a.js");
}

TEST(SourceMap, SourcesContentToleratesNullShortAndLong) {
  auto map = parse_ok(
      map_json("", R"(,"sourcesContent":["const k = 1;\n",null])", R"(["a.js","b.js","c.js"])"));
  ASSERT_EQ(map.contents().size(), 3u);
  EXPECT_EQ(map.contents()[0], "const k = 1;\n");
  EXPECT_EQ(map.contents()[1], std::nullopt);
  EXPECT_EQ(map.contents()[2], std::nullopt); // shorter array
  auto longer = parse_ok(map_json("", R"(,"sourcesContent":["x","y"])"));
  ASSERT_EQ(longer.contents().size(), 1u);
  EXPECT_EQ(longer.contents()[0], "x");
  auto absent = parse_ok(map_json(""));
  ASSERT_EQ(absent.contents().size(), 1u);
  EXPECT_EQ(absent.contents()[0], std::nullopt);
  EXPECT_EQ(parse_ok(map_json("", R"(,"sourcesContent":null)")).contents().size(), 1u);
}

TEST(SourceMap, OutOfRangeReferencesLeaveSegmentsUnmapped) {
  // Source -1, source 1 of 1, original line -1: kept, but map nowhere (ECMA-426 tolerates).
  auto map = parse_ok(map_json("ADAA;AEAA;ADDA"));
  EXPECT_EQ(map.segment_count(), 3u);
  EXPECT_EQ(map.original(1, 0), std::nullopt);
  EXPECT_EQ(map.original(2, 0), std::nullopt);
  EXPECT_EQ(map.original(3, 0), std::nullopt);
  // The running state goes on: back in range on the next segment.
  auto back = parse_ok(map_json("ADAA,CCAA"));
  EXPECT_EQ(back.original(1, 1), (Pos{0, 1, 0}));
}

TEST(SourceMap, NegativeGeneratedColumnDropsTheSegment) {
  // "D" is column -1: dropped. "B" is -0, which ECMA-426 reads as -2^31: dropped too.
  auto map = parse_ok(map_json("D;B;AAAA"));
  EXPECT_EQ(map.segment_count(), 1u);
  EXPECT_EQ(map.original(3, 0), (Pos{0, 1, 0}));
}

TEST(SourceMap, EmptySegmentsAndMissingVersionAreTolerated) {
  auto map = parse_ok(R"({"sources":["a.js"],"mappings":",AAAA,,;"})");
  EXPECT_EQ(map.segment_count(), 1u);
  EXPECT_EQ(map.original(1, 0), (Pos{0, 1, 0}));
}

TEST(SourceMap, IndexMapSectionsAreFlattened) {
  auto map = parse_ok(R"({"version":3,"sections":[
    {"offset":{"line":0,"column":0},
     "map":{"version":3,"sources":["a.js"],"sourcesContent":["A"],"mappings":"AAAA"}},
    {"offset":{"line":0,"column":10},
     "map":{"version":3,"sources":["b.js"],"mappings":"AAAA,EAAE;AACA"}},
    {"offset":{"line":1000000000,"column":5},
     "map":{"version":3,"sources":["c.js"],"sourceRoot":"lib","mappings":"AAAA"}}]})");
  ASSERT_EQ(map.sources().size(), 3u);
  EXPECT_EQ(map.sources()[2], "lib/c.js");
  ASSERT_EQ(map.contents().size(), 3u);
  EXPECT_EQ(map.contents()[0], "A");
  EXPECT_EQ(map.original(1, 9), (Pos{0, 1, 0}));
  EXPECT_EQ(map.original(1, 10), (Pos{1, 1, 0}));
  EXPECT_EQ(map.original(1, 12), (Pos{1, 1, 2}));
  EXPECT_EQ(map.original(2, 0), (Pos{1, 2, 2})); // not shifted right; original column carried
  EXPECT_EQ(map.original(1000000001, 4), std::nullopt);
  EXPECT_EQ(map.original(1000000001, 5), (Pos{2, 1, 0}));
}

TEST(SourceMap, NestedIndexMapsComposeOffsetsUpToADepth) {
  auto map = parse_ok(R"({"sections":[{"offset":{"line":2,"column":3},"map":
    {"sections":[{"offset":{"line":0,"column":4},"map":
      {"sources":["n.js"],"mappings":"AAAA;AACA"}}]}}]})");
  EXPECT_EQ(map.original(3, 6), std::nullopt);
  EXPECT_EQ(map.original(3, 7), (Pos{0, 1, 0}));
  EXPECT_EQ(map.original(4, 0), (Pos{0, 2, 0}));

  std::string deep = R"({"sources":[],"mappings":""})";
  for (int i = 0; i < 5; ++i)
    deep = R"({"sections":[{"offset":{"line":0,"column":0},"map":)" + deep + "}]}";
  EXPECT_NE(parse_error(deep).find("nested deeper than 4"), std::string::npos);
}

TEST(SourceMap, SectionErrors) {
  auto section = [](const std::string& body) { return R"({"sections":[)" + body + "]}"; };
  const std::string inner = R"("map":{"sources":["a.js"],"mappings":"AAAA,CAAC"})";
  EXPECT_NE(parse_error(R"({"sections":{}})").find("sections must be an array"), std::string::npos);
  EXPECT_NE(parse_error(section("1")).find("sections[0]: not a JSON object"), std::string::npos);
  EXPECT_NE(parse_error(section("{" + inner + "}")).find("offset must be an object"),
            std::string::npos);
  EXPECT_NE(parse_error(section(R"({"offset":{"line":-1,"column":0},)" + inner + "}"))
                .find("offset.line must be an integer"),
            std::string::npos);
  EXPECT_NE(parse_error(section(R"({"offset":{"line":0,"column":1.5},)" + inner + "}"))
                .find("offset.column"),
            std::string::npos);
  EXPECT_NE(parse_error(section(R"({"offset":{"line":0,"column":0}})")).find("map is missing"),
            std::string::npos);
  EXPECT_NE(parse_error(section(R"({"offset":{"line":0,"column":0},"url":"x.map"})"))
                .find("url sections are not supported"),
            std::string::npos);
  // The first section reaches column 1 of line 0; the second starts at column 0.
  std::string overlap = section(R"({"offset":{"line":0,"column":0},)" + inner +
                                R"(},{"offset":{"line":0,"column":0},)" + inner + "}");
  EXPECT_NE(parse_error(overlap).find("sections[1]: offset lies before the end"),
            std::string::npos);
  EXPECT_NE(parse_error(section(R"({"offset":{"line":0,"column":0},"map":{"mappings":"!"}})"))
                .find("sections[0].map: sources must be an array"),
            std::string::npos);
}

TEST(SourceMap, FieldErrorsNameTheField) {
  EXPECT_NE(parse_error("{\"version\":3,").find("invalid JSON near byte"), std::string::npos);
  EXPECT_NE(parse_error("").find("invalid JSON"), std::string::npos);
  EXPECT_NE(parse_error("[1]").find("not a JSON object"), std::string::npos);
  EXPECT_NE(parse_error(R"({"version":2,"sources":[],"mappings":""})").find("version must be 3"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"version":"3","sources":[],"mappings":""})").find("version"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"version":3,"sources":[]})").find("mappings must be a string"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"version":3,"sources":[],"mappings":7})").find("mappings must be"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"version":3,"mappings":""})").find("sources must be an array"),
            std::string::npos);
  EXPECT_NE(parse_error(map_json("", "", "[1]")).find("sources[0] must be a string or null"),
            std::string::npos);
  EXPECT_NE(parse_error(map_json("", R"(,"sourceRoot":1)")).find("sourceRoot must be a string"),
            std::string::npos);
  EXPECT_NE(
      parse_error(map_json("", R"(,"sourcesContent":"x")")).find("sourcesContent must be an array"),
      std::string::npos);
  EXPECT_NE(parse_error(map_json("", R"(,"sourcesContent":[{}])"))
                .find("sourcesContent[0] must be a string or null"),
            std::string::npos);
}

TEST(SourceMap, MappingErrorsSayWhere) {
  EXPECT_NE(parse_error(map_json("AAAA;AA!A"))
                .find("mappings: invalid base64 character '!' at "
                      "offset 7"),
            std::string::npos);
  EXPECT_NE(parse_error(map_json("AAAA;AA=A")).find("'='"), std::string::npos);
  EXPECT_NE(parse_error(map_json("AA\\u0001A")).find("0x01"), std::string::npos);
  // Six digits of 31 bits fill 30 bits; 'P' (15) then pushes past 2^32.
  EXPECT_NE(parse_error(map_json("//////P")).find("VLQ longer than 32 bits at offset 6"),
            std::string::npos);
  // Zero digits with continuation bits still end up past 32 bits.
  EXPECT_NE(parse_error(map_json("gggggggggggA")).find("VLQ longer than 32 bits"),
            std::string::npos);
  EXPECT_NE(parse_error(map_json("AAAg")).find("VLQ cut short at offset 4"), std::string::npos);
  EXPECT_NE(parse_error(map_json("Ag,A")).find("VLQ cut short at offset 2"), std::string::npos);
  EXPECT_NE(parse_error(map_json("A,AA")).find("segment at offset 2 has 2 fields"),
            std::string::npos);
  EXPECT_NE(parse_error(map_json("AAA")).find("has 3 fields"), std::string::npos);
  EXPECT_NE(parse_error(map_json("AAAAAA")).find("more than 5 fields"), std::string::npos);
}

TEST(SourceMap, HostileJsonDoesNotCrash) {
  std::string deep(100000, '[');
  EXPECT_FALSE(SourceMap::parse(deep));
  deep += std::string(100000, ']');
  EXPECT_FALSE(SourceMap::parse(deep)); // valid JSON, not an object
  EXPECT_FALSE(SourceMap::parse(std::string("{\"a\":\"\xff\"}")));
}

TEST(SourceMappingUrl, FindsTheLastAnnotation) {
  EXPECT_EQ(source_mapping_url("var a=1;\n//# sourceMappingURL=app.js.map\n"), "app.js.map");
  EXPECT_EQ(source_mapping_url("var a=1;\r\n  //@ sourceMappingURL=old.map  \r\n"), "old.map");
  EXPECT_EQ(source_mapping_url("//# sourceMappingURL=first.map\nx;\n//#  sourceMappingURL=b.map"),
            "b.map");
  EXPECT_EQ(source_mapping_url(".a{}\n/*# sourceMappingURL=style.css.map */\n"), "style.css.map");
  EXPECT_EQ(source_mapping_url("/*# sourceMappingURL=s.map*/"), "s.map");
  std::string inline_map = "x;\n//# sourceMappingURL=data:application/json;base64,e30=";
  EXPECT_EQ(source_mapping_url(inline_map), "data:application/json;base64,e30=");
}

TEST(SourceMappingUrl, IgnoresWhatIsNotAnAnnotation) {
  EXPECT_EQ(source_mapping_url(""), std::nullopt);
  EXPECT_EQ(source_mapping_url("var a = 1;\n"), std::nullopt);
  EXPECT_EQ(source_mapping_url("var s = \"//# sourceMappingURL=x.map\";"), std::nullopt);
  EXPECT_EQ(source_mapping_url("// sourceMappingURL=x.map"), std::nullopt);
  EXPECT_EQ(source_mapping_url("//# sourceMappingURL=a b"), std::nullopt);
  EXPECT_EQ(source_mapping_url("//# sourceMappingURL="), std::nullopt);
  EXPECT_EQ(source_mapping_url("sourceMappingURL=x"), std::nullopt);
  EXPECT_EQ(source_mapping_url("/*# sourceMappingURL=s.map"), std::nullopt);
  // An earlier real annotation is still found behind a later non-annotation mention.
  EXPECT_EQ(source_mapping_url("//# sourceMappingURL=ok.map\nf(\"//# sourceMappingURL=no\")"),
            "ok.map");
}

TEST(SourceMappingUrl, ManyMentionsOnOneLongLineTakeOnePass) {
  // One pass per line, not per mention: quadratic here would take minutes.
  std::string minified = "//# sourceMappingURL=real.map\n";
  for (int i = 0; i < 100000; ++i)
    minified += "s+=\"//# sourceMappingURL=x\";";
  EXPECT_EQ(source_mapping_url(minified), "real.map");
}

TEST(SourceMapDataUrl, DecodesBase64AndPercentEncodedBodies) {
  EXPECT_EQ(decode_data_url("data:application/json;base64,eyJ2ZXJzaW9uIjozfQ==").value_or("?"),
            R"({"version":3})");
  EXPECT_EQ(decode_data_url("data:application/json;charset=utf-8;base64,eyJ2ZXJzaW9uIjozfQ")
                .value_or("?"),
            R"({"version":3})");
  EXPECT_EQ(decode_data_url("DATA:application/json;charset=utf-8;BASE64,e3%0A0=").value_or("?"),
            "{}");
  EXPECT_EQ(decode_data_url("data:application/json,%7B%7D%zz").value_or("?"), "{}%zz");
  EXPECT_EQ(decode_data_url("data:,").value_or("?"), "");
}

TEST(SourceMapDataUrl, Errors) {
  auto error = [](std::string_view url) {
    auto r = decode_data_url(url);
    EXPECT_FALSE(r) << url;
    return r ? std::string() : r.error().message;
  };
  EXPECT_NE(error("app.js.map").find("does not start with \"data:\""), std::string::npos);
  EXPECT_NE(error("data:application/json;base64").find("no comma"), std::string::npos);
  EXPECT_NE(error("data:;base64,e30*").find("invalid base64 character '*' at offset 3"),
            std::string::npos);
  EXPECT_NE(error("data:;base64,e30=A").find("impossible length"), std::string::npos);
  EXPECT_NE(error("data:;base64,e3=0").find("'='"), std::string::npos);
}

TEST(SourceMap, InlineMapRoundTrip) {
  std::string js = "f();\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,"
                   "eyJ2ZXJzaW9uIjozLCJzb3VyY2VzIjpbImEuanMiXSwic291cmNlc0NvbnRlbnQiOlsiY29uc3Qg"
                   "a2V5ID0gMTsiXSwibWFwcGluZ3MiOiJBQUFBIn0=\n";
  auto url = source_mapping_url(js);
  ASSERT_TRUE(url);
  auto json = decode_data_url(*url);
  ASSERT_TRUE(json) << json.error().message;
  auto map = parse_ok(*json);
  ASSERT_EQ(map.contents().size(), 1u);
  EXPECT_EQ(map.contents()[0], "const key = 1;");
  EXPECT_EQ(map.original(1, 2), (Pos{0, 1, 0}));
}

} // namespace
} // namespace lg::secrets
