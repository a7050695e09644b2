#include "analyze/markdown.hpp"

#include "util/text.hpp"

#include <algorithm>

namespace lg::analyze {
namespace {

/// Up to three spaces of indentation, as CommonMark allows before a heading or a fence.
std::string_view unindent(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && n < 3 && line[n] == ' ')
    ++n;
  return line.substr(n);
}

/// The level and text of an ATX heading (`## Text ##`), or 0.
int atx_heading(std::string_view line, std::string& text) {
  line = unindent(line);
  size_t hashes = 0;
  while (hashes < line.size() && line[hashes] == '#')
    ++hashes;
  if (hashes == 0 || hashes > 6)
    return 0;
  if (hashes < line.size() && line[hashes] != ' ' && line[hashes] != '\t')
    return 0;
  std::string_view rest = trim(line.substr(hashes));
  // A closing sequence of #s preceded by a space is not part of the text.
  size_t end = rest.size();
  while (end > 0 && rest[end - 1] == '#')
    --end;
  if (end < rest.size() && (end == 0 || rest[end - 1] == ' ' || rest[end - 1] == '\t'))
    rest = trim(rest.substr(0, end));
  text = std::string(rest);
  return static_cast<int>(hashes);
}

/// 1 for a `===` underline, 2 for `---`, else 0.
int setext_underline(std::string_view line) {
  std::string_view t = trim(unindent(line));
  if (t.empty() || (t[0] != '=' && t[0] != '-'))
    return 0;
  if (t.find_first_not_of(t[0]) != std::string_view::npos)
    return 0;
  return t[0] == '=' ? 1 : 2;
}

struct Fence {
  char ch = 0;
  size_t width = 0;
};

/// The fence that opens on `line` (``` or ~~~, three or more), with its info string.
bool fence_open(std::string_view line, Fence& fence, std::string& info) {
  line = unindent(line);
  if (line.size() < 3 || (line[0] != '`' && line[0] != '~'))
    return false;
  size_t n = line.find_first_not_of(line[0]);
  if (n == std::string_view::npos)
    n = line.size();
  if (n < 3)
    return false;
  std::string_view rest = trim(line.substr(n));
  if (line[0] == '`' && rest.find('`') != std::string_view::npos)
    return false; // inline code, not a fence
  fence = {line[0], n};
  size_t word = rest.find_first_of(" \t{,");
  info = to_lower(rest.substr(0, word));
  return true;
}

bool fence_closes(std::string_view line, const Fence& fence) {
  std::string_view t = trim(unindent(line));
  return t.size() >= fence.width && t.find_first_not_of(fence.ch) == std::string_view::npos;
}

struct Heading {
  size_t index = 0; ///< 0-based line of the heading
  size_t first = 0; ///< 0-based first line of its body
  int level = 0;
  std::string text;
};

} // namespace

std::vector<MarkdownSection> markdown_sections(std::string_view text) {
  if (text.size() > k_markdown_max_text)
    text = text.substr(0, k_markdown_max_text);
  auto lines = split_lines(text);

  // One pass: headings outside fences, and every fenced block.
  std::vector<Heading> headings;
  std::vector<MarkdownCode> blocks;
  std::vector<size_t> block_open; // 0-based line of each block's opening fence
  bool in_fence = false;
  bool keep = false;    // the open fence's content is kept (within the bound)
  size_t fence_end = 0; // 0-based line after the last closed fence
  Fence fence;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (in_fence) {
      if (fence_closes(line, fence)) {
        in_fence = false;
        fence_end = i + 1;
      } else if (keep) {
        blocks.back().lines.emplace_back(line);
      }
      continue;
    }
    std::string info;
    if (fence_open(line, fence, info)) {
      in_fence = true;
      keep = blocks.size() < k_markdown_max_parts;
      if (keep) {
        blocks.push_back({info, i + 2, {}});
        block_open.push_back(i);
      }
      continue;
    }
    if (headings.size() >= k_markdown_max_parts)
      continue;
    std::string heading;
    if (int level = atx_heading(line, heading); level > 0) {
      headings.push_back({i, i + 1, level, heading});
      continue;
    }
    // A setext underline turns the paragraph line above it into a heading.
    int level = setext_underline(line);
    if (level == 0 || i == 0 || trim(lines[i - 1]).empty() || fence_end == i)
      continue;
    bool above_is_heading = !headings.empty() && headings.back().index + 1 >= i;
    if (!above_is_heading && setext_underline(lines[i - 1]) == 0)
      headings.push_back({i - 1, i + 1, level, std::string(trim(lines[i - 1]))});
  }

  std::vector<MarkdownSection> out;
  auto make = [&](std::string heading, int level, size_t heading_line, size_t first, size_t end) {
    MarkdownSection s;
    s.heading = std::move(heading);
    s.level = level;
    s.line = heading_line + 1;
    s.end_line = end == 0 ? s.line : end; // end is one past the last 0-based line
    for (size_t i = first; i < end && i < lines.size(); ++i)
      s.body.emplace_back(lines[i]);
    for (size_t b = 0; b < blocks.size(); ++b)
      if (block_open[b] >= first && block_open[b] < end)
        s.code.push_back(blocks[b]);
    out.push_back(std::move(s));
  };
  size_t preamble_end = headings.empty() ? lines.size() : headings.front().index;
  if (preamble_end > 0)
    make("", 0, 0, 0, preamble_end);
  for (size_t h = 0; h < headings.size(); ++h) {
    size_t end = lines.size();
    for (size_t next = h + 1; next < headings.size(); ++next)
      if (headings[next].level <= headings[h].level) {
        end = headings[next].index;
        break;
      }
    make(headings[h].text, headings[h].level, headings[h].index, headings[h].first, end);
  }
  return out;
}

bool heading_has(const MarkdownSection& section, const std::vector<std::string_view>& words) {
  std::string lower = to_lower(section.heading);
  return std::any_of(words.begin(), words.end(),
                     [&](std::string_view w) { return lower.find(w) != std::string::npos; });
}

std::vector<std::string> shell_commands(const MarkdownCode& block) {
  static const std::vector<std::string_view> k_shells = {
      "", "sh", "bash", "shell", "console", "zsh", "shell-session", "shellsession", "terminal"};
  if (std::find(k_shells.begin(), k_shells.end(), block.lang) == k_shells.end())
    return {};
  auto prompted = [](std::string_view line) {
    line = trim(line);
    return line.rfind("$ ", 0) == 0 || line == "$";
  };
  bool has_prompts = std::any_of(block.lines.begin(), block.lines.end(),
                                 [&](const std::string& l) { return prompted(l); });
  std::vector<std::string> out;
  std::string pending;
  bool continuing = false;
  for (const auto& raw : block.lines) {
    std::string_view line = trim(raw);
    if (!continuing) {
      if (has_prompts) {
        if (!prompted(line))
          continue;
        line = trim(line.substr(1));
      } else if (line.rfind("> ", 0) == 0) {
        line = trim(line.substr(1));
      }
      if (line.empty() || line[0] == '#')
        continue;
    }
    bool more = !line.empty() && line.back() == '\\';
    if (more)
      line.remove_suffix(1);
    if (!pending.empty() && !line.empty())
      pending += ' ';
    pending += trim(line);
    continuing = more;
    if (!continuing) {
      if (!pending.empty())
        out.push_back(std::move(pending));
      pending.clear();
    }
  }
  if (!pending.empty())
    out.push_back(std::move(pending));
  return out;
}

} // namespace lg::analyze
