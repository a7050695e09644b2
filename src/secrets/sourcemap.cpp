// Source Map Revision 3 as ECMA-426 (https://tc39.es/ecma426/) defines it: the JSON fields
// (DecodeSourceMap), base64 VLQ `mappings` (DecodeMappingsField), index maps flattened
// (DecodeIndexSourceMap), the `sourceMappingURL` annotation (JavaScriptExtractSourceMapURL,
// without parsing) and `data:` URLs (RFC 2397, WHATWG fetch's reading). Input is untrusted:
// segments are bounded by the length of `mappings`, index maps nest at most 4 deep.

#include "secrets/sourcemap.hpp"

#include "util/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <new>

namespace lg::secrets {

namespace {

using Json = nlohmann::json;

constexpr int k_max_depth = 4; // index maps inside index maps

Unexpected<Error> fail(std::string_view where, std::string_view what) {
  return unexpected(ErrorKind::parse, where.empty()
                                          ? fmt::format("source map: {}", what)
                                          : fmt::format("source map: {}: {}", where, what));
}

// Base64 digit values (RFC 4648 §4); k_not_base64 for any other byte.
constexpr uint8_t k_not_base64 = 64;
constexpr std::array<uint8_t, 256> k_base64 = [] {
  std::array<uint8_t, 256> table{};
  table.fill(k_not_base64);
  constexpr std::string_view k_alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = 0; i < k_alphabet.size(); ++i)
    table[static_cast<unsigned char>(k_alphabet[i])] = static_cast<uint8_t>(i);
  return table;
}();

// A byte for an error message: itself when printable, hex otherwise (never raw binary).
std::string show_byte(unsigned char c) {
  if (c >= 0x20 && c < 0x7f)
    return fmt::format("'{}'", static_cast<char>(c));
  return fmt::format("0x{:02x}", c);
}

std::string join(std::string_view where, std::string_view field) {
  return where.empty() ? std::string(field) : fmt::format("{}.{}", where, field);
}

// One base64 VLQ at `pos` (VLQSignedValue): 32 bits at most, the sign bit included, so seven
// digits; "-0" stands for -2^31 as the spec says.
Expected<int64_t> read_vlq(std::string_view text, size_t& pos, std::string_view where) {
  uint64_t value = 0;
  unsigned shift = 0;
  for (;;) {
    if (pos >= text.size() || text[pos] == ',' || text[pos] == ';')
      return fail(where, fmt::format("VLQ cut short at offset {}", pos));
    auto c = static_cast<unsigned char>(text[pos]);
    unsigned digit = k_base64[c];
    if (digit == k_not_base64)
      return fail(where,
                  fmt::format("invalid base64 character {} at offset {}", show_byte(c), pos));
    if (shift > 30)
      return fail(where, fmt::format("VLQ longer than 32 bits at offset {}", pos));
    value |= static_cast<uint64_t>(digit & 31U) << shift;
    if (value > UINT32_MAX)
      return fail(where, fmt::format("VLQ longer than 32 bits at offset {}", pos));
    ++pos;
    if ((digit & 32U) == 0)
      break;
    shift += 5;
  }
  auto magnitude = static_cast<int64_t>(value >> 1);
  if ((value & 1) == 0)
    return magnitude;
  return magnitude == 0 ? -(int64_t{1} << 31) : -magnitude;
}

// Upper bound of the segments in a (possibly index) map, to reserve once: the non-empty runs
// between separators in each `mappings`.
size_t count_segments(const Json& json, int depth) {
  if (!json.is_object() || depth > k_max_depth)
    return 0;
  size_t total = 0;
  if (auto sections = json.find("sections"); sections != json.end()) {
    if (sections->is_array())
      for (const auto& section : *sections)
        if (section.is_object())
          if (auto map = section.find("map"); map != section.end())
            total += count_segments(*map, depth + 1);
    return total;
  }
  auto mappings = json.find("mappings");
  if (mappings == json.end() || !mappings->is_string())
    return 0;
  bool in_segment = false;
  for (char c : mappings->get_ref<const std::string&>()) {
    bool separator = c == ',' || c == ';';
    if (!separator && !in_segment)
      ++total;
    in_segment = !separator;
  }
  return total;
}

// Where a section's generated positions land: line 0 is shifted right by `column` too.
struct Offset {
  uint32_t line = 0;
  uint32_t column = 0;
};

Expected<uint32_t> offset_field(const Json& offset, const char* key, std::string_view where) {
  auto it = offset.find(key);
  if (it == offset.end() || !it->is_number_unsigned() || it->get<uint64_t>() > UINT32_MAX)
    return fail(where, fmt::format("offset.{} must be an integer from 0 to 2^32-1", key));
  return static_cast<uint32_t>(it->get<uint64_t>());
}

Expected<void> check_version(const Json& json, std::string_view where) {
  // A missing version is tolerated (ECMA-426 only "optionally reports" it); a wrong one
  // means some other format.
  auto it = json.find("version");
  if (it != json.end() && !(it->is_number() && *it == 3))
    return fail(where, "version must be 3");
  return {};
}

} // namespace

// Decodes maps into a SourceMap, keeping its invariant: segments sorted by generated
// (line, column), one LineRun per line.
class SourceMapBuilder {
public:
  explicit SourceMapBuilder(SourceMap& map) : m_map(map) {}

  Expected<void> decode_map(Json& json, int depth, Offset offset, const std::string& where) {
    if (!json.is_object())
      return fail(where, "not a JSON object");
    if (json.contains("sections"))
      return decode_index(json, depth, offset, where);
    return decode_regular(json, offset, where);
  }

private:
  Expected<void> decode_index(Json& json, int depth, Offset offset, const std::string& where) {
    if (depth >= k_max_depth)
      return fail(where, fmt::format("index maps nested deeper than {}", k_max_depth));
    LG_TRY_VOID(check_version(json, where));
    auto& sections = json["sections"];
    if (!sections.is_array())
      return fail(where, "sections must be an array");
    for (size_t i = 0; i < sections.size(); ++i) {
      auto& section = sections[i];
      std::string here = join(where, fmt::format("sections[{}]", i));
      if (!section.is_object())
        return fail(here, "not a JSON object");
      auto off = section.find("offset");
      if (off == section.end() || !off->is_object())
        return fail(here, "offset must be an object");
      uint32_t line = LG_TRY(offset_field(*off, "line", here));
      uint32_t column = LG_TRY(offset_field(*off, "column", here));
      // Compose with our own offset: a section on our line 0 moves right with us.
      uint64_t abs_line = uint64_t{offset.line} + line;
      uint64_t abs_column = line == 0 ? uint64_t{offset.column} + column : column;
      if (abs_line > UINT32_MAX || abs_column > UINT32_MAX)
        return fail(here, "offset beyond 2^32-1");
      // Sections are ordered and do not overlap (the spec lets a decoder insist); insisting
      // keeps the segments sorted without a global sort.
      if (!m_map.m_segments.empty()) {
        uint32_t last_line = m_map.m_lines.back().line;
        uint32_t last_column = m_map.m_segments.back().column;
        if (abs_line < last_line || (abs_line == last_line && abs_column < last_column))
          return fail(here, "offset lies before the end of the previous section (sections "
                            "overlap or are out of order)");
      }
      auto map = section.find("map");
      if (map == section.end()) {
        if (section.contains("url"))
          return fail(here, "url sections are not supported, only an embedded map");
        return fail(here, "map is missing");
      }
      Offset next{static_cast<uint32_t>(abs_line), static_cast<uint32_t>(abs_column)};
      LG_TRY_VOID(decode_map(*map, depth + 1, next, join(here, "map")));
    }
    return {};
  }

  Expected<void> decode_regular(Json& json, Offset offset, const std::string& where) {
    LG_TRY_VOID(check_version(json, where));
    auto mappings = json.find("mappings");
    if (mappings == json.end() || !mappings->is_string())
      return fail(where, "mappings must be a string");
    auto sources = json.find("sources");
    if (sources == json.end() || !sources->is_array())
      return fail(where, "sources must be an array");

    std::string prefix;
    if (auto root = json.find("sourceRoot"); root != json.end() && !root->is_null()) {
      if (!root->is_string())
        return fail(where, "sourceRoot must be a string");
      prefix = root->get<std::string>();
      // ECMA-426 would turn an empty root into "/"; generators (webpack) write "" to mean none.
      if (!prefix.empty() && prefix.back() != '/')
        prefix += '/';
    }
    Json* contents = nullptr;
    if (auto it = json.find("sourcesContent"); it != json.end() && !it->is_null()) {
      if (!it->is_array())
        return fail(where, "sourcesContent must be an array");
      contents = &*it;
    }

    size_t base = m_map.m_sources.size();
    if (sources->size() >= SourceMap::k_unmapped - base)
      return fail(where, "too many sources");
    for (size_t i = 0; i < sources->size(); ++i) {
      const auto& source = (*sources)[i];
      if (source.is_string())
        m_map.m_sources.push_back(prefix + source.get_ref<const std::string&>());
      else if (source.is_null())
        m_map.m_sources.emplace_back();
      else
        return fail(where, fmt::format("sources[{}] must be a string or null", i));
      std::optional<std::string> content;
      if (contents != nullptr && i < contents->size()) {
        auto& value = (*contents)[i];
        if (value.is_string())
          content = std::move(value.get_ref<std::string&>()); // the DOM is ours to empty
        else if (!value.is_null())
          return fail(where, fmt::format("sourcesContent[{}] must be a string or null", i));
      }
      m_map.m_contents.push_back(std::move(content));
    }
    return decode_mappings(mappings->get_ref<const std::string&>(), offset,
                           static_cast<uint32_t>(base), sources->size(), join(where, "mappings"));
  }

  // DecodeMappingsField: generated columns restart on each line, the other fields run on.
  Expected<void> decode_mappings(std::string_view text, Offset offset, uint32_t source_base,
                                 size_t source_count, const std::string& where) {
    int64_t column = 0;
    int64_t source = 0;
    int64_t line = 0;
    int64_t original_column = 0;
    uint64_t generated_line = 0;
    size_t line_first = m_map.m_segments.size(); // first segment of this map on this line
    size_t pos = 0;
    for (;;) {
      std::array<int64_t, 5> fields{};
      size_t count = 0;
      size_t start = pos;
      while (pos < text.size() && text[pos] != ',' && text[pos] != ';') {
        if (count == fields.size())
          return fail(where, fmt::format("segment at offset {} has more than 5 fields", start));
        fields[count++] = LG_TRY(read_vlq(text, pos, where));
      }
      if (count == 2 || count == 3)
        return fail(where, fmt::format("segment at offset {} has {} fields (1, 4 or 5 expected)",
                                       start, count));
      // Empty segments (",,", a trailing ",") are not in the grammar; skipping them is harmless.
      if (count > 0) {
        column += fields[0];
        // A negative generated column drops the segment before its other fields are read.
        if (column >= 0) {
          if (count >= 4) {
            source += fields[1];
            line += fields[2];
            original_column += fields[3];
          }
          uint64_t at_line = generated_line + offset.line;
          uint64_t at_column =
              static_cast<uint64_t>(column) + (generated_line == 0 ? offset.column : 0);
          if (at_line > UINT32_MAX || at_column > UINT32_MAX)
            return fail(where, fmt::format("segment at offset {} lies beyond line or column "
                                           "2^32-1",
                                           start));
          SourceMap::Segment segment{static_cast<uint32_t>(at_column), SourceMap::k_unmapped, 0, 0};
          // Out-of-range references leave the segment unmapped, as the spec does.
          if (count >= 4 && source >= 0 && static_cast<uint64_t>(source) < source_count &&
              line >= 0 && line <= UINT32_MAX && original_column >= 0 &&
              original_column <= UINT32_MAX) {
            segment.source = source_base + static_cast<uint32_t>(source);
            segment.line = static_cast<uint32_t>(line);
            segment.original_column = static_cast<uint32_t>(original_column);
          }
          LG_TRY_VOID(add(static_cast<uint32_t>(at_line), segment, where));
        }
      }
      if (pos >= text.size())
        break;
      if (text[pos] == ';') {
        sort_tail(line_first);
        ++generated_line;
        column = 0;
        line_first = m_map.m_segments.size();
      }
      ++pos;
    }
    sort_tail(line_first);
    return {};
  }

  Expected<void> add(uint32_t line, const SourceMap::Segment& segment, std::string_view where) {
    auto& segments = m_map.m_segments;
    if (segments.size() >= UINT32_MAX)
      return fail(where, "more than 2^32-1 segments");
    auto& lines = m_map.m_lines;
    if (lines.empty() || lines.back().line != line)
      lines.push_back({line, static_cast<uint32_t>(segments.size())});
    segments.push_back(segment);
    return {};
  }

  // Columns within a line may come in any order; everything before `from` is already in place
  // (earlier sections end at or before this one's offset).
  void sort_tail(size_t from) {
    auto first = m_map.m_segments.begin() + static_cast<std::ptrdiff_t>(from);
    auto by_column = [](const SourceMap::Segment& a, const SourceMap::Segment& b) {
      return a.column < b.column;
    };
    if (!std::is_sorted(first, m_map.m_segments.end(), by_column))
      std::stable_sort(first, m_map.m_segments.end(), by_column);
  }

  SourceMap& m_map;
};

Expected<SourceMap> SourceMap::parse(std::string_view json) {
  try {
    Json doc;
    try {
      doc = Json::parse(json);
    } catch (const Json::parse_error& e) {
      // e.what() quotes the input around the error; a map may hold secrets, so only the offset.
      return fail("", fmt::format("invalid JSON near byte {}", e.byte));
    }
    SourceMap map;
    map.m_segments.reserve(count_segments(doc, 0));
    SourceMapBuilder builder(map);
    LG_TRY_VOID(builder.decode_map(doc, 0, Offset{}, ""));
    if (map.m_segments.capacity() - map.m_segments.size() > map.m_segments.size() / 4)
      map.m_segments.shrink_to_fit();
    map.m_lines.shrink_to_fit();
    return map;
  } catch (const std::bad_alloc&) {
    return unexpected(ErrorKind::budget, "source map: out of memory");
  } catch (const std::exception& e) {
    return unexpected(ErrorKind::internal, fmt::format("source map: {}", e.what()));
  }
}

std::optional<OriginalPosition> SourceMap::original(size_t line, size_t column) const {
  if (line == 0 || line - 1 > UINT32_MAX)
    return std::nullopt;
  auto generated = static_cast<uint32_t>(line - 1);
  auto run = std::lower_bound(m_lines.begin(), m_lines.end(), generated,
                              [](const LineRun& r, uint32_t l) { return r.line < l; });
  if (run == m_lines.end() || run->line != generated)
    return std::nullopt;
  auto first = m_segments.begin() + run->first;
  auto last = std::next(run) == m_lines.end() ? m_segments.end()
                                              : m_segments.begin() + std::next(run)->first;
  auto it = std::upper_bound(first, last, column,
                             [](size_t c, const Segment& s) { return c < s.column; });
  if (it == first)
    return std::nullopt;
  --it;
  if (it->source == k_unmapped)
    return std::nullopt;
  return OriginalPosition{it->source, size_t{it->line} + 1, it->original_column};
}

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

// The URL after "sourceMappingURL=" at `at` if the rest of the line is only that URL (and,
// for CSS, the closing "*/"): MatchSourceMapURL's `(\S*?)\s*$`.
std::optional<std::string> url_at(std::string_view line, size_t at, bool css) {
  size_t end = at;
  while (end < line.size() && !is_space(line[end]))
    ++end;
  std::string_view url = line.substr(at, end - at);
  std::string_view rest = trim(line.substr(end));
  if (css) {
    if (url.size() >= 2 && url.substr(url.size() - 2) == "*/" && rest.empty())
      url.remove_suffix(2);
    else if (rest == "*/")
      rest = {};
    else
      return std::nullopt;
  }
  if (url.empty() || !rest.empty())
    return std::nullopt;
  return std::string(url);
}

} // namespace

std::optional<std::string> source_mapping_url(std::string_view generated) {
  constexpr std::string_view k_key = "sourceMappingURL=";
  size_t at = generated.size();
  while (at > 0) {
    at = generated.rfind(k_key, at - 1);
    if (at == std::string_view::npos)
      return std::nullopt;
    size_t begin = generated.find_last_of("\r\n", at);
    begin = begin == std::string_view::npos ? 0 : begin + 1;
    size_t end = generated.find_first_of("\r\n", at);
    std::string_view line =
        generated.substr(begin, (end == std::string_view::npos ? generated.size() : end) - begin);
    // Only the head of the line can make it an annotation: spaces, "//" or "/*", "#" or "@",
    // spaces, the key. Whatever else the line holds is skipped at once, so a long minified
    // line full of mentions costs one pass, not one per mention.
    at = begin;
    size_t p = 0;
    while (p < line.size() && is_space(line[p]))
      ++p;
    if (line.size() - p < 3 || line[p] != '/' || (line[p + 1] != '/' && line[p + 1] != '*') ||
        (line[p + 2] != '#' && line[p + 2] != '@'))
      continue;
    bool css = line[p + 1] == '*';
    p += 3;
    while (p < line.size() && is_space(line[p]))
      ++p;
    if (line.substr(p, k_key.size()) != k_key)
      continue;
    if (auto url = url_at(line, p + k_key.size(), css))
      return url;
  }
  return std::nullopt;
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// URL percent-decoding: a '%' not followed by two hex digits stays as it is.
std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// WHATWG infra's forgiving-base64 decode: ASCII whitespace ignored, padding optional.
Expected<std::string> forgiving_base64(std::string_view s) {
  std::string digits;
  digits.reserve(s.size());
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\f' && c != '\r')
      digits += c;
  if (digits.size() % 4 == 0 && !digits.empty() && digits.back() == '=') {
    digits.pop_back();
    if (digits.back() == '=')
      digits.pop_back();
  }
  if (digits.size() % 4 == 1)
    return unexpected(ErrorKind::parse, "data URL: base64 body has an impossible length");
  std::string out;
  out.reserve(digits.size() / 4 * 3 + 2);
  uint32_t buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    unsigned v = k_base64[static_cast<unsigned char>(digits[i])];
    if (v == k_not_base64)
      return unexpected(ErrorKind::parse,
                        fmt::format("data URL: invalid base64 character {} at offset {}",
                                    show_byte(static_cast<unsigned char>(digits[i])), i));
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

} // namespace

Expected<std::string> decode_data_url(std::string_view url) {
  url = trim(url);
  if (!istarts_with(url, "data:"))
    return unexpected(ErrorKind::parse, "data URL: does not start with \"data:\"");
  url.remove_prefix(5);
  size_t comma = url.find(',');
  if (comma == std::string_view::npos)
    return unexpected(ErrorKind::parse, "data URL: no comma before the body");
  std::string_view meta = url.substr(0, comma);
  std::string body = percent_decode(url.substr(comma + 1));
  size_t semi = meta.rfind(';');
  if (semi == std::string_view::npos || !iequals(trim(meta.substr(semi + 1)), "base64"))
    return body;
  return forgiving_base64(body);
}

} // namespace lg::secrets
