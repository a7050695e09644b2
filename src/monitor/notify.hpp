#pragma once
// Delivering the monitor's alerts: an alert rendered for each kind of channel (a generic JSON
// webhook, a Slack-compatible incoming webhook, an e-mail), the channels themselves over the
// net/ interfaces (HttpClient, MailTransport), and a dispatcher thread that queues, sends and
// retries so that a slow or dead channel never holds up the monitor or the other channels.

#include "monitor/alerting.hpp"
#include "net/http.hpp"
#include "net/mail_transport.hpp"
#include "util/expected.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace lg::monitor {

/// One alert as sent.
struct Notification {
  AlertEvent event;
  std::string monitor;     ///< the monitor's title, e.g. the portal host
  std::string target;      ///< the check's URL or name (already redacted); empty for spikes
  std::string detail;      ///< the last failure's message, or empty
  int status = 0;          ///< the last HTTP status, 0 when none
  double latency_ms = 0;   ///< the last run's latency
  std::string status_page; ///< URL of the status page, or empty
};

/// The state word of `kind` for people, upper case and emoji-free: "DOWN", "UP", "STILL DOWN",
/// "SLOW", "SLOW OVER", "SPIKE", "SPIKE OVER".
const char* state_word(AlertKind kind);

/// `ms` (epoch milliseconds) in RFC 3339 UTC to the second: "2026-03-03T10:00:00Z".
std::string rfc3339_utc(std::int64_t ms);

/// The generic webhook body, one JSON object: {"schema":"launchgate.alert/1", "event" (the
/// AlertKind's name), "state" (state_word), "check", "target", "at" (RFC 3339 UTC), "since"
/// (RFC 3339 or null), "consecutive", "text", "detail", "status", "latency_ms", "monitor",
/// "status_page"}. Absent values (no check for a spike, no detail, status 0, no status page) are
/// null. Always valid UTF-8 JSON: invalid bytes are replaced.
std::string webhook_json(const Notification& n);

/// The Slack incoming-webhook body: {"text": one readable line, state word first, e.g.
/// "DOWN home (https://portal.example/health): 3 failures in a row ... | last error: ... |
/// status page: ..."}, with Slack's control characters (&, <, >) escaped.
std::string slack_json(const Notification& n);

/// Where and to whom e-mail alerts go.
struct MailSettings {
  net::MailServer server;
  std::string from;            ///< a bare address, the sender of the alerts
  std::vector<std::string> to; ///< bare addresses
};

/// The server of `smtp` ("host:port", "[v6]:port" or "host", whose port then follows `tls`:
/// 587 for starttls, 465 implicit, 25 none); other fields default. Errors (kind config) name the
/// text.
Expected<net::MailServer> parse_smtp_server(std::string_view smtp, net::MailServer::Tls tls);

/// The alert as an RFC 5322 message: Date (`now_ms`), From, To, Subject ("[launchgate] DOWN home";
/// RFC 2047 encoded when not ASCII), Message-ID, MIME-Version, text/plain; charset=utf-8 (7bit,
/// or base64 when not ASCII), CRLF line ends, lines within 998 octets. Every header value has its
/// CR and LF removed, so no value can add a header.
std::string email_message(const Notification& n, const MailSettings& m, std::int64_t now_ms);

/// A place alerts go. send() is called from the dispatcher thread only, one call at a time.
class AlertChannel {
public:
  virtual ~AlertChannel() = default;
  /// For logs: "webhook https://hooks.example/…", "email ops@example.com". Holds no secret.
  virtual std::string name() const = 0;
  /// Delivers `n` once; an error says why, for the log.
  virtual Expected<void> send(const Notification& n) = 0;
};

/// POSTs each alert as JSON (webhook_json or slack_json) to a URL. A 2xx answer is a delivery;
/// anything else an error naming the status. The URL appears in names and errors redacted
/// (webhook paths often carry the secret, so the path is redacted too).
class WebhookChannel final : public AlertChannel {
public:
  enum class Format { json, slack };
  /// `http` must outlive the channel and is used from the dispatcher thread only.
  WebhookChannel(net::HttpClient& http, std::string url, Format format);
  std::string name() const override;
  Expected<void> send(const Notification& n) override;

private:
  net::HttpClient& m_http;
  std::string m_url;
  std::string m_shown; ///< the URL for logs
  Format m_format;
};

/// Sends each alert as an e-mail (email_message) through a MailTransport.
class EmailChannel final : public AlertChannel {
public:
  /// `transport` must outlive the channel.
  EmailChannel(net::MailTransport& transport, MailSettings settings);
  std::string name() const override;
  Expected<void> send(const Notification& n) override;

private:
  net::MailTransport& m_transport;
  MailSettings m_settings;
};

/// Sends every posted notification to every channel from one thread of its own. Each channel has
/// its own FIFO lane (at most k_queue waiting notifications; when a lane is full its oldest is
/// dropped and counted), so alerts reach each channel in order and a failing channel delays only
/// itself. A failed delivery is retried after each pause of `backoff` in turn (1 s, 5 s, 25 s:
/// four attempts), then given up and counted as failed; every failure is logged through `log`
/// (called on the dispatcher thread; must not throw). Counters count deliveries, one per
/// notification and channel. Thread-safe.
class AlertDispatcher {
public:
  static constexpr std::size_t k_queue = 1000;

  /// Starts the thread. `stop_deadline` bounds stop(): what is not sent by then is dropped.
  AlertDispatcher(std::vector<std::unique_ptr<AlertChannel>> channels,
                  std::function<void(const std::string&)> log,
                  std::vector<std::chrono::milliseconds> backoff = {std::chrono::seconds(1),
                                                                    std::chrono::seconds(5),
                                                                    std::chrono::seconds(25)},
                  std::chrono::milliseconds stop_deadline = std::chrono::seconds(10));
  /// stop().
  ~AlertDispatcher();
  AlertDispatcher(const AlertDispatcher&) = delete;
  AlertDispatcher& operator=(const AlertDispatcher&) = delete;
  AlertDispatcher(AlertDispatcher&&) = delete;
  AlertDispatcher& operator=(AlertDispatcher&&) = delete;

  /// Queues `n` for every channel; never blocks on a channel. After stop(), counted as dropped.
  void post(Notification n);

  /// Stops: cancels waiting retries, sends what is queued once more each (no retries) until
  /// `stop_deadline`, drops the rest, and joins the thread. A send already under way is finished
  /// first (each channel bounds its own sends with its timeouts). Idempotent.
  void stop();

  /// Waits until every lane is empty and no send is under way, up to `timeout`; whether it got
  /// there (false while a retry is still waiting, for instance). For --once and tests.
  bool flush(std::chrono::milliseconds timeout);

  std::int64_t delivered() const { return m_delivered.load(); }
  std::int64_t failed() const { return m_failed.load(); }
  std::int64_t dropped() const { return m_dropped.load(); }

private:
  using Clock = std::chrono::steady_clock;
  struct Pending {
    std::shared_ptr<const Notification> notification;
    int attempts = 0; ///< sends already tried
  };
  struct Lane {
    std::unique_ptr<AlertChannel> channel;
    std::deque<Pending> queue;
    Clock::time_point due{}; ///< the head may be tried from then on (after a failure)
  };

  void run();
  /// Sends `p` on lane `i` outside the lock and books the outcome; `lock` is held on entry and
  /// on return. `retry`: a failure may be retried.
  void attempt(std::unique_lock<std::mutex>& lock, std::size_t i, Pending p, bool retry);
  /// Logs `line` outside the lock (held on entry and on return).
  void say(std::unique_lock<std::mutex>& lock, const std::string& line);

  std::function<void(const std::string&)> m_log;
  std::vector<std::chrono::milliseconds> m_backoff;
  std::chrono::milliseconds m_stop_deadline;

  std::mutex m_stop_mutex; ///< one stop() at a time
  std::mutex m_mutex;
  std::condition_variable m_wake; ///< the thread: a post, or stop
  std::condition_variable m_idle; ///< flush(): a send finished
  std::vector<Lane> m_lanes;
  std::size_t m_next_lane = 0; ///< round-robin start
  int m_in_flight = 0;
  std::int64_t m_drops_to_log = 0; ///< overflows post() saw, for the thread to log
  bool m_stopping = false;
  bool m_joined = false;
  std::atomic<std::int64_t> m_delivered{0};
  std::atomic<std::int64_t> m_failed{0};
  std::atomic<std::int64_t> m_dropped{0};
  std::thread m_thread; ///< last: started once everything above exists
};

} // namespace lg::monitor
