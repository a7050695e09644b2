#pragma once
// What the deploy gate's integration tests share: planting a fixture repository of
// tests/fixtures/deploy into a fresh git repository, and running one check over a config with
// fakes for the network (the deploy checks read files and run commands; they send nothing).

#include "checks/catalog.hpp"
#include "checks/registry.hpp"
#include "support/test_support.hpp"
#include "unit/fakes.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace lg::test {

inline const std::filesystem::path k_deploy_fixtures =
    std::filesystem::path(LG_SOURCE_DIR) / "tests/fixtures/deploy";

/// Copies fixture `name` into `repo` (without `except`), commits it, then writes `except` back
/// uncommitted.
inline void plant_fixture(GitRepo& repo, const std::string& name, const std::string& except = "") {
  namespace fs = std::filesystem;
  fs::copy(k_deploy_fixtures / name, repo.path(), fs::copy_options::recursive);
  std::string held;
  if (!except.empty()) {
    held = read_file(repo.path() / except);
    fs::remove(repo.path() / except);
  }
  repo.commit("fixture " + name);
  if (!except.empty())
    repo.write(except, held);
}

/// Check `id` over the config `yaml` (relative paths against `dir`); expects that it sent no
/// HTTP request.
inline CheckResult run_deploy_check(const std::string& id, const std::string& yaml,
                                    const std::string& dir = "") {
  auto config = parse_config(yaml, dir.empty() ? "t" : dir + "/launchgate.yaml", dir);
  EXPECT_TRUE(config) << config.error().message;
  if (!config)
    return {};
  FakeHttp http;
  FakeClock clock;
  engine::Context context(*config, {http, clock}, {});
  const auto* meta = checks::find_check(id);
  EXPECT_NE(meta, nullptr) << id;
  CheckResult result;
  for (const auto& impl : checks::implementations())
    if (meta != nullptr && impl.id == id)
      result = impl.run(context, *meta);
  EXPECT_TRUE(http.seen.empty()) << id << " sent HTTP requests";
  return result;
}

} // namespace lg::test
