#pragma once
// The portal's structured access log: one JSON object per request on stderr, written once the
// response is known. Handlers add what only they know (the signed-in caller, the cause of a
// failure) through `note_user` and `note_error`; the middleware in server.cpp does the rest.

#include "store.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace portal {

// What one line of the access log says, in the order of its fields.
struct AccessEntry {
  std::chrono::system_clock::time_point at; // when the response was known
  std::string request_id;                   // "" leaves the field out (no-request-id)
  std::string method;
  std::string path; // the path only, never the query string
  int status = 0;
  double duration_ms = 0.0;
  std::optional<std::int64_t> user_id; // only for a signed-in caller
  std::string error;                   // for status >= 400; "" leaves the field out
  std::optional<std::string> body;     // the raw request body (logs-bodies), capped
};

// "info", "warn" for 4xx, "error" for 5xx.
std::string_view log_level(int status);

// `at` as an RFC 3339 UTC timestamp with milliseconds, e.g. "2026-11-29T22:15:03.123Z".
std::string rfc3339_millis(std::chrono::system_clock::time_point at);

// True when `id` may be adopted as the request id: 1..128 characters of [A-Za-z0-9._:-].
bool sane_request_id(std::string_view id);

// A fresh request id: 16 lower-case hex digits (64 random bits).
std::string generate_request_id();

// `text` with every quoted span ('...' or "...") replaced by "...", capped at 200 bytes: what an
// exception or database message may say in the log without echoing the request's data.
std::string without_quoted(std::string_view text);

// The JSON line for `entry` (no trailing newline): ts, level, request_id, method, path, status,
// duration_ms, user_id, error, body — absent members left out. Never throws on invalid UTF-8.
std::string access_log_line(const AccessEntry& entry);

// Per-request notes, kept per thread: cpp-httplib serves a request on one pool thread from the
// pre-routing hook to the logger, and the logger clears them.
struct RequestNotes {
  bool active = false;
  std::chrono::steady_clock::time_point start;
  std::string request_id;
  std::optional<std::int64_t> user_id;
  std::string error;
};

// The notes of the request being served on this thread.
RequestNotes& request_notes();

// Records that the request was made by the signed-in `user` (its id goes into the log line).
void note_user(const User& user);

// Records `cause` as the log line's error, in place of the reason read from the response body.
// It must hold no user data (no email, name, password, token or body text).
void note_error(std::string_view cause);

} // namespace portal
