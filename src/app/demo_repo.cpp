// Built with the git command line (the history scan needs git anyway) under a fixed identity and
// fixed dates, with the user's git configuration kept out, so the fixture is the same everywhere.
// The planted key is random at each run: it has the shape of a live key and is no one's key.

#include "app/demo_repo.hpp"

#include "util/process.hpp"

#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <openssl/rand.h>

namespace lg::app {
namespace {

namespace fs = std::filesystem;

Expected<void> git(const std::string& dir, std::vector<std::string> args, const std::string& date) {
  ProcessOptions options;
  options.argv = {"git", "-C", dir};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.env = {"GIT_CONFIG_GLOBAL=/dev/null",
                 "GIT_CONFIG_NOSYSTEM=1",
                 "GIT_AUTHOR_NAME=Portal Developer",
                 "GIT_AUTHOR_EMAIL=dev@portal.test",
                 "GIT_COMMITTER_NAME=Portal Developer",
                 "GIT_COMMITTER_EMAIL=dev@portal.test",
                 "GIT_AUTHOR_DATE=" + date,
                 "GIT_COMMITTER_DATE=" + date,
                 "LC_ALL=C"};
  auto run = run_process(options, [](std::string_view) { return true; });
  if (!run)
    return unexpected(run.error());
  if (run->exit_code != 0)
    return unexpected(ErrorKind::io, fmt::format("git {} failed: {}", args.front(),
                                                 run->stderr_text.substr(0, 200)));
  return {};
}

Expected<void> write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush())
    return unexpected(ErrorKind::io, fmt::format("cannot write {}", file.string()));
  return {};
}

std::string random_key() {
  static constexpr std::string_view k_alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::array<unsigned char, 32> bytes{};
  RAND_bytes(bytes.data(), static_cast<int>(bytes.size()));
  std::string out = "sk_live_";
  for (unsigned char b : bytes)
    out += k_alphabet[b % k_alphabet.size()];
  return out;
}

} // namespace

DemoRepo::~DemoRepo() {
  if (!m_path.empty()) {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
}

Expected<void> DemoRepo::create(bool committed_secret) {
  std::string pattern = (fs::temp_directory_path() / "launchgate-demo-repo-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr)
    return unexpected(ErrorKind::io, "cannot create a temporary directory for the demo repository");
  m_path = pattern;
  fs::path root(m_path);
  LG_TRY_VOID(git(m_path, {"init", "-q", "-b", "main"}, "2025-01-06T09:00:00+01:00"));
  LG_TRY_VOID(
      write(root / "README.md", "# client portal\n\nRun `make build`, then `make deploy`.\n"));
  LG_TRY_VOID(write(root / "src/payments.js",
                    "// Payment calls go through the server; the key comes from the environment.\n"
                    "const key = process.env.STRIPE_SECRET_KEY;\n"
                    "module.exports = { charge: (amount) => ({ amount, key: !!key }) };\n"));
  LG_TRY_VOID(write(root / ".env.example", "STRIPE_SECRET_KEY=\nDATABASE_URL=\n"));
  LG_TRY_VOID(write(root / ".github/workflows/deploy.yml",
                    "on: {push: {branches: [main]}}\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
                    "    steps:\n      - uses: actions/checkout@v4\n"
                    "      - run: make deploy\n        env:\n"
                    "          STRIPE_SECRET_KEY: ${{ secrets.STRIPE_SECRET_KEY }}\n"));
  // Build output as a bundler leaves it (ignored by git, published by the web server), with a
  // source map that embeds the original source.
  LG_TRY_VOID(write(root / "dist/app.js",
                    "(()=>{const e=()=>({ok:!0});window.portal={charge:e}})();\n"
                    "//# sourceMappingURL=app.js.map\n"));
  LG_TRY_VOID(write(root / "dist/app.js.map",
                    R"({"version":3,"file":"app.js","sources":["src/app.js"],)"
                    R"("sourcesContent":["export const charge = () => ({ ok: true });\n"],)"
                    R"("names":[],"mappings":"AAAA"})"
                    "\n"));
  LG_TRY_VOID(write(root / "logs/portal.log",
                    "2025-01-14T08:00:01Z INFO listening on :8080\n"
                    "2025-01-14T08:00:05Z INFO POST /api/login 200 user=alice@acme.test\n"));
  LG_TRY_VOID(write(root / ".gitignore", "dist/\nlogs/\n"));
  LG_TRY_VOID(git(m_path, {"add", "-A"}, "2025-01-06T09:00:00+01:00"));
  LG_TRY_VOID(git(m_path, {"commit", "-q", "-m", "portal skeleton"}, "2025-01-06T09:00:00+01:00"));
  if (!committed_secret)
    return {};
  LG_TRY_VOID(
      write(root / ".env",
            fmt::format("STRIPE_SECRET_KEY={}\nDATABASE_URL=postgres:///portal\n", random_key())));
  LG_TRY_VOID(git(m_path, {"add", "-A"}, "2025-01-13T17:42:00+01:00"));
  LG_TRY_VOID(git(m_path, {"commit", "-q", "-m", "wire up payments"}, "2025-01-13T17:42:00+01:00"));
  LG_TRY_VOID(git(m_path, {"rm", "-q", "--cached", ".env"}, "2025-01-14T08:15:00+01:00"));
  LG_TRY_VOID(write(root / ".gitignore", "dist/\nlogs/\n.env\n"));
  fs::remove(root / ".env");
  LG_TRY_VOID(git(m_path, {"add", ".gitignore"}, "2025-01-14T08:15:00+01:00"));
  LG_TRY_VOID(
      git(m_path, {"commit", "-q", "-m", "stop tracking .env"}, "2025-01-14T08:15:00+01:00"));
  return {};
}

} // namespace lg::app
