// Build output and logs as sources, on files the tests write: a minified bundle whose hit is
// traced through its source map to the original line, a map's embedded sources scanned as the
// original files, inline and broken maps, plain and gzip logs (with line numbers across chunks),
// a corrupt .gz; the build and logs checks through `launchgate secrets` and `audit`; and the
// bundles a key page loads in headless Chromium, fetched and scanned as served.

#include "net/impl/chromium_browser.hpp"
#include "secrets/findings.hpp"
#include "secrets/tree.hpp"
#include "support/loopback_server.hpp"
#include "support/test_support.hpp"
#include "unit/secrets_fixtures.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>

namespace lg::secrets {
namespace {

namespace fs = std::filesystem;
const std::string& k_secret = test::k_demo_secret;
const std::string k_bin = LG_LAUNCHGATE_BIN;

Matcher matcher() {
  return test::demo_matcher();
}

/// Base64 VLQ of one value, as source maps encode mapping fields.
std::string vlq(long value) {
  static constexpr std::string_view k_digits =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  unsigned long v = value < 0 ? ((static_cast<unsigned long>(-value)) << 1) | 1
                              : static_cast<unsigned long>(value) << 1;
  std::string out;
  do {
    unsigned long digit = v & 31;
    v >>= 5;
    if (v != 0)
      digit |= 32;
    out += k_digits[digit];
  } while (v != 0);
  return out;
}

std::string base64(std::string_view in) {
  static constexpr std::string_view k_digits =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    unsigned long n = static_cast<unsigned long>(static_cast<unsigned char>(in[i])) << 16;
    if (i + 1 < in.size())
      n |= static_cast<unsigned long>(static_cast<unsigned char>(in[i + 1])) << 8;
    if (i + 2 < in.size())
      n |= static_cast<unsigned char>(in[i + 2]);
    out += k_digits[(n >> 18) & 63];
    out += k_digits[(n >> 12) & 63];
    out += i + 1 < in.size() ? k_digits[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? k_digits[n & 63] : '=';
  }
  return out;
}

/// A one-line bundle with the secret at `column`, and a map sending that column to line 7 of
/// src/config.ts, whose embedded content holds the secret on that line.
struct Bundle {
  std::string js;
  std::string map;
};
Bundle bundle(const std::string& map_url) {
  std::string prefix = "(()=>{const a=1,b=\"";
  std::string js = prefix + k_secret + "\";window.x=b})();\n//# sourceMappingURL=" + map_url + "\n";
  std::string source =
      "// config\n\n\n\n\nexport const a = 1;\nexport const b = '" + k_secret + "';\n";
  std::string mappings = "AAAA," + vlq(static_cast<long>(prefix.size())) + "AMA"; // line 7
  nlohmann::json map = {{"version", 3},
                        {"file", "app.min.js"},
                        {"sources", {"src/config.ts"}},
                        {"sourcesContent", {source}},
                        {"names", nlohmann::json::array()},
                        {"mappings", mappings}};
  return {js, map.dump()};
}

TEST(SecretsBuild, ABundleHitIsTracedToItsOriginalLineAndEmbeddedSourcesAreScanned) {
  lg::test::TempDir dir;
  auto b = bundle("app.min.js.map");
  dir.write("dist/app.min.js", b.js);
  dir.write("dist/app.min.js.map", b.map);
  auto m = matcher();
  TreeOptions options;
  options.roots = {(dir.path() / "dist").string()};
  auto result = scan_tree(m, options);
  ASSERT_EQ(result.hits.size(), 2u) << result.notes.size();
  const Hit* in_bundle = nullptr;
  const Hit* in_source = nullptr;
  for (const auto& h : result.hits)
    (h.path.ends_with("app.min.js") ? in_bundle : in_source) = &h;
  ASSERT_TRUE(in_bundle && in_source);
  EXPECT_EQ(in_bundle->line, 1u);
  EXPECT_EQ(in_bundle->origin.substr(0, 16), "src/config.ts:7 ");
  EXPECT_EQ(in_source->path, "src/config.ts");
  EXPECT_EQ(in_source->line, 7u);
  EXPECT_NE(in_source->origin.find("app.min.js.map (sourcesContent)"), std::string::npos);
  auto findings = collapse_hits("secrets.build", m.rules(), result.hits);
  ASSERT_EQ(findings.size(), 1u); // one secret, two places
  EXPECT_EQ(findings[0].locations.size(), 1u);
}

TEST(SecretsBuild, InlineMapsWorkAndBrokenMapsAreScannedAsText) {
  lg::test::TempDir dir;
  auto b = bundle("placeholder");
  auto inline_js = bundle("data:application/json;charset=utf-8;base64," + base64(b.map)).js;
  dir.write("inline.js", inline_js);
  dir.write("broken.js.map", "{\"version\": 3, \"sources\": [\"x\"], \"mappings\": \"!!!\", "
                             "\"note\": \"" +
                                 k_secret + "\"}");
  auto m = matcher();
  TreeOptions options;
  options.roots = {dir.path().string()};
  auto result = scan_tree(m, options);
  ASSERT_EQ(result.hits.size(), 2u);
  for (const auto& h : result.hits) {
    if (h.path.ends_with("inline.js")) {
      EXPECT_EQ(h.origin, "src/config.ts:7 (via inline source map)");
    } else {
      EXPECT_TRUE(h.path.ends_with("broken.js.map"));
    }
  }
  EXPECT_TRUE(std::any_of(result.notes.begin(), result.notes.end(), [](const auto& n) {
    return n.find("not a readable source map") != n.npos;
  }));
}

TEST(SecretsLogs, PlainAndGzipLogsGiveLinesEvenAcrossChunksAndCorruptGzipIsANote) {
  lg::test::TempDir dir;
  dir.write("app.log", "start\nok\nAuthorization: " + k_secret + "\n");
  // Over 8 MiB before the secret, so the streamed scan crosses several chunks.
  std::string big;
  for (int i = 0; i < 200000; ++i)
    big += "2025-01-01T00:00:00Z INFO request served in 3 ms, nothing to see\n";
  big += "token=" + k_secret + "\n";
  auto big_path = dir.write("old.log", big);
  auto gz = lg::test::run_command({"gzip", "-f", big_path});
  ASSERT_EQ(gz.code, 0) << gz.err;
  dir.write("corrupt.log.gz", std::string("\x1f\x8b\x08\x00garbage that is not deflate", 31));
  auto m = matcher();
  TreeOptions options;
  options.roots = {dir.path().string()};
  auto result = scan_tree(m, options);
  ASSERT_EQ(result.hits.size(), 2u);
  EXPECT_TRUE(result.hits[0].path.ends_with("app.log"));
  EXPECT_EQ(result.hits[0].line, 3u);
  EXPECT_TRUE(result.hits[1].path.ends_with("old.log.gz"));
  EXPECT_EQ(result.hits[1].line, 200001u);
  EXPECT_GT(result.bytes, big.size()); // decompressed bytes count
  EXPECT_TRUE(std::any_of(result.notes.begin(), result.notes.end(),
                          [](const auto& n) { return n.find("corrupt.log.gz") != n.npos; }));
}

TEST(SecretsCli, BuildAndLogsFoldersBecomeTheirChecks) {
  lg::test::TempDir dir;
  lg::test::TempDir aux;
  auto rules = aux.write("rules.toml", test::k_demo_rule);
  dir.write("src/app.js", "const x = 1;\n");
  auto b = bundle("app.min.js.map");
  dir.write("dist/app.min.js", b.js);
  dir.write("dist/app.min.js.map", b.map);
  dir.write("logs/app.log", "Authorization: " + k_secret + "\n");
  auto r = lg::test::run_command(
      {k_bin, "secrets", "--rules", rules, "--build", (dir.path() / "dist").string(), "--logs",
       (dir.path() / "logs").string(), "--format", "json", (dir.path() / "src").string()});
  ASSERT_EQ(r.code, 1) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  std::map<std::string, std::string> status;
  for (const auto& c : doc["checks"])
    status[c["id"]] = c["status"];
  EXPECT_EQ(status,
            (std::map<std::string, std::string>{
                {"secrets.tree", "pass"}, {"secrets.build", "fail"}, {"secrets.logs", "fail"}}));
  EXPECT_EQ(r.out.find(k_secret), std::string::npos);
}

TEST(SecretsAudit, TheGateReadsBuildLogsAndTheLogCommandFromTheConfig) {
  lg::test::TempDir dir;
  dir.write("rules.toml", test::k_demo_rule);
  dir.write("src/app.js", "const x = 1;\n");
  dir.write("build/app.js", "const t = '" + k_secret + "';\n");
  dir.write(".github/workflows/ci.yml", "env:\n  TOKEN: ${{ secrets.TOKEN }}\n");
  dir.write("launchgate.yaml", "target: {base_url: \"http://127.0.0.1:9\"}\n"
                               "secrets: {paths: [src], rules: rules.toml, history: false}\n"
                               "logs: {command: \"printf 'line one\\\\nkey " +
                                   k_secret + "\\\\n'\"}\n");
  auto r = lg::test::run_command({k_bin, "audit", "-c", (dir.path() / "launchgate.yaml").string(),
                                  "--only", "secrets", "--format", "json"});
  ASSERT_EQ(r.code, 1) << r.err << r.out;
  auto doc = nlohmann::json::parse(r.out);
  std::map<std::string, nlohmann::json> checks;
  for (const auto& c : doc["checks"])
    checks[c["id"]] = c;
  EXPECT_EQ(checks["secrets.tree"]["status"], "pass");
  EXPECT_EQ(checks["secrets.history"]["status"], "skip");
  EXPECT_EQ(checks["secrets.build"]["status"], "fail"); // build/ found without configuration
  ASSERT_EQ(checks["secrets.logs"]["status"], "fail") << checks["secrets.logs"].dump();
  const auto& f = checks["secrets.logs"]["findings"][0];
  EXPECT_EQ(f["location"]["line"], 2);
  EXPECT_NE(f["location"]["file"].get<std::string>().find("logs.command"), std::string::npos);
  EXPECT_NE(checks["secrets.logs"]["reason"].get<std::string>().find("1 CI configuration"),
            std::string::npos);
}

TEST(SecretsAudit, AllFourChecksOnARepositoryWithCommittedBuildOutputAndGzipLogs) {
  lg::test::GitRepo repo;
  repo.write("rules.toml", test::k_demo_rule);
  repo.write("src/app.js", "const x = 1;\n");
  auto b = bundle("app.min.js.map");
  repo.write("dist/app.min.js", b.js); // committed build output: in history and in build
  repo.write("dist/app.min.js.map", b.map);
  repo.write(".gitignore", "logs/\n");
  repo.commit("build");
  repo.write("logs/app.log", "boot\nAuthorization: Bearer " + k_secret + "\n");
  auto gz = lg::test::run_command({"gzip", "-f", (repo.path() / "logs/app.log").string()});
  ASSERT_EQ(gz.code, 0) << gz.err;
  repo.write("launchgate.yaml",
             "target: {base_url: \"http://127.0.0.1:9\"}\n"
             "secrets: {paths: [src], rules: rules.toml, logs: [\"logs/*.gz\"]}\n");
  auto r = lg::test::run_command({k_bin, "audit", "-c", (repo.path() / "launchgate.yaml").string(),
                                  "--only", "secrets", "--format", "json"});
  ASSERT_EQ(r.code, 1) << r.err << r.out;
  auto doc = nlohmann::json::parse(r.out);
  std::map<std::string, nlohmann::json> checks;
  for (const auto& c : doc["checks"])
    checks[c["id"]] = c;
  EXPECT_EQ(checks["secrets.tree"]["status"], "pass");
  ASSERT_EQ(checks["secrets.history"]["status"], "fail");
  EXPECT_EQ(checks["secrets.history"]["findings"][0]["location"]["commit"], repo.head());
  EXPECT_EQ(checks["secrets.history"]["findings"][0]["evidence"]["at_head"], true);
  ASSERT_EQ(checks["secrets.build"]["status"], "fail");
  const auto& built = checks["secrets.build"]["findings"][0];
  EXPECT_EQ(built["locations"].size(), 1u); // the bundle line and the embedded source line
  EXPECT_NE(built.dump().find("src/config.ts"), std::string::npos);
  ASSERT_EQ(checks["secrets.logs"]["status"], "fail");
  const auto& logged = checks["secrets.logs"]["findings"][0];
  EXPECT_TRUE(logged["location"]["file"].get<std::string>().ends_with("logs/app.log.gz"));
  EXPECT_EQ(logged["location"]["line"], 2);
  EXPECT_EQ(r.out.find(k_secret), std::string::npos);
}

TEST(SecretsAudit, TheBundlesAKeyPageLoadsAreScannedAsServed) {
  if (!net::ChromiumBrowser::find_executable(""))
    GTEST_SKIP() << "Chromium is not installed (apt-get install chromium)";
  auto b = bundle("app.min.js.map");
  lg::test::LoopbackServer site([&b](const std::string& head) {
    const auto path = lg::test::request_path(head);
    if (path == "/")
      return lg::test::http_answer(200, "text/html; charset=utf-8",
                                   "<!doctype html><title>portal</title><p>Signed out.</p>"
                                   "<script src=\"/static/app.min.js\"></script>");
    if (path == "/static/app.min.js")
      return lg::test::http_answer(200, "text/javascript", b.js);
    if (path == "/static/app.min.js.map")
      return lg::test::http_answer(200, "application/json", b.map);
    return lg::test::http_answer(404, "text/plain", "not found");
  });
  lg::test::TempDir dir;
  dir.write("rules.toml", test::k_demo_rule);
  dir.write("src/app.js", "const x = 1;\n");
  const std::string origin = site.url("");
  dir.write("launchgate.yaml", "target: {base_url: \"" + origin +
                                   "\"}\n"
                                   "secrets: {paths: [src], rules: rules.toml, history: false}\n"
                                   "pages: [/]\n");
  auto r = lg::test::run_command({k_bin, "audit", "-c", (dir.path() / "launchgate.yaml").string(),
                                  "--only", "secrets", "--format", "json"});
  ASSERT_EQ(r.code, 1) << r.err << r.out;
  auto doc = nlohmann::json::parse(r.out);
  nlohmann::json built;
  for (const auto& c : doc["checks"])
    if (c["id"] == "secrets.build")
      built = c;
  ASSERT_EQ(built["status"], "fail") << built.dump();
  // No build folder on disk: what the page loaded was fetched and scanned, named by its URL.
  EXPECT_NE(built["reason"].get<std::string>().find("2 file(s) served to 1 key page(s) included"),
            std::string::npos)
      << built.dump();
  ASSERT_EQ(built["findings"].size(), 1u);
  const auto& f = built["findings"][0];
  std::set<std::string> files{f["location"]["file"].get<std::string>()};
  for (const auto& more : f["locations"])
    files.insert(more["file"].get<std::string>());
  // The bundle line, and the original file the map embeds.
  EXPECT_EQ(files, (std::set<std::string>{origin + "/static/app.min.js", "src/config.ts"}))
      << f.dump();
  EXPECT_EQ(f["evidence"]["origin"], "src/config.ts:7 (via " + origin + "/static/app.min.js.map)")
      << f.dump();
  EXPECT_EQ(r.out.find(k_secret), std::string::npos);
  EXPECT_EQ(r.out.find("launchgate-served-"), std::string::npos); // no scratch path shown
}

} // namespace
} // namespace lg::secrets
