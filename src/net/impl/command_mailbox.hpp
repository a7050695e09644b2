#pragma once
// net::Mailbox over a command the user configures (`mail.command`): it prints the newest message
// for an address, e.g. from a mail provider's test inbox API. Polled until its output changes.

#include "net/mailbox.hpp"

#include <chrono>
#include <map>
#include <string>
#include <string_view>

namespace lg::net {

struct CommandMailboxOptions {
  std::chrono::milliseconds poll_interval{250}; ///< pause between runs while waiting in next()
  int run_timeout_ms = 30000;                   ///< a run taking longer is killed and an error
  size_t max_output_bytes = size_t{10} << 20;   ///< more output is an error
};

/// Runs `/bin/sh -c COMMAND sh ADDRESS`: `$1` is the address, and `{address}` in the command is
/// replaced by the address quoted for the shell. What the command prints is the newest message
/// for that address (nothing: none yet). Not thread-safe.
class CommandMailbox final : public Mailbox {
public:
  explicit CommandMailbox(std::string command, CommandMailboxOptions options = {});

  /// Runs the command once and remembers (a hash of) what it prints now.
  Expected<void> watch(const std::string& address) override;

  /// Runs the command every `poll_interval` until its output is not empty and differs from what
  /// the last watch() or next() saw for `address` (any non-empty output when never watched), or
  /// `timeout` passes (nullopt). The message's data is the output with LF line ends made CRLF;
  /// its envelope is empty. Errors: the command exits non-zero (its status and the first line of
  /// its stderr), is killed after `run_timeout_ms`, or prints more than `max_output_bytes`.
  Expected<std::optional<MailMessage>> next(const std::string& address,
                                            std::chrono::milliseconds timeout) override;

  /// One run of the command for `address`: its output.
  Expected<std::string> fetch(const std::string& address) const;

private:
  std::string m_command;
  CommandMailboxOptions m_options;
  std::map<std::string, std::string> m_seen; ///< lower-case address -> SHA-256 of the last output
};

} // namespace lg::net
