// DKIM's parts one by one: tag lists (RFC 6376 3.2), canonicalization (3.4, with the example of
// 3.4.6), signature fields (3.5), key records (3.6) and their judgement for email.dkim.

#include "analyze/dkim.hpp"
#include "util/crypto.hpp"

#include <gtest/gtest.h>

namespace lg::analyze {
namespace {

TEST(DkimTagList, FoldingWhitespaceAndATrailingSemicolon) {
  auto tags = parse_dkim_tag_list(" v = 1 ;\r\n\ta=rsa-sha256;  h=from :\r\n to;");
  ASSERT_TRUE(tags) << tags.error().message;
  ASSERT_EQ(tags->size(), 3u);
  EXPECT_EQ((*tags)[0].name, "v");
  EXPECT_EQ((*tags)[0].value, "1");
  EXPECT_EQ((*tags)[2].value, "from :\r\n to");
  auto empty_value = parse_dkim_tag_list("p=; k=rsa");
  ASSERT_TRUE(empty_value);
  EXPECT_EQ((*empty_value)[0].value, "");
}

TEST(DkimTagList, MalformedListsAreErrors) {
  EXPECT_FALSE(parse_dkim_tag_list("v=1; v=1"));     // duplicate
  EXPECT_FALSE(parse_dkim_tag_list("k=rsa; t; p=")); // no '='
  EXPECT_FALSE(parse_dkim_tag_list("1a=x"));         // a name starts with a letter
  EXPECT_FALSE(parse_dkim_tag_list("a-b=x"));
  EXPECT_FALSE(parse_dkim_tag_list("a=\x01"));
  EXPECT_FALSE(parse_dkim_tag_list("a=caf\xc3\xa9"));
  std::string many;
  for (int i = 0; i < 65; ++i)
    many += "t" + std::to_string(i) + "=x;";
  EXPECT_FALSE(parse_dkim_tag_list(many));
  EXPECT_FALSE(parse_dkim_tag_list(std::string(70000, 'a')));
}

// RFC 6376 section 3.4.6.
const std::string k_example_header_a = "A: X\r\n";
const std::string k_example_header_b = "B : Y\t\r\n\tZ  \r\n";
const std::string k_example_body = " C \r\nD \t E\r\n\r\n\r\n";

TEST(DkimCanonicalization, Rfc6376Example) {
  EXPECT_EQ(canonicalize_dkim_header(k_example_header_a, true), "a:X\r\n");
  EXPECT_EQ(canonicalize_dkim_header(k_example_header_b, true), "b:Y Z\r\n");
  EXPECT_EQ(canonicalize_dkim_body(k_example_body, true), " C\r\nD E\r\n");
  EXPECT_EQ(canonicalize_dkim_header(k_example_header_b, false), k_example_header_b);
  EXPECT_EQ(canonicalize_dkim_body(k_example_body, false), " C \r\nD \t E\r\n");
}

TEST(DkimCanonicalization, EmptyBodiesAndMissingFinalLineEnd) {
  EXPECT_EQ(canonicalize_dkim_body("", false), "\r\n");
  EXPECT_EQ(canonicalize_dkim_body("", true), "");
  EXPECT_EQ(canonicalize_dkim_body("\r\n\r\n", false), "\r\n");
  EXPECT_EQ(canonicalize_dkim_body("\r\n \r\n", true), "");
  EXPECT_EQ(canonicalize_dkim_body("x", false), "x\r\n");
  EXPECT_EQ(canonicalize_dkim_body("x \t", true), "x\r\n");
}

TEST(DkimMessage, FieldsAsReceivedWithLfNormalised) {
  auto m = split_dkim_message("From: a@b.example\nSubject: hi\n there\nnot a field\n\nbody\n");
  ASSERT_TRUE(m) << m.error().message;
  ASSERT_EQ(m->headers.size(), 2u);
  EXPECT_EQ(m->headers[1].name, "Subject");
  EXPECT_EQ(m->headers[1].raw, "Subject: hi\r\n there\r\n");
  EXPECT_EQ(m->headers[1].value(), " hi there");
  EXPECT_EQ(m->body, "body\r\n");
  EXPECT_FALSE(split_dkim_message("no header block"));
  EXPECT_FALSE(split_dkim_message(std::string(100, 'x'), 50));
}

const std::string k_signature =
    "v=1; a=rsa-sha256; c=relaxed/simple; d=Example.COM; s=sel;\r\n"
    " h=From:To:Subject; i=jo=65@mail.example.com; l=10; t=100; x=200; q=dns/txt;\r\n"
    " bh=AAAA; b=AAAA\r\n BBBB";

TEST(DkimSignatureTags, AllTagsParse) {
  auto sig = parse_dkim_signature(k_signature);
  ASSERT_TRUE(sig) << sig.error().message;
  EXPECT_EQ(sig->algorithm, DkimAlgorithm::rsa_sha256);
  EXPECT_TRUE(sig->relaxed_header);
  EXPECT_FALSE(sig->relaxed_body);
  EXPECT_EQ(sig->domain, "example.com");
  EXPECT_EQ(sig->selector, "sel");
  EXPECT_EQ(sig->headers, (std::vector<std::string>{"from", "to", "subject"}));
  EXPECT_EQ(sig->identity, "joe@mail.example.com");
  EXPECT_EQ(sig->length, 10u);
  EXPECT_EQ(sig->timestamp, 100);
  EXPECT_EQ(sig->expiration, 200);
  EXPECT_EQ(sig->signature.size(), 6u);
  auto defaults = parse_dkim_signature("v=1; a=ed25519-sha256; d=x.test; s=s; h=from; bh=AA==; "
                                       "b=AA==");
  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_FALSE(defaults->relaxed_header);
  EXPECT_EQ(defaults->identity, "@x.test");
}

TEST(DkimSignatureTags, InvalidSignaturesSayWhy) {
  auto why = [](const std::string& text) {
    auto sig = parse_dkim_signature(text);
    return sig ? std::string("valid") : sig.error().message;
  };
  const std::string base = "a=rsa-sha256; d=x.test; s=s; bh=AA==; b=AA==; ";
  EXPECT_NE(why("v=2; " + base + "h=from").find("version"), std::string::npos);
  EXPECT_NE(why("v=1; " + base + "h=to:subject").find("From"), std::string::npos);
  EXPECT_NE(why("v=1; " + base + "h=from; i=a@other.test").find("not in d="), std::string::npos);
  EXPECT_NE(why("v=1; " + base + "h=from; q=http").find("query"), std::string::npos);
  EXPECT_NE(why("v=1; " + base + "h=from; c=fancy").find("canonicalization"), std::string::npos);
  EXPECT_NE(why("v=1; " + base + "h=from; t=20; x=10").find("before t="), std::string::npos);
  EXPECT_NE(why("v=1; " + base + "h=from; l=ten").find("l="), std::string::npos);
  EXPECT_NE(why("v=1; a=hmac; d=x.test; s=s; bh=AA==; b=AA==; h=from").find("algorithm"),
            std::string::npos);
  EXPECT_NE(why("v=1; a=rsa-sha256; s=s; bh=AA==; b=AA==; h=from").find("d="), std::string::npos);
  EXPECT_EQ(why("v=1; " + base + "h=from; i=a@sub.x.test"), "valid");
}

TEST(DkimKeyRecord, TagsAndJudgement) {
  auto key = parse_dkim_key("v=DKIM1; k=ed25519; t=y:s; s=email; h=sha256; "
                            "p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(key->key_type, "ed25519");
  EXPECT_TRUE(key->testing());
  EXPECT_TRUE(key->strict_identity());
  EXPECT_TRUE(key->for_email());
  EXPECT_TRUE(key->key_problem.empty());
  auto judged = judge_dkim_key(*key);
  EXPECT_EQ(judged.summary, "Ed25519");
  ASSERT_EQ(judged.issues.size(), 1u);
  EXPECT_EQ(judged.issues[0].key, "testing");
  EXPECT_FALSE(judged.issues[0].serious);

  auto revoked = parse_dkim_key("v=DKIM1; p=");
  ASSERT_TRUE(revoked);
  EXPECT_TRUE(revoked->revoked);
  EXPECT_TRUE(judge_dkim_key(*revoked).issues.at(0).serious);

  EXPECT_FALSE(parse_dkim_key("k=rsa; v=DKIM1; p=")); // v= must come first
  EXPECT_FALSE(parse_dkim_key("v=DKIM3; p="));        // unknown version
  EXPECT_FALSE(parse_dkim_key("v=DKIM1; k=rsa"));     // no p=
  EXPECT_FALSE(parse_dkim_key("v=DKIM1; p=%%%"));     // not base64
  auto spki_ed = parse_dkim_key("k=ed25519; p=MCowBQYDK2VwAyEA3SUqa9UbfciWkk7tlcJ9P1VD5pXAasg0JUn/"
                                "OgjVbKE=");
  ASSERT_TRUE(spki_ed);
  EXPECT_FALSE(spki_ed->key_problem.empty()) << "RFC 8463 keys are raw 32 bytes";
  auto unknown = parse_dkim_key("k=foobar; p=AAAA");
  ASSERT_TRUE(unknown);
  EXPECT_NE(unknown->key_problem.find("k=foobar"), std::string::npos);
}

TEST(DkimKeyRecord, BareRsaPublicKeysAreAccepted) {
  // The same 1024-bit key as SubjectPublicKeyInfo and as a PKCS#1 RSAPublicKey.
  auto spki = parse_dkim_key(
      "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCtnEWln8535zk06HOpeWTj9L7BfFAut3Kv8W4XDqGOsTKpgWSE"
      "aQNjYb0TxKTXGYmaYq3ccFedCquXRVmJ3S7MoBy6R3hGLVBP7cMiYbr/JH/uedhcj5pjvzJOIFsxPTRw+oR21HpMCO"
      "5TmK0/zjdcdEQaWII//BlFkgTszO+llwIDAQAB");
  auto bare = parse_dkim_key(
      "p=MIGJAoGBAK2cRaWfznfnOTToc6l5ZOP0vsF8UC63cq/xbhcOoY6xMqmBZIRpA2NhvRPEpNcZiZpirdxwV50Kq5dF"
      "WYndLsygHLpHeEYtUE/twyJhuv8kf+552FyPmmO/Mk4gWzE9NHD6hHbUekwI7lOYrT/ON1x0RBpYgj/8GUWSBOzM76"
      "WXAgMBAAE=");
  ASSERT_TRUE(spki);
  ASSERT_TRUE(bare);
  EXPECT_EQ(spki->rsa_bits, 1024);
  EXPECT_EQ(bare->rsa_bits, 1024);
  auto judged = judge_dkim_key(*bare);
  EXPECT_EQ(judged.summary, "RSA 1024-bit");
  ASSERT_EQ(judged.issues.size(), 1u);
  EXPECT_FALSE(judged.issues[0].serious);
}

TEST(DkimCrypto, Base64IgnoresWhitespaceAndRejectsJunk) {
  EXPECT_EQ(crypto::base64_decode("aGVs\r\n bG8="), "hello");
  EXPECT_EQ(crypto::base64_decode("aGVsbG8"), "hello");
  EXPECT_FALSE(crypto::base64_decode("aGVs*bG8="));
  EXPECT_FALSE(crypto::base64_decode("aG=Vz"));
  EXPECT_FALSE(crypto::base64_decode("a"));
}

TEST(DkimAddress, FromDomains) {
  EXPECT_EQ(mail_address_domain(" Joe SixPack <joe@Football.Example.com>"), "football.example.com");
  EXPECT_EQ(mail_address_domain("joe@x.test (Joe)"), "x.test");
  EXPECT_EQ(mail_address_domain("\"a@b\" <c@d.test>"), "d.test");
  EXPECT_EQ(mail_address_domain("<>"), "");
  EXPECT_EQ(mail_address_domain("nobody"), "");
}

} // namespace
} // namespace lg::analyze
