// The SMTP sink against real clients on loopback: swaks (plain, 8-bit UTF-8, a base64 attachment,
// quoted-printable, a message over the size limit) with each capture read back by
// analyze::parse_mail; the sample portal mailing a password reset to the sink; and the
// `launchgate mailsink` command end to end (listening line, one redacted line per message, .eml
// files, SIGTERM). Missing swaks skips; every wait is bounded; traffic stays on 127.0.0.1.

#include "analyze/mail.hpp"
#include "integration/test_portal_support.hpp"
#include "net/impl/smtp_sink.hpp"
#include "support/test_support.hpp"
#include "util/text.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace lg {
namespace {

using namespace std::chrono_literals;

const std::string k_swaks = "/usr/bin/swaks";
const std::string k_launchgate = LG_LAUNCHGATE_BIN;
const std::string k_portal = LG_PORTAL_BIN;

class MailsinkTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (access(k_swaks.c_str(), X_OK) != 0)
      GTEST_SKIP() << "swaks is not installed (scripts/deps.sh installs it)";
  }

  /// A sink on 127.0.0.1 with a free port.
  std::unique_ptr<net::SmtpSink> start_sink(long long max_bytes = 10 << 20) {
    auto sink = net::SmtpSink::start("127.0.0.1:0", max_bytes);
    EXPECT_TRUE(sink.has_value()) << (sink ? "" : sink.error().message);
    return sink ? std::move(*sink) : nullptr;
  }

  /// swaks to 127.0.0.1:`port` from sender@portal.test with `args` added.
  test::CommandResult swaks(int port, const std::vector<std::string>& args) {
    std::vector<std::string> argv{k_swaks,
                                  "--server",
                                  "127.0.0.1",
                                  "--port",
                                  std::to_string(port),
                                  "--helo",
                                  "client.test",
                                  "--from",
                                  "sender@portal.test",
                                  "--timeout",
                                  "10"};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run_command(argv, "", {}, 30);
  }

  /// The next message to `to`, parsed; fails the test when none comes within 5 s.
  analyze::Mail receive(net::SmtpSink& sink, const std::string& to, std::string* raw = nullptr) {
    auto got = sink.next(to, 5s);
    EXPECT_TRUE(got.has_value() && got->has_value()) << "no message to " << to;
    if (!got || !*got)
      return {};
    EXPECT_EQ((*got)->mail_from, "sender@portal.test");
    if (raw != nullptr)
      *raw = (*got)->data;
    auto mail = analyze::parse_mail((*got)->data);
    EXPECT_TRUE(mail.has_value()) << (*got)->data;
    return mail ? *mail : analyze::Mail{};
  }

  test::TempDir m_dir;
};

TEST_F(MailsinkTest, PlainMessageFromSwaks) {
  auto sink = start_sink();
  ASSERT_TRUE(sink);
  ASSERT_TRUE(sink->watch("alice@acme.test"));
  auto sent = swaks(sink->port(), {"--to", "alice@acme.test", "--header", "Subject: Plain hello",
                                   "--body", "Hello from swaks"});
  ASSERT_EQ(sent.code, 0) << sent.out << sent.err;
  auto mail = receive(*sink, "alice@acme.test");
  EXPECT_EQ(mail.subject, "Plain hello");
  ASSERT_EQ(mail.parts.size(), 1u);
  EXPECT_NE(mail.parts[0].text.find("Hello from swaks"), std::string::npos);
}

TEST_F(MailsinkTest, EightBitUtf8BodyArrivesUnchanged) {
  auto sink = start_sink();
  ASSERT_TRUE(sink);
  const std::string text = "Grüße aus Köln — 東京";
  auto file = m_dir.write("utf8.eml", "From: <sender@portal.test>\n"
                                      "To: <bob@acme.test>\n"
                                      "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\n"
                                      "MIME-Version: 1.0\n"
                                      "Content-Type: text/plain; charset=utf-8\n"
                                      "Content-Transfer-Encoding: 8bit\n"
                                      "\n" +
                                          text + "\n");
  auto sent = swaks(sink->port(), {"--to", "bob@acme.test", "--data", "@" + file});
  ASSERT_EQ(sent.code, 0) << sent.out << sent.err;
  EXPECT_NE(sent.out.find("8BITMIME"), std::string::npos) << "the sink announces 8BITMIME";
  std::string raw;
  auto mail = receive(*sink, "bob@acme.test", &raw);
  EXPECT_NE(raw.find(text), std::string::npos) << raw;
  EXPECT_EQ(mail.subject, "Grüße");
  ASSERT_EQ(mail.parts.size(), 1u);
  EXPECT_NE(mail.parts[0].text.find(text), std::string::npos);
}

TEST_F(MailsinkTest, Base64AttachmentIsDecoded) {
  auto sink = start_sink();
  ASSERT_TRUE(sink);
  const std::string attached = "attached notes: Grüße\nhttp://127.0.0.1:9/invite?token=abc\n";
  auto file = m_dir.write("notes.txt", attached);
  auto sent = swaks(sink->port(),
                    {"--to", "carol@globex.test", "--header", "Subject: With file", "--body",
                     "see the attachment", "--attach-type", "text/plain", "--attach", "@" + file});
  ASSERT_EQ(sent.code, 0) << sent.out << sent.err;
  std::string raw;
  auto mail = receive(*sink, "carol@globex.test", &raw);
  EXPECT_NE(to_lower(raw).find("content-transfer-encoding: base64"), std::string::npos) << raw;
  EXPECT_NE(raw.find("multipart/mixed"), std::string::npos);
  EXPECT_EQ(mail.subject, "With file");
  ASSERT_EQ(mail.parts.size(), 2u) << raw;
  EXPECT_NE(mail.parts[0].text.find("see the attachment"), std::string::npos);
  EXPECT_NE(mail.parts[1].text.find("attached notes: Grüße"), std::string::npos)
      << mail.parts[1].text;
  auto links = analyze::mail_links(mail);
  EXPECT_NE(std::find(links.begin(), links.end(), "http://127.0.0.1:9/invite?token=abc"),
            links.end());
}

TEST_F(MailsinkTest, QuotedPrintableBodyIsDecoded) {
  auto sink = start_sink();
  ASSERT_TRUE(sink);
  auto file = m_dir.write("qp.eml", "From: <sender@portal.test>\n"
                                    "To: <dave@globex.test>\n"
                                    "Subject: QP\n"
                                    "MIME-Version: 1.0\n"
                                    "Content-Type: text/plain; charset=utf-8\n"
                                    "Content-Transfer-Encoding: quoted-printable\n"
                                    "\n"
                                    "Caf=C3=A9 with a soft=\n"
                                    " break and a =3D sign\n");
  auto sent = swaks(sink->port(), {"--to", "dave@globex.test", "--data", "@" + file});
  ASSERT_EQ(sent.code, 0) << sent.out << sent.err;
  auto mail = receive(*sink, "dave@globex.test");
  ASSERT_EQ(mail.parts.size(), 1u);
  EXPECT_NE(mail.parts[0].text.find("Café with a soft break and a = sign"), std::string::npos)
      << mail.parts[0].text;
}

TEST_F(MailsinkTest, MessageOverTheSizeLimitIsRefused) {
  auto sink = start_sink(2048);
  ASSERT_TRUE(sink);
  auto sent = swaks(sink->port(), {"--to", "alice@acme.test", "--body", std::string(5000, 'x')});
  EXPECT_NE(sent.code, 0);
  EXPECT_NE(sent.out.find("552"), std::string::npos) << sent.out << sent.err;
  EXPECT_EQ(sink->received(), 0u);
  auto none = sink->next("alice@acme.test", 200ms);
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->has_value());
}

TEST_F(MailsinkTest, PortalPasswordResetMailReachesTheSink) {
  if (!std::filesystem::exists(k_portal))
    GTEST_SKIP() << "no launchgate-portal at " << k_portal;
  auto sink = start_sink();
  ASSERT_TRUE(sink);
  portal_test::PortalProcess portal;
  ASSERT_TRUE(portal.start(k_portal, {"--smtp", sink->address()})) << portal.error();
  portal_test::HttpClient http(portal.url());

  ASSERT_TRUE(sink->watch("alice@acme.test"));
  auto res = http.request("POST", "/api/password-reset",
                          nlohmann::json{{"email", "alice@acme.test"}}.dump());
  EXPECT_EQ(res.status, 202) << res.body;
  auto got = sink->next("alice@acme.test", 15s);
  ASSERT_TRUE(got.has_value()) << got.error().message;
  ASSERT_TRUE(got->has_value()) << "no reset mail; portal stderr: " << portal.stderr_text();
  EXPECT_EQ((*got)->mail_from, "no-reply@portal.test");
  auto mail = analyze::parse_mail((*got)->data);
  ASSERT_TRUE(mail.has_value());
  auto links = analyze::mail_links(*mail);
  auto reset = std::find_if(links.begin(), links.end(), [&](const std::string& link) {
    return link.rfind(portal.url() + "/reset?token=", 0) == 0;
  });
  ASSERT_NE(reset, links.end()) << (*got)->data;
  EXPECT_GT(reset->size(), portal.url().size() + 20);

  auto again = sink->next("alice@acme.test", 200ms);
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(again->has_value()) << "one request, one mail";
  portal.stop();
  portal.remove_log();
}

// ---------------------------------------------------------------------------------------------
// `launchgate mailsink` as a user runs it.

/// A child with its stdout on a pipe, read line by line with a deadline.
class Child {
public:
  explicit Child(const std::vector<std::string>& argv) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
      return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    std::vector<std::string> storage = argv;
    std::vector<char*> args;
    for (auto& a : storage)
      args.push_back(a.data());
    args.push_back(nullptr);
    if (posix_spawn(&m_pid, args[0], &actions, nullptr, args.data(), environ) != 0)
      m_pid = -1;
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    m_out = fds[0];
  }
  ~Child() {
    if (m_pid > 0) {
      kill(m_pid, SIGKILL);
      waitpid(m_pid, nullptr, 0);
    }
    if (m_out >= 0)
      close(m_out);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  /// The next line of stdout, or "" after `timeout`.
  std::string line(std::chrono::milliseconds timeout = 10s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      if (size_t nl = m_buffer.find('\n'); nl != std::string::npos) {
        auto text = m_buffer.substr(0, nl);
        m_buffer.erase(0, nl + 1);
        return text;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd pfd{m_out, POLLIN, 0};
      if (left.count() <= 0 || poll(&pfd, 1, static_cast<int>(left.count())) <= 0)
        return "";
      char chunk[4096];
      ssize_t n = read(m_out, chunk, sizeof(chunk));
      if (n <= 0)
        return "";
      m_buffer.append(chunk, static_cast<size_t>(n));
    }
  }

  /// SIGTERM, then the exit status within 10 s (-1 when killed by a signal or still running).
  int terminate() {
    kill(m_pid, SIGTERM);
    for (int i = 0; i < 500; ++i) {
      int status = 0;
      if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
        m_pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(20ms);
    }
    return -1;
  }

  bool started() const { return m_pid > 0; }

private:
  pid_t m_pid = -1;
  int m_out = -1;
  std::string m_buffer;
};

TEST_F(MailsinkTest, CommandPrintsRedactedLinesAndStopsOnSigterm) {
  auto dir = m_dir.path() / "mail";
  Child sink({k_launchgate, "mailsink", "--listen", "127.0.0.1:0", "--dir", dir.string()});
  ASSERT_TRUE(sink.started());
  auto first = sink.line();
  const std::string prefix = "mailsink: listening on 127.0.0.1:";
  ASSERT_EQ(first.rfind(prefix, 0), 0u) << first;
  int port = std::stoi(first.substr(prefix.size()));
  ASSERT_GT(port, 0);

  const std::string token = "q7Wm2Xn9Rt4Lk8Vb3Hc6Pz1Jd5Fg0Ys";
  auto sent = swaks(port, {"--to", "alice@acme.test", "--header", "Subject: Reset your password",
                           "--body", "Open http://127.0.0.1:9/reset?token=" + token + " now."});
  ASSERT_EQ(sent.code, 0) << sent.out << sent.err;
  auto line = sink.line();
  EXPECT_NE(line.find(" from=<sender@portal.test> to=<alice@acme.test> "
                      "subject=\"Reset your password\" size="),
            std::string::npos)
      << line;
  EXPECT_NE(line.find("links: <http://127.0.0.1:9/reset?token=q7Wm… (31 chars, fp "),
            std::string::npos)
      << line;
  EXPECT_EQ(line.find(token), std::string::npos) << "the token is never printed: " << line;
  auto saved = test::read_file(dir / "000001.eml");
  EXPECT_NE(saved.find(token), std::string::npos) << "the .eml file keeps the message whole";
  EXPECT_NE(line.find("file=" + (dir / "000001.eml").string()), std::string::npos) << line;

  EXPECT_EQ(sink.terminate(), 0);
}

TEST_F(MailsinkTest, CommandUsageErrorsExitTwo) {
  auto missing = test::run_command({k_launchgate, "mailsink"}, "", {}, 30);
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("--listen"), std::string::npos) << missing.err;

  auto bad =
      test::run_command({k_launchgate, "mailsink", "--listen", "localhost:2525"}, "", {}, 30);
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("launchgate: mailsink --listen localhost:2525: not host:port"),
            std::string::npos)
      << bad.err;

  auto holder = start_sink();
  ASSERT_TRUE(holder);
  auto busy =
      test::run_command({k_launchgate, "mailsink", "--listen", holder->address()}, "", {}, 30);
  EXPECT_EQ(busy.code, 2);
  EXPECT_NE(busy.err.find(holder->address() + ": address already in use"), std::string::npos)
      << busy.err;

  auto size = test::run_command(
      {k_launchgate, "mailsink", "--listen", "127.0.0.1:0", "--max-size", "0"}, "", {}, 30);
  EXPECT_EQ(size.code, 2) << size.err;
}

TEST(AuditMailbox, SinkThatCannotListenIsAConfigError) {
  auto holder = net::SmtpSink::start("127.0.0.1:0", 1000);
  ASSERT_TRUE(holder.has_value());
  test::TempDir dir;
  auto config =
      dir.write("lg.yaml", "target:\n  base_url: http://127.0.0.1:9\nmail:\n  smtp_sink: " +
                               (*holder)->address() + "\n");
  auto r = test::run_command({k_launchgate, "audit", "-c", config, "--only", "domain"}, "", {}, 60);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(
      r.err.find("launchgate: mail.smtp_sink " + (*holder)->address() + ": address already in use"),
      std::string::npos)
      << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

} // namespace
} // namespace lg
