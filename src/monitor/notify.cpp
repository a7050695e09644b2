// The monitor's alert delivery: an AlertEvent rendered as a generic JSON webhook body, a Slack
// incoming-webhook body (one line of mrkdwn text, &<> escaped as Slack asks) and an RFC 5322
// e-mail (RFC 2047 subjects, base64 bodies when not ASCII, header values stripped of CR/LF);
// the channels that send them through net::HttpClient and net::MailTransport; and the dispatcher
// thread: one FIFO lane per channel, bounded, with retries after a backoff.

#include "monitor/notify.hpp"

#include "core/guard.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <limits>
#include <optional>

namespace lg::monitor {
namespace {

constexpr std::size_t k_max_field = 2000;  // bytes of a detail or text kept in an alert
constexpr std::size_t k_max_subject = 160; // bytes of a subject before encoding
constexpr std::size_t k_max_body_line = 900;

/// `text` as valid UTF-8: each byte of an invalid sequence becomes U+FFFD.
std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80           ? 1
                      : (c >> 5) == 0x6  ? 2
                      : (c >> 4) == 0xE  ? 3
                      : (c >> 3) == 0x1E ? 4
                                         : 0;
    bool ok = len != 0 && i + len <= text.size();
    for (std::size_t k = 1; ok && k < len; ++k)
      ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    if (ok && len > 1) {
      // Overlong forms, surrogates and values past U+10FFFF are invalid too.
      auto c1 = static_cast<unsigned char>(text[i + 1]);
      if ((len == 2 && c < 0xC2) || (len == 3 && c == 0xE0 && c1 < 0xA0) ||
          (len == 3 && c == 0xED && c1 >= 0xA0) || (len == 4 && c == 0xF0 && c1 < 0x90) ||
          (len == 4 && (c > 0xF4 || (c == 0xF4 && c1 >= 0x90))))
        ok = false;
    }
    if (!ok) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    out.append(text.substr(i, len));
    i += len;
  }
  return out;
}

/// The first `max` bytes of `text`, cut on a UTF-8 character boundary, with "…" when cut.
std::string clip(std::string_view text, std::size_t max) {
  if (text.size() <= max)
    return std::string(text);
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
    --end;
  return std::string(text.substr(0, end)) + "\xE2\x80\xA6";
}

/// `text` on one line: CR, LF and other control characters become spaces.
std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
      c = ' ';
  return out;
}

/// What the alert is about: the check, or for spikes the monitor as a whole.
std::string subject_of(const Notification& n) {
  if (!n.event.check.empty())
    return n.event.check;
  if (!n.monitor.empty())
    return n.monitor;
  return "all checks";
}

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

/// RFC 5322 date-time in UTC: "Tue, 03 Mar 2026 10:00:00 +0000" (names not from the locale).
std::string rfc5322_date(std::int64_t ms) {
  static constexpr std::array<const char*, 7> k_days{"Sun", "Mon", "Tue", "Wed",
                                                     "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> k_months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto t = static_cast<std::time_t>(std::max<std::int64_t>(ms, 0) / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000",
                     k_days.at(static_cast<std::size_t>(tm.tm_wday)), tm.tm_mday,
                     k_months.at(static_cast<std::size_t>(tm.tm_mon)), tm.tm_year + 1900,
                     tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/// A header value fit for one header: CR and LF removed (no value can start another header),
/// other controls made spaces.
std::string header_value(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\r' || c == '\n')
      continue;
    out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? ' ' : c;
  }
  return out;
}

/// An unstructured header value: as is when ASCII, else RFC 2047 "B" encoded words of at most
/// 45 bytes of UTF-8 each (75 characters encoded), folded onto continuation lines.
std::string encoded_words(const std::string& value) {
  if (is_ascii(value))
    return value;
  std::string out;
  std::size_t i = 0;
  while (i < value.size()) {
    std::size_t end = std::min(value.size(), i + 45);
    while (end < value.size() && end > i + 1 &&
           (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80)
      --end;
    if (!out.empty())
      out += "\r\n ";
    out += "=?UTF-8?B?" + base64_encode(std::string_view(value).substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

/// The domain of `address` for a Message-ID, or "launchgate.invalid".
std::string id_domain(std::string_view address) {
  std::size_t at = address.rfind('@');
  std::string domain;
  if (at != std::string_view::npos)
    for (char c : address.substr(at + 1))
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '-')
        domain += c;
  return domain.empty() ? "launchgate.invalid" : domain;
}

/// The plain-text lines of an alert, for people.
std::vector<std::string> body_lines(const Notification& n) {
  std::vector<std::string> lines;
  lines.push_back(fmt::format("{} {}", state_word(n.event.kind), subject_of(n)));
  if (!n.event.text.empty())
    lines.push_back(clip(n.event.text, k_max_field));
  lines.emplace_back();
  auto field = [&](std::string_view name, const std::string& value) {
    if (!value.empty())
      lines.push_back(fmt::format("{:<13}{}", std::string(name) + ":", value));
  };
  field("Check", n.event.check);
  field("Target", n.target);
  field("At", rfc3339_utc(n.event.at_ms));
  if (n.event.since_ms > 0)
    field("Since", rfc3339_utc(n.event.since_ms));
  if (n.event.consecutive > 0)
    field("Consecutive", std::to_string(n.event.consecutive));
  field("Last error", clip(n.detail, k_max_field));
  if (n.status != 0)
    field("Status", std::to_string(n.status));
  if (n.latency_ms > 0)
    field("Latency", fmt::format("{:.0f} ms", n.latency_ms));
  field("Status page", n.status_page);
  lines.emplace_back();
  lines.push_back(n.monitor.empty() ? "-- launchgate monitor"
                                    : "-- launchgate monitor of " + n.monitor);
  return lines;
}

/// `url` for logs: scheme, host and port, with the path and query (where webhook secrets live)
/// redacted.
std::string shown_url(const std::string& url) {
  auto parsed = parse_url(url);
  if (!parsed)
    return redact(url);
  std::string rest = parsed->path.size() > 1 ? parsed->path.substr(1) : "";
  return parsed->origin() + "/" + (rest.empty() ? "" : redact(rest));
}

} // namespace

const char* state_word(AlertKind kind) {
  switch (kind) {
  case AlertKind::down:
    return "DOWN";
  case AlertKind::up:
    return "UP";
  case AlertKind::reminder:
    return "STILL DOWN";
  case AlertKind::slow:
    return "SLOW";
  case AlertKind::slow_end:
    return "SLOW OVER";
  case AlertKind::spike:
    return "SPIKE";
  case AlertKind::spike_end:
    return "SPIKE OVER";
  }
  return "ALERT";
}

std::string rfc3339_utc(std::int64_t ms) {
  auto t = static_cast<std::time_t>(std::max<std::int64_t>(ms, 0) / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string webhook_json(const Notification& n) {
  using nlohmann::json;
  auto text_or_null = [](const std::string& s) -> json {
    return s.empty() ? json(nullptr) : json(clip(s, k_max_field));
  };
  json j;
  j["schema"] = "launchgate.alert/1";
  j["event"] = to_string(n.event.kind);
  j["state"] = state_word(n.event.kind);
  j["check"] = text_or_null(n.event.check);
  j["target"] = text_or_null(n.target);
  j["at"] = rfc3339_utc(n.event.at_ms);
  j["since"] = n.event.since_ms > 0 ? json(rfc3339_utc(n.event.since_ms)) : json(nullptr);
  j["consecutive"] = n.event.consecutive;
  j["text"] = clip(n.event.text, k_max_field);
  j["detail"] = text_or_null(n.detail);
  j["status"] = n.status != 0 ? json(n.status) : json(nullptr);
  j["latency_ms"] = std::round(n.latency_ms * 10) / 10;
  j["monitor"] = text_or_null(n.monitor);
  j["status_page"] = text_or_null(n.status_page);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string slack_json(const Notification& n) {
  std::string line = fmt::format("{} {}", state_word(n.event.kind), subject_of(n));
  if (!n.event.check.empty() && !n.monitor.empty())
    line += " on " + n.monitor;
  if (!n.target.empty())
    line += " (" + n.target + ")";
  if (!n.event.text.empty())
    line += ": " + clip(n.event.text, k_max_field);
  if (!n.detail.empty())
    line += " | last error: " + clip(n.detail, k_max_field);
  if (!n.status_page.empty())
    line += " | status page: " + n.status_page;
  // Slack reads &, < and > as markup (links, mentions): escaped, the text says only what it says.
  std::string text;
  for (char c : one_line(valid_utf8(line))) {
    if (c == '&')
      text += "&amp;";
    else if (c == '<')
      text += "&lt;";
    else if (c == '>')
      text += "&gt;";
    else
      text += c;
  }
  nlohmann::json j;
  j["text"] = text;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Expected<net::MailServer> parse_smtp_server(std::string_view smtp, net::MailServer::Tls tls) {
  auto bad = [&] {
    return unexpected(ErrorKind::config,
                      fmt::format("smtp \"{}\": not host:port, e.g. smtp.example.com:587 or "
                                  "[2001:db8::1]:587",
                                  one_line(smtp)));
  };
  std::string_view text = trim(smtp);
  std::string_view host;
  std::string_view port;
  if (text.starts_with('[')) {
    std::size_t close = text.find(']');
    if (close == std::string_view::npos)
      return bad();
    host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':')
        return bad();
      port = rest.substr(1);
      if (port.empty())
        return bad();
    }
  } else {
    std::size_t colon = text.find(':');
    if (colon != std::string_view::npos && text.find(':', colon + 1) != std::string_view::npos)
      return bad(); // an IPv6 address needs brackets
    host = text.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = text.substr(colon + 1);
      if (port.empty())
        return bad();
    }
  }
  if (host.empty() || host.size() > 253 ||
      host.find_first_of("/@?#[] \t\r\n") != std::string_view::npos)
    return bad();
  net::MailServer server;
  server.host = std::string(host);
  server.tls = tls;
  server.port = tls == net::MailServer::Tls::implicit ? 465
                : tls == net::MailServer::Tls::none   ? 25
                                                      : 587;
  if (!port.empty()) {
    int value = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || value > 65535)
        return bad();
      value = value * 10 + (c - '0');
    }
    if (value < 1 || value > 65535)
      return bad();
    server.port = value;
  }
  return server;
}

std::string email_message(const Notification& n, const MailSettings& m, std::int64_t now_ms) {
  std::string subject = clip(valid_utf8(header_value(fmt::format(
                                 "[launchgate] {} {}", state_word(n.event.kind), subject_of(n)))),
                             k_max_subject);
  std::vector<std::string> to;
  for (const auto& address : m.to)
    to.push_back(header_value(address));
  std::string from = header_value(m.from);
  std::string id_seed = fmt::format("{}|{}|{}|{}|{}|{}", now_ms, to_string(n.event.kind),
                                    n.event.check, n.event.at_ms, n.monitor, join(to, ","));
  std::string message_id =
      fmt::format("<{}.{}@{}>", now_ms, sha256_hex(id_seed).substr(0, 16), id_domain(from));

  std::string body;
  for (const auto& raw : body_lines(n)) {
    // One alert line may hold CR/LF of its own (a failure's message): each piece its own line.
    std::string line = valid_utf8(raw);
    for (char& c : line)
      if (c == '\r')
        c = '\n';
    for (auto piece : split(line, '\n')) {
      std::string text = one_line(piece);
      while (text.size() > k_max_body_line) {
        std::size_t cut = k_max_body_line;
        while (cut > 1 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
          --cut;
        body += text.substr(0, cut) + "\r\n";
        text.erase(0, cut);
      }
      body += text + "\r\n";
    }
  }

  std::string out;
  auto header = [&](std::string_view name, const std::string& value) {
    out += fmt::format("{}: {}\r\n", name, value);
  };
  header("Date", rfc5322_date(now_ms));
  header("From", "launchgate monitor <" + from + ">");
  header("To", join(to, ", "));
  header("Subject", encoded_words(subject));
  header("Message-ID", message_id);
  header("MIME-Version", "1.0");
  header("Content-Type", "text/plain; charset=utf-8");
  header("Auto-Submitted", "auto-generated"); // RFC 3834: no auto-replies to alerts
  if (is_ascii(body)) {
    header("Content-Transfer-Encoding", "7bit");
    out += "\r\n" + body;
  } else {
    header("Content-Transfer-Encoding", "base64");
    out += "\r\n";
    std::string encoded = base64_encode(body);
    for (std::size_t i = 0; i < encoded.size(); i += 76)
      out += encoded.substr(i, 76) + "\r\n";
  }
  return out;
}

// --- channels ---------------------------------------------------------------------------------

WebhookChannel::WebhookChannel(net::HttpClient& http, std::string url, Format format)
    : m_http(http), m_url(std::move(url)), m_shown(shown_url(m_url)), m_format(format) {}

std::string WebhookChannel::name() const {
  return (m_format == Format::slack ? "slack webhook " : "webhook ") + m_shown;
}

Expected<void> WebhookChannel::send(const Notification& n) {
  net::HttpRequest request("POST", m_url, {{"Content-Type", "application/json"}},
                           m_format == Format::slack ? slack_json(n) : webhook_json(n));
  auto response = m_http.send(request);
  if (!response) {
    // The client's message names the URL in its own redaction, which keeps a webhook's path.
    std::string message = response.error().message;
    for (const std::string& form : {m_url, redact_url(m_url)})
      for (std::size_t at = message.find(form); !form.empty() && at != std::string::npos;
           at = message.find(form, at + m_shown.size()))
        message.replace(at, form.size(), m_shown);
    return unexpected(response.error().kind, message);
  }
  if (response->status < 200 || response->status > 299)
    return unexpected(ErrorKind::network,
                      fmt::format("POST {}: HTTP {}", m_shown, response->status));
  return {};
}

EmailChannel::EmailChannel(net::MailTransport& transport, MailSettings settings)
    : m_transport(transport), m_settings(std::move(settings)) {}

std::string EmailChannel::name() const {
  return "email " + one_line(join(m_settings.to, ", "));
}

Expected<void> EmailChannel::send(const Notification& n) {
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  net::OutgoingMail mail{m_settings.from, m_settings.to,
                         email_message(n, m_settings, static_cast<std::int64_t>(now))};
  return m_transport.send(m_settings.server, mail);
}

// --- dispatcher -------------------------------------------------------------------------------

AlertDispatcher::AlertDispatcher(std::vector<std::unique_ptr<AlertChannel>> channels,
                                 std::function<void(const std::string&)> log,
                                 std::vector<std::chrono::milliseconds> backoff,
                                 std::chrono::milliseconds stop_deadline)
    : m_log(std::move(log)), m_backoff(std::move(backoff)), m_stop_deadline(stop_deadline) {
  for (auto& channel : channels)
    if (channel)
      m_lanes.push_back(Lane{std::move(channel), {}, {}});
  m_thread = std::thread([this] { run(); });
}

AlertDispatcher::~AlertDispatcher() {
  stop();
}

void AlertDispatcher::post(Notification n) {
  auto shared = std::make_shared<const Notification>(std::move(n));
  {
    std::lock_guard lock(m_mutex);
    if (m_stopping) {
      m_dropped += static_cast<std::int64_t>(m_lanes.size());
      return;
    }
    for (auto& lane : m_lanes) {
      if (lane.queue.size() >= k_queue) {
        lane.queue.pop_front();
        ++m_dropped;
        ++m_drops_to_log;
      }
      lane.queue.push_back(Pending{shared, 0});
    }
  }
  m_wake.notify_one();
}

void AlertDispatcher::stop() {
  std::lock_guard once(m_stop_mutex);
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  if (m_thread.joinable())
    m_thread.join();
}

bool AlertDispatcher::flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(m_mutex);
  return m_idle.wait_for(lock, timeout, [&] {
    return m_in_flight == 0 && m_drops_to_log == 0 &&
           std::all_of(m_lanes.begin(), m_lanes.end(),
                       [](const Lane& l) { return l.queue.empty(); });
  });
}

void AlertDispatcher::say(std::unique_lock<std::mutex>& lock, const std::string& line) {
  if (!m_log)
    return;
  lock.unlock();
  try {
    m_log(line);
  } catch (...) { // NOLINT(bugprone-empty-catch): a log that throws loses its line, nothing else
  }
  lock.lock();
}

void AlertDispatcher::attempt(std::unique_lock<std::mutex>& lock, std::size_t i, Pending p,
                              bool retry) {
  Lane& lane = m_lanes[i]; // the vector never changes size after construction
  ++m_in_flight;
  lock.unlock();
  Expected<void> sent;
  try {
    sent = lane.channel->send(*p.notification);
  } catch (const std::exception& e) {
    sent = unexpected(ErrorKind::internal, e.what());
  } catch (...) {
    sent = unexpected(ErrorKind::internal, "unknown exception");
  }
  std::string name = lane.channel->name();
  lock.lock();
  ++p.attempts;
  std::string line;
  if (sent) {
    ++m_delivered;
    lane.due = Clock::time_point{};
  } else {
    const auto& n = *p.notification;
    line = fmt::format("alert {} {} to {}: {}", to_string(n.event.kind), subject_of(n), name,
                       one_line(sent.error().message));
    auto attempts = static_cast<std::size_t>(p.attempts);
    if (retry && !m_stopping && attempts <= m_backoff.size()) {
      auto wait = m_backoff[attempts - 1];
      line += fmt::format("; retry {} of {} in {} ms", attempts, m_backoff.size(), wait.count());
      lane.due = Clock::now() + wait;
      lane.queue.push_front(std::move(p));
      if (lane.queue.size() > k_queue) { // the lane filled up meanwhile: this is its oldest
        lane.queue.pop_front();
        ++m_dropped;
        line += "; dropped instead: the queue is full";
      }
    } else {
      ++m_failed;
      line += retry && !m_stopping ? fmt::format("; given up after {} attempts", attempts)
                                   : std::string("; not retried: the dispatcher is stopping");
    }
  }
  if (!line.empty())
    say(lock, line);
  --m_in_flight; // only now: flush() returns once the outcome is logged too
  m_idle.notify_all();
}

void AlertDispatcher::run() {
  std::unique_lock lock(m_mutex);
  const std::size_t lanes = m_lanes.size();
  while (!m_stopping) {
    if (m_drops_to_log > 0) {
      auto count = std::exchange(m_drops_to_log, 0);
      ++m_in_flight;
      say(lock, fmt::format("{} queued alert deliveries dropped: the queue holds at most {}", count,
                            k_queue));
      --m_in_flight;
      m_idle.notify_all();
      continue;
    }
    auto now = Clock::now();
    auto next = Clock::time_point::max();
    std::optional<std::size_t> pick;
    for (std::size_t k = 0; k < lanes; ++k) {
      std::size_t i = (m_next_lane + k) % lanes;
      if (m_lanes[i].queue.empty())
        continue;
      if (m_lanes[i].due <= now) {
        pick = i;
        break;
      }
      next = std::min(next, m_lanes[i].due);
    }
    if (pick) {
      m_next_lane = (*pick + 1) % lanes;
      Pending p = std::move(m_lanes[*pick].queue.front());
      m_lanes[*pick].queue.pop_front();
      attempt(lock, *pick, std::move(p), true);
      continue;
    }
    if (next == Clock::time_point::max())
      m_wake.wait(lock);
    else
      m_wake.wait_until(lock, next);
  }

  // Stopping: what is queued goes out once each, lane by lane in turn, until the deadline.
  auto deadline = Clock::now() + m_stop_deadline;
  bool sent_any = true;
  while (sent_any && Clock::now() < deadline) {
    sent_any = false;
    for (std::size_t i = 0; i < lanes && Clock::now() < deadline; ++i) {
      if (m_lanes[i].queue.empty())
        continue;
      Pending p = std::move(m_lanes[i].queue.front());
      m_lanes[i].queue.pop_front();
      attempt(lock, i, std::move(p), false);
      sent_any = true;
    }
  }
  std::int64_t left = 0;
  for (auto& lane : m_lanes) {
    left += static_cast<std::int64_t>(lane.queue.size());
    lane.queue.clear();
  }
  m_dropped += left;
  m_idle.notify_all();
  if (left > 0)
    say(lock, fmt::format("stopping: {} alert deliveries not sent within {} ms", left,
                          m_stop_deadline.count()));
}

} // namespace lg::monitor
