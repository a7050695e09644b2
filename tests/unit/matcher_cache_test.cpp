// The matcher's compiled-database cache (a round trip, and silent recompiling when the file is
// corrupt, truncated, foreign or cannot be written; LAUNCHGATE_NO_CACHE and XDG_CACHE_HOME), and
// its confirmation around Hyperscan's match ends agreeing with RE2 over the whole text.

#include "secrets/matcher.hpp"
#include "secrets/rules.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <optional>

namespace lg::secrets {
namespace {

namespace fs = std::filesystem;

/// 20 rules (enough to be cached), rule i finding `t<i>_` and 20 alphanumerics.
RuleSet many_rules(const std::string& last_regex = "") {
  std::string toml;
  for (int i = 0; i < 20; ++i)
    toml += fmt::format("[[rules]]\nid = 'tok-{0}'\nregex = '''\\b(t{0}_[A-Za-z0-9]{{20}})\\b'''\n"
                        "secretGroup = 1\nkeywords = ['t{0}_']\n",
                        i);
  if (!last_regex.empty())
    toml += fmt::format("[[rules]]\nid = 'extra'\nregex = '''{}'''\n", last_regex);
  auto set = parse_rules(toml, "many.toml");
  EXPECT_TRUE(set) << set.error().message;
  return *set;
}

const std::string k_text = "a = 1\nkey = t7_Xq3vL9pR2sT7wY4zK8mN\nb = t12_Bq3vL9pR2sT7wY4zK8mQ\n";

std::vector<fs::path> cache_files(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    out.push_back(e.path());
  return out;
}

void expect_finds_both(const Matcher& m) {
  auto found = m.scan(k_text);
  ASSERT_EQ(found.size(), 2U);
  EXPECT_EQ(found[0].secret, "t7_Xq3vL9pR2sT7wY4zK8mN");
  EXPECT_EQ(found[0].line, 2U);
  EXPECT_EQ(found[1].secret, "t12_Bq3vL9pR2sT7wY4zK8mQ");
  EXPECT_EQ(found[1].line, 3U);
}

TEST(MatcherCache, SecondCompileLoadsTheFirstOnesDatabase) {
  lg::test::TempDir dir;
  std::string cache = (dir.path() / "cache").string();
  auto first = Matcher::compile(many_rules(), Engine::hyperscan, cache);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_FALSE(first->from_cache());
  ASSERT_EQ(cache_files(cache).size(), 1U);
  auto second = Matcher::compile(many_rules(), Engine::hyperscan, cache);
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->from_cache());
  expect_finds_both(*second);
  // Other rules are another database.
  auto other = Matcher::compile(many_rules("x_[0-9]{8}"), Engine::hyperscan, cache);
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->from_cache());
  EXPECT_EQ(cache_files(cache).size(), 2U);
}

TEST(MatcherCache, ADamagedFileMeansCompilingAgain) {
  lg::test::TempDir dir;
  std::string cache = (dir.path() / "cache").string();
  ASSERT_TRUE(Matcher::compile(many_rules(), Engine::hyperscan, cache));
  auto files = cache_files(cache);
  ASSERT_EQ(files.size(), 1U);
  auto file = files[0];
  std::string bytes;
  {
    std::ifstream in(file, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  auto write = [&](const std::string& content) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << content;
  };
  std::string flipped = bytes;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x5a);
  for (const auto& damaged : {flipped, bytes.substr(0, bytes.size() / 3),
                              std::string("not a cache file"), std::string()}) {
    write(damaged);
    auto m = Matcher::compile(many_rules(), Engine::hyperscan, cache);
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_FALSE(m->from_cache());
    expect_finds_both(*m);
    auto again = Matcher::compile(many_rules(), Engine::hyperscan, cache); // rewritten whole
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->from_cache());
  }
}

TEST(MatcherCache, AnUnwritableDirectoryIsNoError) {
  lg::test::TempDir dir;
  std::ofstream(dir.path() / "file") << "x";
  std::string cache = (dir.path() / "file" / "cache").string(); // under a regular file
  auto m = Matcher::compile(many_rules(), Engine::hyperscan, cache);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_FALSE(m->from_cache());
  expect_finds_both(*m);
  auto none = Matcher::compile(many_rules(), Engine::hyperscan, ""); // no cache at all
  ASSERT_TRUE(none);
  expect_finds_both(*none);
}

TEST(MatcherCache, DirectoryFromTheEnvironment) {
  auto keep = [](const char* name) {
    const char* v = std::getenv(name);
    return v == nullptr ? std::optional<std::string>() : std::string(v);
  };
  auto no_cache = keep("LAUNCHGATE_NO_CACHE");
  auto xdg = keep("XDG_CACHE_HOME");
  auto home = keep("HOME");
  ::unsetenv("LAUNCHGATE_NO_CACHE");
  ::setenv("XDG_CACHE_HOME", "/var/cache/me", 1);
  EXPECT_EQ(default_cache_dir(), "/var/cache/me/launchgate");
  ::setenv("XDG_CACHE_HOME", "relative", 1); // not absolute: ignored, as the XDG spec says
  ::setenv("HOME", "/home/me", 1);
  EXPECT_EQ(default_cache_dir(), "/home/me/.cache/launchgate");
  ::setenv("LAUNCHGATE_NO_CACHE", "0", 1);
  EXPECT_EQ(default_cache_dir(), "/home/me/.cache/launchgate");
  ::setenv("LAUNCHGATE_NO_CACHE", "1", 1);
  EXPECT_EQ(default_cache_dir(), "");
  auto restore = [](const char* name, const std::optional<std::string>& v) {
    if (v)
      ::setenv(name, v->c_str(), 1);
    else
      ::unsetenv(name);
  };
  restore("LAUNCHGATE_NO_CACHE", no_cache);
  restore("XDG_CACHE_HOME", xdg);
  restore("HOME", home);
}

// Hyperscan says where matches may end; RE2 confirms only around there. Secrets back to back, at
// the very start and end of the text, more than the ends kept per rule, and across long lines,
// must come out exactly as RE2 alone finds them over the whole text.
TEST(MatcherWindows, AgreeWithRe2OverTheWholeText) {
  auto set = parse_rules(R"toml(
[[rules]]
id = 'tok'
regex = '''\b(tk_[A-Za-z0-9]{20,40})\b'''
secretGroup = 1
[[rules]]
id = 'assign'
regex = '''(?i)(?:secret|token)[ \t]*[:=][ \t]*["']?([A-Za-z0-9/+]{16,64})(?:["'\s;]|$)'''
secretGroup = 1
keywords = ['secret', 'token']
[[rules]]
id = 'block'
regex = '''(-----BEGIN KEY-----\s{0,4}[A-Za-z0-9+/=\r\n]{32,400})'''
secretGroup = 1
)toml",
                         "w.toml");
  ASSERT_TRUE(set) << set.error().message;
  auto fast = Matcher::compile(*set, Engine::hyperscan, "");
  auto reference = Matcher::compile(*set, Engine::re2_only, "");
  ASSERT_TRUE(fast && reference);
  std::string tok = "tk_Xq3vL9pR2sT7wY4zK8mNa1";
  std::string block = "-----BEGIN KEY-----\nQm9vbXNoYWthbGFrYWJvb21zaGFrYWxha2Fib29t\nYWxha2E=\n";
  std::vector<std::string> texts = {
      tok,
      tok + " " + tok + "\n" + tok,
      "token=" + tok.substr(3) + "\nsecret: 'Zx9kLm2Qp7Zx9kLm2Qp7'",
      block + block + "token: " + tok,
      std::string(70000, 'a') + " " + tok + std::string(70000, 'b') + " " + tok,
  };
  std::string dense;
  for (int i = 0; i < 1500; ++i)
    dense += fmt::format("tk_Xq3vL9pR2sT7wY4z{:04}{} secret={}A9b8C7d6E5f4G3h2\n", i,
                         i % 3 == 0 ? "\n" : " ", i);
  texts.push_back(dense);
  std::string one_line = dense;
  std::replace(one_line.begin(), one_line.end(), '\n', ' ');
  texts.push_back(one_line);
  for (const auto& text : texts) {
    auto a = fast->scan(text);
    auto b = reference->scan(text);
    ASSERT_EQ(a.size(), b.size()) << text.substr(0, 80);
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].rule, b[i].rule);
      EXPECT_EQ(a[i].offset, b[i].offset);
      EXPECT_EQ(a[i].line, b[i].line);
      EXPECT_EQ(a[i].secret, b[i].secret);
    }
  }
}

} // namespace
} // namespace lg::secrets
