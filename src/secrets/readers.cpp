// The readers behind scan_tree. Source maps matter because a published map with `sourcesContent`
// ships the original code (server constants included) to every visitor, and because a key inlined
// into a minified one-line bundle is only actionable once it is traced to its source line.

#include "secrets/readers.hpp"

#include "secrets/sourcemap.hpp"
#include "util/gzip.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace lg::secrets {
namespace {

namespace fs = std::filesystem;

constexpr size_t k_batch = size_t{8} << 20;
constexpr size_t k_max_line = size_t{16} << 20;
constexpr unsigned long long k_max_map_bytes = 256ULL << 20;

bool ends_with_any(std::string_view path, std::initializer_list<std::string_view> suffixes) {
  return std::any_of(suffixes.begin(), suffixes.end(),
                     [&](std::string_view s) { return path.ends_with(s); });
}

void add_plain_hits(const Matcher& matcher, const std::string& path, std::string_view text,
                    FileScan& out) {
  for (auto& m : matcher.scan(text, path)) {
    Hit hit;
    hit.path = path;
    hit.line = m.line;
    hit.match = std::move(m);
    out.hits.push_back(std::move(hit));
  }
}

/// The embedded sources of a source map, each scanned as the original file it was.
void scan_map(const Matcher& matcher, const std::string& path, std::string_view bytes,
              FileScan& out) {
  auto map = SourceMap::parse(bytes);
  if (!map) {
    // Unreadable as a map: scan the raw text so nothing in it goes unseen.
    out.notes.push_back(fmt::format("{}: not a readable source map ({}); scanned as text", path,
                                    map.error().message));
    out.bytes += bytes.size();
    add_plain_hits(matcher, path, bytes, out);
    return;
  }
  for (size_t i = 0; i < map->sources().size(); ++i) {
    const auto& content = map->contents()[i];
    if (!content)
      continue;
    std::string name = map->sources()[i].empty() ? fmt::format("source #{}", i) : map->sources()[i];
    out.bytes += content->size();
    for (auto& m : matcher.scan(*content, name)) {
      Hit hit;
      hit.path = name;
      hit.line = m.line;
      hit.origin = fmt::format("{} (sourcesContent)", path);
      hit.match = std::move(m);
      out.hits.push_back(std::move(hit));
    }
  }
}

/// Source-map columns count UTF-16 code units: one per UTF-8 sequence, two for a 4-byte one.
size_t utf16_units(std::string_view utf8) {
  size_t units = 0;
  for (char c : utf8) {
    auto b = static_cast<unsigned char>(c);
    if ((b & 0xC0) != 0x80)
      units += b >= 0xF0 ? 2 : 1;
  }
  return units;
}

/// The source map a bundle links to, read from disk or from an inline data: URL.
std::optional<SourceMap> linked_map(const std::string& path, std::string_view bytes,
                                    std::string& map_name, std::vector<std::string>& notes) {
  auto url = source_mapping_url(bytes);
  if (!url)
    return std::nullopt;
  std::string text;
  if (url->starts_with("data:")) {
    auto decoded = decode_data_url(*url);
    if (!decoded) {
      notes.push_back(fmt::format("{}: inline source map: {}", path, decoded.error().message));
      return std::nullopt;
    }
    text = std::move(*decoded);
    map_name = "inline source map";
  } else {
    if (url->find("://") != std::string::npos)
      return std::nullopt; // a remote map is never fetched
    fs::path file = fs::path(path).parent_path() / url->substr(0, url->find_first_of("?#"));
    std::error_code ec;
    auto size = fs::file_size(file, ec);
    if (ec || size > k_max_map_bytes)
      return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
    map_name = file.string();
  }
  auto map = SourceMap::parse(text);
  if (!map) {
    notes.push_back(fmt::format("{}: its source map {}: {}", path, map_name, map.error().message));
    return std::nullopt;
  }
  return std::move(*map);
}

/// A bundle: scanned as text; hits name their original place when the bundle links a map.
void scan_bundle(const Matcher& matcher, const std::string& path, std::string_view bytes,
                 FileScan& out) {
  size_t first = out.hits.size();
  out.bytes += bytes.size();
  add_plain_hits(matcher, path, bytes, out);
  if (out.hits.size() == first)
    return;
  std::string map_name;
  auto map = linked_map(path, bytes, map_name, out.notes);
  if (!map)
    return;
  for (size_t i = first; i < out.hits.size(); ++i) {
    Hit& hit = out.hits[i];
    size_t offset = hit.match.offset;
    size_t line_start = offset == 0 ? 0 : bytes.rfind('\n', offset - 1);
    line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
    auto where =
        map->original(hit.line, utf16_units(bytes.substr(line_start, offset - line_start)));
    if (where && where->source < map->sources().size())
      hit.origin =
          fmt::format("{}:{} (via {})", map->sources()[where->source], where->line, map_name);
  }
}

} // namespace

void StreamScanner::scan(std::string_view text) {
  m_bytes += text.size();
  for (auto& m : m_matcher.scan(text, m_path)) {
    Hit hit;
    hit.path = m_path;
    hit.line = m_line + m.line;
    hit.match = std::move(m);
    m_hits.push_back(std::move(hit));
  }
  m_line += static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

void StreamScanner::feed(std::string_view chunk) {
  m_pending.append(chunk);
  if (m_pending.size() < k_batch)
    return; // gather about 8 MiB of whole lines per scan
  size_t cut = m_pending.rfind('\n');
  if (cut == std::string::npos) {
    if (m_pending.size() > k_max_line) { // one enormous line: scan it in pieces
      scan(m_pending);
      m_pending.clear();
    }
    return;
  }
  scan(std::string_view(m_pending).substr(0, cut + 1));
  m_pending.erase(0, cut + 1);
}

void StreamScanner::finish() {
  if (!m_pending.empty())
    scan(m_pending);
  m_pending.clear();
}

FileScan scan_file(const Matcher& matcher, const std::string& path, std::string_view bytes,
                   const TreeOptions& options) {
  FileScan out;
  if (options.gzip && looks_gzip(bytes)) {
    std::string name = path;
    StreamScanner stream(matcher, name, out.hits);
    auto inflated = gunzip(
        bytes,
        [&](std::string_view chunk) {
          stream.feed(chunk);
          return true;
        },
        options.max_decompressed_bytes);
    stream.finish();
    out.bytes += stream.bytes();
    if (!inflated)
      out.notes.push_back(
          fmt::format("{}: {}; scanned up to there", path, inflated.error().message));
    return out;
  }
  if (looks_binary(bytes)) {
    out.binary = true;
    return out;
  }
  if (options.source_maps && path.ends_with(".map")) {
    scan_map(matcher, path, bytes, out);
    return out;
  }
  if (options.source_maps && ends_with_any(path, {".js", ".mjs", ".cjs", ".css"})) {
    scan_bundle(matcher, path, bytes, out);
    return out;
  }
  out.bytes += bytes.size();
  add_plain_hits(matcher, path, bytes, out);
  return out;
}

} // namespace lg::secrets
