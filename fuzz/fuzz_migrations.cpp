// Fuzzes deploy.migrations' analyzer: migration files of every framework, manifests, deploy
// scripts and docs all come from the repository under audit.

#include "analyze/migrations.hpp"

#include <cstdint>
#include <set>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  // Every layout the analyzer knows, each file holding the input.
  static const std::set<std::string> k_files = {"prisma/schema.prisma",
                                                "prisma/migrations/20240501_a/migration.sql",
                                                "prisma/migrations/20240501_a/down.sql",
                                                "alembic.ini",
                                                "migrations/env.py",
                                                "migrations/versions/a1.py",
                                                "app/migrations/__init__.py",
                                                "app/migrations/0001_initial.py",
                                                "db/migrate/20240501_a.rb",
                                                "migrations/20240501_a.js",
                                                "src/migration/1712345678901-Init.ts",
                                                "db/migration/V1__a.sql",
                                                "db/migration/U1__a.sql",
                                                "db/changelog/changelog.xml",
                                                "db/changelog/changelog.yaml",
                                                "db/changelog/changelog.json",
                                                "db/changelog/001-changelog.sql",
                                                "db/migrations/0001_a.up.sql",
                                                "db/migrations/0001_a.down.sql",
                                                "sql/001_a.sql",
                                                "sql/001_a_down.sql",
                                                "goose/20240501_a.sql",
                                                "package.json",
                                                "requirements.txt",
                                                "pyproject.toml",
                                                "Gemfile",
                                                "go.mod",
                                                "Cargo.toml",
                                                "vcpkg.json",
                                                "app/models.py",
                                                "app/settings.py",
                                                ".env.example",
                                                "docker-compose.yml"};
  auto scan = lg::analyze::find_migrations(
      k_files, [&](const std::string&) -> std::optional<std::string> { return text; });
  for (const auto& set : scan.sets)
    for (const auto& m : set.migrations)
      if (m.file.empty() || k_files.count(m.file) == 0)
        __builtin_trap();
  for (const auto& edit : lg::analyze::find_hand_edits(text))
    if (edit.line == 0 || edit.quote.size() > 240 + 3)
      __builtin_trap();
  for (const auto& c : lg::analyze::find_apply_commands(text))
    if (c.tools.empty() || c.line == 0)
      __builtin_trap();
  for (const auto& c : lg::analyze::find_apply_commands_in_markdown(text))
    if (c.tools.empty() || c.line == 0)
      __builtin_trap();
  (void)lg::analyze::tools_applied_by(text);
  (void)lg::analyze::apply_source_kind(text);
  (void)lg::analyze::documents_compensation(text);
  return 0;
}
