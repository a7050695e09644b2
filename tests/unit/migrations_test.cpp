// analyze/migrations: each framework by its layout and its down paths, duplicate versions, the
// signs of a database, the commands that apply migrations and the docs' hand edits.

#include "analyze/migrations.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace lg::analyze {
namespace {

using Files = std::map<std::string, std::string>;

MigrationScan scan_of(const Files& files) {
  std::set<std::string> paths;
  for (const auto& [path, text] : files)
    paths.insert(path);
  return find_migrations(paths, [&](const std::string& path) -> std::optional<std::string> {
    auto it = files.find(path);
    if (it == files.end())
      return std::nullopt;
    return it->second;
  });
}

/// "file:down[:why]" for each migration of the only set, after checking its tool and folder.
std::vector<std::string> downs(const MigrationScan& scan, MigrationTool tool,
                               const std::string& dir) {
  EXPECT_EQ(scan.sets.size(), 1u);
  if (scan.sets.size() != 1)
    return {};
  EXPECT_EQ(tool_name(scan.sets[0].tool), tool_name(tool));
  EXPECT_EQ(scan.sets[0].dir, dir);
  std::vector<std::string> out;
  for (const auto& m : scan.sets[0].migrations) {
    std::string d = m.down == Down::yes ? "yes" : m.down == Down::no ? "no" : "n/a";
    out.push_back(m.file + ":" + d + (m.why.empty() ? "" : ":" + m.why) +
                  (m.line > 0 ? "@" + std::to_string(m.line) : ""));
  }
  return out;
}

std::vector<std::string> problems(const MigrationScan& scan) {
  std::vector<std::string> out;
  for (const auto& set : scan.sets)
    for (const auto& p : set.problems)
      out.push_back(p.what + (p.serious ? " (serious)" : ""));
  return out;
}

using Strings = std::vector<std::string>;

TEST(Migrations, PrismaHasNoDownUnlessADownFileIsWritten) {
  auto scan = scan_of({{"prisma/schema.prisma", "datasource db { provider = \"postgresql\" }"},
                       {"prisma/migrations/migration_lock.toml", "provider = \"postgresql\""},
                       {"prisma/migrations/20240501120000_init/migration.sql", "CREATE TABLE a();"},
                       {"prisma/migrations/20240502120000_b/migration.sql", "ALTER TABLE a;"},
                       {"prisma/migrations/20240502120000_b/down.sql", "ALTER TABLE a;"}});
  EXPECT_EQ(downs(scan, MigrationTool::prisma, "prisma/migrations"),
            (Strings{"prisma/migrations/20240501120000_init/migration.sql:n/a",
                     "prisma/migrations/20240502120000_b/migration.sql:yes"}));
  EXPECT_FALSE(scan.sets[0].has_down);
  EXPECT_EQ(scan.sets[0].migrations[0].version, "20240501120000");
  EXPECT_EQ(scan.sets[0].files().size(), 3u);
  ASSERT_FALSE(scan.signals.empty());
  EXPECT_EQ(scan.signals[0].what, "Prisma schema");
}

TEST(Migrations, AlembicDowngradeThatOnlyPassesIsNoDownAndTwoHeadsAreSerious) {
  const std::string good = "from alembic import op\n\nrevision = \"a1\"\ndown_revision = None\n\n"
                           "def upgrade():\n    op.create_table(\"t\")\n\n"
                           "def downgrade():\n    op.drop_table(\"t\")\n";
  const std::string pass = "from alembic import op\n\nrevision: str = 'b2'\ndown_revision = 'a1'\n"
                           "\ndef upgrade() -> None:\n    op.add_column('t', x)\n\n"
                           "def downgrade() -> None:\n    \"\"\"Nothing.\"\"\"\n    pass\n";
  const std::string other = "from alembic import op\nrevision = 'c3'\ndown_revision = 'a1'\n"
                            "def upgrade():\n    op.execute('x')\n";
  auto scan = scan_of({{"alembic.ini", "[alembic]"},
                       {"migrations/env.py", "from alembic import context"},
                       {"migrations/versions/a1_init.py", good},
                       {"migrations/versions/b2_add.py", pass},
                       {"migrations/versions/c3_other.py", other}});
  EXPECT_EQ(downs(scan, MigrationTool::alembic, "migrations/versions"),
            (Strings{"migrations/versions/a1_init.py:yes",
                     "migrations/versions/b2_add.py:no:downgrade() does nothing@9",
                     "migrations/versions/c3_other.py:no:no def downgrade()"}));
  EXPECT_EQ(problems(scan), (Strings{"multiple heads (serious)"}));

  // A merge revision joins them.
  auto merged = scan_of({{"migrations/env.py", ""},
                         {"migrations/versions/a1_init.py", good},
                         {"migrations/versions/b2_add.py", pass},
                         {"migrations/versions/c3_other.py", other},
                         {"migrations/versions/d4_merge.py",
                          "from alembic import op\nrevision = 'd4'\ndown_revision = ('b2', 'c3')\n"
                          "def upgrade():\n    pass\ndef downgrade():\n    pass\n"}});
  EXPECT_TRUE(problems(merged).empty());
}

TEST(Migrations, DjangoRunPythonAndRunSqlWithoutReverseAreIrreversible) {
  const std::string head = "from django.db import migrations, models\n\n"
                           "class Migration(migrations.Migration):\n    operations = [\n";
  auto scan = scan_of(
      {{"app/migrations/__init__.py", ""},
       {"app/migrations/0001_initial.py", head + "        migrations.CreateModel(name='R'),\n]\n"},
       {"app/migrations/0002_data.py",
        head + "        migrations.RunPython(forwards, migrations.RunPython.noop),\n"
               "        migrations.RunSQL(\"UPDATE t SET a = 1, b = 2\", reverse_sql=\"\"),\n]\n"},
       {"app/migrations/0003_fill.py",
        head + "        migrations.RunPython(\n            fill,  # (forwards only)\n"
               "            elidable=True,\n        ),\n]\n"},
       {"app/migrations/0004_sql.py",
        head + "        migrations.RunSQL([\"ALTER TABLE t ADD x int\", \"UPDATE t\"]),\n]\n"},
       {"app/migrations/0005_sql.py",
        head + "        migrations.RunSQL(\"CREATE INDEX i ON t(a)\", \"DROP INDEX i\"),\n]\n"}});
  EXPECT_EQ(downs(scan, MigrationTool::django, "app/migrations"),
            (Strings{"app/migrations/0001_initial.py:yes", "app/migrations/0002_data.py:yes",
                     "app/migrations/0003_fill.py:no:RunPython without reverse_code@5",
                     "app/migrations/0004_sql.py:no:RunSQL without reverse_sql@5",
                     "app/migrations/0005_sql.py:yes"}));
  EXPECT_TRUE(problems(scan).empty());
}

TEST(Migrations, DjangoFolderWithoutInitAndDuplicateNumbers) {
  const std::string m = "from django.db import migrations\nclass Migration(migrations.Migration):\n"
                        "    operations = []\n";
  auto scan = scan_of({{"shop/migrations/0001_initial.py", m},
                       {"shop/migrations/0002_a.py", m},
                       {"shop/migrations/0002_b.py", m}});
  EXPECT_EQ(problems(scan), (Strings{"no __init__.py (serious)", "duplicate version 0002"}));
  // A merge migration resolves the duplicate.
  auto merged = scan_of({{"shop/migrations/__init__.py", ""},
                         {"shop/migrations/0002_a.py", m},
                         {"shop/migrations/0002_b.py", m},
                         {"shop/migrations/0003_merge_20240501.py", m}});
  EXPECT_TRUE(problems(merged).empty());
  // A migrations folder of something else (no Migration class) is not Django's.
  auto other = scan_of({{"tools/migrations/0001_note.py", "print('hello')\n"}});
  EXPECT_TRUE(other.sets.empty());
}

TEST(Migrations, RailsChangeUpDownAndIrreversible) {
  auto scan = scan_of(
      {{"db/migrate/20240501120000_create_records.rb",
        "class CreateRecords < ActiveRecord::Migration[7.1]\n  def change\n    create_table "
        ":records\n  end\nend\n"},
       {"db/migrate/20240502120000_backfill.rb",
        "class Backfill < ActiveRecord::Migration[7.1]\n  def up\n    execute 'UPDATE x'\n  "
        "end\nend\n"},
       {"db/migrate/20240503120000_drop_legacy.rb",
        "class DropLegacy < ActiveRecord::Migration[7.1]\n  def up\n    drop_table :legacy\n  "
        "end\n  def down\n    raise ActiveRecord::IrreversibleMigration\n  end\nend\n"},
       {"db/migrate/20240504120000_sql.rb",
        "class Sql < ActiveRecord::Migration[7.1]\n  def change\n    execute 'CREATE VIEW v'\n  "
        "end\nend\n"},
       {"db/migrate/20240505120000_rev.rb",
        "class Rev < ActiveRecord::Migration[7.1]\n  def change\n    reversible do |dir|\n"
        "      dir.up { execute 'CREATE VIEW v' }\n      dir.down { execute 'DROP VIEW v' }\n"
        "    end\n  end\nend\n"},
       {"db/migrate/20240505120000_again.rb",
        "class Again < ActiveRecord::Migration[7.1]\n  def up\n  end\n  def down\n  end\nend\n"}});
  EXPECT_EQ(
      downs(scan, MigrationTool::rails, "db/migrate"),
      (Strings{"db/migrate/20240501120000_create_records.rb:yes",
               "db/migrate/20240502120000_backfill.rb:no:def up without def down@2",
               "db/migrate/20240503120000_drop_legacy.rb:no:raises "
               "ActiveRecord::IrreversibleMigration@6",
               "db/migrate/20240504120000_sql.rb:no:execute in change without reversible@3",
               "db/migrate/20240505120000_again.rb:yes", "db/migrate/20240505120000_rev.rb:yes"}));
  EXPECT_EQ(problems(scan), (Strings{"duplicate version 20240505120000 (serious)"}));
}

TEST(Migrations, KnexAndItsCousinsJudgeTheDownExport) {
  auto scan = scan_of(
      {{"knexfile.js", "module.exports = {client: 'pg'};"},
       {"migrations/20240501_a.js",
        "exports.up = function (knex) {\n  return knex.schema.createTable('a', () => {});\n};\n"
        "exports.down = function (knex) {\n  return knex.schema.dropTable('a');\n};\n"},
       {"migrations/20240502_b.js",
        "exports.up = (knex) => knex.raw('x');\nexports.down = () => {\n  // nothing\n};\n"},
       {"migrations/20240503_c.ts",
        "import { Knex } from 'knex';\nexport async function up(knex: Knex) {\n  await "
        "knex.raw('x');\n}\n"},
       {"migrations/20240504_d.mjs", "export async function up(knex) { await knex.raw('x'); }\n"
                                     "export async function down(knex) { await knex.raw('y'); }\n"},
       {"migrations/README.md", "not a migration"}});
  EXPECT_EQ(
      downs(scan, MigrationTool::knex, "migrations"),
      (Strings{"migrations/20240501_a.js:yes", "migrations/20240502_b.js:no:down() is empty@2",
               "migrations/20240503_c.ts:no:no down", "migrations/20240504_d.mjs:yes"}));

  auto sequelize =
      scan_of({{"db/migrations/20240501-create.js",
                "module.exports = {\n  async up(queryInterface, Sequelize) { await "
                "queryInterface.createTable('a', {}); },\n  async down(queryInterface) { await "
                "queryInterface.dropTable('a'); }\n};\n"}});
  EXPECT_EQ(downs(sequelize, MigrationTool::sequelize, "db/migrations"),
            (Strings{"db/migrations/20240501-create.js:yes"}));

  auto pgm = scan_of(
      {{"migrations/1700000000000_init.js", "exports.up = (pgm) => { pgm.createTable('a', {}); };\n"
                                            "exports.down = false;\n"}});
  EXPECT_EQ(downs(pgm, MigrationTool::node_pg_migrate, "migrations"),
            (Strings{"migrations/1700000000000_init.js:no:down is false@2"}));

  auto typeorm = scan_of(
      {{"src/migration/1712345678901-Init.ts",
        "export class Init1712345678901 implements MigrationInterface {\n  public async "
        "up(queryRunner: QueryRunner): Promise<void> { await queryRunner.query('x'); }\n  public "
        "async down(queryRunner: QueryRunner): Promise<void> {}\n}\n"}});
  EXPECT_EQ(downs(typeorm, MigrationTool::typeorm, "src/migration"),
            (Strings{"src/migration/1712345678901-Init.ts:no:down() is empty@3"}));
}

TEST(Migrations, FlywayUndoFilesDecideWhetherDownIsOffered) {
  auto community = scan_of({{"src/main/resources/db/migration/V1__init.sql", "CREATE TABLE a();"},
                            {"src/main/resources/db/migration/V1.1__more.sql", "ALTER TABLE a;"},
                            {"src/main/resources/db/migration/R__views.sql", "CREATE VIEW v;"}});
  EXPECT_EQ(downs(community, MigrationTool::flyway, "src/main/resources/db/migration"),
            (Strings{"src/main/resources/db/migration/V1.1__more.sql:n/a",
                     "src/main/resources/db/migration/V1__init.sql:n/a"}));
  EXPECT_FALSE(community.sets[0].has_down);
  EXPECT_TRUE(community.signals.empty()) << community.signals[0].file;

  auto teams = scan_of({{"db/migration/V1__init.sql", "CREATE TABLE a();"},
                        {"db/migration/U1__init.sql", "DROP TABLE a;"},
                        {"db/migration/V2__more.sql", "ALTER TABLE a;"},
                        {"db/migration/V02__again.sql", "ALTER TABLE a;"}});
  EXPECT_EQ(
      downs(teams, MigrationTool::flyway, "db/migration"),
      (Strings{"db/migration/V02__again.sql:no:no U02__ undo file", "db/migration/V1__init.sql:yes",
               "db/migration/V2__more.sql:no:no U2__ undo file"}));
  EXPECT_EQ(problems(teams), (Strings{"duplicate version 02 (serious)"}));
}

TEST(Migrations, LiquibaseChangesetsNeedARollbackUnlessLiquibaseCanDeriveOne) {
  auto xml =
      scan_of({{"src/main/resources/db/changelog/db.changelog-master.xml",
                "<databaseChangeLog>\n"
                "  <changeSet id=\"1\" author=\"ann\">\n    <createTable tableName=\"a\">\n"
                "      <column name=\"id\" type=\"int\"/>\n    </createTable>\n  </changeSet>\n"
                "  <changeSet id=\"2\" author=\"ann\">\n    <sql>UPDATE a SET x = 1</sql>\n"
                "  </changeSet>\n"
                "  <changeSet id=\"3\" author=\"ann\">\n    <dropColumn tableName=\"a\" "
                "columnName=\"x\"/>\n    <rollback><addColumn tableName=\"a\"/></rollback>\n"
                "  </changeSet>\n"
                "  <changeSet id=\"3\" author=\"ann\">\n    <createIndex tableName=\"a\"/>\n"
                "  </changeSet>\n</databaseChangeLog>\n"}});
  const std::string f = "src/main/resources/db/changelog/db.changelog-master.xml";
  EXPECT_EQ(downs(xml, MigrationTool::liquibase, "src/main/resources/db/changelog"),
            (Strings{f + ":yes@2", f + ":no:no rollback for sql@7", f + ":yes@10", f + ":yes@14"}));
  EXPECT_EQ(problems(xml), (Strings{"duplicate version ann:3 (serious)"}));

  auto yaml = scan_of(
      {{"db/changelog.yaml", "databaseChangeLog:\n  - changeSet:\n      id: 1\n      author: bo\n"
                             "      changes:\n        - createTable:\n            tableName: a\n"
                             "  - changeSet:\n      id: 2\n      author: bo\n      changes:\n"
                             "        - sql:\n            sql: UPDATE a SET x = 1\n"}});
  EXPECT_EQ(downs(yaml, MigrationTool::liquibase, "db"),
            (Strings{"db/changelog.yaml:yes@2", "db/changelog.yaml:no:no rollback for sql@8"}));

  auto sql = scan_of({{"db/changelog/001-changelog.sql",
                       "--liquibase formatted sql\n\n--changeset ann:1\nCREATE TABLE a (id int);\n"
                       "--rollback DROP TABLE a;\n\n--changeset ann:2\nUPDATE a SET id = 2;\n"}});
  EXPECT_EQ(downs(sql, MigrationTool::liquibase, "db/changelog"),
            (Strings{"db/changelog/001-changelog.sql:yes@3",
                     "db/changelog/001-changelog.sql:no:no --rollback@7"}));
}

TEST(Migrations, GolangMigrateNeedsAMatchingDownFileWithAStatement) {
  auto scan = scan_of({{"db/migrations/0001_init.up.sql", "CREATE TABLE a();"},
                       {"db/migrations/0001_init.down.sql", "DROP TABLE a;"},
                       {"db/migrations/0002_more.up.sql", "ALTER TABLE a ADD b int;"},
                       {"db/migrations/0003_idx.up.sql", "CREATE INDEX i ON a(b);"},
                       {"db/migrations/0003_idx.down.sql", "-- nothing to undo\n/* really */\n"},
                       {"db/migrations/3_again.up.sql", "SELECT 1;"},
                       {"db/migrations/3_again.down.sql", "SELECT 1;"}});
  EXPECT_EQ(downs(scan, MigrationTool::golang_migrate, "db/migrations"),
            (Strings{"db/migrations/0001_init.up.sql:yes",
                     "db/migrations/0002_more.up.sql:no:no 0002_more.down.sql",
                     "db/migrations/0003_idx.up.sql:no:0003_idx.down.sql has no statement",
                     "db/migrations/3_again.up.sql:yes"}));
  EXPECT_EQ(problems(scan), (Strings{"duplicate version 0003 (serious)"}));
  EXPECT_EQ(scan.sets[0].files().size(), 7u);
  EXPECT_TRUE(scan.signals.empty());
}

TEST(Migrations, GooseAndDbmateReadTheirMarkers) {
  auto scan = scan_of({{"db/migrations/20240501_a.sql",
                        "-- +goose Up\nCREATE TABLE a();\n-- +goose Down\nDROP TABLE a;\n"},
                       {"db/migrations/20240502_b.sql", "-- +goose Up\nALTER TABLE a;\n"},
                       {"db/migrations/20240503_c.sql",
                        "-- +goose Up\nALTER TABLE a;\n-- +goose Down\n-- nothing\n"}});
  EXPECT_EQ(downs(scan, MigrationTool::goose, "db/migrations"),
            (Strings{"db/migrations/20240501_a.sql:yes",
                     "db/migrations/20240502_b.sql:no:no down section",
                     "db/migrations/20240503_c.sql:no:its down section is empty"}));
  auto dbmate = scan_of({{"db/migrations/20240501_a.sql",
                          "-- migrate:up\nCREATE TABLE a();\n\n-- migrate:down\nDROP TABLE a;\n"}});
  EXPECT_EQ(downs(dbmate, MigrationTool::dbmate, "db/migrations"),
            (Strings{"db/migrations/20240501_a.sql:yes"}));
}

TEST(Migrations, PlainNumberedSqlAndTheSchemaFileBesideIt) {
  auto scan = scan_of({{"db/001_init.sql", "CREATE TABLE a();"},
                       {"db/002_more.sql", "ALTER TABLE a;"},
                       {"db/002-other.sql", "ALTER TABLE a;"},
                       {"db/schema.sql", "CREATE TABLE a();"},
                       {"src/queries/001_report.sql", "SELECT 1;"}});
  EXPECT_EQ(downs(scan, MigrationTool::sql, "db"),
            (Strings{"db/001_init.sql:n/a", "db/002-other.sql:n/a", "db/002_more.sql:n/a"}));
  EXPECT_EQ(problems(scan), (Strings{"duplicate version 002"}));
  ASSERT_EQ(scan.signals.size(), 2u);
  EXPECT_EQ(scan.signals[0].file, "db/schema.sql");
  EXPECT_EQ(scan.signals[0].what, "schema file");
  EXPECT_EQ(scan.signals[1].what, "SQL file");

  auto paired = scan_of({{"migrations/001_init.sql", "CREATE TABLE a();"},
                         {"migrations/001_init_down.sql", "DROP TABLE a;"},
                         {"migrations/002_more.sql", "ALTER TABLE a;"}});
  EXPECT_EQ(downs(paired, MigrationTool::sql, "migrations"),
            (Strings{"migrations/001_init.sql:yes", "migrations/002_more.sql:no:no down file"}));
}

TEST(Migrations, DatabaseSignalsFromManifestsModelsAndVariables) {
  auto what = [](const Files& files) {
    Strings out;
    for (const auto& s : scan_of(files).signals)
      out.push_back(s.file + ":" + std::to_string(s.line) + " " + s.what);
    return out;
  };
  EXPECT_EQ(what({{"package.json", "{\n  \"dependencies\": {\n    \"pg\": \"^8\"\n  }\n}\n"}}),
            (Strings{"package.json:3 pg dependency"}));
  EXPECT_EQ(what({{"package.json", "{\"scripts\": {\"pg\": 1}, \"dependencies\": {}}"}}),
            Strings{}); // one line, no key at a line start: not judged a dependency
  EXPECT_EQ(what({{"requirements.txt", "# db\nflask==3\npsycopg[binary]==3.1\n"}}),
            (Strings{"requirements.txt:3 psycopg dependency"}));
  EXPECT_EQ(what({{"pyproject.toml", "[project]\ndependencies = [\n  \"Django>=5\",\n]\n"}}),
            (Strings{"pyproject.toml:3 django dependency"}));
  EXPECT_EQ(what({{"app/settings.py", "DATABASES = {}\n"}}),
            (Strings{"app/settings.py:1 Django DATABASES setting"}));
  EXPECT_EQ(what({{".env.example", "PORT=3000\nPORTAL_DB_URL=postgres://x\n"}}),
            (Strings{".env.example:2 PORTAL_DB_URL variable"}));
  EXPECT_EQ(what({{"go.mod", "module x\nrequire github.com/jackc/pgx/v5 v5.5.0\n"}}),
            (Strings{"go.mod:2 pgx module"}));
  EXPECT_EQ(what({{"docker-compose.yml", "services:\n  db:\n    image: postgres:16\n"}}),
            (Strings{"docker-compose.yml:3 postgres service"}));
  EXPECT_EQ(what({{"package.json", "{\n  \"dependencies\": {\n    \"express\": \"^4\"\n  }\n}\n"},
                  {".env.example", "PORT=3000\nSESSION_SECRET=x\n"},
                  {"requirements.txt", "flask==3\n"}}),
            Strings{});
}

TEST(Migrations, CommandsThatApplyMigrations) {
  auto tools = [](std::string_view command) {
    Strings out;
    for (auto t : tools_applied_by(command))
      out.emplace_back(tool_name(t));
    return out;
  };
  EXPECT_EQ(tools("npx knex migrate:latest"), Strings{"Knex"});
  EXPECT_EQ(tools("./node_modules/.bin/knex --knexfile knexfile.js migrate:latest"),
            Strings{"Knex"});
  EXPECT_EQ(tools("python3 manage.py migrate --noinput"), Strings{"Django"});
  EXPECT_EQ(tools("release: python manage.py migrate && gunicorn app"), Strings{"Django"});
  EXPECT_EQ(tools("alembic -c alembic.ini upgrade head"), Strings{"Alembic"});
  EXPECT_EQ(tools("bin/rails db:migrate"), Strings{"Rails"});
  EXPECT_EQ(tools("npx sequelize-cli db:migrate"), Strings{"Sequelize"});
  EXPECT_EQ(tools("npx prisma migrate deploy"), Strings{"Prisma"});
  EXPECT_EQ(tools("flyway -url=jdbc:postgresql://db/portal migrate"), Strings{"Flyway"});
  EXPECT_EQ(tools("./mvnw flyway:migrate"), Strings{"Flyway"});
  EXPECT_EQ(tools("liquibase --changelog-file=db/changelog.xml update"), Strings{"Liquibase"});
  EXPECT_EQ(tools("migrate -path db/migrations -database \"$PORTAL_DB_URL\" up"),
            Strings{"golang-migrate"});
  EXPECT_EQ(tools("docker run migrate/migrate -source=file:///m -database $DB up 2"),
            Strings{"golang-migrate"});
  EXPECT_EQ(tools("goose -dir db/migrations postgres \"$DB\" up"), Strings{"goose"});
  EXPECT_EQ(tools("dbmate up"), Strings{"dbmate"});
  EXPECT_EQ(tools("npx typeorm migration:run -d dist/data-source.js"), Strings{"TypeORM"});
  EXPECT_EQ(tools("for f in db/*.sql; do psql \"$DATABASE_URL\" -f \"$f\"; done"),
            Strings{"plain SQL"});
  // Not applying: making, inspecting, dev-only or rolling back.
  EXPECT_TRUE(tools("python manage.py makemigrations").empty());
  EXPECT_TRUE(tools("npx prisma migrate dev").empty());
  EXPECT_TRUE(tools("npx knex migrate:make add_x").empty());
  EXPECT_TRUE(tools("npx knex migrate:down").empty());
  EXPECT_TRUE(tools("alembic downgrade -1").empty());
  EXPECT_TRUE(tools("psql \"$DATABASE_URL\" -c 'SELECT 1'").empty());
  EXPECT_TRUE(tools("echo migrate up").empty());
}

TEST(Migrations, WhereCommandsAreLookedFor) {
  EXPECT_EQ(apply_source_kind(".github/workflows/deploy.yml"), "CI workflow");
  EXPECT_EQ(apply_source_kind(".gitlab-ci.yml"), "CI workflow");
  EXPECT_EQ(apply_source_kind("Dockerfile"), "Dockerfile");
  EXPECT_EQ(apply_source_kind("docker/Dockerfile.prod"), "Dockerfile");
  EXPECT_EQ(apply_source_kind("Procfile"), "Procfile");
  EXPECT_EQ(apply_source_kind("package.json"), "package.json script");
  EXPECT_EQ(apply_source_kind("Makefile"), "Makefile");
  EXPECT_EQ(apply_source_kind("deploy/release.sh"), "deploy script");
  EXPECT_EQ(apply_source_kind("bin/release"), "deploy script");
  EXPECT_EQ(apply_source_kind("fly.toml"), "platform config");
  EXPECT_EQ(apply_source_kind("k8s/migrate-job.yaml"), "deploy config");
  EXPECT_EQ(apply_source_kind("src/server.js"), "");
  EXPECT_EQ(apply_source_kind("README.md"), "");

  auto found = find_apply_commands("#!/bin/sh\n# npx knex migrate:latest (commented)\nset -e\n"
                                   "npx knex migrate:latest\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].line, 4u);
  EXPECT_EQ(found[0].command, "npx knex migrate:latest");

  auto md = find_apply_commands_in_markdown(
      "# App\n\n## Migrations\n\n```sh\n$ python3 manage.py migrate --noinput\nOperations to "
      "perform: 3\n```\n\n```python\nmanage.py migrate\n```\n");
  ASSERT_EQ(md.size(), 1u);
  EXPECT_EQ(md[0].line, 6u);
  EXPECT_EQ(md[0].command, "python3 manage.py migrate --noinput");
}

std::vector<std::string> edits(std::string_view md) {
  Strings out;
  for (const auto& e : find_hand_edits(md))
    out.push_back(std::to_string(e.line) + ": " + e.quote);
  return out;
}

TEST(Migrations, HandEditsInProseAndShellBlocks) {
  // The three not-ready fixtures' wordings.
  EXPECT_EQ(edits("# Portal\n\n## Database\n\nThe schema is in `schema.sql`. To change it, "
                  "connect to the production database with psql and run\nthe ALTER TABLE "
                  "statements by hand before you deploy, for example:\n\n```sh\npsql "
                  "\"$DATABASE_URL\" -c \"ALTER TABLE records ADD COLUMN archived boolean\"\n"
                  "```\n"),
            (Strings{"6: the ALTER TABLE statements by hand before you deploy, for example:",
                     "9: psql \"$DATABASE_URL\" -c \"ALTER TABLE records ADD COLUMN archived "
                     "boolean\""}));
  EXPECT_EQ(edits("## Database\n\nBefore starting a new version, open a psql session on the "
                  "production server and run the statements\nfrom `db/schema.sql` that are new "
                  "since the last release. Edit the tables by hand if a column has to\nchange.\n"),
            (Strings{"3: Before starting a new version, open a psql session on the production "
                     "server and run the statements",
                     "4: from `db/schema.sql` that are new since the last release. Edit the "
                     "tables by hand if a column has to"}));
  EXPECT_EQ(edits("There are no migration files: after each deploy, log in to the database "
                  "server and apply the\nchanges listed in the release notes by hand (psql, "
                  "then paste the SQL).\n"),
            (Strings{"2: changes listed in the release notes by hand (psql, then paste the "
                     "SQL)."}));
  EXPECT_EQ(edits("- Connect to the prod database and run the migration script manually.\n"),
            (Strings{"1: - Connect to the prod database and run the migration script "
                     "manually."}));
}

TEST(Migrations, ReadingDataAndForbiddingHandEditsAreNoRedFlag) {
  EXPECT_TRUE(edits("To inspect data, connect with `psql \"$DATABASE_URL\"`.\n").empty());
  EXPECT_TRUE(edits("Connect to the staging database with psql to look at the records.\n").empty());
  EXPECT_TRUE(
      edits("Never edit the production database by hand: every change is a migration.\n").empty());
  EXPECT_TRUE(edits("Do not run ALTER TABLE manually; write a migration instead.\n").empty());
  EXPECT_TRUE(edits("We handle the database for you. The hand-over checklist is below.\n").empty());
  EXPECT_TRUE(edits("You can manually inspect the tables with psql.\n").empty());
  EXPECT_TRUE(
      edits("```sh\npsql \"$DATABASE_URL\" -c \"SELECT count(*) FROM records\"\n```\n").empty());
  EXPECT_TRUE(edits("```sql\nALTER TABLE records ADD COLUMN x int;\n```\n").empty())
      << "a SQL block is not a shell command";
  // Inside a fence, prose rules do not apply.
  EXPECT_TRUE(edits("```text\nEdit the tables by hand.\n```\n").empty());
}

TEST(Migrations, CompensatingPathInDocs) {
  EXPECT_EQ(documents_compensation("# Ops\n\nA bad migration is fixed forward: write a new one.\n"
                                   "Or restore the nightly backup.\n"),
            4u);
  EXPECT_EQ(documents_compensation("# Ops\n\nRoll forward with a new migration.\n"), 3u);
  EXPECT_EQ(documents_compensation("# Ops\n\nDeploy with make deploy.\n"), 0u);
}

TEST(Migrations, BoundedOnLargeInput) {
  std::string big(k_migrations_max_text + 100, 'a');
  EXPECT_TRUE(find_hand_edits(big).empty());
  EXPECT_TRUE(find_apply_commands(big).empty());
  std::string many;
  for (int i = 0; i < 3000; ++i)
    many += "Edit the tables by hand.\n\n";
  EXPECT_EQ(find_hand_edits(many).size(), 100u);
}

} // namespace
} // namespace lg::analyze
