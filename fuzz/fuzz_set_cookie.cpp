// Fuzzes the Set-Cookie parser and the session-cookie judgement (analyze/cookies).

#include "analyze/cookies.hpp"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto cookie = lg::analyze::parse_set_cookie(text)) {
    (void)lg::analyze::is_deletion(*cookie);
    (void)lg::analyze::judge_session_cookie(*cookie);
  }
  return 0;
}
