#pragma once
// Source maps (Source Map Revision 3, ECMA-426) for the secrets gate: a leaked map carries the
// original sources (`sourcesContent`), and its mappings turn a hit in a minified bundle into a
// place in the original file. Everything here reads untrusted bytes.

#include "util/expected.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lg::secrets {

/// A place in an original source: `source` indexes SourceMap::sources(); `line` is 1-based,
/// `column` 0-based.
struct OriginalPosition {
  size_t source = 0;
  size_t line = 1;
  size_t column = 0;

  bool operator==(const OriginalPosition&) const = default;
};

/// A decoded source map. Index maps (`sections`) are flattened into one map. Columns count as
/// the map counts them: UTF-16 code units per ECMA-426, which equal bytes on ASCII lines.
class SourceMap {
public:
  /// Parses the source map in `json` (untrusted). Errors (kind parse) name what is wrong and,
  /// inside `mappings`, at which offset: invalid JSON, wrong field types, a version other than
  /// 3 (a missing one is tolerated), a bad base64 digit, a VLQ over 32 bits, a segment of 2, 3 or
  /// more than 5 fields, sections that overlap, are out of order or nest deeper than 4. Where
  /// ECMA-426 lets a decoder go on, it does: a segment with a negative generated column is dropped;
  /// one whose source index or original line/column is out of range stays as an unmapped segment.
  /// Memory: 16 bytes per segment and 8 per mapped generated line, plus the sources' contents.
  static Expected<SourceMap> parse(std::string_view json);

  /// Source names, with `sourceRoot` prepended (a "/" between them unless the root ends with
  /// one; an empty root is ignored). A null entry becomes "". Sections' sources are appended
  /// in section order.
  const std::vector<std::string>& sources() const { return m_sources; }
  /// The embedded content of each source (same size as sources()); nullopt when
  /// `sourcesContent` is absent, shorter than `sources`, or has null there.
  const std::vector<std::optional<std::string>>& contents() const { return m_contents; }
  /// Number of decoded segments (mapped and unmapped).
  size_t segment_count() const { return m_segments.size(); }

  /// The original position of generated `line` (1-based) and `column` (0-based): that of the
  /// last segment on that line starting at or before `column`. nullopt when the line has no
  /// segment at or before `column`, or that segment maps to no source.
  std::optional<OriginalPosition> original(size_t line, size_t column) const;

private:
  friend class SourceMapBuilder;

  // 16 bytes per segment: a 50 MB map has a few million of them.
  struct Segment {
    uint32_t column = 0; // generated, 0-based
    uint32_t source = 0; // k_unmapped for a segment that maps nowhere
    uint32_t line = 0;   // original, 0-based
    uint32_t original_column = 0;
  };
  // One per generated line that has segments, so huge section offsets cost nothing.
  struct LineRun {
    uint32_t line = 0;  // generated, 0-based
    uint32_t first = 0; // index of its first segment
  };
  static constexpr uint32_t k_unmapped = UINT32_MAX;

  std::vector<std::string> m_sources;
  std::vector<std::optional<std::string>> m_contents;
  std::vector<Segment> m_segments; ///< sorted by (generated line, column)
  std::vector<LineRun> m_lines;    ///< strictly increasing lines
};

/// The source-map URL a generated file links to: the last line that is a `//# sourceMappingURL=`
/// comment (`//@` accepted too, as ECMA-426 asks of consumers) or a CSS
/// `/*# sourceMappingURL= */` comment, whose URL is one run of non-space characters.
/// Occurrences inside code on the same line (a string literal) do not count. nullopt if none.
std::optional<std::string> source_mapping_url(std::string_view generated);

/// Decodes a `data:` URL (RFC 2397 as the WHATWG fetch spec reads it), as inline source maps
/// use: `data:application/json;charset=utf-8;base64,eyJ2...`. The body is percent-decoded,
/// then base64-decoded when the last parameter is `base64` (whitespace and missing padding
/// tolerated). The media type is not checked. Errors (kind parse): not a data URL, no comma,
/// invalid base64.
Expected<std::string> decode_data_url(std::string_view url);

} // namespace lg::secrets
