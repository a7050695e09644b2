// `launchgate perf --export k6 FILE`: the config's perf.api-latency scenario as a k6 script
// (perf/k6), written atomically. The config is read with its ${NAME} references kept, so the
// script reads the same variables from its own environment and holds no credential.

#include "app/audit.hpp"
#include "app/commands.hpp"
#include "perf/k6.hpp"

#include <fmt/format.h>

namespace lg::app {

int run_perf_export(const PerfExportOptions& options) {
  constexpr int k_usage = 2;
  if (options.format != "k6") {
    fmt::print(stderr, "launchgate perf: --export {}: the one export format is k6\n",
               options.format);
    return k_usage;
  }
  auto config = load_config(options.config_path, EnvReferences::keep);
  if (!config) {
    fmt::print(stderr, "launchgate: {}\n", config.error().message);
    return k_usage;
  }
  perf::K6Options k6;
  k6.allow_writes = options.allow_writes;
  k6.source = options.config_path;
  auto script = perf::k6_script(*config, k6);
  if (!script) {
    fmt::print(stderr, "launchgate perf: {}: {}\n", options.config_path, script.error().message);
    return k_usage;
  }
  if (!write_file(options.file, script->text)) {
    fmt::print(stderr, "launchgate perf: cannot write {}\n", options.file);
    return k_usage;
  }
  fmt::print(stderr, "launchgate perf: wrote {} (k6 script of {})\n", options.file,
             options.config_path);
  for (const auto& note : script->notes)
    fmt::print(stderr, "  left out: {}\n", note);
  return 0;
}

} // namespace lg::app
