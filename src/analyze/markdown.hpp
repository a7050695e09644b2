#pragma once
// The sections and fenced code blocks of a Markdown document, for the deploy gate: the README's
// build steps (deploy.clean-build), a written rollback procedure (deploy.rollback), migrations
// described in prose (deploy.migrations) and the handover's runbook (deploy.handover). ATX and
// setext headings, ``` and ~~~ fences; everything else is text. Pure and bounded: no I/O.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

/// At most this many bytes of a document are read.
inline constexpr size_t k_markdown_max_text = 2U << 20;
/// At most this many sections (and as many code blocks) are kept.
inline constexpr size_t k_markdown_max_parts = 5000;

/// A fenced code block.
struct MarkdownCode {
  std::string lang;               ///< the info string's first word, lower case ("" when none)
  size_t line = 0;                ///< 1-based line of its first content line
  std::vector<std::string> lines; ///< its content, as written
};

/// A heading and what follows it up to the next heading of the same or a higher level (its
/// subsections included). The text before the first heading is a section of level 0 with an
/// empty heading.
struct MarkdownSection {
  std::string heading;            ///< the heading's text, trimmed, without #s or closing #s
  int level = 0;                  ///< 1–6; 0 for the preamble
  size_t line = 0;                ///< 1-based line of the heading (of the preamble's first line)
  size_t end_line = 0;            ///< 1-based last line of the section
  std::vector<std::string> body;  ///< the lines after the heading up to end_line
  std::vector<MarkdownCode> code; ///< the fenced blocks among them, subsections' included
};

/// Every section of `text`, in document order (a subsection also appears inside its parent's
/// body). A fence left open runs to the end of the document.
std::vector<MarkdownSection> markdown_sections(std::string_view text);

/// True when the heading, lower-cased, contains one of `words` (each lower case).
bool heading_has(const MarkdownSection& section, const std::vector<std::string_view>& words);

/// The shell commands of a code block written for a shell ("", sh, bash, shell, console, zsh,
/// shell-session; other languages give none): lines joined across trailing backslashes, `$ ` and
/// `> ` prompts removed, comments and blank lines dropped; in a block with prompts, only the
/// prompted lines (the rest is output).
std::vector<std::string> shell_commands(const MarkdownCode& block);

} // namespace lg::analyze
