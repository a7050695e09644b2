// Fuzzes the environment-variable scanners of deploy.config: source files, Spring and Compose
// files, Dockerfiles, env files and Markdown all come from the repository under audit.

#include "analyze/envvars.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (auto source : {lg::analyze::EnvSource::code, lg::analyze::EnvSource::spring,
                      lg::analyze::EnvSource::compose, lg::analyze::EnvSource::dockerfile}) {
    auto scan = lg::analyze::scan_env_uses(text, source);
    for (const auto& use : scan.uses)
      if (!lg::analyze::is_env_name(use.name))
        __builtin_trap();
  }
  auto file = lg::analyze::parse_env_file(text);
  for (const auto& entry : file.entries)
    if (!lg::analyze::is_env_name(entry.key))
      __builtin_trap();
  (void)lg::analyze::env_names_in_markdown(text);
  (void)lg::analyze::env_source_for(text);
  return 0;
}
