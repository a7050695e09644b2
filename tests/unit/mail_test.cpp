// The mail sink's parts that need no socket: the SMTP dialogue (analyze/smtp) and reading the
// messages (analyze/mail): MIME, encodings, links.

#include "analyze/mail.hpp"
#include "analyze/smtp.hpp"

#include <gtest/gtest.h>

using lg::analyze::SmtpDialogue;

namespace {

/// Feeds `lines` and returns every reply, concatenated.
std::string talk(SmtpDialogue& d, const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines)
    out += d.feed(line).text;
  return out;
}

} // namespace

TEST(SmtpDialogue, CapturesAMessageWithItsEnvelopeAndUnstuffsDots) {
  SmtpDialogue d;
  EXPECT_EQ(d.greeting().rfind("220 ", 0), 0u);
  auto replies = talk(d, {"EHLO portal.test", "MAIL FROM:<noreply@portal.test> BODY=8BITMIME",
                          "RCPT TO:<alice@acme.test>", "DATA", "Subject: hi", "", "..leading dot",
                          "body", ".", "QUIT"});
  EXPECT_NE(replies.find("250-8BITMIME"), std::string::npos) << replies;
  EXPECT_NE(replies.find("354 "), std::string::npos);
  EXPECT_NE(replies.find("250 2.0.0 captured"), std::string::npos);
  auto mails = d.take();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].mail_from, "noreply@portal.test");
  EXPECT_EQ(mails[0].rcpt_to, std::vector<std::string>{"alice@acme.test"});
  EXPECT_EQ(mails[0].data, "Subject: hi\r\n\r\n.leading dot\r\nbody\r\n");
  EXPECT_TRUE(d.take().empty());
}

TEST(SmtpDialogue, CommandsOutOfSequenceAre503) {
  SmtpDialogue d;
  EXPECT_EQ(d.feed("MAIL FROM:<a@b>").text.substr(0, 3), "503");
  EXPECT_EQ(d.feed("HELO x").text.substr(0, 3), "250");
  EXPECT_EQ(d.feed("RCPT TO:<a@b>").text.substr(0, 3), "503");
  EXPECT_EQ(d.feed("DATA").text.substr(0, 3), "503");
  EXPECT_EQ(d.feed("MAIL FROM:a@b").text.substr(0, 3), "501");
  EXPECT_EQ(d.feed("WHAT").text.substr(0, 3), "502");
  EXPECT_TRUE(d.feed("QUIT").close);
}

TEST(SmtpDialogue, TheSizeLimitHoldsForTheAnnouncedAndTheSentSize) {
  SmtpDialogue d(100);
  talk(d, {"EHLO x"});
  EXPECT_EQ(d.feed("MAIL FROM:<a@b> SIZE=101").text.substr(0, 3), "552");
  talk(d, {"MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA"});
  for (int i = 0; i < 20; ++i)
    EXPECT_TRUE(d.feed("0123456789").text.empty());
  EXPECT_EQ(d.feed(".").text.substr(0, 3), "552");
  EXPECT_TRUE(d.take().empty());
  // The next transaction on the same connection works.
  talk(d, {"MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA", "short", "."});
  EXPECT_EQ(d.take().size(), 1u);
}

TEST(SmtpDialogue, AClientThatKeepsErringIsDisconnected) {
  SmtpDialogue d;
  bool closed = false;
  for (int i = 0; i < 50 && !closed; ++i)
    closed = d.feed("NONSENSE").close;
  EXPECT_TRUE(closed);
  EXPECT_EQ(d.feed(std::string(2000, 'x')).text.substr(0, 3), "500");
}

TEST(Mail, MultipartAlternativeWithQuotedPrintableAndBase64) {
  std::string raw = "From: =?utf-8?Q?Portal_=C3=A9quipe?= <noreply@portal.test>\r\n"
                    "To: alice@acme.test\r\n"
                    "Subject: =?utf-8?B?UmVzZXQgeW91ciBwYXNzd29yZA==?=\r\n"
                    "MIME-Version: 1.0\r\n"
                    "Content-Type: multipart/alternative;\r\n boundary=\"b1\"\r\n"
                    "\r\n"
                    "preamble\r\n"
                    "--b1\r\n"
                    "Content-Type: text/plain; charset=utf-8\r\n"
                    "Content-Transfer-Encoding: quoted-printable\r\n"
                    "\r\n"
                    "Reset: https://portal.test/reset?token=3Dabc_DEF-123=\r\n456.\r\n"
                    "--b1\r\n"
                    "Content-Type: text/html; charset=utf-8\r\n"
                    "Content-Transfer-Encoding: base64\r\n"
                    "\r\n"
                    "PGEgaHJlZj0iaHR0cHM6Ly9wb3J0YWwudGVzdC9yZXNldD90b2tlbj1hYmMmYW1wO3g9MSI+\r\n"
                    "UmVzZXQ8L2E+\r\n"
                    "--b1--\r\n"
                    "epilogue\r\n";
  auto mail = lg::analyze::parse_mail(raw);
  ASSERT_TRUE(mail) << mail.error().message;
  EXPECT_EQ(mail->subject, "Reset your password");
  EXPECT_EQ(mail->from, "Portal équipe <noreply@portal.test>");
  ASSERT_EQ(mail->parts.size(), 2u);
  EXPECT_EQ(mail->parts[0].content_type, "text/plain");
  EXPECT_EQ(mail->parts[0].text, "Reset: https://portal.test/reset?token=abc_DEF-123456.");
  EXPECT_EQ(mail->parts[1].text,
            "<a href=\"https://portal.test/reset?token=abc&amp;x=1\">Reset</a>");
  auto links = lg::analyze::mail_links(*mail);
  EXPECT_EQ(links, (std::vector<std::string>{"https://portal.test/reset?token=abc_DEF-123456",
                                             "https://portal.test/reset?token=abc&x=1"}));
}

TEST(Mail, APlainMessageWithLfLineEndsAndLatin1) {
  auto mail = lg::analyze::parse_mail("Subject: caf\xe9\nContent-Type: text/plain; "
                                      "charset=ISO-8859-1\n\ncaf\xe9 http://x.test/a).\n");
  ASSERT_TRUE(mail);
  ASSERT_EQ(mail->parts.size(), 1u);
  EXPECT_EQ(mail->parts[0].text, "caf\xc3\xa9 http://x.test/a).\n");
  EXPECT_EQ(lg::analyze::mail_links(*mail), std::vector<std::string>{"http://x.test/a"});
}

TEST(Mail, NestedMultipartsAreBoundedAndAttachmentsSkipped) {
  std::string raw = "Content-Type: multipart/mixed; boundary=outer\n\n--outer\n"
                    "Content-Type: multipart/alternative; boundary=inner\n\n--inner\n"
                    "Content-Type: text/plain\n\nhello\n--inner--\n--outer\n"
                    "Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0=\n"
                    "--outer--\n";
  auto mail = lg::analyze::parse_mail(raw);
  ASSERT_TRUE(mail);
  ASSERT_EQ(mail->parts.size(), 1u);
  EXPECT_EQ(mail->parts[0].text, "hello");
  // A part that opens its own boundary again and again stops at the depth limit.
  std::string deep;
  for (int i = 0; i < 50; ++i)
    deep += "Content-Type: multipart/mixed; boundary=b\n\n--b\n";
  EXPECT_TRUE(lg::analyze::parse_mail(deep));
  EXPECT_FALSE(lg::analyze::parse_mail("no headers here"));
}

TEST(Mail, DecodersKeepWhatIsMalformed) {
  EXPECT_EQ(lg::analyze::decode_quoted_printable("a=3Db=ZZc=\r\nd="), "a=b=ZZcd");
  EXPECT_EQ(lg::analyze::decode_base64("aGVs bG8=\r\n!ignored"), "hello");
  EXPECT_EQ(lg::analyze::decode_header_words("=?utf-8?B?YQ==?= =?utf-8?Q?b?= c =?bad"),
            "ab c =?bad");
}
