// The monitor's alert delivery without a network: the webhook, Slack and e-mail renderings (JSON
// that parses, RFC 5322 that cannot be injected into), the channels over fakes of HttpClient and
// MailTransport, and the dispatcher thread with fake channels: retries, giving up, overflow,
// per-channel order, and stop/flush bounded in time. Backoffs are milliseconds here.

#include "monitor/notify.hpp"

#include "analyze/smtp.hpp"
#include "util/text.hpp"

#include "fakes.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace lg::monitor {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr std::int64_t k_at = 1772532000000; // 2026-03-03T10:00:00Z

Notification down_home() {
  Notification n;
  n.event.kind = AlertKind::down;
  n.event.check = "home";
  n.event.at_ms = k_at;
  n.event.since_ms = k_at - 120000;
  n.event.consecutive = 3;
  n.event.text = "home is down: 3 failures in a row";
  n.monitor = "portal.example";
  n.target = "https://portal.example/health";
  n.detail = "connection refused";
  n.status = 503;
  n.latency_ms = 12.34;
  n.status_page = "https://status.portal.example/";
  return n;
}

/// The message's header block (up to the blank line).
std::string headers_of(const std::string& message) {
  return message.substr(0, message.find("\r\n\r\n") + 2);
}

TEST(MonitorNotifyJson, WebhookCarriesEveryField) {
  auto j = json::parse(webhook_json(down_home()));
  EXPECT_EQ(j["schema"], "launchgate.alert/1");
  EXPECT_EQ(j["event"], "down");
  EXPECT_EQ(j["state"], "DOWN");
  EXPECT_EQ(j["check"], "home");
  EXPECT_EQ(j["target"], "https://portal.example/health");
  EXPECT_EQ(j["at"], "2026-03-03T10:00:00Z");
  EXPECT_EQ(j["since"], "2026-03-03T09:58:00Z");
  EXPECT_EQ(j["consecutive"], 3);
  EXPECT_EQ(j["text"], "home is down: 3 failures in a row");
  EXPECT_EQ(j["detail"], "connection refused");
  EXPECT_EQ(j["status"], 503);
  EXPECT_DOUBLE_EQ(j["latency_ms"].get<double>(), 12.3);
  EXPECT_EQ(j["monitor"], "portal.example");
  EXPECT_EQ(j["status_page"], "https://status.portal.example/");
}

TEST(MonitorNotifyJson, SpikeHasNullsForWhatIsAbsentAndBadUtf8StillParses) {
  Notification n;
  n.event.kind = AlertKind::spike;
  n.event.at_ms = k_at;
  n.event.text = "40% of runs failed";
  n.detail = std::string("bad \xff\xfe bytes");
  auto j = json::parse(webhook_json(n));
  EXPECT_EQ(j["event"], "spike");
  EXPECT_TRUE(j["check"].is_null());
  EXPECT_TRUE(j["target"].is_null());
  EXPECT_TRUE(j["since"].is_null());
  EXPECT_TRUE(j["status"].is_null());
  EXPECT_TRUE(j["status_page"].is_null());
  EXPECT_NE(j["detail"].get<std::string>().find("bad"), std::string::npos);
}

TEST(MonitorNotifyJson, SlackIsOneEscapedLineWithTheStateWord) {
  auto n = down_home();
  n.detail = "expected <200> & got\r\n503";
  auto j = json::parse(slack_json(n));
  ASSERT_TRUE(j.contains("text"));
  std::string text = j["text"];
  EXPECT_TRUE(text.starts_with("DOWN home on portal.example (https://portal.example/health)"))
      << text;
  EXPECT_NE(text.find("expected &lt;200&gt; &amp; got  503"), std::string::npos) << text;
  EXPECT_NE(text.find("https://status.portal.example/"), std::string::npos);
  EXPECT_EQ(text.find('\n'), std::string::npos);
  EXPECT_EQ(text.find('<'), std::string::npos);

  n.event.kind = AlertKind::reminder;
  EXPECT_TRUE(json::parse(slack_json(n))["text"].get<std::string>().starts_with("STILL DOWN"));
  n.event.kind = AlertKind::up;
  EXPECT_TRUE(json::parse(slack_json(n))["text"].get<std::string>().starts_with("UP home"));
}

MailSettings mail_settings() {
  MailSettings m;
  m.server.host = "smtp.example.com";
  m.from = "alerts@portal.example";
  m.to = {"ops@portal.example", "oncall@portal.example"};
  return m;
}

TEST(MonitorNotifyEmail, HeadersAndCrlfLineEnds) {
  std::string msg = email_message(down_home(), mail_settings(), k_at + 5000);
  std::string head = headers_of(msg);
  EXPECT_NE(head.find("Date: Tue, 03 Mar 2026 10:00:05 +0000\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("From: launchgate monitor <alerts@portal.example>\r\n"), std::string::npos);
  EXPECT_NE(head.find("To: ops@portal.example, oncall@portal.example\r\n"), std::string::npos);
  EXPECT_NE(head.find("Subject: [launchgate] DOWN home\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Message-ID: <1772532005000."), std::string::npos);
  EXPECT_NE(head.find("@portal.example>\r\n"), std::string::npos);
  EXPECT_NE(head.find("MIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Transfer-Encoding: 7bit\r\n"), std::string::npos);
  std::string body = msg.substr(head.size() + 2);
  EXPECT_NE(body.find("Target:      https://portal.example/health\r\n"), std::string::npos) << body;
  EXPECT_NE(body.find("Last error:  connection refused\r\n"), std::string::npos);
  for (size_t i = 0; i < msg.size(); ++i) {
    if (msg[i] == '\n') {
      ASSERT_TRUE(i > 0 && msg[i - 1] == '\r') << "bare LF at " << i;
    }
    if (msg[i] == '\r') {
      ASSERT_TRUE(i + 1 < msg.size() && msg[i + 1] == '\n') << "bare CR at " << i;
    }
  }
}

TEST(MonitorNotifyEmail, HeaderValuesCannotAddHeaders) {
  auto n = down_home();
  n.event.check = "home\r\nBcc: victim@evil.example";
  auto m = mail_settings();
  m.from = "alerts@portal.example\r\nX-Injected: 1";
  m.to = {"ops@portal.example\nCc: more@evil.example"};
  n.detail = "line one\r\nline two\rline three\nline four";
  std::string msg = email_message(n, m, k_at);
  std::string head = headers_of(msg);
  for (const char* injected : {"\r\nBcc:", "\r\nX-Injected:", "\r\nCc:"})
    EXPECT_EQ(head.find(injected), std::string::npos) << injected << " in\n" << head;
  EXPECT_NE(head.find("Subject: [launchgate] DOWN homeBcc: victim@evil.example\r\n"),
            std::string::npos)
      << head;
  // The body keeps each line of the detail on a line of its own, CRLF-ended.
  EXPECT_NE(msg.find("line two\r\nline three\r\nline four\r\n"), std::string::npos) << msg;
}

TEST(MonitorNotifyEmail, NonAsciiSubjectIsEncodedAndLongLinesAreCut) {
  auto n = down_home();
  n.event.check = "caf\xc3\xa9-api";
  n.detail = std::string(5000, 'x');
  std::string msg = email_message(n, mail_settings(), k_at);
  std::string head = headers_of(msg);
  EXPECT_NE(head.find("Subject: =?UTF-8?B?"), std::string::npos) << head;
  EXPECT_NE(head.find("Content-Transfer-Encoding: base64\r\n"), std::string::npos);
  size_t start = 0;
  for (size_t end = msg.find("\r\n"); end != std::string::npos; end = msg.find("\r\n", start)) {
    EXPECT_LE(end - start, 998u);
    start = end + 2;
  }
  // The subject decodes back to the check's name.
  EXPECT_NE(head.find(base64_encode("[launchgate] DOWN caf\xc3\xa9-api")), std::string::npos);
}

TEST(MonitorNotifyEmail, SmtpServerAddresses) {
  using Tls = net::MailServer::Tls;
  auto a = parse_smtp_server("smtp.example.com:2525", Tls::starttls);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->host, "smtp.example.com");
  EXPECT_EQ(a->port, 2525);
  EXPECT_EQ(parse_smtp_server("smtp.example.com", Tls::starttls)->port, 587);
  EXPECT_EQ(parse_smtp_server("smtp.example.com", Tls::implicit)->port, 465);
  EXPECT_EQ(parse_smtp_server("smtp.example.com", Tls::none)->port, 25);
  auto v6 = parse_smtp_server("[::1]:25", Tls::none);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  for (const char* bad : {"", ":25", "host:", "host:0", "host:70000", "::1:25", "a b:25",
                          "user@host:25", "[::1", "host:25x"}) {
    auto r = parse_smtp_server(bad, Tls::starttls);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().kind, ErrorKind::config);
    }
  }
}

TEST(MonitorNotifyChannel, WebhookPostsJsonAndNamesTheStatusWithoutTheSecretPath) {
  test::FakeHttp http;
  http.handler = [](const net::HttpRequest&) { return test::respond(204); };
  const std::string url = "https://hooks.example.com/services/T000/B000/s3cr3tT0k3nValue";
  WebhookChannel slack(http, url, WebhookChannel::Format::slack);
  ASSERT_TRUE(slack.send(down_home()));
  ASSERT_EQ(http.seen.size(), 1u);
  EXPECT_EQ(http.seen[0].method, "POST");
  EXPECT_EQ(http.seen[0].url, url);
  EXPECT_EQ(http.seen[0].headers.at(0).name, "Content-Type");
  EXPECT_EQ(http.seen[0].headers.at(0).value, "application/json");
  EXPECT_TRUE(json::parse(http.seen[0].body).contains("text"));
  EXPECT_EQ(slack.name().find("s3cr3t"), std::string::npos) << slack.name();

  http.handler = [](const net::HttpRequest&) { return test::respond(500, "boom"); };
  auto failed = slack.send(down_home());
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("HTTP 500"), std::string::npos);
  EXPECT_NE(failed.error().message.find("hooks.example.com"), std::string::npos);
  EXPECT_EQ(failed.error().message.find("s3cr3t"), std::string::npos) << failed.error().message;

  http.fail_when = [](const net::HttpRequest&) { return true; };
  auto unreachable = slack.send(down_home());
  ASSERT_FALSE(unreachable);
  EXPECT_EQ(unreachable.error().kind, ErrorKind::network);
  EXPECT_EQ(unreachable.error().message.find("s3cr3t"), std::string::npos)
      << unreachable.error().message;
}

class FakeTransport final : public net::MailTransport {
public:
  std::vector<std::pair<net::MailServer, net::OutgoingMail>> sent;
  Expected<void> send(const net::MailServer& server, const net::OutgoingMail& mail) override {
    sent.emplace_back(server, mail);
    return {};
  }
};

TEST(MonitorNotifyChannel, EmailHandsTheMessageAndEnvelopeToTheTransport) {
  FakeTransport transport;
  EmailChannel channel(transport, mail_settings());
  ASSERT_TRUE(channel.send(down_home()));
  ASSERT_EQ(transport.sent.size(), 1u);
  const auto& [server, mail] = transport.sent[0];
  EXPECT_EQ(server.host, "smtp.example.com");
  EXPECT_EQ(mail.from, "alerts@portal.example");
  EXPECT_EQ(mail.to, mail_settings().to);
  EXPECT_NE(mail.message.find("Subject: [launchgate] DOWN home\r\n"), std::string::npos);
  EXPECT_EQ(channel.name(), "email ops@portal.example, oncall@portal.example");
}

// --- dispatcher ---------------------------------------------------------------------------------

/// A channel whose answers a test scripts; records what it was sent (the `consecutive` field
/// numbers the notifications).
class ScriptedChannel final : public AlertChannel {
public:
  struct State {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::int64_t> attempts; ///< in order, every attempt
    int failures_left = 0;              ///< fail this many times first (-1: always)
    bool hold = false;                  ///< block in send() until released
    std::chrono::milliseconds delay{0};
    bool throws = false;
  };
  explicit ScriptedChannel(std::shared_ptr<State> state, std::string name = "fake")
      : m_state(std::move(state)), m_name(std::move(name)) {}
  std::string name() const override { return m_name; }
  Expected<void> send(const Notification& n) override {
    std::unique_lock lock(m_state->mutex);
    m_state->attempts.push_back(n.event.consecutive);
    m_state->changed.notify_all();
    m_state->changed.wait_for(lock, 10s, [&] { return !m_state->hold; });
    if (m_state->delay.count() > 0)
      std::this_thread::sleep_for(m_state->delay);
    if (m_state->throws)
      throw std::runtime_error("channel blew up");
    if (m_state->failures_left != 0) {
      if (m_state->failures_left > 0)
        --m_state->failures_left;
      return unexpected(ErrorKind::network, "refused");
    }
    return {};
  }

private:
  std::shared_ptr<State> m_state;
  std::string m_name;
};

Notification numbered(std::int64_t i) {
  auto n = down_home();
  n.event.consecutive = i;
  return n;
}

struct Log {
  std::mutex mutex;
  std::vector<std::string> lines;
  std::function<void(const std::string&)> sink() {
    return [this](const std::string& line) {
      std::lock_guard lock(mutex);
      lines.push_back(line);
    };
  }
  std::vector<std::string> copy() {
    std::lock_guard lock(mutex);
    return lines;
  }
};

std::vector<std::unique_ptr<AlertChannel>>
channels_of(std::initializer_list<std::shared_ptr<ScriptedChannel::State>> states) {
  std::vector<std::unique_ptr<AlertChannel>> out;
  int i = 0;
  for (const auto& s : states)
    out.push_back(std::make_unique<ScriptedChannel>(s, "fake" + std::to_string(i++)));
  return out;
}

const std::vector<std::chrono::milliseconds> k_tiny{1ms, 2ms, 3ms};

TEST(MonitorNotifyDispatcher, RetriesAFailedDeliveryThenSucceeds) {
  auto state = std::make_shared<ScriptedChannel::State>();
  state->failures_left = 2;
  Log log;
  AlertDispatcher d(channels_of({state}), log.sink(), k_tiny);
  d.post(numbered(1));
  ASSERT_TRUE(d.flush(5s));
  EXPECT_EQ(d.delivered(), 1);
  EXPECT_EQ(d.failed(), 0);
  EXPECT_EQ(state->attempts, (std::vector<std::int64_t>{1, 1, 1}));
  auto lines = log.copy();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("alert down home to fake0: refused; retry 1 of 3 in 1 ms"),
            std::string::npos)
      << lines[0];
  EXPECT_NE(lines[1].find("retry 2 of 3"), std::string::npos) << lines[1];
}

TEST(MonitorNotifyDispatcher, GivesUpAfterTheLastRetry) {
  auto state = std::make_shared<ScriptedChannel::State>();
  state->failures_left = -1;
  Log log;
  AlertDispatcher d(channels_of({state}), log.sink(), k_tiny);
  d.post(numbered(1));
  ASSERT_TRUE(d.flush(5s));
  EXPECT_EQ(d.delivered(), 0);
  EXPECT_EQ(d.failed(), 1);
  EXPECT_EQ(state->attempts.size(), 4u);
  auto lines = log.copy();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_NE(lines.back().find("given up after 4 attempts"), std::string::npos) << lines.back();
}

TEST(MonitorNotifyDispatcher, AThrowingChannelIsAFailureNotACrash) {
  auto state = std::make_shared<ScriptedChannel::State>();
  state->throws = true;
  Log log;
  AlertDispatcher d(channels_of({state}), log.sink(), {});
  d.post(numbered(1));
  ASSERT_TRUE(d.flush(5s));
  EXPECT_EQ(d.failed(), 1);
  ASSERT_EQ(log.copy().size(), 1u);
  EXPECT_NE(log.copy()[0].find("channel blew up"), std::string::npos);
}

TEST(MonitorNotifyDispatcher, AFullQueueDropsItsOldest) {
  auto state = std::make_shared<ScriptedChannel::State>();
  state->hold = true;
  Log log;
  AlertDispatcher d(channels_of({state}), log.sink(), k_tiny);
  d.post(numbered(0));
  {
    // Wait until notification 0 is in flight (held), so the queue behind it is what fills.
    std::unique_lock lock(state->mutex);
    ASSERT_TRUE(state->changed.wait_for(lock, 5s, [&] { return !state->attempts.empty(); }));
  }
  const auto n = static_cast<std::int64_t>(AlertDispatcher::k_queue);
  for (std::int64_t i = 1; i <= n + 5; ++i)
    d.post(numbered(i));
  EXPECT_EQ(d.dropped(), 5);
  {
    std::lock_guard lock(state->mutex);
    state->hold = false;
  }
  state->changed.notify_all();
  ASSERT_TRUE(d.flush(10s));
  EXPECT_EQ(d.delivered(), n + 1);
  std::lock_guard lock(state->mutex);
  ASSERT_EQ(state->attempts.size(), static_cast<size_t>(n + 1));
  EXPECT_EQ(state->attempts[0], 0);
  EXPECT_EQ(state->attempts[1], 6); // 1..5 were the oldest waiting, dropped
  EXPECT_EQ(state->attempts.back(), n + 5);
  bool logged = false;
  for (const auto& line : log.copy())
    logged = logged || line.find("dropped") != std::string::npos;
  EXPECT_TRUE(logged);
}

TEST(MonitorNotifyDispatcher, AFailingChannelHoldsUpOnlyItselfAndStopSendsItsQueueOnce) {
  auto broken = std::make_shared<ScriptedChannel::State>();
  broken->failures_left = -1;
  auto healthy = std::make_shared<ScriptedChannel::State>();
  Log log;
  auto d = std::make_unique<AlertDispatcher>(channels_of({broken, healthy}), log.sink(),
                                             std::vector<std::chrono::milliseconds>{30s, 30s});
  for (std::int64_t i = 1; i <= 3; ++i)
    d->post(numbered(i));
  {
    std::unique_lock lock(healthy->mutex);
    ASSERT_TRUE(healthy->changed.wait_for(lock, 5s, [&] { return healthy->attempts.size() == 3; }));
    EXPECT_EQ(healthy->attempts, (std::vector<std::int64_t>{1, 2, 3}));
  }
  EXPECT_FALSE(d->flush(50ms)); // the broken lane waits 30 s before its retry
  auto start = Clock::now();
  d->stop();
  EXPECT_LT(Clock::now() - start, 5s);
  // Its first notification failed once and waited; stop sent each queued one once, in order.
  EXPECT_EQ(broken->attempts, (std::vector<std::int64_t>{1, 1, 2, 3}));
  EXPECT_EQ(d->delivered(), 3);
  EXPECT_EQ(d->failed(), 3);
  d->post(numbered(4));
  EXPECT_EQ(d->dropped(), 2); // after stop: one per channel
}

TEST(MonitorNotifyDispatcher, StopIsBoundedByItsDeadline) {
  auto slow = std::make_shared<ScriptedChannel::State>();
  slow->delay = 50ms;
  Log log;
  AlertDispatcher d(channels_of({slow}), log.sink(), k_tiny, 200ms);
  for (std::int64_t i = 1; i <= 100; ++i)
    d.post(numbered(i));
  auto start = Clock::now();
  d.stop();
  auto took = Clock::now() - start;
  EXPECT_LT(took, 2s);
  EXPECT_GT(d.dropped(), 0);
  EXPECT_EQ(d.delivered() + d.failed() + d.dropped(), 100);
  auto lines = log.copy();
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines.back().find("not sent within 200 ms"), std::string::npos) << lines.back();
}

TEST(MonitorNotifyDispatcher, FlushReturnsFalseWithinItsTimeoutWhileARetryWaits) {
  auto state = std::make_shared<ScriptedChannel::State>();
  state->failures_left = 1;
  AlertDispatcher d(channels_of({state}), nullptr, {std::chrono::milliseconds(300)});
  d.post(numbered(1));
  auto start = Clock::now();
  EXPECT_FALSE(d.flush(100ms));
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_TRUE(d.flush(5s)); // the retry after 300 ms succeeds
  EXPECT_EQ(d.delivered(), 1);
}

TEST(MonitorNotifyDispatcher, NoChannelsIsHarmless) {
  AlertDispatcher d({}, nullptr);
  d.post(numbered(1));
  EXPECT_TRUE(d.flush(1s));
  d.stop();
  d.stop();
  EXPECT_EQ(d.delivered() + d.failed() + d.dropped(), 0);
}

// --- the sink's STARTTLS and AUTH (analyze::SmtpDialogue), which the integration tests use ------

TEST(MonitorNotifySinkDialogue, DefaultsAreUnchangedAndOfferNeither) {
  analyze::SmtpDialogue d(1000);
  EXPECT_EQ(d.feed("EHLO client").text, "250-launchgate.sink greets client\r\n250-8BITMIME\r\n"
                                        "250-SIZE 1000\r\n250 SMTPUTF8\r\n");
  EXPECT_TRUE(d.feed("STARTTLS").text.starts_with("502 "));
  EXPECT_TRUE(d.feed("AUTH PLAIN AGEAYg==").text.starts_with("502 "));
  EXPECT_TRUE(d.feed("MAIL FROM:<a@b.example>").text.starts_with("250 "));
}

TEST(MonitorNotifySinkDialogue, StartTlsThenAuthPlainThenMail) {
  analyze::SmtpDialogue d(1000);
  d.offer_starttls();
  d.require_auth("alerts", "pw");
  std::string ehlo = d.feed("EHLO client").text;
  EXPECT_NE(ehlo.find("250-STARTTLS\r\n"), std::string::npos) << ehlo;
  EXPECT_EQ(ehlo.find("AUTH"), std::string::npos) << ehlo; // not before TLS
  EXPECT_TRUE(d.feed("AUTH PLAIN " + base64_encode(std::string("\0alerts\0pw", 10)))
                  .text.starts_with("538 "));
  EXPECT_TRUE(d.feed("MAIL FROM:<a@b.example>").text.starts_with("530 "));
  auto starttls = d.feed("STARTTLS");
  EXPECT_TRUE(starttls.start_tls);
  EXPECT_TRUE(starttls.text.starts_with("220 "));
  d.tls_started();
  EXPECT_TRUE(d.feed("MAIL FROM:<a@b.example>").text.starts_with("503 ")); // EHLO again first
  ehlo = d.feed("EHLO client").text;
  EXPECT_EQ(ehlo.find("STARTTLS"), std::string::npos) << ehlo;
  EXPECT_NE(ehlo.find("250-AUTH PLAIN LOGIN\r\n"), std::string::npos) << ehlo;
  EXPECT_TRUE(d.feed("AUTH PLAIN " + base64_encode(std::string("\0alerts\0no", 10)))
                  .text.starts_with("535 "));
  EXPECT_TRUE(d.feed("AUTH PLAIN").text.starts_with("334 "));
  EXPECT_TRUE(d.feed(base64_encode(std::string("\0alerts\0pw", 10))).text.starts_with("235 "));
  EXPECT_TRUE(d.feed("MAIL FROM:<a@b.example>").text.starts_with("250 "));
  EXPECT_TRUE(d.feed("RCPT TO:<c@d.example>").text.starts_with("250 "));
  EXPECT_TRUE(d.feed("DATA").text.starts_with("354 "));
  d.feed("Subject: x");
  EXPECT_TRUE(d.feed(".").text.starts_with("250 "));
  auto mails = d.take();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].auth_user, "alerts");
  EXPECT_TRUE(mails[0].tls);
}

TEST(MonitorNotifySinkDialogue, AuthLoginAndCancelAndGarbage) {
  analyze::SmtpDialogue d(1000);
  d.require_auth("alerts", "pw"); // no STARTTLS offered: AUTH in plain text (a local relay)
  EXPECT_NE(d.feed("EHLO client").text.find("250-AUTH PLAIN LOGIN\r\n"), std::string::npos);
  EXPECT_EQ(d.feed("AUTH LOGIN").text, "334 VXNlcm5hbWU6\r\n");
  EXPECT_TRUE(d.feed("*").text.starts_with("501 "));
  EXPECT_TRUE(d.feed("AUTH LOGIN").text.starts_with("334 "));
  EXPECT_TRUE(d.feed("!!not base64!!").text.starts_with("501 "));
  EXPECT_TRUE(d.feed("AUTH CRAM-MD5").text.starts_with("504 "));
  EXPECT_TRUE(d.feed("AUTH LOGIN " + base64_encode("alerts")).text.starts_with("334 "));
  EXPECT_TRUE(d.feed(base64_encode("pw")).text.starts_with("235 "));
  EXPECT_TRUE(d.feed("AUTH LOGIN").text.starts_with("503 ")); // once per session
  EXPECT_TRUE(d.feed("MAIL FROM:<a@b.example>").text.starts_with("250 "));
}

} // namespace
} // namespace lg::monitor
