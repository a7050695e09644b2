// The pure judges of deploy.pinned-deps: Dockerfile FROM lines, workflow `uses:` refs, CircleCI
// orbs, install commands, manifests against lock files, requirements, Maven, Gradle, CMake and
// vcpkg.

#include "analyze/deps.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace lg::analyze {
namespace {

std::vector<std::string> whats(const DepScan& scan, bool serious) {
  std::vector<std::string> out;
  for (const auto& p : scan.problems)
    if (p.serious == serious)
      out.push_back(p.what);
  return out;
}

using Names = std::vector<std::string>;

TEST(DepsImages, SplitsRegistryPortTagAndDigest) {
  auto a = split_image("registry.example:5000/team/node:20.1@sha256:abc");
  EXPECT_EQ(a.name, "registry.example:5000/team/node");
  EXPECT_EQ(a.tag, "20.1");
  EXPECT_EQ(a.digest, "sha256:abc");
  auto b = split_image("registry.example:5000/team/node");
  EXPECT_EQ(b.tag, "");
  EXPECT_EQ(b.name, "registry.example:5000/team/node");
}

TEST(DepsDockerfile, LatestAndUntaggedAreSeriousStagesScratchAndDigestsAreNot) {
  auto scan = judge_dockerfile("ARG BASE=20.12\n"
                               "FROM --platform=$BUILDPLATFORM node:${BASE} AS build\n"
                               "FROM build AS test\n"
                               "FROM node:latest\n"
                               "from python\n"
                               "FROM scratch\n"
                               "FROM alpine@sha256:0123\n"
                               "FROM img:${UNSET}\n",
                               "Dockerfile", {});
  EXPECT_EQ(whats(scan, true), (Names{"node:latest", "python"}));
  EXPECT_EQ(scan.problems[0].line, 4);
  EXPECT_EQ(scan.problems[1].line, 5);
  ASSERT_EQ(scan.notes.size(), 1u);
  EXPECT_NE(scan.notes[0].find("img:${UNSET}"), std::string::npos);
  EXPECT_EQ(scan.items, 5u); // node:20.12, node:latest, python, alpine, img (scratch not counted)
}

TEST(DepsDockerfile, RunLinesAreJudgedAtTheirLine) {
  auto scan = judge_dockerfile("FROM node:20\nRUN apt-get update && \\\n    npm install\n"
                               "RUN npm ci\n",
                               "Dockerfile", {});
  ASSERT_EQ(scan.problems.size(), 1u);
  EXPECT_EQ(scan.problems[0].what, "npm install");
  EXPECT_EQ(scan.problems[0].line, 2);
}

TEST(DepsWorkflow, BranchesAndMissingRefsAreSeriousVersionTagsAreNotes) {
  auto scan = judge_github_workflow(
      "jobs:\n  t:\n    steps:\n"
      "      - uses: actions/checkout@main\n"
      "      - uses: actions/setup-node\n"
      "      - uses: actions/cache@v4 # a tag\n"
      "      - uses: \"actions/setup-go@0c52d547c9bc32b1aa3301fd7a9cb496313a4491\"\n"
      "      - uses: ./.github/actions/local\n"
      "      - uses: docker://alpine:latest\n"
      "      - name: run npm install for fun\n"
      "        run: npm ci\n",
      ".github/workflows/ci.yml", {});
  EXPECT_EQ(whats(scan, true),
            (Names{"actions/checkout@main", "actions/setup-node", "alpine:latest"}));
  EXPECT_EQ(whats(scan, false), (Names{"actions/cache@v4"}));
  EXPECT_EQ(scan.items, 6u);
  EXPECT_EQ(scan.problems[0].line, 4);
}

TEST(DepsCircleci, VolatileAndVersionlessOrbsAreFindings) {
  auto scan = judge_circleci("version: 2.1\norbs:\n  node: circleci/node@5.2.0\n"
                             "  slack: circleci/slack@volatile\n  aws: circleci/aws-cli\n"
                             "jobs:\n  build:\n    docker:\n      - image: cimg/node:latest\n",
                             ".circleci/config.yml", {});
  EXPECT_EQ(whats(scan, true),
            (Names{"circleci/slack@volatile", "circleci/aws-cli", "cimg/node:latest"}));
}

TEST(DepsInstall, CommandsThatIgnoreTheLockFile) {
  InstallContext ctx;
  ctx.requirements = {{"requirements.txt", false}, {"requirements-dev.txt", true}};
  DepScan scan;
  judge_install_commands("npm install\nnpm i -g pnpm\nnpm ci\nyarn\nyarn install --immutable\n"
                         "pip install -r requirements.txt\npython -m pip install -r "
                         "./requirements-dev.txt\nbundle install\ncomposer update\n"
                         "cargo build --release\ncargo test --locked\npnpm install\n"
                         "echo npm install\n",
                         "ci.sh", ctx, scan);
  EXPECT_EQ(whats(scan, true),
            (Names{"npm install", "yarn install", "pip install -r requirements.txt",
                   "bundle install", "composer update", "pnpm install"}));
  EXPECT_EQ(whats(scan, false), (Names{"cargo build"}));
  DepScan in_ci;
  ctx.ci = true;
  ctx.gemfile_lock = true;
  judge_install_commands("pnpm install\nbundle install\n", "ci", ctx, in_ci);
  EXPECT_TRUE(in_ci.problems.empty());
}

TEST(DepsNpm, PackageJsonAgainstLockFiles) {
  auto deps = package_json_dependencies(
      R"({"dependencies":{"express":"^4","@scope/ui":"1"},"devDependencies":{"jest":"29"}})");
  ASSERT_TRUE(deps);
  EXPECT_EQ(*deps, (Names{"@scope/ui", "express", "jest"}));
  EXPECT_FALSE(package_json_dependencies("[1]"));
  EXPECT_FALSE(package_json_dependencies("{oops"));

  auto v3 = missing_from_package_lock(
      *deps, R"({"lockfileVersion":3,"packages":{"":{"dependencies":{"express":"^4"}},
                 "node_modules/@scope/ui":{"version":"1.0.0"}}})");
  ASSERT_TRUE(v3);
  EXPECT_EQ(*v3, (Names{"jest"}));
  auto v1 = missing_from_package_lock(*deps, R"({"lockfileVersion":1,"dependencies":{"jest":{}}})");
  ASSERT_TRUE(v1);
  EXPECT_EQ(*v1, (Names{"@scope/ui", "express"}));
  EXPECT_FALSE(missing_from_package_lock(*deps, "not json"));

  std::string yarn = "\"@scope/ui@^1\":\n  version \"1.0.0\"\n\nexpress@^4, express@^4.1:\n"
                     "  version \"4.19.2\"\n";
  EXPECT_EQ(missing_from_text_lock(*deps, yarn), (Names{"jest"}));
  std::string pnpm = "lockfileVersion: '6.0'\npackages:\n  /express@4.19.2:\n  /jest/29.7.0:\n";
  EXPECT_EQ(missing_from_text_lock(*deps, pnpm), (Names{"@scope/ui"}));
  EXPECT_EQ(missing_from_text_lock({"express"}, "expressive@1.0:\n"), (Names{"express"}));
}

TEST(DepsCargoGo, ManifestsAgainstLocks) {
  auto cargo = cargo_dependencies("[package]\nname = \"app\"\n[dependencies]\nserde = "
                                  "\"1\"\nrand_core = { version = \"0.6\", package = \"rand\" }\n"
                                  "[dev-dependencies.tokio]\nversion = \"1\"\n"
                                  "[target.'cfg(unix)'.dependencies]\nlibc = \"0.2\"\n");
  EXPECT_EQ(cargo, (Names{"libc", "rand", "serde", "tokio"}));
  EXPECT_EQ(missing_from_text_lock(cargo, "[[package]]\nname = \"serde\"\n[[package]]\nname = "
                                          "\"rand\"\n[[package]]\nname = \"libc\"\n"),
            (Names{"tokio"}));

  auto mods = go_requirements("module x\ngo 1.22\nrequire github.com/a/b v1.0.0\nrequire (\n\t"
                              "golang.org/x/net v0.1.0 // indirect\n\tgithub.com/c/d v2.0.0\n)\n");
  EXPECT_EQ(mods, (Names{"github.com/a/b", "github.com/c/d", "golang.org/x/net"}));
  EXPECT_EQ(missing_from_go_sum(mods, "github.com/a/b v1.0.0 h1:x=\ngolang.org/x/net v0.1.0/go.mod "
                                      "h1:y=\n"),
            (Names{"github.com/c/d"}));
}

TEST(DepsPython, PyprojectAndRequirements) {
  auto poetry = parse_pyproject("[tool.poetry]\nname = \"x\"\n[tool.poetry.dependencies]\npython = "
                                "\"^3.12\"\nFlask = \"^3\"\n[tool.poetry.group.dev.dependencies]\n"
                                "py_test = \"^8\"\n");
  EXPECT_TRUE(poetry.poetry);
  EXPECT_TRUE(poetry.has_dependencies);
  EXPECT_EQ(poetry.poetry_names, (Names{"flask", "py-test"}));
  auto project = parse_pyproject("[project]\nname = \"x\"\ndependencies = [\n  \"flask>=2\",\n]\n");
  EXPECT_FALSE(project.poetry);
  EXPECT_TRUE(project.has_dependencies);
  EXPECT_FALSE(parse_pyproject("[project]\ndependencies = []\n").has_dependencies);
  EXPECT_TRUE(parse_pyproject("[tool.uv]\ndev-dependencies = []\n").uv);

  DepScan scan;
  judge_requirements(
      "# pinned\nflask==3.0.3 \\\n  --hash=sha256:00\n-r base.txt\nrequests>=2\n"
      "Django~=4.2\nnumpy==1.*\nurllib3 ; python_version < '3'\n"
      "pkg @ git+https://example.test/pkg.git@main\n"
      "lib @ git+https://example.test/lib.git@0c52d547c9bc32b1aa3301fd7a9cb496313a4491\n"
      "-e .\n",
      "requirements.txt", scan);
  EXPECT_EQ(whats(scan, true), (Names{"requests", "django", "numpy", "urllib3", "pkg"}));
  EXPECT_EQ(scan.items, 7u);
  EXPECT_EQ(scan.problems[0].line, 5);
}

TEST(DepsJvm, MavenAndGradleMovingVersions) {
  DepScan pom;
  judge_pom(
      "<project>\n<dependencies>\n<dependency>\n<groupId>a</groupId><artifactId>fixed</artifactId>"
      "<version>1.2</version></dependency>\n<dependency><groupId>a</groupId><artifactId>"
      "range</artifactId><version>[1.0,2.0)</version></dependency>\n<dependency><groupId>a"
      "</groupId><artifactId>snap</artifactId><version>1.0-SNAPSHOT</version></dependency>\n"
      "<dependency><groupId>a</groupId><artifactId>none</artifactId></dependency>\n"
      "</dependencies></project>\n",
      "pom.xml", pom);
  EXPECT_EQ(whats(pom, true), (Names{"a:range", "a:snap", "a:none"}));
  EXPECT_EQ(pom.problems[0].line, 5);
  DepScan managed;
  judge_pom("<project><parent><artifactId>boot</artifactId></parent><dependency><groupId>a"
            "</groupId><artifactId>none</artifactId></dependency></project>",
            "pom.xml", managed);
  EXPECT_TRUE(managed.problems.empty());

  DepScan gradle;
  judge_gradle("dependencies {\n  implementation 'a:b:1.2.3'\n  implementation \"c:d:2.+\"\n"
               "  runtimeOnly 'e:f:latest.release'\n  println 'not: a coordinate: here'\n}\n",
               "build.gradle", gradle);
  EXPECT_EQ(whats(gradle, true), (Names{"c:d:2.+", "e:f:latest.release"}));
  EXPECT_EQ(gradle.items, 3u);
}

TEST(DepsCpp, FetchContentBranchesAndVcpkgBaseline) {
  DepScan scan;
  judge_cmake(
      "include(FetchContent)\nFetchContent_Declare(fmt\n  GIT_REPOSITORY "
      "https://example.test/fmt.git\n  GIT_TAG main)\nfetchcontent_declare(json GIT_REPOSITORY "
      "\"https://example.test/json.git\" GIT_TAG v3.11.3)\nExternalProject_Add(zlib "
      "GIT_REPOSITORY https://example.test/zlib.git)\nFetchContent_Declare(url URL "
      "https://example.test/x.tgz)\n",
      "CMakeLists.txt", scan);
  EXPECT_EQ(whats(scan, true), (Names{"FetchContent fmt@main", "ExternalProject zlib"}));
  EXPECT_EQ(scan.problems[0].line, 2);
  EXPECT_EQ(scan.items, 4u);

  DepScan vcpkg;
  judge_vcpkg(R"({"name":"x","dependencies":["curl"]})", "vcpkg.json", false, vcpkg);
  EXPECT_EQ(whats(vcpkg, true), (Names{"builtin-baseline"}));
  DepScan based;
  judge_vcpkg(R"({"name":"x","dependencies":["curl"],"builtin-baseline":"abc"})", "vcpkg.json",
              false, based);
  judge_vcpkg(R"({"name":"x","dependencies":["curl"]})", "vcpkg.json", true, based);
  judge_vcpkg("[", "vcpkg.json", false, based);
  EXPECT_TRUE(based.problems.empty());
  EXPECT_EQ(based.notes.size(), 1u);
}

TEST(DepsRefs, CommitsAndVersions) {
  EXPECT_TRUE(is_commit_id("b4ffde65f46336ab88eb53be808477a3936bae11"));
  EXPECT_FALSE(is_commit_id("b4ffde6"));
  EXPECT_TRUE(is_version_ref("v4"));
  EXPECT_TRUE(is_version_ref("1.2.3-beta.1"));
  EXPECT_FALSE(is_version_ref("main"));
  EXPECT_FALSE(is_version_ref("v"));
  EXPECT_FALSE(is_version_ref("release/v1"));
}

} // namespace
} // namespace lg::analyze
