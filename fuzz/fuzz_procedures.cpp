// Fuzzes what deploy.rollback and deploy.handover read from the repository under audit: rollback
// sections of Markdown documents and whole ROLLBACK files, rollback headings, and CODEOWNERS.

#include "checks/deploy/procedures.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  namespace deploy = lg::checks::deploy;
  for (const char* path : {"README.md", "ROLLBACK.md"}) {
    std::vector<deploy::EmptyProcedure> empty;
    for (const auto& p : deploy::rollback_procedures(text, path, &empty)) {
      if (p.line == 0 || p.excerpt.size() > deploy::k_procedure_excerpt_lines ||
          p.commands.size() > 20 || p.dry_runs.size() > 5)
        __builtin_trap();
      for (const auto& line : p.excerpt)
        if (line.size() > 200 + 3) // 200 bytes and an ellipsis
          __builtin_trap();
    }
  }
  (void)deploy::is_rollback_heading(text);
  if (deploy::codeowners_owners(text).size() > 50)
    __builtin_trap();
  return 0;
}
