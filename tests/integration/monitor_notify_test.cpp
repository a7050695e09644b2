// The monitor's alert channels over real sockets on 127.0.0.1: webhooks through CurlHttpClient to
// a scripted loopback HTTP server (the body as received, a 500 as an error), e-mail through
// CurlMailTransport to launchgate's own SMTP sink — plain, and with STARTTLS and a required AUTH
// (certificates from the test CA): delivered, a wrong password refused without being printed, a
// server without STARTTLS refused rather than used in plain text, an untrusted certificate
// refused. Every wait is bounded.

#include "monitor/notify.hpp"
#include "net/impl/curl_http.hpp"
#include "net/impl/curl_mail.hpp"
#include "net/impl/smtp_sink.hpp"
#include "support/loopback_server.hpp"
#include "support/tls_fixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <mutex>

namespace lg::monitor {
namespace {

using namespace std::chrono_literals;

Notification down_home() {
  Notification n;
  n.event.kind = AlertKind::down;
  n.event.check = "home";
  n.event.at_ms = 1772532000000;
  n.event.since_ms = 1772531880000;
  n.event.consecutive = 3;
  n.event.text = "home is down: 3 failures in a row";
  n.monitor = "portal.example";
  n.target = "https://portal.example/health";
  n.detail = "connection refused";
  return n;
}

/// A loopback HTTP server answering `status`, keeping the last request it saw.
struct Hook {
  explicit Hook(int status)
      : server([this, status](const std::string& request) {
          std::lock_guard lock(mutex);
          last = request;
          return test::http_answer(status, "text/plain", "ok");
        }) {}
  std::string request() {
    std::lock_guard lock(mutex);
    return last;
  }
  std::mutex mutex;
  std::string last;
  test::LoopbackServer server;
};

/// The body of a raw request (what follows the blank line).
std::string body_of(const std::string& request) {
  size_t end = request.find("\r\n\r\n");
  return end == std::string::npos ? "" : request.substr(end + 4);
}

TEST(MonitorNotifyWebhook, JsonBodyArrivesAsPosted) {
  Hook hook(200);
  net::CurlHttpClient http(net::CurlOptions{});
  WebhookChannel channel(http, hook.server.url("/hooks/alerts?token=s3cr3t"),
                         WebhookChannel::Format::json);
  auto sent = channel.send(down_home());
  ASSERT_TRUE(sent) << sent.error().message;
  std::string request = hook.request();
  EXPECT_TRUE(request.starts_with("POST /hooks/alerts?token=s3cr3t HTTP/1.1\r\n")) << request;
  EXPECT_NE(request.find("Content-Type: application/json\r\n"), std::string::npos);
  auto body = nlohmann::json::parse(body_of(request), nullptr, false);
  ASSERT_FALSE(body.is_discarded()) << request;
  EXPECT_EQ(body["schema"], "launchgate.alert/1");
  EXPECT_EQ(body["event"], "down");
  EXPECT_EQ(body["check"], "home");
  EXPECT_EQ(body["detail"], "connection refused");
  EXPECT_EQ(channel.name().find("s3cr3t"), std::string::npos) << channel.name();
}

TEST(MonitorNotifyWebhook, SlackBodyAndAServerErrorIsAnError) {
  Hook hook(500);
  net::CurlHttpClient http(net::CurlOptions{});
  WebhookChannel channel(http, hook.server.url("/services/T0/B0/s3cr3tpath"),
                         WebhookChannel::Format::slack);
  auto sent = channel.send(down_home());
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().message.find("HTTP 500"), std::string::npos) << sent.error().message;
  EXPECT_EQ(sent.error().message.find("s3cr3tpath"), std::string::npos) << sent.error().message;
  auto body = nlohmann::json::parse(body_of(hook.request()), nullptr, false);
  ASSERT_FALSE(body.is_discarded());
  EXPECT_TRUE(body["text"].get<std::string>().starts_with("DOWN home on portal.example"));
}

TEST(MonitorNotifyWebhook, RefusedConnectionIsAnErrorWithoutThePath) {
  int port = 0;
  {
    Hook closed(200); // learn a free port, then close it
    port = closed.server.port();
  }
  net::CurlHttpClient http(net::CurlOptions{});
  WebhookChannel channel(http, "http://127.0.0.1:" + std::to_string(port) + "/hook/s3cr3tpath",
                         WebhookChannel::Format::json);
  auto sent = channel.send(down_home());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().kind, ErrorKind::network);
  EXPECT_EQ(sent.error().message.find("s3cr3tpath"), std::string::npos) << sent.error().message;
}

/// An SMTP sink on 127.0.0.1 with `options`.
std::unique_ptr<net::SmtpSink> start_sink(net::SmtpSinkOptions options = {}) {
  auto sink = net::SmtpSink::start("127.0.0.1:0", std::move(options));
  EXPECT_TRUE(sink) << (sink ? "" : sink.error().message);
  return sink ? std::move(*sink) : nullptr;
}

MailSettings settings_for(const std::string& host, int port, net::MailServer::Tls tls) {
  MailSettings m;
  m.server.host = host;
  m.server.port = port;
  m.server.tls = tls;
  m.server.timeout_ms = 10000;
  m.from = "alerts@portal.example";
  m.to = {"ops@portal.example"};
  return m;
}

TEST(MonitorNotifyEmail, PlainSmtpDeliversToTheSink) {
  auto sink = start_sink();
  ASSERT_TRUE(sink);
  net::CurlMailTransport transport;
  EmailChannel channel(transport,
                       settings_for("127.0.0.1", sink->port(), net::MailServer::Tls::none));
  auto sent = channel.send(down_home());
  ASSERT_TRUE(sent) << sent.error().message;
  auto got = sink->next("ops@portal.example", 5s);
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->mail_from, "alerts@portal.example");
  EXPECT_TRUE((*got)->data.starts_with("Date: ")) << (*got)->data; // nothing added: no TLS, no AUTH
  EXPECT_NE((*got)->data.find("\r\nSubject: [launchgate] DOWN home\r\n"), std::string::npos);
  EXPECT_NE((*got)->data.find("Last error:  connection refused\r\n"), std::string::npos);
}

TEST(MonitorNotifyEmail, PlainSmtpThroughTheDispatcherWithAWebhookBeside) {
  auto sink = start_sink();
  ASSERT_TRUE(sink);
  Hook hook(204);
  net::CurlHttpClient http(net::CurlOptions{});
  net::CurlMailTransport transport;
  std::vector<std::unique_ptr<AlertChannel>> channels;
  channels.push_back(std::make_unique<WebhookChannel>(http, hook.server.url("/hook"),
                                                      WebhookChannel::Format::json));
  channels.push_back(std::make_unique<EmailChannel>(
      transport, settings_for("127.0.0.1", sink->port(), net::MailServer::Tls::none)));
  std::vector<std::string> log;
  AlertDispatcher dispatcher(std::move(channels), [&](const std::string& l) { log.push_back(l); });
  dispatcher.post(down_home());
  ASSERT_TRUE(dispatcher.flush(15s));
  EXPECT_EQ(dispatcher.delivered(), 2);
  EXPECT_TRUE(log.empty());
  EXPECT_NE(body_of(hook.request()).find("\"event\":\"down\""), std::string::npos);
  auto got = sink->next("ops@portal.example", 5s);
  ASSERT_TRUE(got && *got);
}

/// STARTTLS and AUTH need a certificate from the test CA.
class MonitorNotifyTls : public ::testing::Test {
protected:
  void SetUp() override {
    if (!test::TlsPki::available())
      GTEST_SKIP() << "the openssl program is not installed";
    ASSERT_TRUE(m_pki.ok());
    m_leaf = m_pki.leaf("localhost");
  }
  /// A sink offering STARTTLS with a certificate for localhost, requiring AUTH when `user` is set.
  std::unique_ptr<net::SmtpSink> tls_sink(const std::string& user = "",
                                          const std::string& password = "") {
    net::SmtpSinkOptions options;
    options.tls_cert_file = m_leaf.cert;
    options.tls_key_file = m_leaf.key;
    options.auth_username = user;
    options.auth_password = password;
    options.idle_timeout = 10s;
    return start_sink(std::move(options));
  }
  MailSettings starttls_to(const net::SmtpSink& sink) {
    auto m = settings_for("localhost", sink.port(), net::MailServer::Tls::starttls);
    m.server.ca_file = m_pki.ca_file();
    return m;
  }

  test::TlsPki m_pki;
  test::TlsLeaf m_leaf;
};

TEST_F(MonitorNotifyTls, StartTlsAndAuthDeliver) {
  auto sink = tls_sink("alerts", "correct horse");
  ASSERT_TRUE(sink);
  auto m = starttls_to(*sink);
  m.server.username = "alerts";
  m.server.password = "correct horse";
  net::CurlMailTransport transport;
  EmailChannel channel(transport, m);
  auto sent = channel.send(down_home());
  ASSERT_TRUE(sent) << sent.error().message;
  auto got = sink->next("ops@portal.example", 5s);
  ASSERT_TRUE(got && *got);
  EXPECT_TRUE((*got)->data.starts_with(
      "Received: by launchgate.sink with ESMTPSA (authenticated as alerts);"))
      << (*got)->data;
  EXPECT_NE((*got)->data.find("\r\nSubject: [launchgate] DOWN home\r\n"), std::string::npos);
}

TEST_F(MonitorNotifyTls, WrongPasswordIsRefusedWithoutPrintingIt) {
  auto sink = tls_sink("alerts", "correct horse");
  ASSERT_TRUE(sink);
  auto m = starttls_to(*sink);
  m.server.username = "alerts";
  m.server.password = "Tr0ub4dor&3-wrong";
  net::CurlMailTransport transport;
  auto sent = EmailChannel(transport, m).send(down_home());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().kind, ErrorKind::network);
  EXPECT_EQ(sent.error().message.find("Tr0ub4dor"), std::string::npos) << sent.error().message;
  EXPECT_NE(sent.error().message.find("localhost"), std::string::npos) << sent.error().message;
  EXPECT_EQ(sink->received(), 0u);
}

TEST_F(MonitorNotifyTls, MissingCredentialsAreRefusedByAServerThatRequiresAuth) {
  auto sink = tls_sink("alerts", "correct horse");
  ASSERT_TRUE(sink);
  net::CurlMailTransport transport;
  auto sent = EmailChannel(transport, starttls_to(*sink)).send(down_home());
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().message.find("530"), std::string::npos) << sent.error().message;
  EXPECT_EQ(sink->received(), 0u);
}

TEST_F(MonitorNotifyTls, ServerWithoutStartTlsIsNotUsedInPlainText) {
  auto sink = start_sink(); // no certificate: no STARTTLS
  ASSERT_TRUE(sink);
  auto m = settings_for("127.0.0.1", sink->port(), net::MailServer::Tls::starttls);
  m.server.ca_file = m_pki.ca_file();
  net::CurlMailTransport transport;
  auto sent = EmailChannel(transport, m).send(down_home());
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().message.find("STARTTLS"), std::string::npos) << sent.error().message;
  EXPECT_EQ(sink->received(), 0u);
}

TEST_F(MonitorNotifyTls, UntrustedCertificateIsRefused) {
  auto sink = tls_sink();
  ASSERT_TRUE(sink);
  auto m = starttls_to(*sink);
  m.server.ca_file.clear(); // the test CA is not in the system store
  net::CurlMailTransport transport;
  auto sent = EmailChannel(transport, m).send(down_home());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sink->received(), 0u);
}

TEST_F(MonitorNotifyTls, StartTlsWithoutAuthDelivers) {
  auto sink = tls_sink();
  ASSERT_TRUE(sink);
  net::CurlMailTransport transport;
  auto sent = EmailChannel(transport, starttls_to(*sink)).send(down_home());
  ASSERT_TRUE(sent) << sent.error().message;
  auto got = sink->next("ops@portal.example", 5s);
  ASSERT_TRUE(got && *got);
  EXPECT_TRUE((*got)->data.starts_with("Received: by launchgate.sink with ESMTPS;"))
      << (*got)->data;
}

} // namespace
} // namespace lg::monitor
