// Mail delivery for password resets and invites: RFC 5322 messages (Date, From, To, Subject,
// Message-ID, CRLF line ends) sent with libcurl's smtp:// client (RFC 5321 envelope from
// no-reply@portal.test) from one worker thread, with 5-second connect and total timeouts.
// Log lines name the recipient masked (its first character and domain) and nothing else: no
// subject (it may name people), no body (it holds the tokens).

#include "mail.hpp"

#include "auth.hpp"
#include "util.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <cstdio>
#include <cstring>
#include <memory>

namespace portal {

namespace {

constexpr std::size_t k_max_queue = 256;
constexpr long k_timeout_ms = 5000;
constexpr const char* k_from = "no-reply@portal.test";

struct CurlCleanup {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistCleanup {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

struct Payload {
  std::string data;
  std::size_t offset = 0;
};

std::size_t read_payload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* payload = static_cast<Payload*>(user);
  const auto room = size * count;
  const auto left = payload->data.size() - payload->offset;
  const auto n = left < room ? left : room;
  std::memcpy(buffer, payload->data.data() + payload->offset, n);
  payload->offset += n;
  return n;
}

} // namespace

std::string format_message(const Mail& mail, std::int64_t epoch_seconds,
                           const std::string& message_id) {
  std::string message =
      fmt::format("Date: {}\r\n"
                  "From: Client Portal <{}>\r\n"
                  "To: <{}>\r\n"
                  "Subject: {}\r\n"
                  "Message-ID: <{}@portal.test>\r\n"
                  "MIME-Version: 1.0\r\n"
                  "Content-Type: text/plain; charset=utf-8\r\n"
                  "Content-Transfer-Encoding: 8bit\r\n"
                  "\r\n",
                  rfc5322_date(epoch_seconds), k_from, mail.to, mail.subject, message_id);
  for (const char c : mail.text) {
    if (c == '\n') {
      message += "\r\n";
    } else if (c != '\r') {
      message += c;
    }
  }
  return message;
}

Mailer::Mailer(std::optional<SmtpTarget> target) : m_target(std::move(target)) {
  if (m_target) {
    m_worker = std::thread([this] { run(); });
  }
}

Mailer::~Mailer() {
  {
    const std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
  if (m_worker.joinable()) {
    m_worker.join();
  }
  for (const auto& mail : m_queue) {
    fmt::print(stderr, "mail: dropped at shutdown to={}\n", masked_address(mail.to));
  }
}

void Mailer::send(Mail mail) {
  if (!m_target) {
    fmt::print(stderr, "mail: dropped (no --smtp) to={}\n", masked_address(mail.to));
    return;
  }
  {
    const std::lock_guard lock(m_mutex);
    if (m_queue.size() >= k_max_queue) {
      fmt::print(stderr, "mail: dropped (queue full) to={}\n", masked_address(mail.to));
      return;
    }
    m_queue.push_back(std::move(mail));
  }
  m_wake.notify_one();
}

void Mailer::run() {
  std::unique_lock lock(m_mutex);
  while (true) {
    m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
    if (m_stop) {
      return;
    }
    const Mail mail = std::move(m_queue.front());
    m_queue.pop_front();
    lock.unlock();
    deliver(mail);
    lock.lock();
  }
}

void Mailer::deliver(const Mail& mail) {
  const std::unique_ptr<CURL, CurlCleanup> curl(curl_easy_init());
  if (!curl) {
    fmt::print(stderr, "mail: failed to={} error=curl_easy_init\n", masked_address(mail.to));
    return;
  }
  const auto host = m_target->host.find(':') != std::string::npos
                        ? fmt::format("[{}]", m_target->host)
                        : m_target->host;
  // The path names the domain libcurl greets with (EHLO portal.test).
  const auto url = fmt::format("smtp://{}:{}/portal.test", host, m_target->port);
  const auto from = fmt::format("<{}>", k_from);
  const auto rcpt_text = fmt::format("<{}>", mail.to);
  const std::unique_ptr<curl_slist, SlistCleanup> rcpt(
      curl_slist_append(nullptr, rcpt_text.c_str()));
  Payload payload{format_message(mail, now_seconds(), random_token().substr(0, 32)), 0};

  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(h, CURLOPT_READFUNCTION, &read_payload);
  curl_easy_setopt(h, CURLOPT_READDATA, &payload);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, k_timeout_ms);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, k_timeout_ms);
  const CURLcode rc = curl_easy_perform(h);
  if (rc == CURLE_OK) {
    fmt::print(stderr, "mail: sent to={}\n", masked_address(mail.to));
  } else {
    fmt::print(stderr, "mail: failed to={} error=\"{}\"\n", masked_address(mail.to),
               curl_easy_strerror(rc));
  }
}

} // namespace portal
