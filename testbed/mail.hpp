#pragma once
// Outgoing mail: a background queue that delivers over SMTP with libcurl.

#include "options.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace portal {

struct Mail {
  std::string to;
  std::string subject;
  std::string text; // plain-text body; lines end with "\n"
};

// The RFC 5322 message for `mail` (CRLF line ends), dated `epoch_seconds`.
std::string format_message(const Mail& mail, std::int64_t epoch_seconds,
                           const std::string& message_id);

// Queues mail and sends it from one worker thread, so a slow or dead SMTP server never holds up
// a request. Without a target, mail is dropped with a log line that names no token.
class Mailer {
public:
  explicit Mailer(std::optional<SmtpTarget> target);
  Mailer(const Mailer&) = delete;
  Mailer& operator=(const Mailer&) = delete;
  // Stops the worker after the mail in flight; mail still queued is dropped with a log line.
  ~Mailer();

  // Queues `mail`; never blocks on the network.
  void send(Mail mail);

private:
  void run();
  void deliver(const Mail& mail);

  std::optional<SmtpTarget> m_target;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::deque<Mail> m_queue;
  bool m_stop = false;
  std::thread m_worker;
};

} // namespace portal
