// The session gate's pure judges: JWT decoding and weak HMAC keys, token entropy, the
// Mann-Whitney timing test, and Referer leakage of a page.

#include "analyze/jwt.hpp"
#include "analyze/tokens.hpp"
#include "checks/session/common.hpp"
#include "util/text.hpp"

#include <gtest/gtest.h>

namespace {

using namespace lg::analyze;

std::string hs256(const nlohmann::json& claims, const std::string& key) {
  std::string input = lg::base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." +
                      lg::base64url_encode(claims.dump());
  return input + "." + lg::base64url_encode(lg::hmac_sha(256, key, input));
}

TEST(Jwt, ParsesAndFindsACommonSecret) {
  auto token = hs256({{"sub", "2"}, {"exp", 2000000000}, {"iat", 1999990000}}, "secret");
  ASSERT_TRUE(looks_like_jwt(token));
  auto jwt = parse_jwt(token);
  ASSERT_TRUE(jwt);
  EXPECT_EQ(jwt->alg, "HS256");
  EXPECT_EQ(jwt->claims["sub"], "2");
  EXPECT_EQ(numeric_claim(*jwt, "exp"), 2000000000.0);
  EXPECT_FALSE(numeric_claim(*jwt, "nbf"));
  EXPECT_EQ(find_hmac_secret(*jwt, common_jwt_secrets()), "secret");
}

TEST(Jwt, ARandomKeyIsNotFound) {
  auto token = hs256({{"sub", "2"}}, "b6f1c0a9e2d74f3c8a5e1d0b9c7f2a64b6f1c0a9e2d74f3c");
  auto jwt = parse_jwt(token);
  ASSERT_TRUE(jwt);
  EXPECT_FALSE(find_hmac_secret(*jwt, common_jwt_secrets()));
}

TEST(Jwt, OpaqueAndMalformedTokensAreNotJwts) {
  EXPECT_FALSE(looks_like_jwt("5f2b8c0d9e7a4b1c3d5e7f9a1b3c5d7e"));
  EXPECT_FALSE(parse_jwt("a.b"));
  EXPECT_FALSE(parse_jwt("eyJhbGciOiJIUzI1NiJ9.!!!.sig"));
  EXPECT_FALSE(parse_jwt("eyJhbGciOiJIUzI1NiJ9.eyJ9.c2ln.extra"));
  // A header that is JSON but not an object.
  EXPECT_FALSE(parse_jwt(lg::base64url_encode("[1]") + "." + lg::base64url_encode("{}") + "."));
}

TEST(Jwt, EncodeRoundTripsWithAnEmptySignature) {
  auto token = encode_jwt({{"alg", "none"}}, {{"sub", "1"}}, "");
  EXPECT_EQ(token.back(), '.');
  auto jwt = parse_jwt(token);
  ASSERT_TRUE(jwt);
  EXPECT_EQ(jwt->alg, "none");
  EXPECT_TRUE(jwt->signature.empty());
}

TEST(Base64url, DecodesWithAndWithoutPaddingAndRefusesOtherCharacters) {
  EXPECT_EQ(lg::base64url_decode("aGk"), "hi");
  EXPECT_EQ(lg::base64url_decode("aGk="), "hi");
  EXPECT_EQ(lg::base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(lg::base64url_decode("-_8"), "\xfb\xff");
  EXPECT_FALSE(lg::base64url_decode("a*b"));
  EXPECT_FALSE(lg::base64url_decode("a"));
}

TEST(TokenEntropy, HexTokensOf64CharactersHave256Bits) {
  auto e =
      estimate_token_entropy({"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"});
  EXPECT_EQ(e.alphabet, 16);
  EXPECT_DOUBLE_EQ(e.bits, 256);
}

TEST(TokenEntropy, OnlyVaryingPositionsCount) {
  // Twelve characters of which only the last four vary: 4 × log2(16) = 16 bits.
  auto e = estimate_token_entropy({"sess00000a1f", "sess00003b2e", "sess000091c4"});
  EXPECT_EQ(e.varying, 4u);
  EXPECT_LT(e.bits, 64);
}

TEST(TokenEntropy, SequentialAndRepeatedIdsHaveNone) {
  auto seq = estimate_token_entropy({"100231", "100232", "100233"});
  EXPECT_TRUE(seq.sequential);
  EXPECT_EQ(seq.bits, 0);
  auto rep = estimate_token_entropy({"abcdef0123456789", "abcdef0123456789"});
  EXPECT_TRUE(rep.repeated);
  EXPECT_EQ(rep.bits, 0);
}

TEST(MannWhitney, SeparatedSamplesDifferAndSimilarOnesDoNot) {
  std::vector<double> fast = {1.1, 0.9, 1.0, 1.2, 0.8, 1.05, 0.95, 1.1};
  std::vector<double> slow = {51, 49, 50, 52, 48, 50.5, 49.5, 51};
  EXPECT_LT(mann_whitney_p(fast, slow), 0.01);
  std::vector<double> also_fast = {1.0, 1.1, 0.9, 1.15, 0.85, 1.0, 0.97, 1.12};
  EXPECT_GT(mann_whitney_p(fast, also_fast), 0.05);
  EXPECT_EQ(mann_whitney_p({1, 2}, slow), 1);
  EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(median({4, 1, 2, 3}), 2.5);
}

TEST(Referrer, PolicyFromHeaderAndMetaAndWhichOnesLeak) {
  EXPECT_EQ(referrer_policy("no-referrer, unsafe-url", ""), "unsafe-url");
  EXPECT_EQ(referrer_policy("strict-origin", R"(<meta name="referrer" content="unsafe-url">)"),
            "unsafe-url");
  EXPECT_EQ(referrer_policy("bogus", ""), "");
  EXPECT_TRUE(policy_leaks_url("unsafe-url"));
  EXPECT_TRUE(policy_leaks_url("no-referrer-when-downgrade"));
  EXPECT_FALSE(policy_leaks_url(""));
  EXPECT_FALSE(policy_leaks_url("strict-origin-when-cross-origin"));
}

TEST(Referrer, ForeignUrlsSkipTheOwnOrigin) {
  auto urls = foreign_urls(R"(<script src="https://cdn.example.net/a.js"></script>
    <a href="http://127.0.0.1:8080/x">own</a><img src=//stats.example.org/p.gif>
    <a href="https://cdn.example.net/a.js">again</a>)",
                           "http://127.0.0.1:8080");
  ASSERT_EQ(urls.size(), 2u);
  EXPECT_EQ(urls[0], "https://cdn.example.net/a.js");
  EXPECT_EQ(urls[1], "//stats.example.org/p.gif");
}

} // namespace

namespace {

lg::Account json_account(nlohmann::json body) {
  lg::Account a;
  a.name = "bob";
  a.email = "bob@acme.test";
  a.login.path = "/api/login";
  a.login.json = std::move(body);
  return a;
}

TEST(SessionRecipes, PlaceholdersAreFilledEverywhere) {
  lg::RequestRecipe r;
  r.path = "/api/reset/{token}";
  r.json = nlohmann::json{{"token", "{token}"}, {"nested", {{"pw", "{new_password}"}}}, {"n", 1}};
  r.form = {{"email", "{account.email}"}};
  r.headers = {{"X-Token", "t={token}"}};
  auto filled = lg::checks::session::fill_recipe(
      r, {{"token", "abc"}, {"new_password", "P"}, {"account.email", "bob@acme.test"}});
  EXPECT_EQ(filled.path, "/api/reset/abc");
  EXPECT_EQ((*filled.json)["token"], "abc");
  EXPECT_EQ((*filled.json)["nested"]["pw"], "P");
  EXPECT_EQ((*filled.json)["n"], 1);
  EXPECT_EQ(filled.form["email"], "bob@acme.test");
  EXPECT_EQ(filled.headers["X-Token"], "t=abc");
}

TEST(SessionRecipes, LoginFieldsAndThePasswordAreFound) {
  auto a = json_account({{"email", "bob@acme.test"}, {"password", "s3cret-pass"}});
  auto fields = lg::checks::session::login_fields(a);
  ASSERT_TRUE(fields);
  EXPECT_EQ(fields->password, "password");
  EXPECT_EQ(fields->login, "email");
  EXPECT_EQ(lg::checks::session::configured_password(a), "s3cret-pass");
  EXPECT_FALSE(lg::checks::session::login_fields(json_account({{"key", "k"}})));
}

TEST(SessionRecipes, UnknownLoginsHaveTheConfiguredShape) {
  auto by_mail = json_account({{"email", "bob@acme.test"}, {"password", "x"}});
  auto stranger = lg::checks::session::unknown_login(by_mail, "enum");
  EXPECT_NE(stranger.find("@acme.test"), std::string::npos) << stranger;
  EXPECT_NE(stranger, lg::checks::session::unknown_login(by_mail, "enum"));
  auto by_name = json_account({{"username", "bob"}, {"password", "x"}});
  EXPECT_EQ(lg::checks::session::unknown_login(by_name, "enum").find('@'), std::string::npos);
}

} // namespace
