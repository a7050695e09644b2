// net::MailTransport on libcurl's SMTP client: RFC 5321 submission with STARTTLS (RFC 3207,
// required, never a silent fall back to plain text) or implicit TLS (RFC 8314), SMTP AUTH
// (RFC 4954, the strongest mechanism both sides know) and libcurl's dot-stuffing of the message.
// Errors name the server and libcurl's cause; the password never appears in them.

#include "net/impl/curl_mail.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <fmt/format.h>
#include <memory>
#include <mutex>
#include <string_view>

namespace lg::net {
namespace {

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

struct Reader {
  std::string_view data;
  size_t pos = 0;
};

size_t on_read(char* buffer, size_t size, size_t n, void* user) {
  auto* reader = static_cast<Reader*>(user);
  size_t len = std::min(size * n, reader->data.size() - reader->pos);
  std::memcpy(buffer, reader->data.data() + reader->pos, len);
  reader->pos += len;
  return len;
}

/// A bare address fit for an SMTP path: not empty, no CR, LF, angle brackets or spaces (which
/// would end the path or the command line and let the rest be read as another command).
bool envelope_address(std::string_view address) {
  return !address.empty() && address.size() <= 320 &&
         address.find_first_of("\r\n<> \t") == std::string_view::npos;
}

/// `text` with every occurrence of `secret` replaced, so no error message can carry it.
std::string scrub(std::string text, const std::string& secret) {
  if (secret.empty())
    return text;
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at))
    text.replace(at, secret.size(), "[password]");
  return text;
}

} // namespace

CurlMailTransport::CurlMailTransport() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Expected<void> CurlMailTransport::send(const MailServer& server, const OutgoingMail& mail) {
  bool v6 = server.host.find(':') != std::string::npos;
  std::string authority =
      fmt::format("{}:{}", v6 ? "[" + server.host + "]" : server.host, server.port);
  std::string url =
      fmt::format("{}://{}", server.tls == MailServer::Tls::implicit ? "smtps" : "smtp", authority);
  auto fail = [&](ErrorKind kind, const std::string& why) {
    return unexpected(kind, scrub(fmt::format("mail via {}: {}", url, why), server.password));
  };
  if (server.host.empty() || server.host.find_first_of("/@?#\r\n \t") != std::string::npos ||
      server.port <= 0 || server.port > 65535)
    return fail(ErrorKind::config, "not a usable SMTP server host and port");
  if (!envelope_address(mail.from))
    return fail(ErrorKind::config, "the sender is not a bare e-mail address");
  if (mail.to.empty())
    return fail(ErrorKind::config, "no recipient");
  for (const auto& to : mail.to)
    if (!envelope_address(to))
      return fail(ErrorKind::config, "a recipient is not a bare e-mail address");

  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  CURL* c = easy.get();
  if (c == nullptr)
    return fail(ErrorKind::internal, "curl_easy_init failed");
  std::string from = "<" + mail.from + ">";
  std::unique_ptr<curl_slist, ListDeleter> rcpt;
  for (const auto& to : mail.to)
    rcpt.reset(curl_slist_append(rcpt.release(), ("<" + to + ">").c_str()));
  Reader reader{mail.message, 0};
  std::array<char, CURL_ERROR_SIZE> detail{};

  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_PROXY, "");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, detail.data());
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max(server.timeout_ms, 1)));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::clamp(server.timeout_ms, 1, 10000)));
  curl_easy_setopt(c, CURLOPT_USE_SSL,
                   server.tls == MailServer::Tls::none ? static_cast<long>(CURLUSESSL_NONE)
                                                       : static_cast<long>(CURLUSESSL_ALL));
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!server.ca_file.empty()) {
    // With OpenSSL, libcurl trusts CAINFO and CAPATH together: the extra file and the system's.
    curl_easy_setopt(c, CURLOPT_CAINFO, server.ca_file.c_str());
    curl_easy_setopt(c, CURLOPT_CAPATH, "/etc/ssl/certs");
  }
  if (!server.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, server.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, server.password.c_str());
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
  curl_easy_setopt(c, CURLOPT_READDATA, &reader);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mail.message.size()));

  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK)
    return {};
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  std::string why = detail[0] != '\0' ? std::string(detail.data()) : curl_easy_strerror(rc);
  if (rc == CURLE_USE_SSL_FAILED)
    why = "the server did not accept STARTTLS (" + why + "); nothing was sent in plain text";
  if (code != 0 && why.find(std::to_string(code)) == std::string::npos)
    why += fmt::format(" (last reply {})", code);
  return fail(ErrorKind::network, why);
}

} // namespace lg::net
