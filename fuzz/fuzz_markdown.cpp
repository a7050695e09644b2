// Fuzzes the Markdown reader of the deploy gate: READMEs and runbooks come from the repository
// under audit.

#include "analyze/markdown.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto sections = lg::analyze::markdown_sections(text);
  for (const auto& section : sections) {
    if (section.level < 0 || section.level > 6 || section.end_line < section.line)
      __builtin_trap();
    for (const auto& block : section.code)
      (void)lg::analyze::shell_commands(block);
    (void)lg::analyze::heading_has(section, {"build", "rollback"});
  }
  return 0;
}
