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

/// What the deploy gate reads: a package with a build and a test that need nothing from the
/// network, migrations, the release script with its rollback, CI, and a README that says how.
/// Flawed: the build needs a variable documented nowhere, CI installs without the lock file,
/// schema changes are made by hand and there is no rollback.
Expected<void> write_deploy_material(const fs::path& root, bool flawed) {
  LG_TRY_VOID(write(root / "package.json",
                    R"({"name": "client-portal", "version": "1.4.0", "private": true,)"
                    "\n"
                    R"( "scripts": {"build": "node scripts/build.js", "test": "node --test"}})"
                    "\n"));
  LG_TRY_VOID(write(root / "package-lock.json",
                    R"({"name": "client-portal", "version": "1.4.0", "lockfileVersion": 3,)"
                    R"( "requires": true, "packages": {"": {"name": "client-portal",)"
                    R"( "version": "1.4.0"}}})"
                    "\n"));
  const std::string api = flawed ? "const api = process.env.PORTAL_API_URL;\n"
                                   "if (!api) {\n"
                                   "  console.error(\"build: PORTAL_API_URL is not set\");\n"
                                   "  process.exit(1);\n"
                                   "}\n"
                                 : "const api = \"/api\";\n";
  LG_TRY_VOID(write(root / "scripts/build.js",
                    "// Bundles the portal's server code into dist/portal.js.\n"
                    "const fs = require(\"fs\");\n"
                    "const path = require(\"path\");\n" +
                        api +
                        "const root = path.join(__dirname, \"..\");\n"
                        "const parts = [\"src/db.js\", \"src/payments.js\"].map((f) =>\n"
                        "  fs.readFileSync(path.join(root, f), \"utf8\"));\n"
                        "fs.mkdirSync(path.join(root, \"dist\"), { recursive: true });\n"
                        "fs.writeFileSync(path.join(root, \"dist/portal.js\"),\n"
                        "  `const API = ${JSON.stringify(api)};\\n${parts.join(\"\\n\")}`);\n"));
  LG_TRY_VOID(write(root / "test/build.test.js",
                    "const assert = require(\"assert\");\n"
                    "const fs = require(\"fs\");\n"
                    "const path = require(\"path\");\n"
                    "const test = require(\"node:test\");\n\n"
                    "test(\"the bundle holds the payment module\", () => {\n"
                    "  const bundle = fs.readFileSync(path.join(__dirname, \"../dist/portal.js\"), "
                    "\"utf8\");\n"
                    "  assert.match(bundle, /STRIPE_SECRET_KEY/);\n"
                    "});\n"));
  std::string readme = "# client portal\n\n"
                       "## Build and test\n\n"
                       "```sh\nnode scripts/build.js\nnode --test\n```\n\n";
  if (flawed) {
    readme += "## Database\n\n"
              "The schema is in `db/schema.sql`. To change it, connect to the production "
              "database with psql and run the ALTER TABLE statements by hand before you "
              "deploy.\n\n"
              "## Deploy\n\nPush to main: CI deploys.\n";
    LG_TRY_VOID(write(root / "db/schema.sql",
                      "CREATE TABLE records (id serial PRIMARY KEY, org text NOT NULL, title "
                      "text NOT NULL);\n"));
  } else {
    readme +=
        "## Database migrations\n\n"
        "Every schema change is a numbered migration in `db/migrations/` with its `.down.sql`; "
        "the release script applies them:\n\n"
        "```sh\nmigrate -path db/migrations -database \"$DATABASE_URL\" up\n```\n\n"
        "## Deploy\n\nPush to main: CI deploys after the release manager approves.\n\n"
        "## Rollback\n\n"
        "1. Put the previous release back: `deploy/release.sh rollback` "
        "(`deploy/release.sh rollback --dry-run` names the release it would restore).\n"
        "2. If the release ran a migration, undo it: "
        "`migrate -path db/migrations -database \"$DATABASE_URL\" down 1`.\n";
    LG_TRY_VOID(write(root / "db/migrations/0001_create_records.up.sql",
                      "CREATE TABLE records (id serial PRIMARY KEY, org text NOT NULL, title "
                      "text NOT NULL);\n"));
    LG_TRY_VOID(
        write(root / "db/migrations/0001_create_records.down.sql", "DROP TABLE records;\n"));
    LG_TRY_VOID(write(root / "deploy/release.sh",
                      "#!/bin/sh\n"
                      "# Deploys a release, or puts the previous one back; --dry-run changes "
                      "nothing.\n"
                      "set -eu\n"
                      "releases=\"1.2.0 1.3.0 1.4.0\"\n"
                      "current=\"\"; previous=\"\"\n"
                      "for r in $releases; do previous=$current; current=$r; done\n"
                      "case \"${1:-}\" in\n"
                      "rollback)\n"
                      "  if [ \"${2:-}\" = --dry-run ]; then\n"
                      "    echo \"would restore release $previous (current $current)\"; exit 0\n"
                      "  fi\n"
                      "  echo \"restoring release $previous\" ;;\n"
                      "*)\n"
                      "  migrate -path db/migrations -database \"$DATABASE_URL\" up\n"
                      "  echo \"deploying release $current\" ;;\n"
                      "esac\n"));
    std::error_code ec;
    fs::permissions(root / "deploy/release.sh", fs::perms::owner_exec | fs::perms::group_exec,
                    fs::perm_options::add, ec);
  }
  LG_TRY_VOID(write(root / "README.md", readme));
  const std::string steps =
      flawed ? "      - uses: actions/checkout@v4\n"
               "      - run: npm install\n"
               "      - run: npm test\n"
               "      - run: make deploy\n"
             : "      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1\n"
               "      - run: npm ci\n"
               "      - run: npm test\n"
               "      - run: deploy/release.sh\n";
  return write(root / ".github/workflows/deploy.yml",
               "on: {push: {branches: [main]}}\njobs:\n  deploy:\n    runs-on: ubuntu-22.04\n"
               "    steps:\n" +
                   steps +
                   "        env:\n"
                   "          STRIPE_SECRET_KEY: ${{ secrets.STRIPE_SECRET_KEY }}\n");
}

} // namespace

DemoRepo::~DemoRepo() {
  if (!m_path.empty()) {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
}

Expected<void> DemoRepo::create(bool flawed) {
  std::string pattern = (fs::temp_directory_path() / "launchgate-demo-repo-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr)
    return unexpected(ErrorKind::io, "cannot create a temporary directory for the demo repository");
  m_path = pattern;
  fs::path root(m_path);
  LG_TRY_VOID(git(m_path, {"init", "-q", "-b", "main"}, "2025-01-06T09:00:00+01:00"));
  LG_TRY_VOID(write_deploy_material(root, flawed));
  LG_TRY_VOID(write(root / "src/payments.js",
                    "// Payment calls go through the server; the key comes from the environment.\n"
                    "const key = process.env.STRIPE_SECRET_KEY;\n"
                    "module.exports = { charge: (amount) => ({ amount, key: !!key }) };\n"));
  LG_TRY_VOID(write(root / "src/db.js", "// The database connection string comes from the "
                                        "environment.\nmodule.exports = { url: () => "
                                        "process.env.DATABASE_URL };\n"));
  LG_TRY_VOID(write(root / ".env.example", "STRIPE_SECRET_KEY=\nDATABASE_URL=\n"));
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
  if (!flawed)
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
