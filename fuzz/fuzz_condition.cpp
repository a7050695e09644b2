// Fuzzes the `expect` conditions of monitor checks: the text comes from a config file, and the body
// evaluated against comes from the monitored server. The input is `condition \0 body`: when the
// condition parses, it is evaluated against a fixed observation carrying that body.

#include "analyze/condition.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto cut = input.find('\0');
  std::string_view text = input.substr(0, cut);
  auto condition = lg::analyze::parse_condition(text);
  if (!condition)
    return 0;
  lg::analyze::MonitorObservation o;
  o.connected = true;
  o.status = 200;
  o.latency_ms = 123.5;
  o.body = cut == std::string_view::npos ? std::string(R"({"db":"ok","n":[1,2,{"a":null}]})")
                                         : std::string(input.substr(cut + 1));
  o.headers = {{"Content-Type", "application/json"}, {"X-Count", "42"}, {"x-count", "7"}};
  o.cert_days_left = 20;
  o.dns_rcode = "NOERROR";
  o.dns_answers = {"203.0.113.10", "portal.example.com."};
  auto result = lg::analyze::evaluate(*condition, o);
  if (result.ok != result.failed.empty())
    __builtin_trap();
  return 0;
}
