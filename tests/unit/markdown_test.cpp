// analyze/markdown: ATX and setext headings, sections with their subsections, fenced code blocks
// (``` and ~~~, headings inside them ignored) and the shell commands of a block.

#include "analyze/markdown.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lg::analyze {
namespace {

using Lines = std::vector<std::string>;

const char* k_readme = "Intro line\n"
                       "\n"
                       "# Portal #\n"
                       "\n"
                       "## Build\n"
                       "```sh\n"
                       "npm ci\n"
                       "# not a heading, a comment\n"
                       "npm run build\n"
                       "```\n"
                       "### On macOS\n"
                       "~~~~bash {.copy}\n"
                       "brew install node\n"
                       "~~~~\n"
                       "Rollback\n"
                       "--------\n"
                       "Redeploy the previous tag.\n";

TEST(Markdown, SectionsNestAndRunToTheNextHeadingOfTheirLevel) {
  auto sections = markdown_sections(k_readme);
  ASSERT_EQ(sections.size(), 5u);
  EXPECT_EQ(sections[0].heading, "");
  EXPECT_EQ(sections[0].level, 0);
  EXPECT_EQ(sections[0].body, (Lines{"Intro line", ""}));
  EXPECT_EQ(sections[1].heading, "Portal");
  EXPECT_EQ(sections[1].level, 1);
  EXPECT_EQ(sections[1].line, 3u);
  EXPECT_EQ(sections[1].end_line, 17u);
  EXPECT_EQ(sections[1].code.size(), 2u);
  EXPECT_EQ(sections[2].heading, "Build");
  EXPECT_EQ(sections[2].end_line, 14u) << "up to the setext heading of the same level";
  ASSERT_EQ(sections[2].code.size(), 2u) << "its subsection's block included";
  EXPECT_EQ(sections[2].code[0].lang, "sh");
  EXPECT_EQ(sections[2].code[0].line, 7u);
  EXPECT_EQ(sections[2].code[0].lines,
            (Lines{"npm ci", "# not a heading, a comment", "npm run build"}));
  EXPECT_EQ(sections[3].heading, "On macOS");
  EXPECT_EQ(sections[3].level, 3);
  EXPECT_EQ(sections[3].code.at(0).lang, "bash");
  EXPECT_EQ(sections[4].heading, "Rollback");
  EXPECT_EQ(sections[4].level, 2);
  EXPECT_EQ(sections[4].line, 15u);
  EXPECT_EQ(sections[4].body, (Lines{"Redeploy the previous tag."}));
}

TEST(Markdown, WhatIsNotAHeading) {
  auto sections = markdown_sections("#hashtag\n"
                                    "####### seven\n"
                                    "    # indented code\n"
                                    "\n"
                                    "---\n"
                                    "text `inline ``` not a fence`\n"
                                    "```\n"
                                    "# inside a fence\n");
  ASSERT_EQ(sections.size(), 1u) << sections[1].heading;
  ASSERT_EQ(sections[0].code.size(), 1u) << "an open fence runs to the end";
  EXPECT_EQ(sections[0].code[0].lines, (Lines{"# inside a fence"}));
  EXPECT_TRUE(markdown_sections("").empty());
}

TEST(Markdown, HeadingHasIgnoresCase) {
  auto sections = markdown_sections("## How to Roll Back\n");
  ASSERT_EQ(sections.size(), 1u);
  EXPECT_TRUE(heading_has(sections[0], {"deploy", "roll back"}));
  EXPECT_FALSE(heading_has(sections[0], {"deploy"}));
}

TEST(Markdown, ShellCommandsDropCommentsJoinContinuationsAndKeepPromptedLines) {
  MarkdownCode plain{
      "sh", 1, {"# install", "npm ci", "", "docker build \\", "  -t app .", "> echo quoted"}};
  EXPECT_EQ(shell_commands(plain), (Lines{"npm ci", "docker build -t app .", "echo quoted"}));
  MarkdownCode console{
      "console", 1, {"$ make", "cc -o app main.c", "$ ./app --version", "app 1.0"}};
  EXPECT_EQ(shell_commands(console), (Lines{"make", "./app --version"}));
  MarkdownCode python{"python", 1, {"import os"}};
  EXPECT_TRUE(shell_commands(python).empty());
  MarkdownCode unfinished{"", 1, {"make \\"}};
  EXPECT_EQ(shell_commands(unfinished), (Lines{"make"}));
}

TEST(Markdown, BoundsHoldOnHugeInput) {
  std::string many;
  for (int i = 0; i < 6000; ++i)
    many += "# h\n```\nx\n```\n";
  auto sections = markdown_sections(many);
  EXPECT_LE(sections.size(), k_markdown_max_parts);
  size_t blocks = 0;
  for (const auto& s : sections)
    blocks = std::max(blocks, s.code.size());
  EXPECT_LE(blocks, k_markdown_max_parts);
}

} // namespace
} // namespace lg::analyze
