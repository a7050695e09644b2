// The mail sink's SMTP dialogue (RFC 5321 server side; RFC 1870 SIZE, RFC 6152 8BITMIME): EHLO and
// HELO, MAIL FROM with SIZE, RCPT TO, DATA with dot-unstuffing (4.5.2) and a size cap enforced
// while receiving, RSET, NOOP, VRFY, QUIT; commands out of sequence get 503, unknown ones 500/502,
// and a client that keeps erring is disconnected. Any mail is accepted: the sink only captures.
// Optionally STARTTLS (RFC 3207; the sink does the handshake) and a required SMTP AUTH (RFC 4954,
// PLAIN and LOGIN, RFC 4616), for tests of mail clients.

#include "analyze/smtp.hpp"

#include "util/crypto.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace lg::analyze {
namespace {

constexpr size_t k_max_line = 1000; // RFC 5321 4.5.3.1.6, CRLF included
constexpr size_t k_max_recipients = 100;
constexpr int k_max_errors = 20;

/// The address between < > after "FROM:" / "TO:", and the rest of the line (parameters).
bool path_argument(std::string_view args, std::string_view keyword, std::string& address,
                   std::string_view& rest) {
  args = trim(args);
  if (!istarts_with(args, keyword))
    return false;
  args = trim(args.substr(keyword.size()));
  if (args.empty() || args.front() != '<')
    return false;
  size_t close = args.find('>');
  if (close == std::string_view::npos)
    return false;
  address = std::string(args.substr(1, close - 1));
  rest = trim(args.substr(close + 1));
  return true;
}

} // namespace

SmtpDialogue::SmtpDialogue(size_t max_message_bytes, std::string host)
    : m_max(max_message_bytes), m_host(std::move(host)) {}

std::string SmtpDialogue::greeting() const {
  return fmt::format("220 {} ESMTP launchgate mail sink\r\n", m_host);
}

void SmtpDialogue::offer_starttls() {
  m_offer_tls = true;
}

void SmtpDialogue::require_auth(std::string username, std::string password) {
  m_auth_required = true;
  m_username = std::move(username);
  m_password = std::move(password);
}

void SmtpDialogue::tls_started() {
  m_tls = true;
  m_greeted = false;
  m_auth_user.clear();
  m_auth_step = AuthStep::none;
  reset();
}

SmtpDialogue::Reply SmtpDialogue::fail(std::string text) {
  Reply r{std::move(text), false};
  if (++m_errors >= k_max_errors) {
    r.text += "421 4.7.0 too many errors, closing\r\n";
    r.close = true;
  }
  return r;
}

SmtpDialogue::Reply SmtpDialogue::check_login(std::string_view user, std::string_view password) {
  m_auth_step = AuthStep::none;
  if (user != m_username || password != m_password)
    return fail("535 5.7.8 authentication credentials invalid\r\n");
  m_auth_user = std::string(user);
  return {"235 2.7.0 authentication succeeded\r\n", false};
}

SmtpDialogue::Reply SmtpDialogue::auth(std::string_view args) {
  if (!m_auth_required)
    return fail("502 5.5.1 command not implemented\r\n");
  if (!m_greeted)
    return fail("503 5.5.1 say EHLO first\r\n");
  if (!m_auth_user.empty())
    return fail("503 5.5.1 already authenticated\r\n");
  if (m_has_sender)
    return fail("503 5.5.1 AUTH not allowed during a mail transaction\r\n");
  if (m_offer_tls && !m_tls)
    return fail("538 5.7.11 encryption required: STARTTLS first\r\n");
  args = trim(args);
  size_t space = args.find(' ');
  std::string mechanism = to_upper(args.substr(0, space));
  std::string_view initial = space == std::string_view::npos ? "" : trim(args.substr(space + 1));
  if (mechanism == "PLAIN") {
    m_auth_step = AuthStep::plain;
    if (initial.empty())
      return {"334 \r\n", false};
    return auth_continue(initial == "=" ? "" : initial);
  }
  if (mechanism == "LOGIN") {
    m_auth_step = AuthStep::login_user;
    if (initial.empty())
      return {"334 VXNlcm5hbWU6\r\n", false}; // "Username:"
    return auth_continue(initial);
  }
  return fail("504 5.5.4 unrecognized authentication mechanism\r\n");
}

SmtpDialogue::Reply SmtpDialogue::auth_continue(std::string_view line) {
  if (line == "*") {
    m_auth_step = AuthStep::none;
    return fail("501 5.7.0 authentication cancelled\r\n");
  }
  auto decoded = crypto::base64_decode(line, 1024);
  if (!decoded) {
    m_auth_step = AuthStep::none;
    return fail("501 5.5.2 cannot decode the response\r\n");
  }
  switch (m_auth_step) {
  case AuthStep::plain: {
    // RFC 4616: authzid NUL authcid NUL passwd; an authzid other than the user is refused.
    std::string_view text(*decoded);
    size_t first = text.find('\0');
    size_t second = first == std::string_view::npos ? first : text.find('\0', first + 1);
    if (second == std::string_view::npos) {
      m_auth_step = AuthStep::none;
      return fail("501 5.5.2 malformed PLAIN response\r\n");
    }
    std::string_view authzid = text.substr(0, first);
    std::string_view user = text.substr(first + 1, second - first - 1);
    if (!authzid.empty() && authzid != user) {
      m_auth_step = AuthStep::none;
      return fail("535 5.7.8 authentication credentials invalid\r\n");
    }
    return check_login(user, text.substr(second + 1));
  }
  case AuthStep::login_user:
    m_login_user = *decoded;
    m_auth_step = AuthStep::login_password;
    return {"334 UGFzc3dvcmQ6\r\n", false}; // "Password:"
  case AuthStep::login_password:
    return check_login(m_login_user, *decoded);
  case AuthStep::none:
    break;
  }
  m_auth_step = AuthStep::none;
  return fail("503 5.5.1 no authentication under way\r\n");
}

void SmtpDialogue::reset() {
  m_current = ReceivedMail{};
  m_has_sender = false;
  m_too_big = false;
}

std::vector<ReceivedMail> SmtpDialogue::take() {
  std::vector<ReceivedMail> out;
  out.swap(m_done);
  return out;
}

SmtpDialogue::Reply SmtpDialogue::feed(std::string_view line) {
  if (m_auth_step != AuthStep::none) {
    if (line.size() + 2 > k_max_line) {
      m_auth_step = AuthStep::none;
      return fail("500 5.5.2 line too long\r\n");
    }
    return auth_continue(trim(line));
  }
  if (!m_in_data)
    return command(line);
  if (line == ".") {
    m_in_data = false;
    Reply r;
    if (m_too_big) {
      r.text = fmt::format("552 5.3.4 message larger than {} bytes\r\n", m_max);
    } else {
      m_current.auth_user = m_auth_user;
      m_current.tls = m_tls;
      m_done.push_back(std::move(m_current));
      r.text = "250 2.0.0 captured\r\n";
    }
    reset();
    return r;
  }
  if (line.starts_with(".."))
    line.remove_prefix(1);
  if (m_current.data.size() + line.size() + 2 > m_max)
    m_too_big = true;
  if (!m_too_big) {
    m_current.data += line;
    m_current.data += "\r\n";
  }
  return {};
}

SmtpDialogue::Reply SmtpDialogue::command(std::string_view line) {
  auto error = [&](std::string text) { return fail(std::move(text)); };
  if (line.size() + 2 > k_max_line)
    return error("500 5.5.2 line too long\r\n");
  size_t space = line.find(' ');
  std::string verb = to_upper(line.substr(0, space));
  std::string_view args = space == std::string_view::npos ? "" : line.substr(space + 1);
  if (verb == "EHLO" || verb == "HELO") {
    m_greeted = true;
    reset();
    if (verb == "HELO")
      return {fmt::format("250 {}\r\n", m_host), false};
    std::string extensions;
    if (m_offer_tls && !m_tls)
      extensions += "250-STARTTLS\r\n";
    if (m_auth_required && (m_tls || !m_offer_tls) && m_auth_user.empty())
      extensions += "250-AUTH PLAIN LOGIN\r\n";
    return {fmt::format("250-{} greets {}\r\n250-8BITMIME\r\n250-SIZE {}\r\n{}250 SMTPUTF8\r\n",
                        m_host, trim(args), m_max, extensions),
            false};
  }
  if (verb == "STARTTLS") {
    if (!m_offer_tls)
      return error("502 5.5.1 command not implemented\r\n");
    if (m_tls)
      return error("503 5.5.1 TLS already active\r\n");
    if (!trim(args).empty())
      return error("501 5.5.4 syntax: STARTTLS\r\n");
    return {"220 2.0.0 ready to start TLS\r\n", false, true};
  }
  if (verb == "AUTH")
    return auth(args);
  if (verb == "MAIL") {
    if (!m_greeted)
      return error("503 5.5.1 say EHLO first\r\n");
    if (m_has_sender)
      return error("503 5.5.1 sender already given\r\n");
    if (m_auth_required && m_auth_user.empty())
      return error("530 5.7.0 authentication required\r\n");
    std::string address;
    std::string_view params;
    if (!path_argument(args, "FROM:", address, params))
      return error("501 5.5.4 syntax: MAIL FROM:<address>\r\n");
    for (auto p : split(params, ' ')) {
      if (!istarts_with(p, "SIZE="))
        continue;
      size_t size = 0;
      for (char c : p.substr(5)) {
        if (c < '0' || c > '9' || size > m_max)
          break;
        size = size * 10 + static_cast<size_t>(c - '0');
      }
      if (size > m_max)
        return error(fmt::format("552 5.3.4 message larger than {} bytes\r\n", m_max));
    }
    m_current.mail_from = address;
    m_has_sender = true;
    return {"250 2.1.0 sender ok\r\n", false};
  }
  if (verb == "RCPT") {
    if (!m_has_sender)
      return error("503 5.5.1 need MAIL first\r\n");
    std::string address;
    std::string_view params;
    if (!path_argument(args, "TO:", address, params) || address.empty())
      return error("501 5.5.4 syntax: RCPT TO:<address>\r\n");
    if (m_current.rcpt_to.size() >= k_max_recipients)
      return error("452 4.5.3 too many recipients\r\n");
    m_current.rcpt_to.push_back(address);
    return {"250 2.1.5 recipient ok\r\n", false};
  }
  if (verb == "DATA") {
    if (m_current.rcpt_to.empty())
      return error("503 5.5.1 need RCPT first\r\n");
    m_in_data = true;
    return {"354 end data with <CR><LF>.<CR><LF>\r\n", false};
  }
  if (verb == "RSET") {
    reset();
    return {"250 2.0.0 reset\r\n", false};
  }
  if (verb == "NOOP")
    return {"250 2.0.0 ok\r\n", false};
  if (verb == "VRFY")
    return {"252 2.5.2 cannot verify, will accept\r\n", false};
  if (verb == "QUIT")
    return {fmt::format("221 2.0.0 {} closing\r\n", m_host), true};
  if (verb.empty())
    return error("500 5.5.2 empty command\r\n");
  return error("502 5.5.1 command not implemented\r\n");
}

} // namespace lg::analyze
