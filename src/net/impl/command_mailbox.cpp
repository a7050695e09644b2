// The mailbox of `mail.command`: the command runs through /bin/sh (util/process, no terminal, a
// time limit and an output cap per run) with the address as $1 and as `{address}`, shell-quoted.
// A new message is output that is not empty and differs (by SHA-256) from the last one seen.

#include "net/impl/command_mailbox.hpp"

#include "util/process.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <thread>
#include <utility>

namespace lg::net {
namespace {

/// `text` with every bare LF made CRLF.
std::string crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r'))
      out += '\r';
    out += text[i];
  }
  return out;
}

/// The first line of `text`, trimmed and at most 200 bytes.
std::string first_line(std::string_view text) {
  text = trim(text);
  return std::string(trim(text.substr(0, std::min(text.find('\n'), size_t{200}))));
}

} // namespace

CommandMailbox::CommandMailbox(std::string command, CommandMailboxOptions options)
    : m_command(std::move(command)), m_options(options) {}

Expected<std::string> CommandMailbox::fetch(const std::string& address) const {
  std::string command = m_command;
  const std::string quoted = shell_quote(address);
  for (size_t at = command.find("{address}"); at != std::string::npos;
       at = command.find("{address}", at + quoted.size()))
    command.replace(at, 9, quoted);

  ProcessOptions run;
  run.argv = {"/bin/sh", "-c", command, "sh", address};
  run.timeout_ms = m_options.run_timeout_ms;
  run.chunk_bytes = size_t{64} * 1024;
  std::string output;
  bool too_large = false;
  auto result = LG_TRY(run_process(run, [&](std::string_view chunk) {
    if (output.size() + chunk.size() > m_options.max_output_bytes) {
      too_large = true;
      return false;
    }
    output += chunk;
    return true;
  }));
  if (too_large)
    return unexpected(ErrorKind::budget, fmt::format("mail.command printed more than {} bytes",
                                                     m_options.max_output_bytes));
  if (result.timed_out)
    return unexpected(ErrorKind::io, fmt::format("mail.command did not finish within {} ms",
                                                 m_options.run_timeout_ms));
  if (result.exit_code != 0) {
    auto why = first_line(result.stderr_text);
    return unexpected(ErrorKind::io, fmt::format("mail.command exited with status {}{}{}",
                                                 result.exit_code, why.empty() ? "" : ": ", why));
  }
  return output;
}

Expected<void> CommandMailbox::watch(const std::string& address) {
  auto output = LG_TRY(fetch(address));
  m_seen[to_lower(address)] = sha256_hex(output);
  return {};
}

Expected<std::optional<MailMessage>> CommandMailbox::next(const std::string& address,
                                                          std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto key = to_lower(address);
  while (true) {
    auto output = LG_TRY(fetch(address));
    if (!output.empty()) {
      auto hash = sha256_hex(output);
      auto seen = m_seen.find(key);
      if (seen == m_seen.end() || seen->second != hash) {
        m_seen[key] = hash;
        return std::optional<MailMessage>(MailMessage{"", {}, crlf(output)});
      }
    }
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline)
      return std::optional<MailMessage>();
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(m_options.poll_interval, deadline - now));
  }
}

} // namespace lg::net
