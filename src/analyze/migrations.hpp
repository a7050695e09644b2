#pragma once
// Database migrations in a repository, for deploy.migrations: each framework recognised by its
// layout (Prisma, Alembic, Django, Rails, Knex/Sequelize/node-pg-migrate/TypeORM, Flyway,
// Liquibase, golang-migrate, goose, dbmate, plain numbered SQL), whether each migration has a
// down path, duplicate versions; the signs that the app has a database at all; the commands that
// apply migrations; and sentences of the docs that tell people to edit the database by hand.
// Pure and bounded: paths and a reader in, facts out; hand scanners, no regex, no I/O.

#include <cstddef>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

/// At most this many bytes of a file are read.
inline constexpr size_t k_migrations_max_text = 2U << 20;
/// At most this many migrations are kept per set, and this many files are read in all.
inline constexpr size_t k_migrations_max_items = 5000;

enum class MigrationTool {
  prisma,
  alembic,
  django,
  rails,
  knex,
  sequelize,
  node_pg_migrate,
  typeorm,
  flyway,
  liquibase,
  golang_migrate,
  goose,
  dbmate,
  sql, ///< plain numbered SQL files, no framework
};

/// "Prisma", "Alembic", "golang-migrate", "plain SQL" …
std::string_view tool_name(MigrationTool tool);

/// True when the framework has down (reverse) migrations. Prisma, Flyway without Teams' undo
/// files and plain SQL have none: their compensating path is a restore or a forward fix.
bool tool_has_down(MigrationTool tool);

/// Whether a migration can be reversed.
enum class Down {
  yes,         ///< a down step (or an automatically reversible change)
  no,          ///< the framework has down steps and this migration has none (or an empty one)
  not_offered, ///< the framework has none
};

struct Migration {
  std::string file;      ///< the up (or only) file, relative to the repository
  std::string down_file; ///< a separate down file (golang-migrate .down.sql, Flyway U…), or ""
  std::string version;   ///< as written: "0001", "20240501120000", "1.2", a Liquibase id
  size_t line = 0;       ///< 1-based line the judgement is about (a changeset, a RunPython); 0
  Down down = Down::yes;
  std::string why; ///< for Down::no: what is missing ("no def down", "RunSQL without reverse_sql")
};

/// A problem of a set of migrations (duplicate versions, two Alembic heads …).
struct MigrationProblem {
  std::string file;
  size_t line = 0;
  std::string what;     ///< short and stable: "duplicate version 0002", "multiple heads"
  std::string message;  ///< a sentence for the report
  bool serious = false; ///< the tool refuses to run (fail) rather than an ambiguity (warn)
};

/// The migrations of one framework in one folder.
struct MigrationSet {
  MigrationTool tool = MigrationTool::sql;
  std::string dir;                   ///< the folder, relative to the repository
  std::vector<Migration> migrations; ///< in file-name order
  std::vector<MigrationProblem> problems;
  bool has_down = true; ///< the framework (as used here) offers down steps

  /// Every file that belongs to the set (up and down files), for the commit check.
  std::vector<std::string> files() const;
};

/// A sign that the app has a database: a schema file, an ORM model, a driver dependency.
struct DatabaseSignal {
  std::string file;
  size_t line = 0;  ///< 0: the file itself
  std::string what; ///< "schema file", "pg dependency", "Django models" …
};

struct MigrationScan {
  std::vector<MigrationSet> sets;
  std::vector<DatabaseSignal> signals;
  std::vector<std::string> notes; ///< why the scan may be partial
};

/// Reads a repository file (a path of the list) as text; nullopt when it cannot be read.
using ReadFile = std::function<std::optional<std::string>(const std::string& path)>;

/// The migration sets and database signals of a repository whose files are `files` (relative,
/// '/' separators), reading file contents through `read` only where the layout asks for it.
MigrationScan find_migrations(const std::set<std::string>& files, const ReadFile& read);

// ---- what applies them -------------------------------------------------------------------------

/// The frameworks one shell command line applies migrations of: `npx knex migrate:latest`,
/// `python manage.py migrate`, `alembic upgrade head`, `bin/rails db:migrate`,
/// `prisma migrate deploy`, `flyway migrate` (and mvn/gradle), `liquibase update`,
/// `migrate -path … up`, `goose … up`, `dbmate up`, `sequelize db:migrate`,
/// `node-pg-migrate up`, `typeorm migration:run`; golang-migrate's and plain SQL's also by
/// `sqlx migrate run`, plain SQL by `psql`/`mysql`/`sqlite3` fed a .sql file. Empty when none.
std::vector<MigrationTool> tools_applied_by(std::string_view command);

/// Where a repository file may hold the command that applies migrations: "CI workflow",
/// "Dockerfile", "Procfile", "package.json script", "Makefile", "deploy script", "compose file",
/// "platform config" (fly.toml, render.yaml, app.json …); "" for any other file.
std::string_view apply_source_kind(std::string_view path);

/// One place a migration command is written.
struct ApplyCommand {
  size_t line = 0;     ///< 1-based
  std::string command; ///< the line, trimmed, at most 200 characters
  std::vector<MigrationTool> tools;
};

/// The lines of `text` (a CI file, a script, a Dockerfile …) that apply migrations.
std::vector<ApplyCommand> find_apply_commands(std::string_view text);

/// The shell commands of `markdown`'s code blocks that apply migrations, each at its line.
std::vector<ApplyCommand> find_apply_commands_in_markdown(std::string_view markdown);

// ---- docs --------------------------------------------------------------------------------------

/// A place in the docs that tells people to change the database by hand.
struct HandEdit {
  size_t line = 0;   ///< 1-based
  std::string quote; ///< the line, trimmed, at most 240 characters
  std::string why;   ///< "says to change the database by hand", "has a psql command that runs
                     ///< ALTER", "says to connect to the database and run statements"
};

/// The red flags of a Markdown (or plain text) document: prose sentences that say to change the
/// database "by hand"/"manually" (near SQL, a table, psql …, with a verb of change, not negated:
/// "never by hand" is fine); sentences that say to connect or log in to the database and run or
/// apply statements; and shell code blocks that run `psql`/`mysql`/`sqlite3` with a statement that
/// changes something (`-c "ALTER TABLE …"`). Reading data (`psql` to inspect, a SELECT) is no
/// red flag.
std::vector<HandEdit> find_hand_edits(std::string_view markdown);

/// The 1-based line of `markdown` that documents a compensating path for migrations without a
/// down step (a restore from backup, a point-in-time recovery, a forward fix, `prisma migrate
/// resolve`), or 0.
size_t documents_compensation(std::string_view markdown);

} // namespace lg::analyze
