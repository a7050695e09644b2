// The organizational domain against the public suffix list's own test cases
// (../shared/testdata/psl/test_psl.txt): every case must give its expected answer.

#include "analyze/psl.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

namespace lg {
namespace {

TEST(Psl, EveryCaseOfThePublicSuffixListTests) {
  auto text = test::read_file(std::string(LG_SHARED_DIR) + "/testdata/psl/test_psl.txt");
  ASSERT_FALSE(text.empty());
  static const std::regex k_case(R"(^checkPublicSuffix\((null|'([^']*)'), (null|'([^']*)')\);)");
  std::istringstream lines(text);
  std::string line;
  int cases = 0;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, k_case))
      continue;
    ++cases;
    std::string input = m[1] == "null" ? "" : m[2].str();
    std::string expected = m[3] == "null" ? "" : m[4].str();
    EXPECT_EQ(analyze::organizational_domain(input), expected) << line;
  }
  EXPECT_EQ(cases, 78);
}

TEST(Psl, TrailingDotsAndCase) {
  EXPECT_EQ(analyze::organizational_domain("Mail.Example.CO.UK."), "example.co.uk");
  EXPECT_EQ(analyze::organizational_domain("co.uk"), "");
}

} // namespace
} // namespace lg
