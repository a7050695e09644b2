// Fuzzes the strace output reader of deploy.clean-build: what a traced build does, paths and
// arguments included, is chosen by the repository under audit.

#include "analyze/strace.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  lg::analyze::Trace trace;
  lg::analyze::parse_strace(text, trace);
  for (const auto& open : trace.opens)
    if (open.path.empty() || open.path[0] != '/')
      __builtin_trap();
  (void)lg::analyze::strace_unescape(text);
  return 0;
}
