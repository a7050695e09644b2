// Evidence a developer can replay: curl commands with the credential left to a shell variable,
// and short excerpts of response bodies with long strings cut and credential-like members
// redacted (DESIGN.md: no credential or token appears in full in any report).

#include "engine/replay.hpp"

#include "util/text.hpp"

#include <fmt/format.h>

namespace lg::engine {
namespace {

bool credential_name(const std::string& key) {
  auto k = to_lower(key);
  for (const char* word : {"token", "secret", "password", "passwd", "api_key", "apikey", "cookie",
                           "session", "authorization", "private_key", "card"})
    if (k.find(word) != std::string::npos)
      return true;
  return false;
}

void shorten(nlohmann::json& doc, size_t max_string, int depth) {
  if (depth > 32)
    return;
  if (doc.is_object()) {
    for (auto& [key, value] : doc.items()) {
      if (value.is_string() && credential_name(key))
        value = redact(value.get<std::string>());
      else
        shorten(value, max_string, depth + 1);
    }
  } else if (doc.is_array()) {
    for (auto& item : doc)
      shorten(item, max_string, depth + 1);
  } else if (doc.is_string()) {
    auto s = doc.get<std::string>();
    if (s.size() > max_string) {
      size_t cut = max_string;
      while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
        --cut; // never split a UTF-8 sequence
      doc = s.substr(0, cut) + "…";
    }
  }
}

std::string cut(const std::string& text, size_t max_total) {
  if (text.size() <= max_total)
    return text;
  size_t end = max_total;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
    --end;
  return text.substr(0, end) + fmt::format("… ({} bytes in all)", text.size());
}

} // namespace

std::string curl_command(const net::HttpRequest& request, const std::string& auth) {
  std::string out = fmt::format("curl -sS -X {} {}", request.method, shell_quote(request.url));
  if (!auth.empty())
    out += " " + auth;
  for (const auto& h : request.headers)
    if (iequals(h.name, "Content-Type"))
      out += " -H " + shell_quote(h.name + ": " + h.value);
  if (!request.body.empty()) {
    constexpr size_t k_max = 2000;
    if (request.body.size() > k_max)
      out += fmt::format(" --data-binary {} # body cut: {} bytes in all",
                         shell_quote(request.body.substr(0, 64) + "…"), request.body.size());
    else
      out += " --data-binary " + shell_quote(request.body);
  }
  return out;
}

std::string excerpt(const std::string& body, size_t max_total, size_t max_string) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded())
    return cut(body, max_total);
  shorten(doc, max_string, 0);
  return cut(doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), max_total);
}

} // namespace lg::engine
