// Fuzzes the judges of deploy.pinned-deps: manifests, lock files, Dockerfiles and CI files come
// from the repository under audit, which anyone with commit access writes.

#include "analyze/deps.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  using namespace lg::analyze;
  InstallContext install;
  install.requirements = {{"requirements.txt", false}};
  (void)judge_dockerfile(text, "Dockerfile", install);
  (void)judge_github_workflow(text, "ci.yml", install);
  (void)judge_circleci(text, "config.yml", install);
  DepScan scan;
  judge_yaml_images(text, "compose.yml", "Docker Compose", scan);
  judge_requirements(text, "requirements.txt", scan);
  judge_pom(text, "pom.xml", scan);
  judge_gradle(text, "build.gradle", scan);
  judge_cmake(text, "CMakeLists.txt", scan);
  judge_vcpkg(text, "vcpkg.json", false, scan);
  (void)parse_pyproject(text);
  auto cargo = cargo_dependencies(text);
  (void)missing_from_text_lock(cargo, text);
  auto modules = go_requirements(text);
  (void)missing_from_go_sum(modules, text);
  if (auto names = package_json_dependencies(text))
    (void)missing_from_package_lock(*names, text);
  (void)missing_from_package_lock({"a"}, text);
  (void)split_image(text);
  return 0;
}
