// The planted-secret corpus: every example of every shipped rule planted between real source text
// (system C headers) in its own file, every negative example likewise, placeholders, and files of
// source text alone; scanned as a tree. Every planted secret must be found by its rule at its
// line; placeholder and plain files must give no finding at all, negative examples none from a
// provider rule.

#include "secrets/rules.hpp"
#include "secrets/tree.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

namespace lg::secrets {
namespace {

namespace fs = std::filesystem;

/// Real C header text (/usr/include/*.h in name order, up to 2 MB) cut into pieces of 25 lines.
std::vector<std::string> filler() {
  std::vector<fs::path> headers;
  for (const auto& e : fs::directory_iterator("/usr/include"))
    if (e.is_regular_file() && e.path().extension() == ".h")
      headers.push_back(e.path());
  std::sort(headers.begin(), headers.end());
  std::vector<std::string> out;
  std::string piece;
  size_t lines = 0;
  size_t total = 0;
  for (const auto& h : headers) {
    std::string text = lg::test::read_file(h);
    for (size_t pos = 0; pos < text.size();) {
      size_t end = text.find('\n', pos);
      end = end == std::string::npos ? text.size() : end + 1;
      piece.append(text, pos, end - pos);
      pos = end;
      if (++lines == 25) {
        total += piece.size();
        out.push_back(std::move(piece));
        piece.clear();
        lines = 0;
      }
    }
    if (total > (2U << 20))
      break;
  }
  return out;
}

size_t lines_in(const std::string& s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

TEST(PlantedCorpus, EveryPlantedSecretIsFoundAndNothingElse) {
  auto rules = load_rules(std::string(LG_SOURCE_DIR) + "/rules/secrets/launchgate.toml");
  ASSERT_TRUE(rules) << rules.error().message;
  auto matcher = Matcher::compile(*rules);
  ASSERT_TRUE(matcher);

  struct Planted {
    size_t rule;
    size_t first_line;
    size_t last_line;
  };
  size_t examples = 0;
  for (const auto& r : rules->rules)
    examples += r.examples.size() + r.negative_examples.size();
  auto text = filler();
  ASSERT_GE(text.size(), 100u) << "needs the C headers in /usr/include";
  lg::test::TempDir dir;
  std::map<std::string, Planted> positives; // file name -> what it holds
  size_t piece = 0;
  auto plant = [&](const std::string& name, const std::string& example) {
    const std::string& before = text[piece++ % text.size()];
    const std::string& after = text[piece++ % text.size()];
    dir.write(name, before + example + "\n" + after);
    return lines_in(before) + 1;
  };
  for (size_t i = 0; i < rules->rules.size(); ++i) {
    const auto& rule = rules->rules[i];
    for (size_t j = 0; j < rule.examples.size(); ++j) {
      std::string name = "pos/" + rule.id + "-" + std::to_string(j) + ".c";
      size_t line = plant(name, rule.examples[j]);
      positives[(dir.path() / name).string()] = {i, line, line + lines_in(rule.examples[j])};
    }
    for (size_t j = 0; j < rule.negative_examples.size(); ++j)
      plant("neg/" + rule.id + "-" + std::to_string(j) + ".c", rule.negative_examples[j]);
  }
  // Placeholders and look-alikes that no rule may report, generic ones included.
  static const std::vector<std::string> k_not_secrets = {
      "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
      "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      "password = \"changeme\"",
      "api_key: <your-api-key>",
      "STRIPE_SECRET_KEY=${STRIPE_SECRET_KEY}",
      "token: {{ .Values.token }}",
      "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "secret = os.environ[\"APP_SECRET\"]",
      "password: process.env.DB_PASSWORD",
      "Authorization: Bearer <token>",
      "postgres://user:password@localhost:5432/db",
      "-----BEGIN PUBLIC KEY-----",
      "sha256 = \"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"",
      "uuid = \"123e4567-e89b-12d3-a456-426614174000\"",
  };
  for (size_t k = 0; k < k_not_secrets.size(); ++k)
    plant("none/placeholder-" + std::to_string(k) + ".c", k_not_secrets[k]);
  for (size_t k = 0; k < 20; ++k) // what the pieces above did not use, 50 pieces a file
    for (size_t n = 0; n < 50; ++n)
      dir.write("plain/part-" + std::to_string(k) + ".h",
                lg::test::read_file(dir.path() / ("plain/part-" + std::to_string(k) + ".h")) +
                    text[piece++ % text.size()]);

  TreeOptions options;
  options.roots = {dir.path().string()};
  auto result = scan_tree(*matcher, options);
  std::map<std::string, bool> found;
  for (const auto& hit : result.hits) {
    auto it = positives.find(hit.path);
    // A rule's negative example is a near miss of that rule's format, which may still read as a
    // generic high-entropy assignment: only provider rules must stay silent there.
    bool generic = rules->rules[hit.match.rule].id.starts_with("generic");
    if (it == positives.end() && generic && hit.path.find("/neg/") != std::string::npos)
      continue;
    if (it == positives.end()) {
      ADD_FAILURE() << "false positive of " << rules->rules[hit.match.rule].id << " in "
                    << fs::path(hit.path).lexically_relative(dir.path()).string() << ":"
                    << hit.line;
      continue;
    }
    if (hit.match.rule == it->second.rule && hit.line >= it->second.first_line &&
        hit.line <= it->second.last_line)
      found[hit.path] = true;
  }
  for (const auto& [path, planted] : positives)
    EXPECT_TRUE(found[path]) << rules->rules[planted.rule].id << " misses its example in "
                             << fs::path(path).filename().string() << " at line "
                             << planted.first_line;
  std::cout << "planted corpus: " << positives.size() << " positives found " << found.size() << ", "
            << result.files << " files, " << result.bytes << " bytes\n";
}

} // namespace
} // namespace lg::secrets
