// The SMTP sink over real loopback sockets (a plain client written here, no SMTP library): the
// dialogue, dot-stuffing, recipients, Mailbox watch/next, the size limit, the connection cap, the
// idle timeout and stopping with a client connected. Also the command mailbox and the mailsink
// command's redaction of links. Every wait is bounded; traffic stays on 127.0.0.1.

#include "app/commands.hpp"
#include "net/impl/command_mailbox.hpp"
#include "net/impl/smtp_sink.hpp"
#include "support/test_support.hpp"
#include "util/text.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <thread>

namespace lg {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

/// A blocking SMTP client on 127.0.0.1 with a 5 s limit on every read.
class Client {
public:
  explicit Client(int port) {
    m_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      close(m_fd);
      m_fd = -1;
    }
  }
  ~Client() { shut(); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return m_fd >= 0; }
  void shut() {
    if (m_fd >= 0)
      close(m_fd);
    m_fd = -1;
  }

  void send_raw(std::string_view text) const {
    while (!text.empty()) {
      ssize_t n = ::send(m_fd, text.data(), text.size(), MSG_NOSIGNAL);
      if (n <= 0)
        return;
      text.remove_prefix(static_cast<size_t>(n));
    }
  }
  void line(const std::string& text) const { send_raw(text + "\r\n"); }

  /// One reply (all its lines, "250-" continuations included), or "" on EOF or timeout.
  std::string reply(std::chrono::milliseconds timeout = 5s) {
    std::string out;
    auto deadline = Clock::now() + timeout;
    while (true) {
      size_t nl = m_buffer.find("\r\n");
      if (nl != std::string::npos) {
        std::string text = m_buffer.substr(0, nl);
        m_buffer.erase(0, nl + 2);
        out += text + "\n";
        if (text.size() < 4 || text[3] != '-')
          return out;
        continue;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0)
        return out;
      pollfd pfd{m_fd, POLLIN, 0};
      if (poll(&pfd, 1, static_cast<int>(left.count())) <= 0)
        return out;
      char chunk[4096];
      ssize_t n = recv(m_fd, chunk, sizeof(chunk), 0);
      if (n <= 0)
        return out;
      m_buffer.append(chunk, static_cast<size_t>(n));
    }
  }

  /// True when the server closed the connection within `timeout`.
  bool closed(std::chrono::milliseconds timeout = 5s) {
    pollfd pfd{m_fd, POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(timeout.count())) <= 0)
      return false;
    char c = 0;
    return recv(m_fd, &c, 1, 0) <= 0; // EOF, or a reset for input the server never read
  }

  /// Greeting, EHLO, MAIL, each RCPT, DATA and `data` (dot-stuffed by the caller), final reply.
  std::string send_mail(const std::string& from, const std::vector<std::string>& to,
                        const std::string& data) {
    if (reply().rfind("220 ", 0) != 0)
      return "no greeting";
    line("EHLO client.test");
    reply();
    line("MAIL FROM:<" + from + ">");
    if (auto r = reply(); r.rfind("250", 0) != 0)
      return r;
    for (const auto& t : to) {
      line("RCPT TO:<" + t + ">");
      reply();
    }
    line("DATA");
    if (auto r = reply(); r.rfind("354", 0) != 0)
      return r;
    send_raw(data);
    send_raw(".\r\n");
    return reply();
  }

private:
  int m_fd = -1;
  std::string m_buffer;
};

std::unique_ptr<net::SmtpSink> start_sink(net::SmtpSinkOptions options = {}) {
  auto sink = net::SmtpSink::start("127.0.0.1:0", std::move(options));
  EXPECT_TRUE(sink.has_value()) << (sink ? "" : sink.error().message);
  return sink ? std::move(*sink) : nullptr;
}

/// Sends one message to `to` over a new connection and quits; the final DATA reply.
std::string deliver(int port, const std::vector<std::string>& to, const std::string& data) {
  Client c(port);
  auto r = c.send_mail("sender@portal.test", to, data);
  c.line("QUIT");
  c.reply();
  return r;
}

TEST(SmtpSink, FullDialogueIsCaptured) {
  auto sink = start_sink();
  ASSERT_TRUE(sink);
  ASSERT_GT(sink->port(), 0);
  EXPECT_EQ(sink->address(), "127.0.0.1:" + std::to_string(sink->port()));

  Client c(sink->port());
  ASSERT_TRUE(c.connected());
  EXPECT_EQ(c.reply().rfind("220 ", 0), 0u);
  c.line("EHLO client.test");
  auto ehlo = c.reply();
  EXPECT_NE(ehlo.find("250-8BITMIME"), std::string::npos) << ehlo;
  EXPECT_NE(ehlo.find("SIZE 10485760"), std::string::npos) << ehlo;
  c.line("MAIL FROM:<no-reply@portal.test>");
  EXPECT_EQ(c.reply().substr(0, 3), "250");
  c.line("RCPT TO:<Alice@Acme.test>");
  EXPECT_EQ(c.reply().substr(0, 3), "250");
  c.line("DATA");
  EXPECT_EQ(c.reply().substr(0, 3), "354");
  c.send_raw("Subject: Reset\r\n\r\nHello\r\n.\r\n");
  EXPECT_EQ(c.reply().substr(0, 3), "250");
  c.line("QUIT");
  EXPECT_EQ(c.reply().substr(0, 3), "221");
  EXPECT_TRUE(c.closed());

  auto got = sink->next("alice@acme.test", 2s);
  ASSERT_TRUE(got.has_value()) << got.error().message;
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->mail_from, "no-reply@portal.test");
  EXPECT_EQ((*got)->recipients, std::vector<std::string>{"Alice@Acme.test"});
  EXPECT_EQ((*got)->data, "Subject: Reset\r\n\r\nHello\r\n");
  EXPECT_EQ(sink->received(), 1u);
}

TEST(SmtpSink, DotStuffingIsUndoneAndBareLfLinesAreRead) {
  auto sink = start_sink();
  ASSERT_TRUE(sink);
  Client c(sink->port());
  c.reply();
  c.send_raw("EHLO lf.test\n");
  c.reply();
  c.send_raw("MAIL FROM:<a@b.test>\nRCPT TO:<x@y.test>\n");
  c.reply();
  c.reply();
  c.send_raw("DATA\n");
  c.reply();
  c.send_raw("Subject: dots\n\n..leading dot\n...two\n.\n");
  EXPECT_EQ(c.reply().substr(0, 3), "250");
  auto got = sink->next("x@y.test", 2s);
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->data, "Subject: dots\r\n\r\n.leading dot\r\n..two\r\n");
}

TEST(SmtpSink, OneMessageToTwoRecipientsReachesBoth) {
  auto sink = start_sink();
  ASSERT_TRUE(sink);
  EXPECT_EQ(
      deliver(sink->port(), {"alice@acme.test", "bob@acme.test"}, "Subject: both\r\n\r\nx\r\n")
          .substr(0, 3),
      "250");
  for (const auto* who : {"alice@acme.test", "BOB@acme.test"}) {
    auto got = sink->next(who, 2s);
    ASSERT_TRUE(got && *got) << who;
    EXPECT_EQ((*got)->recipients.size(), 2u);
  }
  auto start = Clock::now();
  auto none = sink->next("carol@globex.test", 200ms);
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->has_value());
  EXPECT_GE(Clock::now() - start, 190ms);
  EXPECT_LT(Clock::now() - start, 3s);
}

TEST(SmtpSink, WatchSkipsEarlierMailAndNextAdvances) {
  auto sink = start_sink();
  ASSERT_TRUE(sink);
  deliver(sink->port(), {"bob@acme.test"}, "Subject: old\r\n\r\nold\r\n");
  ASSERT_TRUE(sink->watch("Bob@Acme.test"));
  auto none = sink->next("bob@acme.test", 200ms);
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->has_value());

  // A reader waiting in next() is woken by the message's arrival.
  auto waiting = std::async(std::launch::async, [&] { return sink->next("bob@acme.test", 10s); });
  std::this_thread::sleep_for(50ms);
  auto sent = Clock::now();
  deliver(sink->port(), {"bob@acme.test"}, "Subject: new 1\r\n\r\none\r\n");
  deliver(sink->port(), {"bob@acme.test"}, "Subject: new 2\r\n\r\ntwo\r\n");
  auto first = waiting.get();
  EXPECT_LT(Clock::now() - sent, 5s);
  ASSERT_TRUE(first && *first);
  EXPECT_NE((*first)->data.find("new 1"), std::string::npos);
  auto second = sink->next("bob@acme.test", 2s);
  ASSERT_TRUE(second && *second);
  EXPECT_NE((*second)->data.find("new 2"), std::string::npos);
  auto third = sink->next("bob@acme.test", 200ms);
  ASSERT_TRUE(third.has_value());
  EXPECT_FALSE(third->has_value());
}

TEST(SmtpSink, UnwatchedAddressGetsTheOldestKeptMessage) {
  net::SmtpSinkOptions options;
  options.max_kept_messages = 2;
  auto sink = start_sink(options);
  ASSERT_TRUE(sink);
  for (int i = 1; i <= 3; ++i)
    deliver(sink->port(), {"dave@globex.test"}, fmt::format("Subject: n{}\r\n\r\nx\r\n", i));
  auto got = sink->next("dave@globex.test", 2s);
  ASSERT_TRUE(got && *got);
  EXPECT_NE((*got)->data.find("Subject: n2"), std::string::npos) << "the first was dropped";
  EXPECT_EQ(sink->received(), 3u);
}

TEST(SmtpSink, MessagesOverTheSizeLimitAreRefused) {
  net::SmtpSinkOptions options;
  options.max_message_bytes = 1000;
  auto sink = start_sink(options);
  ASSERT_TRUE(sink);
  Client c(sink->port());
  c.reply();
  c.line("EHLO big.test");
  EXPECT_NE(c.reply().find("SIZE 1000"), std::string::npos);
  c.line("MAIL FROM:<a@b.test> SIZE=5000");
  EXPECT_EQ(c.reply().substr(0, 3), "552");
  c.line("MAIL FROM:<a@b.test>");
  EXPECT_EQ(c.reply().substr(0, 3), "250");
  c.line("RCPT TO:<x@y.test>");
  c.reply();
  c.line("DATA");
  c.reply();
  c.send_raw("Subject: big\r\n\r\n" + std::string(2000, 'a') + "\r\n.\r\n");
  EXPECT_EQ(c.reply().substr(0, 3), "552");
  EXPECT_EQ(sink->received(), 0u);
}

TEST(SmtpSink, OverlongLineClosesTheConnection) {
  auto sink = start_sink();
  ASSERT_TRUE(sink);
  Client c(sink->port());
  c.reply();
  c.send_raw(std::string(256 * 1024 + 100, 'x')); // all read by the sink: it closes with a FIN
  EXPECT_EQ(c.reply().substr(0, 3), "500");
  EXPECT_TRUE(c.closed());
}

TEST(SmtpSink, ConnectionsOverTheCapAreTurnedAway) {
  net::SmtpSinkOptions options;
  options.max_connections = 2;
  auto sink = start_sink(options);
  ASSERT_TRUE(sink);
  Client a(sink->port());
  Client b(sink->port());
  EXPECT_EQ(a.reply().substr(0, 3), "220");
  EXPECT_EQ(b.reply().substr(0, 3), "220");
  {
    Client over(sink->port());
    EXPECT_EQ(over.reply().substr(0, 4), "421 ");
    EXPECT_TRUE(over.closed());
  }
  a.shut();
  // The freed slot is reused once the sink has seen the close (bounded retries).
  bool admitted = false;
  for (int i = 0; i < 40 && !admitted; ++i) {
    Client again(sink->port());
    admitted = again.reply().substr(0, 3) == "220";
    if (!admitted)
      std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(admitted);
}

TEST(SmtpSink, IdleClientsAreClosed) {
  net::SmtpSinkOptions options;
  options.idle_timeout = 200ms;
  auto sink = start_sink(options);
  ASSERT_TRUE(sink);
  Client c(sink->port());
  c.reply();
  auto start = Clock::now();
  EXPECT_EQ(c.reply().substr(0, 4), "421 ");
  EXPECT_TRUE(c.closed());
  EXPECT_LT(Clock::now() - start, 3s);
}

TEST(SmtpSink, DestructorStopsWithAClientStillConnected) {
  auto sink = start_sink();
  ASSERT_TRUE(sink);
  Client c(sink->port());
  c.reply();
  c.line("EHLO stay.test");
  c.reply();
  c.line("MAIL FROM:<a@b.test>");
  c.reply();
  auto start = Clock::now();
  sink.reset();
  EXPECT_LT(Clock::now() - start, 3s);
  EXPECT_EQ(c.reply().substr(0, 4), "421 ");
  EXPECT_TRUE(c.closed());
}

TEST(SmtpSink, OnMessageSeesEachMessage) {
  std::vector<std::string> subjects;
  net::SmtpSinkOptions options;
  options.on_message = [&](const net::MailMessage& m) { subjects.push_back(m.data.substr(0, 12)); };
  auto sink = start_sink(options);
  ASSERT_TRUE(sink);
  deliver(sink->port(), {"x@y.test"}, "Subject: one\r\n\r\n1\r\n");
  ASSERT_TRUE(sink->next("x@y.test", 2s).value());
  sink.reset(); // joins the connection threads before `subjects` is read
  EXPECT_EQ(subjects, std::vector<std::string>{"Subject: one"});
}

TEST(SmtpSink, StartErrorsNameTheAddressAndTheCause) {
  auto first = start_sink();
  ASSERT_TRUE(first);
  auto taken = "127.0.0.1:" + std::to_string(first->port());
  auto again = net::SmtpSink::start(taken, 1000);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().message, taken + ": address already in use");
  for (const auto* bad : {"localhost:2525", "127.0.0.1", "127.0.0.1:99999", "::1:25", ""}) {
    auto r = net::SmtpSink::start(bad, 1000);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::config) << bad;
    EXPECT_NE(r.error().message.find("host:port"), std::string::npos) << r.error().message;
  }
  if (auto v6 = net::SmtpSink::start("[::1]:0", 1000)) {
    EXPECT_EQ((*v6)->address(), "[::1]:" + std::to_string((*v6)->port()));
  }
}

// ---------------------------------------------------------------------------------------------
// The command mailbox.

TEST(CommandMailbox, AddressIsQuotedAndPassedAsFirstArgument) {
  net::CommandMailbox box("printf '%s|%s' {address} \"$1\"");
  std::string nasty = "o'brien$(id)@acme.test";
  auto out = box.fetch(nasty);
  ASSERT_TRUE(out.has_value()) << out.error().message;
  EXPECT_EQ(*out, nasty + "|" + nasty);
}

TEST(CommandMailbox, NextWaitsForOutputThatDiffersFromTheWatchedOne) {
  test::TempDir dir;
  auto file = dir.write("inbox", "Subject: old\n\nold\n");
  net::CommandMailboxOptions options;
  options.poll_interval = 20ms;
  net::CommandMailbox box("cat " + lg::shell_quote(file), options);
  ASSERT_TRUE(box.watch("alice@acme.test"));
  auto start = Clock::now();
  auto none = box.next("alice@acme.test", 200ms);
  ASSERT_TRUE(none.has_value()) << none.error().message;
  EXPECT_FALSE(none->has_value());
  EXPECT_GE(Clock::now() - start, 190ms);

  auto writer = std::async(std::launch::async, [&] {
    std::this_thread::sleep_for(100ms);
    dir.write("inbox", "Subject: new\n\nnew\n");
  });
  auto got = box.next("alice@acme.test", 5s);
  writer.get();
  ASSERT_TRUE(got.has_value()) << got.error().message;
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->data, "Subject: new\r\n\r\nnew\r\n");
  EXPECT_TRUE((*got)->recipients.empty());
  auto same = box.next("alice@acme.test", 100ms);
  ASSERT_TRUE(same.has_value());
  EXPECT_FALSE(same->has_value()) << "the same output is not a new message";
}

TEST(CommandMailbox, EmptyOutputIsNoMessage) {
  net::CommandMailbox box("true");
  auto got = box.next("a@b.test", 50ms);
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(got->has_value());
}

TEST(CommandMailbox, FailuresNameTheStatusAndStderr) {
  net::CommandMailbox failing("echo 'inbox API: 401 unauthorized' >&2; echo more >&2; exit 3");
  auto r = failing.next("a@b.test", 1s);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "mail.command exited with status 3: inbox API: 401 unauthorized");
  EXPECT_FALSE(failing.watch("a@b.test").has_value());

  net::CommandMailboxOptions options;
  options.run_timeout_ms = 200;
  net::CommandMailbox slow("sleep 5", options);
  auto start = Clock::now();
  auto t = slow.fetch("a@b.test");
  ASSERT_FALSE(t.has_value());
  EXPECT_NE(t.error().message.find("did not finish"), std::string::npos) << t.error().message;
  EXPECT_LT(Clock::now() - start, 3s);

  options.max_output_bytes = 100;
  net::CommandMailbox loud("head -c 1000 /dev/zero", options);
  auto big = loud.fetch("a@b.test");
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().kind, ErrorKind::budget);
}

// ---------------------------------------------------------------------------------------------
// What `launchgate mailsink` prints.

TEST(Mailsink, LinksNeverShowATokenInFull) {
  const std::string token = "Zk3vQ9xLw2PaR7tYb5NcE1uHg8sJd4Mf";
  auto query = app::redact_link("http://127.0.0.1:8080/reset?token=" + token + "&lang=en#frag");
  EXPECT_EQ(query.find(token), std::string::npos) << query;
  EXPECT_EQ(query.find("=en"), std::string::npos) << "every query value: " << query;
  EXPECT_EQ(query.rfind("http://127.0.0.1:8080/reset?token=Zk3v… (32 chars, fp ", 0), 0u) << query;

  auto path = app::redact_link("https://portal.test/invite/" + token + "/accept");
  EXPECT_EQ(path.find(token), std::string::npos) << path;
  EXPECT_EQ(path.rfind("https://portal.test/invite/Zk3v…", 0), 0u) << path;
  EXPECT_NE(path.find("/accept"), std::string::npos);

  EXPECT_EQ(app::redact_link("https://portal.test/account/password-reset"),
            "https://portal.test/account/password-reset");
  auto user = app::redact_link("https://user:hunter2hunter2@portal.test/");
  EXPECT_EQ(user.find("hunter2hunter2"), std::string::npos) << user;
  EXPECT_NE(user.find("@portal.test/"), std::string::npos) << user;
}

TEST(Mailsink, LineShowsEnvelopeSubjectSizeAndRedactedLinks) {
  const std::string token = "abcdefghijklmnop0123456789ABCDEF";
  net::MailMessage m{"no-reply@portal.test",
                     {"alice@acme.test"},
                     "Subject: Reset your password\x1b[31m\r\n\r\nOpen "
                     "http://127.0.0.1:9/reset?token=" +
                         token + "\r\n"};
  auto line = app::mailsink_line(m, "2024-05-01T12:00:00Z");
  EXPECT_EQ(line.find(token), std::string::npos) << line;
  EXPECT_EQ(line.find('\x1b'), std::string::npos) << "no terminal escapes: " << line;
  EXPECT_EQ(line.rfind("2024-05-01T12:00:00Z from=<no-reply@portal.test> to=<alice@acme.test> "
                       "subject=\"Reset your password?[31m\" size=",
                       0),
            0u)
      << line;
  EXPECT_NE(line.find("links: <http://127.0.0.1:9/reset?token=abcd… (32 chars, fp "),
            std::string::npos)
      << line;
}

} // namespace
} // namespace lg
