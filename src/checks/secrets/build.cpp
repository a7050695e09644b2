// secrets.build (CWE-798, CWE-538, CWE-540): the build output a portal publishes — bundles, their
// source maps and the original sources those maps embed — scanned like the tree. A key in a bundle
// is public the moment it is deployed; the finding names the bundle line and, through the map,
// the original file and line to fix.

#include "checks/registry.hpp"
#include "checks/secrets/scan.hpp"

#include <filesystem>
#include <fmt/format.h>

namespace lg::checks {
namespace {

/// Where JavaScript toolchains put their output by default.
constexpr std::array<std::string_view, 8> k_build_dirs = {
    "dist", "build", ".next", "out", ".output", ".nuxt", ".svelte-kit", "storybook-static"};

} // namespace

CheckResult run_secrets_build(engine::Context& context, const CheckMeta& meta) {
  const auto& config = context.config();
  if (!config.raw.contains("secrets"))
    return engine::skipped(meta, SkipKind::not_configured,
                           "no secrets section: set secrets.build, e.g. [dist/]");
  const auto& section = config.raw["secrets"];
  secrets::TreeOptions options;
  if (section.contains("build")) {
    for (const auto& p : section["build"])
      options.roots.push_back(config.resolve_path(p.get<std::string>()));
  } else {
    std::filesystem::path base = config.resolve_path(
        section.contains("repo") ? section["repo"].get<std::string>() : std::string("."));
    for (auto dir : k_build_dirs) {
      std::error_code ec;
      if (std::filesystem::is_directory(base / dir, ec))
        options.roots.push_back((base / dir).string());
    }
    if (options.roots.empty())
      return engine::skipped(
          meta, SkipKind::not_configured,
          fmt::format("no build output under {} (looked for {}): build the portal first, or "
                      "set secrets.build",
                      base.string(), fmt::join(k_build_dirs, ", ")));
  }
  auto scan = scan_from_config(config);
  if (!scan)
    return engine::errored(meta, scan.error().message);
  return scan_tree_check(meta, options, *scan);
}

} // namespace lg::checks
