// The access log's line format and per-request notes: one JSON object per request (fields in a
// fixed order through nlohmann::ordered_json, invalid UTF-8 replaced, so the line is always valid
// JSON and a path cannot forge a second line), an RFC 3339 UTC timestamp with milliseconds, the
// level from the status class, and the request id (the client's X-Request-Id when it is sane,
// else 64 random bits from OpenSSL).

#include "access_log.hpp"

#include "util.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <openssl/rand.h>

#include <array>
#include <cmath>
#include <ctime>

namespace portal {

namespace {

constexpr std::size_t k_max_request_id = 128;
constexpr std::size_t k_max_error = 200;

thread_local RequestNotes t_notes;

} // namespace

std::string_view log_level(int status) {
  if (status >= 500) {
    return "error";
  }
  return status >= 400 ? "warn" : "info";
}

std::string rfc3339_millis(std::chrono::system_clock::time_point at) {
  using namespace std::chrono;
  const auto millis = duration_cast<milliseconds>(at.time_since_epoch()).count();
  auto seconds = static_cast<std::time_t>(millis / 1000);
  auto rest = millis % 1000;
  if (rest < 0) {
    seconds -= 1;
    rest += 1000;
  }
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, rest);
}

bool sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > k_max_request_id) {
    return false;
  }
  for (const char c : id) {
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && c != '.' && c != '_' && c != ':' && c != '-') {
      return false;
    }
  }
  return true;
}

std::string generate_request_id() {
  std::array<unsigned char, 8> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    // The id only correlates log lines; a clock-derived one is good enough when the CSPRNG is not.
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    return fmt::format("{:016x}", static_cast<std::uint64_t>(now));
  }
  return hex_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string without_quoted(std::string_view text) {
  std::string out;
  char open = '\0';
  for (const char c : text) {
    if (open != '\0') {
      if (c == open) {
        out += "...";
        out += c;
        open = '\0';
      }
      continue;
    }
    out += c;
    if (c == '\'' || c == '"') {
      open = c;
    }
  }
  if (open != '\0') {
    out += "...";
  }
  if (out.size() > k_max_error) {
    out.resize(k_max_error);
  }
  return out;
}

std::string access_log_line(const AccessEntry& entry) {
  nlohmann::ordered_json line;
  line["ts"] = rfc3339_millis(entry.at);
  line["level"] = log_level(entry.status);
  if (!entry.request_id.empty()) {
    line["request_id"] = entry.request_id;
  }
  line["method"] = log_safe(entry.method);
  line["path"] = log_safe(entry.path);
  line["status"] = entry.status;
  line["duration_ms"] = std::round(entry.duration_ms * 1000.0) / 1000.0;
  if (entry.user_id) {
    line["user_id"] = *entry.user_id;
  }
  if (!entry.error.empty()) {
    line["error"] = entry.error;
  }
  if (entry.body) {
    line["body"] = *entry.body;
  }
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

RequestNotes& request_notes() {
  return t_notes;
}

void note_user(const User& user) {
  t_notes.user_id = user.id;
}

void note_error(std::string_view cause) {
  t_notes.error = std::string(cause.substr(0, k_max_error));
}

} // namespace portal
