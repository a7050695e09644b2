// Fuzzes the Observatory-style scorer (analyze/observatory): the input is "Name: value" header
// lines, a blank line, then the body, which the SRI test scans as HTML. Every header and body is
// what a server anyone runs chooses to send.

#include "analyze/observatory.hpp"
#include "util/text.hpp"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t blank = text.find("\n\n");
  std::string_view head = text.substr(0, blank);
  std::string_view body = blank == std::string_view::npos ? "" : text.substr(blank + 2);
  lg::analyze::ObservatoryInput input;
  input.status = 200;
  input.body = body;
  for (auto line : lg::split(head, '\n')) {
    size_t colon = line.find(':');
    if (colon != std::string_view::npos)
      input.headers.emplace_back(std::string(line.substr(0, colon)),
                                 std::string(lg::trim(line.substr(colon + 1))));
  }
  if (input.headers.empty() || !lg::iequals(input.headers.front().first, "Content-Type"))
    input.headers.emplace_back("Content-Type", "text/html");
  for (bool https : {true, false}) {
    input.https = https;
    input.origin = https ? "https://portal.test" : "http://portal.test:8080";
    auto score = lg::analyze::score_observatory(input);
    if (score.score < 0 || score.grade.empty())
      __builtin_trap();
  }
  return 0;
}
