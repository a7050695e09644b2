// analyze/html_tags: the start-tag scanner mixed_content and observatory share — attribute syntax,
// comments, raw-text elements, '<' that starts no tag, truncated input and the bounds — and what
// it means for the two analyzers.

#include "analyze/html_tags.hpp"
#include "analyze/mixed_content.hpp"
#include "analyze/observatory.hpp"

#include <gtest/gtest.h>

namespace lg::analyze {
namespace {

using Attributes = std::vector<std::pair<std::string, std::string>>;

std::vector<HtmlTag> tags_of(std::string_view html, size_t max_tags = 100000) {
  std::vector<HtmlTag> out;
  HtmlTagScanner scanner(html, max_tags);
  for (int guard = 0; guard < 1000; ++guard) {
    auto tag = scanner.next();
    if (!tag)
      break;
    out.push_back(std::move(*tag));
  }
  return out;
}

std::vector<std::string> names_of(std::string_view html) {
  std::vector<std::string> out;
  for (const auto& t : tags_of(html))
    out.push_back(t.name);
  return out;
}

TEST(HtmlTags, AttributesAreReadInEveryQuotingStyle) {
  auto tags = tags_of(R"(<IMG SRC="a b.png" alt='it"s' width=10 hidden data-x = "y" / >)");
  ASSERT_EQ(tags.size(), 1u);
  EXPECT_EQ(tags[0].name, "img");
  EXPECT_EQ(
      tags[0].attributes,
      (Attributes{
          {"src", "a b.png"}, {"alt", "it\"s"}, {"width", "10"}, {"hidden", ""}, {"data-x", "y"}}));
  ASSERT_NE(tags[0].attribute("alt"), nullptr);
  EXPECT_EQ(*tags[0].attribute("alt"), "it\"s");
  EXPECT_EQ(tags[0].attribute("title"), nullptr);
}

TEST(HtmlTags, TheFirstOfARepeatedAttributeWins) {
  auto tags = tags_of(R"(<script src="" src="b.js"></script><br/><p/class=x>)");
  ASSERT_EQ(tags.size(), 3u);
  EXPECT_EQ(*tags[0].attribute("src"), "");
  EXPECT_EQ(tags[1].name, "br");
  EXPECT_EQ(tags[2].name, "p");
  EXPECT_EQ(*tags[2].attribute("class"), "x");
}

TEST(HtmlTags, CommentsEndTagsAndStrayLessThanSignsStartNoTag) {
  EXPECT_EQ(names_of("<!DOCTYPE html><!-- <a href=x> --><p>1 < 2</p><?xml?><b>"),
            (std::vector<std::string>{"p", "b"}));
  EXPECT_TRUE(names_of("<!-- <a> never closed").empty());
  EXPECT_TRUE(names_of("a < b <").empty());
}

TEST(HtmlTags, RawTextElementsHoldNoTags) {
  EXPECT_EQ(names_of("<script>if (a<b) x='<img src=q>'</SCRIPT ><i>"
                     "<style>p{}</style><b><textarea><a></textarea><title><x></title><u>"),
            (std::vector<std::string>{"script", "i", "style", "b", "textarea", "title", "u"}));
  // An end tag of another element inside does not end a script; no end tag at all ends the scan.
  EXPECT_EQ(names_of("<script></style><a></script><b>"), (std::vector<std::string>{"script", "b"}));
  EXPECT_EQ(names_of("<script><a><b>"), (std::vector<std::string>{"script"}));
}

TEST(HtmlTags, AQuotedValueHidesWhatLooksLikeATag) {
  EXPECT_EQ(names_of(R"(<div title="<script src=x>"><a>)"), (std::vector<std::string>{"div", "a"}));
}

TEST(HtmlTags, TruncatedDocumentsEndCleanly) {
  for (std::string_view html : {"<a", "<a ", "<a b", "<a b=", "<a b='", "<a b='c", "<a b=c", "<a/",
                                "<script", "<script>", "<script></scr", "<"}) {
    auto tags = tags_of(html);
    EXPECT_LE(tags.size(), 1u) << html;
  }
  auto tags = tags_of("<a href='x");
  ASSERT_EQ(tags.size(), 1u);
  EXPECT_EQ(*tags[0].attribute("href"), "x");
}

TEST(HtmlTags, TagsAndAttributesAreBounded) {
  EXPECT_EQ(tags_of("<a><b><c><d>", 2).size(), 2u);
  std::string many = "<img";
  for (size_t i = 0; i < k_max_html_attributes + 10; ++i)
    many += " a" + std::to_string(i);
  many += " src=last><b>";
  auto tags = tags_of(many);
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags[0].attributes.size(), k_max_html_attributes);
  EXPECT_EQ(tags[0].attribute("src"), nullptr);
  EXPECT_EQ(tags[1].name, "b");
}

TEST(HtmlTags, BothAnalyzersReadPagesTheSameWay) {
  // A script hidden in an attribute value, a title or a style is no script for either analyzer.
  const std::string page = R"(<div title="<script src=http://x.example/a.js>"></div>)"
                           R"(<title><script src=http://x.example/b.js></title>)"
                           R"(<style>/* <script src=http://x.example/c.js> */</style>)"
                           R"(<SCRIPT SRC = "http://cdn.example/d.js"></SCRIPT>)";
  auto refs = find_mixed_content(page);
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].url, "http://cdn.example/d.js");
  EXPECT_EQ(refs[0].element, "script src");

  ObservatoryInput input;
  input.status = 200;
  input.headers = {{"Content-Type", "text/html"}};
  input.body = page;
  input.https = true;
  input.origin = "https://portal.test";
  auto score = score_observatory(input);
  auto sri = std::find_if(score.tests.begin(), score.tests.end(),
                          [](const auto& t) { return t.test == "subresource-integrity"; });
  ASSERT_NE(sri, score.tests.end());
  EXPECT_EQ(sri->result, "sri-not-implemented-and-external-scripts-not-loaded-securely");
  EXPECT_EQ(sri->explanation.find("x.example"), std::string::npos) << sri->explanation;
  EXPECT_NE(sri->explanation.find("http://cdn.example/d.js"), std::string::npos);
}

} // namespace
} // namespace lg::analyze
