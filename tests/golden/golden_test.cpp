// Golden files: the fixed report of golden_report.hpp rendered to every format and compared byte
// for byte with tests/golden/expected/. Run with LG_UPDATE_GOLDEN=1 to rewrite them, then read
// the diff before committing it.

#include "golden/golden_report.hpp"
#include "report/report.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using lg::report::Format;

fs::path expected_dir() {
  return fs::path(LG_SOURCE_DIR) / "tests" / "golden" / "expected";
}

bool updating() {
  const char* v = std::getenv("LG_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The line where `a` and `b` first differ, for a readable failure.
std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string la, lb;
  for (int n = 1;; ++n) {
    bool ga = static_cast<bool>(std::getline(sa, la));
    bool gb = static_cast<bool>(std::getline(sb, lb));
    if (!ga && !gb)
      return "no line differs (trailing bytes?)";
    if (la != lb || ga != gb)
      return "line " + std::to_string(n) + ":\n  expected: " + (gb ? lb : "<eof>") +
             "\n  actual:   " + (ga ? la : "<eof>");
  }
}

void check_golden(const std::string& name, const std::string& actual) {
  fs::path file = expected_dir() / name;
  if (updating()) {
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << actual;
    SUCCEED() << "rewrote " << file;
    return;
  }
  ASSERT_TRUE(fs::exists(file)) << file << " is missing; run with LG_UPDATE_GOLDEN=1";
  std::string expected = read_file(file);
  EXPECT_TRUE(expected == actual) << name << " differs from the golden file, "
                                  << first_difference(actual, expected)
                                  << "\n(LG_UPDATE_GOLDEN=1 rewrites it)";
}

class Golden : public testing::TestWithParam<Format> {};

TEST_P(Golden, MatchesExpectedFile) {
  Format f = GetParam();
  auto report = lg::golden::golden_report();
  check_golden("report." + std::string(lg::report::extension(f)), lg::report::render(report, f));
}

INSTANTIATE_TEST_SUITE_P(AllFormats, Golden,
                         testing::Values(Format::text, Format::json, Format::sarif, Format::junit,
                                         Format::markdown, Format::html),
                         [](const testing::TestParamInfo<Format>& p) {
                           return std::string(lg::report::extension(p.param));
                         });

TEST(Golden, ColouredTextMatchesExpectedFile) {
  auto report = lg::golden::golden_report();
  check_golden("report.color.txt", lg::report::render(report, Format::text, {.color = true}));
}

TEST(Golden, RenderingIsDeterministic) {
  auto report = lg::golden::golden_report();
  for (Format f :
       {Format::text, Format::json, Format::sarif, Format::junit, Format::markdown, Format::html})
    EXPECT_EQ(lg::report::render(report, f), lg::report::render(report, f));
}

} // namespace
