// `launchgate mailsink --listen HOST:PORT`: the SMTP sink (net/impl/smtp_sink) on its own, for
// pointing a staging portal at it by hand. One line per message on stdout with its links redacted
// (a reset link's token is never printed in full); `--dir` keeps each message whole as an .eml
// file. Runs until SIGINT or SIGTERM, taken with sigwait() in the main thread.

#include "app/commands.hpp"

#include "analyze/mail.hpp"
#include "net/impl/smtp_sink.hpp"
#include "util/text.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <optional>
#include <pthread.h>
#include <unistd.h>

namespace lg::app {
namespace {

constexpr int k_usage = 2;
constexpr size_t k_max_subject = 200;

/// `text` safe for a terminal: C0 and C1 controls and DEL shown as '?'.
std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      out += '?';
    } else if (c == 0xc2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      out += '?'; // U+0080..U+009F in UTF-8
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

bool token_like(std::string_view segment) {
  if (segment.size() < 16)
    return false;
  bool digit = false;
  bool upper = false;
  bool lower = false;
  for (char c : segment) {
    if (c >= '0' && c <= '9')
      digit = true;
    else if (c >= 'A' && c <= 'Z')
      upper = true;
    else if (c >= 'a' && c <= 'z')
      lower = true;
    else if (std::string_view("-_.~%+=").find(c) == std::string_view::npos)
      return false;
  }
  return digit || (upper && lower) || segment.size() >= 32;
}

/// `name=value&…` with every value redacted (a pair without '=' is all value).
std::string redact_pairs(std::string_view pairs) {
  std::string out;
  bool first = true;
  for (auto pair : split(pairs, '&')) {
    out += first ? "" : "&";
    first = false;
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos)
      out += pair.empty() ? "" : redact(pair);
    else
      out += fmt::format("{}={}", pair.substr(0, eq),
                         eq + 1 == pair.size() ? "" : redact(pair.substr(eq + 1)));
  }
  return out;
}

/// A path with its token-like segments redacted.
std::string redact_path(std::string_view path) {
  std::string out;
  bool first = true;
  for (auto segment : split(path, '/')) {
    out += first ? "" : "/";
    first = false;
    out += token_like(segment) ? redact(segment) : std::string(segment);
  }
  return out;
}

/// Writes each message to DIR/NNNNNN.eml, numbering on from the first free name.
class MailDir {
public:
  explicit MailDir(std::filesystem::path dir) : m_dir(std::move(dir)) {}

  /// The file written, or an error message.
  Expected<std::string> write(const std::string& data) {
    while (m_next <= 999999) {
      auto path = (m_dir / fmt::format("{:06}.eml", m_next++)).string();
      int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd < 0 && errno == EEXIST)
        continue;
      if (fd < 0)
        return unexpected(ErrorKind::io, fmt::format("{}: {}", path, std::strerror(errno)));
      std::string_view rest(data);
      while (!rest.empty()) {
        ssize_t n = ::write(fd, rest.data(), rest.size());
        if (n < 0 && errno == EINTR)
          continue;
        if (n <= 0) {
          int err = errno;
          close(fd);
          return unexpected(ErrorKind::io, fmt::format("{}: {}", path, std::strerror(err)));
        }
        rest.remove_prefix(static_cast<size_t>(n));
      }
      if (close(fd) != 0)
        return unexpected(ErrorKind::io, fmt::format("{}: {}", path, std::strerror(errno)));
      return path;
    }
    return unexpected(ErrorKind::io, fmt::format("{}: no free NNNNNN.eml name", m_dir.string()));
  }

private:
  std::filesystem::path m_dir;
  unsigned m_next = 1;
};

/// The line of `message` on stdout, after writing it to `dir` when one is given.
void print_message(const net::MailMessage& message, std::optional<MailDir>& dir) {
  std::string line = mailsink_line(message, rfc3339_utc_now());
  if (dir) {
    auto written = dir->write(message.data);
    if (written)
      line += fmt::format(" file={}", printable(*written));
    else
      fmt::print(stderr, "mailsink: cannot save a message: {}\n", written.error().message);
  }
  fmt::print("{}\n", line);
  (void)std::fflush(stdout);
}

} // namespace

std::string redact_link(std::string_view url) {
  std::string out;
  if (size_t scheme = url.find("://"); scheme != std::string_view::npos) {
    out += url.substr(0, scheme + 3);
    url.remove_prefix(scheme + 3);
    auto authority = url.substr(0, url.find_first_of("/?#"));
    if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
      out += redact(authority.substr(0, at)) + "@";
      url.remove_prefix(at + 1);
      authority = authority.substr(at + 1);
    }
    out += authority;
    url.remove_prefix(authority.size());
  }
  size_t hash = url.find('#');
  auto before_fragment = url.substr(0, hash);
  size_t mark = before_fragment.find('?');
  out += redact_path(before_fragment.substr(0, mark));
  if (mark != std::string_view::npos)
    out += "?" + redact_pairs(before_fragment.substr(mark + 1));
  if (hash != std::string_view::npos) {
    auto fragment = url.substr(hash + 1);
    out += "#" + (fragment.find('=') != std::string_view::npos ? redact_pairs(fragment)
                                                               : redact_path(fragment));
  }
  return out;
}

std::string mailsink_line(const net::MailMessage& message, const std::string& time) {
  std::string to;
  for (const auto& r : message.recipients)
    to += fmt::format("{}<{}>", to.empty() ? "" : ",", r);
  std::string subject = "(no header block)";
  std::string links;
  if (auto mail = analyze::parse_mail(message.data)) {
    subject = mail->subject.size() > k_max_subject ? mail->subject.substr(0, k_max_subject) + "…"
                                                   : mail->subject;
    for (const auto& link : analyze::mail_links(*mail))
      links += fmt::format(" <{}>", redact_link(link));
  }
  return printable(fmt::format("{} from=<{}> to={} subject=\"{}\" size={}{}{}", time,
                               message.mail_from, to, subject, message.data.size(),
                               links.empty() ? "" : " links:", links));
}

int run_mailsink(const MailsinkOptions& options) {
  std::optional<MailDir> dir;
  if (!options.dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.dir, ec);
    if (ec) {
      fmt::print(stderr, "launchgate: mailsink --dir {}: {}\n", options.dir, ec.message());
      return k_usage;
    }
    dir.emplace(options.dir);
  }

  // SIGINT and SIGTERM are blocked before the sink's threads start (they inherit the mask) and
  // taken below with sigwait(), so no thread is interrupted and no handler is needed.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigset_t old_mask;
  pthread_sigmask(SIG_BLOCK, &stop_signals, &old_mask);

  net::SmtpSinkOptions sink_options;
  sink_options.max_message_bytes = options.max_size;
  sink_options.on_message = [&dir](const net::MailMessage& message) noexcept {
    try {
      print_message(message, dir);
    } catch (const std::exception& e) { // a closed stdout: the sink goes on capturing
      fmt::print(stderr, "mailsink: {}\n", e.what());
    } catch (...) {
    }
  };
  int status = 0;
  {
    auto sink = net::SmtpSink::start(options.listen, std::move(sink_options));
    if (!sink) {
      fmt::print(stderr, "launchgate: mailsink --listen {}\n", sink.error().message);
      status = k_usage;
    } else {
      fmt::print("mailsink: listening on {}\n", (*sink)->address());
      (void)std::fflush(stdout);
      int signal = 0;
      sigwait(&stop_signals, &signal);
      fmt::print(stderr, "mailsink: stopping after {} message(s)\n", (*sink)->received());
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  return status;
}

} // namespace lg::app
