// Header look-ups on HttpResponse, the read-only methods and the real clock: the only code of the
// interface layer.

#include "net/http.hpp"

#include "net/clock.hpp"
#include "util/text.hpp"

#include <thread>

namespace lg::net {

bool reads_only(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& h : headers)
    if (iequals(h.name, name))
      return h.value;
  return std::nullopt;
}

std::vector<std::string> HttpResponse::headers_named(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& h : headers)
    if (iequals(h.name, name))
      out.push_back(h.value);
  return out;
}

std::chrono::steady_clock::time_point SystemClock::now() {
  return std::chrono::steady_clock::now();
}

void SystemClock::sleep_until(std::chrono::steady_clock::time_point t) {
  std::this_thread::sleep_until(t);
}

} // namespace lg::net
