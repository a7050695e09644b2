// deploy.migrations (ASVS 14.1.1): schema changes of deploy.repo are versioned migrations that a
// command applies, found by analyze/migrations over the tree (deploy/repo walk) and the
// operator docs (repo_docs). Outcomes:
//   fail  the docs tell people to change the database by hand (each line quoted, secrets masked);
//         the app has a database (schema file, Prisma schema, ORM models, driver dependency,
//         database variable) but no versioned migrations; migration files not in HEAD's tree;
//         migrations that nothing applies (no deploy.migrate, and no command of their framework
//         in CI, a Dockerfile, Procfile, package.json scripts, a Makefile, deploy scripts,
//         platform configs or the docs' shell blocks); versions the framework refuses to run
//         (duplicates, two Alembic heads) or a Django migrations folder that is no package.
//   warn  migrations without a down step where the framework has one (listed); versions whose
//         order is ambiguous; down-less migrations (Prisma, Flyway without undo files, plain SQL)
//         with no restore or forward fix written in the docs.
//   skip  not_applicable: no database sign, no migration and no hand edit at all.
//   pass  otherwise; the reason names each framework, folder, count, command and where it is.

#include "analyze/migrations.hpp"
#include "checks/deploy/repo.hpp"
#include "checks/preconditions.hpp"
#include "checks/registry.hpp"
#include "checks/secrets/scan.hpp"
#include "util/git.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>

namespace lg::checks {
namespace {

namespace fs = std::filesystem;
using analyze::Down;
using analyze::MigrationTool;

constexpr size_t k_max_command_files = 2000;
constexpr size_t k_max_listed = 20;

/// Where a migration command was found.
struct Applier {
  std::string command;
  std::string where; ///< "deploy.migrate", "README.md:25 (docs)", ".github/workflows/ci.yml:30"
  std::vector<MigrationTool> tools;
  bool docs = false; ///< only written in the docs, for a person to run
  bool config = false;
};

/// The command that applies `tool`'s migrations, for the fix text.
std::string_view example_command(MigrationTool tool) {
  switch (tool) {
  case MigrationTool::prisma:
    return "npx prisma migrate deploy";
  case MigrationTool::alembic:
    return "alembic upgrade head";
  case MigrationTool::django:
    return "python manage.py migrate --noinput";
  case MigrationTool::rails:
    return "bin/rails db:migrate";
  case MigrationTool::knex:
    return "npx knex migrate:latest";
  case MigrationTool::sequelize:
    return "npx sequelize-cli db:migrate";
  case MigrationTool::node_pg_migrate:
    return "npx node-pg-migrate up";
  case MigrationTool::typeorm:
    return "npx typeorm migration:run -d <data source>";
  case MigrationTool::flyway:
    return "flyway migrate";
  case MigrationTool::liquibase:
    return "liquibase update";
  case MigrationTool::golang_migrate:
    return "migrate -path <dir> -database \"$DATABASE_URL\" up";
  case MigrationTool::goose:
    return "goose -dir <dir> postgres \"$DATABASE_URL\" up";
  case MigrationTool::dbmate:
    return "dbmate up";
  case MigrationTool::sql:
    return "a script that applies each file once, in order, and records it";
  }
  return "";
}

/// Masks what may be a secret in text shown as evidence: passwords in URLs, and every match of
/// the secrets rules (config's secrets: section), loaded on first use.
class Masker {
public:
  explicit Masker(const Config& config) : m_config(config) {}

  std::string operator()(std::string text) {
    text = mask_url_passwords(std::move(text));
    if (!m_loaded) {
      m_loaded = true;
      auto scan = scan_from_config(m_config);
      if (scan)
        m_matcher = scan->matcher;
    }
    if (m_matcher == nullptr)
      return "(not shown: the secrets rules could not be loaded to mask it)";
    for (const auto& match : m_matcher->scan(text))
      for (size_t pos = text.find(match.secret); !match.secret.empty() && pos != std::string::npos;
           pos = text.find(match.secret, pos + 1))
        text.replace(pos, match.secret.size(), redact(match.secret));
    return text;
  }

private:
  static std::string mask_url_passwords(std::string text) {
    for (size_t scheme = text.find("://"); scheme != std::string::npos;
         scheme = text.find("://", scheme + 3)) {
      size_t end = text.find_first_of(" \t\"'`/", scheme + 3);
      size_t at = text.find('@', scheme + 3);
      if (at == std::string::npos || (end != std::string::npos && at > end))
        continue;
      size_t colon = text.find(':', scheme + 3);
      if (colon == std::string::npos || colon > at || colon + 1 == at)
        continue;
      std::string secret = text.substr(colon + 1, at - colon - 1);
      if (secret.front() == '$') // a variable, not a value
        continue;
      text.replace(colon + 1, secret.size(), redact(secret));
    }
    return text;
  }

  const Config& m_config;
  bool m_loaded = false;
  const secrets::Matcher* m_matcher = nullptr;
};

std::string plural(size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string dir_label(const std::string& dir) {
  return dir.empty() ? "the repository root" : dir + "/";
}

/// "Knex migrations in migrations/"
std::string set_label(const analyze::MigrationSet& set) {
  return fmt::format("{} {} {} in {}", set.migrations.size(), analyze::tool_name(set.tool),
                     set.migrations.size() == 1 ? "migration" : "migrations", dir_label(set.dir));
}

bool applies(const Applier& a, MigrationTool tool) {
  return a.config || std::find(a.tools.begin(), a.tools.end(), tool) != a.tools.end();
}

Location location_of(const std::string& file, size_t line) {
  return Location{file, static_cast<int>(line), ""};
}

} // namespace

CheckResult run_deploy_migrations(engine::Context& context, const CheckMeta& meta) {
  if (auto missing = needs_deploy_repo(context, meta))
    return *missing;
  const auto& config = context.config();
  const fs::path root = config.resolve_path(config.deploy.repo);

  // 1. What the repository holds: its files, what HEAD commits, the operator docs.
  auto tree = deploy::walk_tree(root);
  std::vector<std::string> notes = tree.notes;
  std::string git_note;
  auto committed = head_files(root.string(), git_note);
  if (!committed)
    notes.push_back("not a git repository: files on disk taken as committed");
  else if (!git_note.empty())
    notes.push_back(git_note);
  auto read = [&](const std::string& rel) {
    return deploy::read_text_file(root / rel, analyze::k_migrations_max_text);
  };
  auto scan = analyze::find_migrations(tree.files, read);
  for (auto& n : scan.notes)
    notes.push_back(std::move(n));
  auto docs = deploy::repo_docs(root);

  // 2. The docs' instructions to change the database by hand.
  std::vector<std::pair<const deploy::RepoDoc*, analyze::HandEdit>> hand_edits;
  for (const auto& doc : docs)
    for (auto& edit : analyze::find_hand_edits(doc.text))
      hand_edits.emplace_back(&doc, std::move(edit));

  if (scan.sets.empty() && scan.signals.empty() && hand_edits.empty())
    return engine::skipped(
        meta, SkipKind::not_applicable,
        fmt::format("no database found in {}: no migrations, schema file, ORM model, database "
                    "driver or database variable ({} file(s) walked)",
                    root.string(), tree.files.size()));

  Masker mask(config);
  std::vector<Finding> findings;
  bool serious = false;
  for (const auto& [doc, edit] : hand_edits) {
    std::string quote = mask(edit.quote);
    Finding f;
    f.message = fmt::format("{}:{} {}: \"{}\"", doc->path, edit.line, edit.why, quote);
    f.evidence = {{"what", "manual database edit"},
                  {"file", doc->path},
                  {"line", edit.line},
                  {"quote", quote},
                  {"why", edit.why}};
    f.location = location_of(doc->path, edit.line);
    f.fingerprint = make_fingerprint(meta.id, {"hand edit", doc->path, edit.quote});
    findings.push_back(std::move(f));
    serious = true;
  }

  // 3. A database without versioned migrations.
  if (scan.sets.empty() && !scan.signals.empty()) {
    std::vector<std::string> shown;
    nlohmann::json signals = nlohmann::json::array();
    for (const auto& s : scan.signals) {
      std::string where = s.line > 0 ? fmt::format("{}:{}", s.file, s.line) : s.file;
      if (shown.size() < 4)
        shown.push_back(fmt::format("{} ({})", s.what, where));
      signals.push_back({{"file", s.file}, {"line", s.line}, {"what", s.what}});
    }
    Finding f;
    f.message = fmt::format("the app has a database ({}{}) but the repository holds no versioned "
                            "migrations: schema changes happen outside the deploy",
                            join(shown, ", "), scan.signals.size() > shown.size() ? ", …" : "");
    f.evidence = {{"what", "no migrations"}, {"signals", signals}};
    f.location = location_of(scan.signals.front().file, scan.signals.front().line);
    f.fingerprint = make_fingerprint(meta.id, {"no migrations"});
    findings.push_back(std::move(f));
    serious = true;
  }

  // 4. What applies them: deploy.migrate, then commands in the files that run deploys, then
  //    the docs' shell blocks.
  std::vector<Applier> appliers;
  if (!config.deploy.migrate.empty())
    appliers.push_back({config.deploy.migrate, "deploy.migrate", {}, false, true});
  if (!scan.sets.empty()) {
    size_t read_files = 0;
    for (const auto& rel : tree.files) {
      std::string_view kind = analyze::apply_source_kind(rel);
      if (kind.empty())
        continue;
      if (++read_files > k_max_command_files) {
        notes.push_back(fmt::format("looked for migration commands in the first {} files",
                                    k_max_command_files));
        break;
      }
      auto text = read(rel);
      if (!text)
        continue;
      for (auto& c : analyze::find_apply_commands(*text))
        appliers.push_back({std::move(c.command), fmt::format("{}:{} ({})", rel, c.line, kind),
                            std::move(c.tools), false, false});
    }
    for (const auto& doc : docs)
      for (auto& c : analyze::find_apply_commands_in_markdown(doc.text))
        appliers.push_back({std::move(c.command), fmt::format("{}:{} (docs)", doc.path, c.line),
                            std::move(c.tools), true, false});
  }
  size_t compensation_line = 0;
  const deploy::RepoDoc* compensation_doc = nullptr;
  for (const auto& doc : docs)
    if (size_t line = analyze::documents_compensation(doc.text); line > 0) {
      compensation_line = line;
      compensation_doc = &doc;
      break;
    }

  // 5. Each set of migrations: committed, applied, ordered, reversible.
  std::vector<std::string> summaries;
  for (const auto& set : scan.sets) {
    std::string tool(analyze::tool_name(set.tool));
    std::string label = set_label(set);
    auto files = set.files();

    std::vector<std::string> uncommitted;
    if (committed)
      for (const auto& file : files)
        if (committed->count(file) == 0)
          uncommitted.push_back(file);
    if (!uncommitted.empty()) {
      std::vector<std::string> shown(
          uncommitted.begin(),
          uncommitted.begin() + static_cast<long>(std::min(uncommitted.size(), k_max_listed)));
      Finding f;
      f.message = fmt::format("{} of the {} are not committed ({}{}): a deploy from the "
                              "repository would not apply them",
                              plural(uncommitted.size(), "file", "files"), label, join(shown, ", "),
                              uncommitted.size() > shown.size() ? ", …" : "");
      f.evidence = {{"what", "not committed"},
                    {"framework", tool},
                    {"dir", set.dir},
                    {"files", shown},
                    {"count", uncommitted.size()}};
      f.location = location_of(uncommitted.front(), 0);
      for (size_t i = 1; i < shown.size(); ++i)
        f.locations.push_back(location_of(shown[i], 0));
      f.fingerprint = make_fingerprint(meta.id, {"not committed", set.dir, tool});
      findings.push_back(std::move(f));
      serious = true;
    }

    // The applier: the config's, else one in a deploy file, else one in the docs.
    const Applier* applier = nullptr;
    for (int pass = 0; pass < 2 && applier == nullptr; ++pass)
      for (const auto& a : appliers)
        if (applies(a, set.tool) && a.docs == (pass == 1)) {
          applier = &a;
          break;
        }
    if (applier == nullptr) {
      Finding f;
      f.message = fmt::format(
          "nothing applies the {}: deploy.migrate is not set and no `{}` is in CI, a "
          "Dockerfile, Procfile, package.json scripts, a Makefile, deploy scripts or the docs",
          label, example_command(set.tool));
      f.evidence = {{"what", "not applied"},
                    {"framework", tool},
                    {"dir", set.dir},
                    {"count", set.migrations.size()},
                    {"expected", std::string(example_command(set.tool))}};
      f.location = location_of(set.dir, 0);
      f.fingerprint = make_fingerprint(meta.id, {"not applied", set.dir, tool});
      findings.push_back(std::move(f));
      serious = true;
    }

    for (const auto& p : set.problems) {
      Finding f;
      f.message = p.line > 0 ? fmt::format("{}:{}: {}", p.file, p.line, p.message)
                             : fmt::format("{}: {}", p.file, p.message);
      f.evidence = {{"what", p.what}, {"framework", tool}, {"dir", set.dir}, {"file", p.file}};
      f.location = location_of(p.file, p.line);
      f.fingerprint = make_fingerprint(meta.id, {p.what, set.dir, tool});
      findings.push_back(std::move(f));
      serious = serious || p.serious;
    }

    std::vector<const analyze::Migration*> no_down;
    size_t not_offered = 0;
    for (const auto& m : set.migrations) {
      if (m.down == Down::no)
        no_down.push_back(&m);
      else if (m.down == Down::not_offered)
        ++not_offered;
    }
    if (!no_down.empty()) {
      nlohmann::json listed = nlohmann::json::array();
      std::vector<std::string> names;
      Finding f;
      for (const auto* m : no_down) {
        if (listed.size() < k_max_listed) {
          listed.push_back({{"file", m->file}, {"line", m->line}, {"why", m->why}});
          names.push_back(fmt::format(
              "{} ({})", m->line > 0 ? fmt::format("{}:{}", m->file, m->line) : m->file, m->why));
          if (f.location)
            f.locations.push_back(location_of(m->file, m->line));
          else
            f.location = location_of(m->file, m->line);
        }
      }
      f.message = fmt::format("{} of the {} {} no down step, though {} has one: {}{}",
                              no_down.size(), label, no_down.size() == 1 ? "has" : "have", tool,
                              join(names, "; "), no_down.size() > names.size() ? "; …" : "");
      f.evidence = {{"what", "no down step"},
                    {"framework", tool},
                    {"dir", set.dir},
                    {"count", no_down.size()},
                    {"migrations", listed}};
      std::vector<std::string> parts = {"no down", set.dir, tool};
      for (const auto* m : no_down)
        parts.push_back(m->file + "#" + m->version);
      f.fingerprint = make_fingerprint(meta.id, parts);
      findings.push_back(std::move(f));
    }
    std::string down_text;
    if (not_offered > 0 && compensation_doc == nullptr) {
      Finding f;
      f.message = fmt::format(
          "{} has no down migrations for {} of the {}, and the docs describe no restore or "
          "forward fix for a migration that goes wrong",
          tool, not_offered, label);
      f.evidence = {{"what", "no compensating path"},
                    {"framework", tool},
                    {"dir", set.dir},
                    {"count", not_offered}};
      f.location = location_of(set.dir, 0);
      f.fingerprint = make_fingerprint(meta.id, {"no compensating path", set.dir, tool});
      findings.push_back(std::move(f));
      down_text = "no down steps";
    } else if (not_offered > 0) {
      down_text = fmt::format("no down steps; compensating path in {}:{}", compensation_doc->path,
                              compensation_line);
    } else if (no_down.empty()) {
      down_text = "each with a down step";
    } else {
      down_text = fmt::format("{} without a down step", no_down.size());
    }
    std::string applied =
        applier == nullptr
            ? "applied by nothing found"
            : fmt::format("applied by `{}` ({}{})", mask(applier->command), applier->where,
                          applier->docs ? ", written for a person to run" : "");
    summaries.push_back(fmt::format("{} ({}), {}", label, down_text, applied));
  }

  std::string summary;
  if (scan.sets.empty())
    summary = "no versioned migrations";
  else
    summary = join(summaries, "; ");
  if (!hand_edits.empty())
    summary += fmt::format("; {} in the docs", plural(hand_edits.size(), "manual database edit",
                                                      "manual database edits"));
  if (!notes.empty())
    summary += fmt::format("; {}", join(notes, "; "));
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), serious, summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
