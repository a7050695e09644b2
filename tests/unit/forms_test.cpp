// The CSRF token finder of login pages (analyze/forms): inputs and metas, attribute order and
// quoting, character references, the common field names, and what must not be read as a token.

#include "analyze/forms.hpp"

#include <gtest/gtest.h>

namespace lg::analyze {
namespace {

std::string token_of(std::string_view html, std::string_view field = "") {
  auto token = find_csrf_token(html, field);
  return token ? token->field + "=" + token->value : "(none)";
}

TEST(CsrfToken, AnInputByNameWhateverTheAttributeOrderAndQuotes) {
  EXPECT_EQ(token_of(R"(<input type="hidden" name="csrf_token" value="abc">)", "csrf_token"),
            "csrf_token=abc");
  EXPECT_EQ(token_of(R"(<INPUT VALUE='abc' Name='csrf_token'/>)", "csrf_token"), "csrf_token=abc");
  EXPECT_EQ(token_of("<input value=abc\nname=csrf_token>", "csrf_token"), "csrf_token=abc");
  EXPECT_EQ(token_of(R"(<input name = "csrf_token" value = "a b">)", "csrf_token"),
            "csrf_token=a b");
}

TEST(CsrfToken, CharacterReferencesInTheValueAreDecoded) {
  EXPECT_EQ(token_of(R"(<input name="t" value="a&amp;b&#43;c&#x2F;d&quot;&apos;&lt;&gt;">)", "t"),
            R"(t=a&b+c/d"'<>)");
  EXPECT_EQ(decode_html_entities("&#233;&#x20AC;&#128512;"),
            "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  EXPECT_EQ(decode_html_entities("&#0;&#xD800;&#99999999999;"),
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(decode_html_entities("a&b &bogus; &# &#x; &amp"), "a&b &bogus; &# &#x; &amp");
}

TEST(CsrfToken, TheNamedFieldOnlyAndTheFirstOfIt) {
  std::string page = R"(<input name="csrf_token_old" value="no"><input name="CSRF_TOKEN" value="no">
    <input name="csrf_token" value="first"><input name="csrf_token" value="second">)";
  EXPECT_EQ(token_of(page, "csrf_token"), "csrf_token=first");
  EXPECT_EQ(token_of(page, "other"), "(none)");
}

TEST(CsrfToken, AMetaTagWhenNoInputHasIt) {
  EXPECT_EQ(token_of(R"(<meta name="csrf-token" content="m1">)", "_token"), "_token=m1");
  EXPECT_EQ(token_of(R"(<meta content="s1" name="_csrf"><meta name="_csrf_header" content="X">)",
                     "_csrf"),
            "_csrf=s1");
  // An input wins over a meta, wherever they are.
  EXPECT_EQ(
      token_of(R"(<meta name="csrf-token" content="m"><input name="_token" value="i">)", "_token"),
      "_token=i");
}

TEST(CsrfToken, WithoutAFieldTheCommonNamesAreTried) {
  EXPECT_EQ(token_of(R"(<input name="csrfmiddlewaretoken" value="dj">)"), "csrfmiddlewaretoken=dj");
  EXPECT_EQ(token_of(R"(<input name="__RequestVerificationToken" value="asp">)"),
            "__RequestVerificationToken=asp");
  EXPECT_EQ(
      token_of(R"(<input name="authenticity_token" value="r"><input name="_csrf" value="c">)"),
      "_csrf=c"); // in the order of common_csrf_fields(), not of the page
  // Rails names its field in a csrf-param meta.
  EXPECT_EQ(token_of(R"(<meta name="csrf-param" content="authenticity_token">
                        <meta name="csrf-token" content="r+/=">)"),
            "authenticity_token=r+/=");
  EXPECT_EQ(token_of(R"(<meta name="CSRF-Token" content="bare">)"), "=bare");
  EXPECT_EQ(token_of(R"(<input name="email" value="a@b.test">)"), "(none)");
}

TEST(CsrfToken, CommentsScriptsEmptyValuesAndOtherTagsAreNotTokens) {
  EXPECT_EQ(token_of(R"(<!-- <input name="_csrf" value="old"> -->)"), "(none)");
  EXPECT_EQ(token_of(R"(<script>h = '<input name="_csrf" value="js">';</script>)"), "(none)");
  EXPECT_EQ(token_of(R"(<textarea><input name="_csrf" value="typed"></textarea>)"), "(none)");
  EXPECT_EQ(token_of(R"(<input name="_csrf" value=""><input name="_csrf">)"), "(none)");
  EXPECT_EQ(token_of(R"(<button name="_csrf" value="b"></button><inputx name="_csrf" value="x">)"),
            "(none)");
  EXPECT_EQ(token_of(R"(<script>x</SCRIPT ><input name="_csrf" value="after">)"), "_csrf=after");
  EXPECT_EQ(token_of(R"(<p title="<input name='_csrf' value='attr'>">)"), "(none)");
}

TEST(CsrfToken, TruncatedPagesEndQuietly) {
  EXPECT_EQ(token_of(R"(<input name="_csrf" value="cut)"), "_csrf=cut");
  EXPECT_EQ(token_of(R"(<input name="_csrf" value=)"), "(none)");
  EXPECT_EQ(token_of("<"), "(none)");
  EXPECT_EQ(token_of("<!--"), "(none)");
  EXPECT_EQ(token_of(""), "(none)");
}

} // namespace
} // namespace lg::analyze
