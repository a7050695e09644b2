#include "engine/logs.hpp"

#include "util/gzip.hpp"
#include "util/process.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <glob.h>

namespace lg::engine {

namespace {

namespace fs = std::filesystem;

/// The files `patterns` name: glob matches, and the regular files directly inside a matched
/// directory (a log folder with its rotated files; at most 1000 per folder, hidden ones left out).
std::vector<std::string> expand(const std::vector<std::string>& patterns) {
  std::vector<std::string> out;
  for (const auto& pattern : patterns) {
    glob_t found{};
    if (glob(pattern.c_str(), 0, nullptr, &found) == 0)
      for (size_t i = 0; i < found.gl_pathc; ++i) {
        std::error_code ec;
        if (!fs::is_directory(found.gl_pathv[i], ec)) {
          out.emplace_back(found.gl_pathv[i]);
          continue;
        }
        size_t taken = 0;
        for (fs::directory_iterator it(found.gl_pathv[i], ec), end;
             !ec && it != end && taken < 1000; it.increment(ec))
          if (it->is_regular_file(ec) && !it->path().filename().string().starts_with(".")) {
            out.push_back(it->path().string());
            ++taken;
          }
      }
    globfree(&found);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

/// The number of lines before byte `end` of `in` (read in 1 MiB chunks), or 0 when `end` is
/// beyond 256 MiB: not worth the read, and the lines are then numbered from 1 where reading began.
size_t lines_before(std::ifstream& in, std::uint64_t end) {
  if (end == 0 || end > (256ULL << 20))
    return 0;
  std::string chunk(1 << 20, '\0');
  size_t lines = 0;
  in.seekg(0);
  for (std::uint64_t left = end; left > 0 && in;) {
    auto want = static_cast<std::streamsize>(std::min<std::uint64_t>(left, chunk.size()));
    in.read(chunk.data(), want);
    auto got = in.gcount();
    lines += static_cast<size_t>(
        std::count(chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(got), '\n'));
    left -= static_cast<std::uint64_t>(got);
    if (got == 0)
      break;
  }
  in.clear();
  return lines;
}

/// Splits `text` into lines of `source`, numbered from `first`; a last line without its newline
/// counts too.
void add_lines(const std::string& source, std::string_view text, size_t first, LogRead& out) {
  size_t number = first;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    out.lines.push_back({source, number++, std::string(line)});
    if (end == std::string_view::npos)
      break;
    text.remove_prefix(end + 1);
  }
}

/// Reads the gzip archive `file` whole (at most k_max_bytes of it, and of what it holds).
void read_archive(const std::string& file, LogRead& out) {
  std::ifstream in(file, std::ios::binary);
  std::string packed;
  if (in) {
    packed.resize(static_cast<size_t>(LogTail::k_max_bytes));
    in.read(packed.data(), static_cast<std::streamsize>(packed.size()));
    packed.resize(static_cast<size_t>(in.gcount()));
  }
  if (!in && !in.eof()) {
    out.notes.push_back(file + ": cannot be opened");
    return;
  }
  std::string text;
  auto inflated = gunzip(
      packed,
      [&](std::string_view chunk) {
        text.append(chunk);
        return true;
      },
      LogTail::k_max_bytes);
  if (!inflated) {
    out.notes.push_back(fmt::format("{}: {}", file, inflated.error().message));
    if (text.empty())
      return;
  }
  ++out.files;
  out.bytes += text.size();
  add_lines(file, text, 1, out);
}

} // namespace

LogSources log_sources(const Config& config) {
  LogSources out;
  if (!config.raw.contains("logs"))
    return out;
  const auto& logs = config.raw["logs"];
  if (logs.contains("files"))
    for (const auto& p : logs["files"])
      if (p.is_string())
        out.patterns.push_back(config.resolve_path(p.get<std::string>()));
  if (logs.contains("command") && logs["command"].is_string())
    out.command = logs["command"].get<std::string>();
  return out;
}

LogTail LogTail::mark(const LogSources& sources) {
  LogTail tail;
  tail.m_sources = sources;
  for (const auto& file : expand(sources.patterns)) {
    std::error_code ec;
    auto size = fs::file_size(file, ec);
    if (!ec)
      tail.m_ends[file] = size;
  }
  return tail;
}

LogRead LogTail::since_mark() const {
  return read(true);
}

LogRead LogTail::everything() const {
  return read(false);
}

LogRead LogTail::read(bool from_mark) const {
  LogRead out;
  for (const auto& file : expand(m_sources.patterns)) {
    if (file.ends_with(".gz")) {
      // A rotated archive: old lines, unless it appeared since the mark (a rotation that
      // compressed at once may have taken the newest lines with it).
      if (from_mark && m_ends.count(file) > 0)
        continue;
      read_archive(file, out);
      continue;
    }
    std::error_code ec;
    const std::uint64_t size = fs::file_size(file, ec);
    if (ec) {
      out.notes.push_back(fmt::format("{}: {}", file, ec.message()));
      continue;
    }
    std::uint64_t start = 0;
    if (from_mark)
      if (auto it = m_ends.find(file); it != m_ends.end() && it->second <= size)
        start = it->second;
    if (size - start > k_max_bytes) {
      out.notes.push_back(
          fmt::format("{}: {} MiB, only the last 64 MiB read", file, (size - start) >> 20));
      start = size - k_max_bytes;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      out.notes.push_back(file + ": cannot be opened");
      continue;
    }
    size_t first_line = lines_before(in, start) + 1;
    in.seekg(static_cast<std::streamoff>(start));
    std::string text(static_cast<size_t>(size - start), '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<size_t>(in.gcount()));
    if (start > 0 && !from_mark) { // cut inside a line: drop its tail
      auto first = text.find('\n');
      text.erase(0, first == std::string::npos ? text.size() : first + 1);
      ++first_line;
    }
    ++out.files;
    out.bytes += text.size();
    add_lines(file, text, first_line, out);
  }
  if (!m_sources.command.empty()) {
    std::string text;
    ProcessOptions process;
    process.argv = {"/bin/sh", "-c", m_sources.command};
    process.timeout_ms = 60000;
    auto run = run_process(process, [&](std::string_view chunk) {
      text.append(chunk.substr(0, std::min<size_t>(chunk.size(), k_max_bytes - text.size())));
      return text.size() < k_max_bytes;
    });
    if (!run) {
      out.notes.push_back(fmt::format("logs.command: {}", run.error().message));
    } else {
      if (run->timed_out)
        out.notes.push_back("logs.command was stopped after 60 s; its output so far was read");
      else if (run->stopped)
        out.notes.push_back("logs.command gave more than 64 MiB; the first 64 MiB were read");
      else if (run->exit_code != 0)
        out.notes.push_back(fmt::format("logs.command exited with {}: {}", run->exit_code,
                                        run->stderr_text.substr(0, 200)));
      out.bytes += text.size();
      add_lines("logs.command", text, 1, out);
    }
  }
  return out;
}

LogRead read_until(const LogTail& tail, net::Clock& clock, std::chrono::milliseconds wait,
                   const std::function<bool(const LogRead&)>& found) {
  const auto deadline = clock.now() + wait;
  for (;;) {
    LogRead read = tail.since_mark();
    if (found(read) || clock.now() >= deadline)
      return read;
    clock.sleep_until(std::min(deadline, clock.now() + std::chrono::milliseconds(250)));
  }
}

} // namespace lg::engine
