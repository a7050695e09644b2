// Personal data in log lines (observability.log-leaks): e-mails, international phones, card
// numbers and IBANs found with their offsets and redactions; ordinary log noise (timestamps, ids,
// UUIDs, hex) left alone; hits capped; linear time on hostile input.

#include "analyze/pii.hpp"

#include <gtest/gtest.h>

#include <string>

namespace lg {
namespace {

using analyze::find_personal_data;
using analyze::PiiHit;
using analyze::PiiKind;

// The one hit in `line`, checked against the text it covers.
PiiHit only_hit(const std::string& line, PiiKind kind, const std::string& covered) {
  auto hits = find_personal_data(line);
  EXPECT_EQ(hits.size(), 1u) << line;
  if (hits.size() != 1)
    return {};
  EXPECT_EQ(hits[0].kind, kind) << line;
  EXPECT_EQ(line.substr(hits[0].offset, hits[0].length), covered) << line;
  return hits[0];
}

void expect_none(const std::string& line) {
  auto hits = find_personal_data(line);
  EXPECT_TRUE(hits.empty()) << line << " -> " << (hits.empty() ? "" : hits[0].redacted);
}

TEST(Pii, KindNames) {
  EXPECT_EQ(analyze::pii_kind_name(PiiKind::email), "email");
  EXPECT_EQ(analyze::pii_kind_name(PiiKind::phone), "phone");
  EXPECT_EQ(analyze::pii_kind_name(PiiKind::card), "card number");
  EXPECT_EQ(analyze::pii_kind_name(PiiKind::iban), "IBAN");
}

TEST(Pii, LuhnAndIbanChecks) {
  EXPECT_TRUE(analyze::luhn_valid("4111111111111111"));
  EXPECT_TRUE(analyze::luhn_valid("378282246310005"));
  EXPECT_FALSE(analyze::luhn_valid("4111111111111112"));
  EXPECT_FALSE(analyze::luhn_valid(""));
  EXPECT_FALSE(analyze::luhn_valid("4111 1111 1111 1111"));
  EXPECT_TRUE(analyze::iban_valid("GB82WEST12345698765432"));
  EXPECT_TRUE(analyze::iban_valid("DE89370400440532013000"));
  EXPECT_TRUE(analyze::iban_valid("FR1420041010050500013M02606"));
  EXPECT_TRUE(analyze::iban_valid("NL91ABNA0417164300"));
  EXPECT_FALSE(analyze::iban_valid("GB83WEST12345698765432")); // wrong check digits
  EXPECT_FALSE(analyze::iban_valid("DE5137040044053201300"));  // mod 97 right, 21 long for DE
  EXPECT_FALSE(analyze::iban_valid("XX82WEST12345698765432")); // no such country
  EXPECT_FALSE(analyze::iban_valid("gb82west12345698765432"));
  EXPECT_FALSE(analyze::iban_valid("GB82 WEST 1234 5698 7654 32"));
}

TEST(Pii, FindsAnEmailWithOffsetAndRedaction) {
  std::string line = "2026-11-29T22:15:03Z INFO signup ok user=alice.smith@example.com plan=pro";
  auto hit = only_hit(line, PiiKind::email, "alice.smith@example.com");
  EXPECT_EQ(hit.offset, line.find("alice"));
  EXPECT_EQ(hit.redacted, "a***@e***.com");
  EXPECT_EQ(
      only_hit("to <Bob+news@mail.example.co.uk>.", PiiKind::email, "Bob+news@mail.example.co.uk")
          .redacted,
      "B***@m***.uk");
  only_hit("mailto:noreply@example.org", PiiKind::email, "noreply@example.org");
  only_hit("sent to x@a-b.io.", PiiKind::email, "x@a-b.io");
  only_hit("https://portal.example.com/users/carol@example.net/orders", PiiKind::email,
           "carol@example.net");
}

TEST(Pii, EmailLookalikesAreNotReported) {
  expect_none("connect user@localhost failed");
  expect_none("installed lodash@4.17.21 and @types/node");
  expect_none("asset icon@2x.png loaded");
  expect_none("GET https://deploy:hunter2@registry.example.com/v2/");
  expect_none("a..b@example.com");
  expect_none("alice@-bad.example.com");
  expect_none("alice@example.c0m");
  expect_none("@example.com alone");
}

TEST(Pii, FindsCardNumbers) {
  std::string line = "charge card=4111 1111 1111 1111 amount=12.00";
  auto visa = only_hit(line, PiiKind::card, "4111 1111 1111 1111");
  EXPECT_EQ(visa.offset, line.find("4111"));
  EXPECT_EQ(visa.redacted, "**** **** **** 1111");
  EXPECT_EQ(only_hit("pan 5555555555554444;", PiiKind::card, "5555555555554444").redacted,
            "************4444");
  EXPECT_EQ(only_hit("amex 3782-822463-10005", PiiKind::card, "3782-822463-10005").redacted,
            "****-******-*0005");
  only_hit("mc2 2223003122003222", PiiKind::card, "2223003122003222");
  only_hit("discover 6011111111111117", PiiKind::card, "6011111111111117");
  only_hit("jcb 3530111333300000", PiiKind::card, "3530111333300000");
  only_hit("diners 30569309025904", PiiKind::card, "30569309025904");
  only_hit("unionpay 6200000000000005.", PiiKind::card, "6200000000000005");
  only_hit("\"card\":\"4111111111111111\"", PiiKind::card, "4111111111111111");
}

TEST(Pii, OrdinaryNumbersAreNotCards) {
  expect_none("ts=1732900000123 at 2026-11-29T22:15:03Z took 1732900000123ms");
  expect_none("request_id=550e8400-e29b-41d4-a716-446655440000");
  expect_none("trace 4111111111111111abcdef0123456789 span deadbeef4111111111111111");
  expect_none("order 4111111111111112 shipped");      // fails Luhn
  expect_none("ref 9111111111111110 matched");        // Luhn-valid, no issuer
  expect_none("id 4444444444444444 / 0000000000000"); // one digit repeated
  expect_none("order_4111111111111111 item4111111111111111 x-4111111111111111");
  expect_none("value 0.4111111111111111 and 4111111111111111.5 and 4111111111111111-2");
  expect_none("ids 4111 1111 1111 1111 1111 1111"); // 24 digits
  expect_none("grouped 41 1111 1111 1111 11");      // not card groups
  expect_none("ids 9999 4111 1111 1111 1111");      // the tail of a longer number
  expect_none("delta +4111111111111111");
  expect_none("3782822463100051"); // Amex prefix, wrong length
}

TEST(Pii, FindsIbans) {
  std::string line = "payout to GB82 WEST 1234 5698 7654 32 ok";
  auto gb = only_hit(line, PiiKind::iban, "GB82 WEST 1234 5698 7654 32");
  EXPECT_EQ(gb.offset, line.find("GB82"));
  EXPECT_EQ(gb.redacted, "GB** **** **** **** **54 32");
  EXPECT_EQ(
      only_hit("iban=DE89370400440532013000", PiiKind::iban, "DE89370400440532013000").redacted,
      "DE** **** **** **** **30 00");
  only_hit("FR1420041010050500013M02606,", PiiKind::iban, "FR1420041010050500013M02606");
  only_hit("(NL91 ABNA 0417 1643 00)", PiiKind::iban, "NL91 ABNA 0417 1643 00");
}

TEST(Pii, IbanLookalikesAreNotReported) {
  expect_none("iban GB83WEST12345698765432");        // wrong check digits
  expect_none("iban DE5137040044053201300");         // right remainder, wrong length
  expect_none("iban DE89 3704 0044 0532 0130 00 1"); // longer than DE's
  expect_none("iban DE89 37040 04405 32013 000");    // not grouped in 4s
  expect_none("iban XDE89370400440532013000");       // inside a word
  expect_none("iban de89370400440532013000");        // lower case
}

TEST(Pii, FindsInternationalPhones) {
  std::string line = "sms to +44 20 7946 0958 queued";
  auto uk = only_hit(line, PiiKind::phone, "+44 20 7946 0958");
  EXPECT_EQ(uk.offset, line.find('+'));
  EXPECT_EQ(uk.redacted, "+44 ** **** 0958");
  EXPECT_EQ(only_hit("call +1 (415) 555-2671.", PiiKind::phone, "+1 (415) 555-2671").redacted,
            "+1 (***) ***-2671");
  EXPECT_EQ(only_hit("to=+14155552671", PiiKind::phone, "+14155552671").redacted, "+1 ******2671");
  only_hit("tel +33 6 12 34 56 78", PiiKind::phone, "+33 6 12 34 56 78");
  only_hit("tel +49.30.1234.5678", PiiKind::phone, "+49.30.1234.5678");
  only_hit("tel +44 (0)20 7946 0958", PiiKind::phone, "+44 (0)20 7946 0958");
  // short numbers keep the country code hidden too, so that 4 digits stay hidden
  EXPECT_EQ(only_hit("tel +354 411 2222", PiiKind::phone, "+354 411 2222").redacted,
            "+*** *** 2222");
}

TEST(Pii, OrdinaryNumbersAreNotPhones) {
  expect_none("at 2026-11-29T22:15:03+01:00 retry");
  expect_none("counter +12345678 since boot");           // compact and short
  expect_none("ratio +1.2345678901");                    // a decimal
  expect_none("delta=+0123456789");                      // no country code starts with 0
  expect_none("list +1 2 3 4 5 6 7 8");                  // single digits
  expect_none("ver +14 20.10.4.1 and +1 415 555 267 1"); // mixed dots, a last single digit
  expect_none("exp 1.5e+1234567890");                    // an exponent
  expect_none("x+44 20 7946 0958");                      // glued to a word
  expect_none("+44 20 7946 0958 1234 5678 999");         // more than 15 digits
  expect_none("call 020 7946 0958 or 4155552671");       // no international prefix
}

TEST(Pii, SeveralHitsInOrder) {
  std::string line = "user bob@example.com card 4111-1111-1111-1111 phone +44 20 7946 0958 "
                     "iban GB82WEST12345698765432 again eve@example.org";
  auto hits = find_personal_data(line);
  ASSERT_EQ(hits.size(), 5u);
  EXPECT_EQ(hits[0].kind, PiiKind::email);
  EXPECT_EQ(hits[1].kind, PiiKind::card);
  EXPECT_EQ(hits[1].redacted, "****-****-****-1111");
  EXPECT_EQ(hits[2].kind, PiiKind::phone);
  EXPECT_EQ(hits[3].kind, PiiKind::iban);
  EXPECT_EQ(hits[4].kind, PiiKind::email);
  EXPECT_EQ(hits[4].redacted, "e***@e***.org");
  for (size_t k = 1; k < hits.size(); ++k)
    EXPECT_GE(hits[k].offset, hits[k - 1].offset + hits[k - 1].length);
}

TEST(Pii, AnEmailWinsOverTheDigitsInIt) {
  auto hits = find_personal_data("from +14155552671@sms.example.com and 4111111111111111@x.io");
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].kind, PiiKind::email);
  EXPECT_EQ(hits[0].redacted, "1***@s***.com");
  EXPECT_EQ(hits[1].kind, PiiKind::email);
}

TEST(Pii, MaxHitsIsRespected) {
  std::string line;
  for (int k = 0; k < 50; ++k)
    line += "a" + std::to_string(k) + "@example.com 4111111111111111 ";
  EXPECT_EQ(find_personal_data(line).size(), 100u);
  auto three = find_personal_data(line, 3);
  ASSERT_EQ(three.size(), 3u);
  EXPECT_EQ(three[0].kind, PiiKind::email);
  EXPECT_EQ(three[1].kind, PiiKind::card);
  EXPECT_EQ(three[2].kind, PiiKind::email);
  EXPECT_TRUE(find_personal_data(line, 0).empty());
  std::string many;
  for (int k = 0; k < 300; ++k)
    many += "u@example.com ";
  EXPECT_EQ(find_personal_data(many).size(), 100u);
}

TEST(Pii, HostileMegabyteLinesComplete) {
  // Each of these would be quadratic for a scanner that restarts at every '@' or digit.
  const size_t size = size_t{1} << 20;
  std::string digits_and_ats(size, '1');
  for (size_t k = 0; k < size; k += 3)
    digits_and_ats[k] = '@';
  EXPECT_TRUE(find_personal_data(digits_and_ats).empty());
  std::string long_local(size, 'a');
  long_local[size / 2] = '@';
  EXPECT_TRUE(find_personal_data(long_local).empty());
  std::string all_digits(size, '4');
  EXPECT_TRUE(find_personal_data(all_digits).empty());
  std::string spaced;
  while (spaced.size() < size)
    spaced += "4 1+1 GB82 @a.";
  EXPECT_TRUE(find_personal_data(spaced).empty());
  std::string emails;
  while (emails.size() < size)
    emails += "a@b.cd ";
  EXPECT_EQ(find_personal_data(emails, 1000).size(), 1000u);
}

} // namespace
} // namespace lg
