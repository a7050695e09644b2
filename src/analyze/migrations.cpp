// deploy.migrations' analyzer: migration frameworks by their layout (Prisma, Alembic, Django,
// Rails, Knex and its cousins, Flyway, Liquibase, golang-migrate, goose, dbmate, numbered SQL),
// each migration's down path, duplicate versions, the signs of a database, the commands that
// apply migrations and the docs' instructions to edit the database by hand. Hand scanners over
// bounded text; the only input is a list of paths and a reader.

#include "analyze/migrations.hpp"

#include "analyze/markdown.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace lg::analyze {
namespace {

// ---- small helpers -----------------------------------------------------------------------------

bool starts_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(0, p.size()) == p;
}
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}
bool contains(std::string_view s, std::string_view p) {
  return s.find(p) != std::string_view::npos;
}

std::string base_name(std::string_view rel) {
  size_t slash = rel.rfind('/');
  return std::string(slash == std::string_view::npos ? rel : rel.substr(slash + 1));
}
std::string parent_of(std::string_view rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string_view::npos ? "" : std::string(rel.substr(0, slash));
}
std::string join_path(const std::string& dir, std::string_view name) {
  return dir.empty() ? std::string(name) : dir + "/" + std::string(name);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_word(char c) {
  return is_alpha(c) || is_digit(c) || c == '_';
}

/// The leading digits of `name`.
std::string digits_prefix(std::string_view name) {
  size_t n = 0;
  while (n < name.size() && is_digit(name[n]))
    ++n;
  return std::string(name.substr(0, n));
}

/// `name` without leading zeros ("0" stays "0"): "0002" and "2" are one version.
std::string numeric_key(std::string_view digits) {
  size_t n = 0;
  while (n + 1 < digits.size() && digits[n] == '0')
    ++n;
  return std::string(digits.substr(n));
}

/// The lines of `text` (without '\r'), bounded.
std::vector<std::string_view> lines_of(std::string_view text) {
  if (text.size() > k_migrations_max_text)
    text = text.substr(0, k_migrations_max_text);
  return split_lines(text);
}

/// The 1-based line of byte `pos` of `text`.
size_t line_at(std::string_view text, size_t pos) {
  pos = std::min(pos, text.size());
  return 1 +
         static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'));
}

/// True when `word` occurs in `text` at `pos` as a whole word (no word character either side).
bool word_at(std::string_view text, size_t pos, std::string_view word) {
  if (text.substr(pos, word.size()) != word)
    return false;
  if (pos > 0 && is_word(text[pos - 1]))
    return false;
  size_t end = pos + word.size();
  return end >= text.size() || !is_word(text[end]);
}

/// The first whole-word occurrence of `word` in `text` at or after `from`, or npos.
size_t find_word(std::string_view text, std::string_view word, size_t from = 0) {
  for (size_t pos = text.find(word, from); pos != std::string_view::npos;
       pos = text.find(word, pos + 1))
    if (word_at(text, pos, word))
      return pos;
  return std::string_view::npos;
}

bool has_word(std::string_view text, std::string_view word) {
  return find_word(text, word) != std::string_view::npos;
}

std::string clip(std::string_view text, size_t max) {
  text = trim(text);
  if (text.size() <= max)
    return std::string(text);
  return std::string(text.substr(0, max)) + "…";
}

// ---- the set builder ---------------------------------------------------------------------------

class Builder {
public:
  Builder(const std::set<std::string>& files, const ReadFile& read) : m_files(files), m_read(read) {
    for (const auto& f : files) {
      if (m_dirs[parent_of(f)].size() < k_migrations_max_items)
        m_dirs[parent_of(f)].push_back(base_name(f));
    }
  }

  bool present(const std::string& rel) const { return m_files.count(rel) != 0; }
  bool claimed(const std::string& rel) const { return m_claimed.count(rel) != 0; }
  void claim(const std::string& rel) { m_claimed.insert(rel); }

  /// The file's text; "" when it cannot be read or the read budget is spent.
  std::string read(const std::string& rel) {
    if (m_reads >= k_migrations_max_items) {
      m_truncated = true;
      return {};
    }
    ++m_reads;
    auto text = m_read ? m_read(rel) : std::nullopt;
    if (!text)
      return {};
    if (text->size() > k_migrations_max_text)
      text->resize(k_migrations_max_text);
    return std::move(*text);
  }

  const std::set<std::string>& files() const { return m_files; }
  const std::map<std::string, std::vector<std::string>>& dirs() const { return m_dirs; }
  bool truncated() const { return m_truncated; }

private:
  const std::set<std::string>& m_files;
  const ReadFile& m_read;
  std::map<std::string, std::vector<std::string>> m_dirs; ///< folder -> file names
  std::set<std::string> m_claimed;
  size_t m_reads = 0;
  bool m_truncated = false;
};

void add_migration(MigrationSet& set, Migration m) {
  if (set.migrations.size() < k_migrations_max_items)
    set.migrations.push_back(std::move(m));
}

/// A problem for every version that more than one migration of `set` has (by `key`).
void duplicates(MigrationSet& set, bool serious, std::string_view consequence,
                const std::function<std::string(const Migration&)>& key) {
  std::map<std::string, std::vector<const Migration*>> by;
  for (const auto& m : set.migrations) {
    std::string k = key(m);
    if (!k.empty())
      by[k].push_back(&m);
  }
  for (const auto& [k, list] : by) {
    if (list.size() < 2)
      continue;
    std::vector<std::string> files;
    for (const auto* m : list)
      files.push_back(m->line > 0 ? m->file + ":" + std::to_string(m->line) : m->file);
    set.problems.push_back({list[1]->file, list[1]->line, "duplicate version " + list[0]->version,
                            std::to_string(list.size()) + " migrations have version " +
                                list[0]->version + " (" + join(files, ", ") +
                                "): " + std::string(consequence),
                            serious});
  }
}

// ---- SQL ---------------------------------------------------------------------------------------

/// True when SQL `text` holds a statement: something besides blanks and comments.
bool has_sql_statement(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';') {
      ++i;
    } else if (c == '-' && i + 1 < text.size() && text[i + 1] == '-') {
      size_t end = text.find('\n', i);
      i = end == std::string_view::npos ? text.size() : end;
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      size_t end = text.find("*/", i + 2);
      i = end == std::string_view::npos ? text.size() : end + 2;
    } else {
      return true;
    }
  }
  return false;
}

// ---- Prisma ------------------------------------------------------------------------------------

void find_prisma(Builder& b, std::vector<MigrationSet>& out) {
  std::map<std::string, MigrationSet> sets;
  for (const auto& f : b.files()) {
    if (base_name(f) != "migration.sql")
      continue;
    std::string sub = parent_of(f);
    std::string migrations = parent_of(sub);
    if (base_name(migrations) != "migrations")
      continue;
    std::string root = parent_of(migrations);
    if (!b.present(join_path(root, "schema.prisma")) &&
        !b.present(join_path(migrations, "migration_lock.toml")))
      continue;
    auto& set = sets[migrations];
    set.tool = MigrationTool::prisma;
    set.dir = migrations;
    set.has_down = false;
    Migration m;
    m.file = f;
    std::string name = base_name(sub);
    m.version = digits_prefix(name).empty() ? name : digits_prefix(name);
    std::string down = join_path(sub, "down.sql");
    if (b.present(down)) {
      m.down_file = down;
      m.down = Down::yes;
      b.claim(down);
    } else {
      m.down = Down::not_offered;
    }
    b.claim(f);
    add_migration(set, std::move(m));
  }
  for (auto& [dir, set] : sets) {
    duplicates(set, false, "their order depends on the rest of the folder names",
               [](const Migration& m) { return m.version; });
    out.push_back(std::move(set));
  }
}

// ---- golang-migrate ----------------------------------------------------------------------------

void find_golang_migrate(Builder& b, std::vector<MigrationSet>& out) {
  for (const auto& [dir, names] : b.dirs()) {
    MigrationSet set;
    set.tool = MigrationTool::golang_migrate;
    set.dir = dir;
    for (const auto& name : names) {
      if (!ends_with(name, ".up.sql"))
        continue;
      std::string version = digits_prefix(name);
      if (version.empty() || version.size() >= name.size() || name[version.size()] != '_')
        continue;
      std::string rel = join_path(dir, name);
      if (b.claimed(rel))
        continue;
      Migration m;
      m.file = rel;
      m.version = version;
      std::string down = join_path(dir, name.substr(0, name.size() - 7) + ".down.sql");
      b.claim(rel);
      if (!b.present(down)) {
        m.down = Down::no;
        m.why = "no " + base_name(down);
      } else {
        b.claim(down);
        m.down_file = down;
        if (!has_sql_statement(b.read(down))) {
          m.down = Down::no;
          m.why = base_name(down) + " has no statement";
        }
      }
      add_migration(set, std::move(m));
    }
    if (set.migrations.empty())
      continue;
    for (const auto& name : names) // orphan down files belong to the set too
      if (ends_with(name, ".down.sql") && !digits_prefix(name).empty())
        b.claim(join_path(dir, name));
    duplicates(set, true, "golang-migrate refuses to run with a duplicate version",
               [](const Migration& m) { return numeric_key(m.version); });
    out.push_back(std::move(set));
  }
}

// ---- Flyway ------------------------------------------------------------------------------------

/// "V1_2__x.sql" → "1.2" (prefix 'V'); "" when `name` is not such a file.
std::string flyway_version(std::string_view name, char prefix) {
  if (name.size() < 4 || name[0] != prefix || !ends_with(name, ".sql"))
    return {};
  size_t sep = name.find("__");
  if (sep == std::string_view::npos || sep < 2)
    return {};
  std::string_view v = name.substr(1, sep - 1);
  std::string out;
  for (char c : v) {
    if (is_digit(c))
      out += c;
    else if (c == '.' || c == '_')
      out += '.';
    else
      return {};
  }
  return is_digit(out.front()) ? out : std::string{};
}

/// Flyway compares versions numerically, trailing zeros ignored: 1.0 == 1 == 01.
std::string flyway_key(std::string_view version) {
  std::vector<std::string> parts;
  for (auto part : split(version, '.'))
    parts.push_back(numeric_key(part.empty() ? "0" : part));
  while (parts.size() > 1 && parts.back() == "0")
    parts.pop_back();
  return join(parts, ".");
}

void find_flyway(Builder& b, std::vector<MigrationSet>& out) {
  for (const auto& [dir, names] : b.dirs()) {
    MigrationSet set;
    set.tool = MigrationTool::flyway;
    set.dir = dir;
    std::map<std::string, std::string> undo; // key -> file
    for (const auto& name : names)
      if (auto v = flyway_version(name, 'U'); !v.empty())
        undo.emplace(flyway_key(v), join_path(dir, name));
    bool repeatable = false;
    for (const auto& name : names) {
      std::string rel = join_path(dir, name);
      if (starts_with(name, "R__") && ends_with(name, ".sql"))
        repeatable = true;
      std::string v = flyway_version(name, 'V');
      if (v.empty() || b.claimed(rel))
        continue;
      Migration m;
      m.file = rel;
      m.version = v;
      if (auto u = undo.find(flyway_key(v)); u != undo.end()) {
        m.down_file = u->second;
        m.down = Down::yes;
      } else if (undo.empty()) {
        m.down = Down::not_offered;
      } else {
        m.down = Down::no;
        m.why = "no U" + v + "__ undo file";
      }
      add_migration(set, std::move(m));
    }
    if (set.migrations.empty())
      continue;
    set.has_down = !undo.empty();
    for (const auto& m : set.migrations)
      b.claim(m.file);
    for (const auto& [k, f] : undo)
      b.claim(f);
    if (repeatable)
      for (const auto& name : names)
        if (starts_with(name, "R__"))
          b.claim(join_path(dir, name));
    duplicates(set, true, "Flyway stops with \"Found more than one migration with version\"",
               [](const Migration& m) { return flyway_key(m.version); });
    out.push_back(std::move(set));
  }
}

// ---- Liquibase ---------------------------------------------------------------------------------

/// Change types Liquibase can roll back by itself.
bool auto_rollback(std::string_view change) {
  static const std::set<std::string_view> k_auto = {
      "createTable",     "addColumn",           "createIndex",          "addForeignKeyConstraint",
      "addPrimaryKey",   "addUniqueConstraint", "addNotNullConstraint", "dropNotNullConstraint",
      "renameColumn",    "renameTable",         "renameView",           "createView",
      "createSequence",  "addDefaultValue",     "addAutoIncrement",     "tagDatabase",
      "addLookupTable",  "renameSequence",      "createProcedure",      "setTableRemarks",
      "setColumnRemarks"};
  return k_auto.count(change) != 0;
}

/// Change types that need an explicit rollback.
bool manual_rollback(std::string_view change) {
  // clang-format off
  static const std::set<std::string_view> k_manual = {
      "sql", "sqlFile", "update", "insert", "delete", "dropTable", "dropColumn", "modifyDataType",
      "loadData", "loadUpdateData", "dropIndex", "dropForeignKeyConstraint", "dropPrimaryKey",
      "dropUniqueConstraint", "dropView", "dropSequence", "executeCommand", "customChange",
      "mergeColumns", "dropDefaultValue", "dropProcedure", "dropAllForeignKeyConstraints",
      "output", "stop"};
  // clang-format on
  return k_manual.count(change) != 0;
}

enum class Format { xml, yaml, json, sql };

/// The change types named in a changeset's `body`, written as `<name` (XML), `name:` (YAML) or
/// `"name"` (JSON).
std::vector<std::string> change_types(std::string_view body, Format format) {
  std::vector<std::string> out;
  for (size_t i = 0; i < body.size() && out.size() < 1000; ++i) {
    size_t start = 0;
    if (format == Format::xml && body[i] == '<' && i + 1 < body.size() && is_alpha(body[i + 1]))
      start = i + 1;
    else if (format == Format::json && body[i] == '"' && i + 1 < body.size() &&
             is_alpha(body[i + 1]))
      start = i + 1;
    else if (format == Format::yaml && is_alpha(body[i]) && (i == 0 || !is_word(body[i - 1])))
      start = i;
    else
      continue;
    size_t end = start;
    while (end < body.size() && is_word(body[end]))
      ++end;
    std::string_view word = body.substr(start, end - start);
    bool keyish = true;
    if (format == Format::yaml) {
      keyish = end < body.size() && body[end] == ':';
    } else if (format == Format::json) {
      size_t colon = end < body.size() && body[end] == '"' ? body.find_first_not_of(' ', end + 1)
                                                           : std::string_view::npos;
      keyish = colon != std::string_view::npos && body[colon] == ':';
    }
    if (keyish && (auto_rollback(word) || manual_rollback(word)))
      out.emplace_back(word);
    i = end;
  }
  return out;
}

/// The value of attribute (or key) `key` in `head`: id="x", id: x, "id": "x".
std::string attribute(std::string_view head, std::string_view key) {
  for (size_t pos = find_word(head, key); pos != std::string_view::npos;
       pos = find_word(head, key, pos + 1)) {
    size_t i = pos + key.size();
    if (i < head.size() && head[i] == '"')
      ++i;
    while (i < head.size() && head[i] == ' ')
      ++i;
    if (i >= head.size() || (head[i] != '=' && head[i] != ':'))
      continue;
    ++i;
    while (i < head.size() && head[i] == ' ')
      ++i;
    if (i < head.size() && (head[i] == '"' || head[i] == '\'')) {
      char q = head[i];
      size_t end = head.find(q, i + 1);
      if (end == std::string_view::npos)
        return {};
      return std::string(head.substr(i + 1, end - i - 1));
    }
    size_t end = i;
    while (end < head.size() && head[end] != '\n' && head[end] != ',' && head[end] != '}')
      ++end;
    return std::string(trim(head.substr(i, end - i)));
  }
  return {};
}

void judge_changeset(Migration& m, std::string_view body, Format format) {
  bool rollback = format == Format::xml ? contains(body, "<rollback")
                                        : (format == Format::json ? contains(body, "\"rollback\"")
                                                                  : has_word(body, "rollback"));
  if (rollback)
    return;
  for (const auto& change : change_types(body, format))
    if (manual_rollback(change)) {
      m.down = Down::no;
      m.why = "no rollback for " + change;
      return;
    }
}

void liquibase_changesets(std::string_view text, const std::string& rel, MigrationSet& set) {
  auto lines = lines_of(text);
  // Formatted SQL: --changeset author:id, --rollback lines.
  size_t first = 0;
  while (first < lines.size() && trim(lines[first]).empty())
    ++first;
  if (first < lines.size() && istarts_with(trim(lines[first]), "--liquibase formatted sql")) {
    Migration* current = nullptr;
    for (size_t i = first + 1; i < lines.size(); ++i) {
      std::string_view t = trim(lines[i]);
      if (istarts_with(t, "--changeset")) {
        std::string_view rest = trim(t.substr(11));
        Migration m;
        m.file = rel;
        m.line = i + 1;
        m.version = std::string(rest.substr(0, rest.find(' ')));
        m.down = Down::no;
        m.why = "no --rollback";
        add_migration(set, std::move(m));
        current = set.migrations.empty() ? nullptr : &set.migrations.back();
      } else if (current != nullptr && istarts_with(t, "--rollback")) {
        current->down = Down::yes;
        current->why.clear();
      }
    }
    return;
  }
  Format format = Format::yaml;
  std::string_view marker = "changeSet:";
  if (contains(text, "<databaseChangeLog")) {
    format = Format::xml;
    marker = "<changeSet";
  } else if (contains(text, "\"databaseChangeLog\"")) {
    format = Format::json;
    marker = "\"changeSet\"";
  } else if (!contains(text, "databaseChangeLog:")) {
    return;
  }
  std::vector<size_t> starts;
  for (size_t pos = text.find(marker); pos != std::string_view::npos && starts.size() < 5000;
       pos = text.find(marker, pos + marker.size()))
    starts.push_back(pos);
  for (size_t k = 0; k < starts.size(); ++k) {
    size_t end = k + 1 < starts.size() ? starts[k + 1] : text.size();
    std::string_view body = text.substr(starts[k], end - starts[k]);
    if (format == Format::xml) {
      size_t close = body.find("</changeSet>");
      if (close != std::string_view::npos)
        body = body.substr(0, close);
    }
    Migration m;
    m.file = rel;
    m.line = line_at(text, starts[k]);
    std::string_view head = format == Format::xml ? body.substr(0, body.find('>')) : body;
    std::string id = attribute(head, "id");
    std::string author = attribute(head, "author");
    m.version = author.empty() ? id : author + ":" + id;
    judge_changeset(m, body, format);
    add_migration(set, std::move(m));
  }
}

bool liquibase_candidate(const std::string& rel) {
  std::string lower = to_lower(rel);
  bool ext = ends_with(lower, ".xml") || ends_with(lower, ".yaml") || ends_with(lower, ".yml") ||
             ends_with(lower, ".json") || ends_with(lower, ".sql");
  return ext && contains(lower, "changelog");
}

void find_liquibase(Builder& b, std::vector<MigrationSet>& out) {
  std::map<std::string, MigrationSet> sets;
  for (const auto& f : b.files()) {
    if (!liquibase_candidate(f) || b.claimed(f))
      continue;
    std::string text = b.read(f);
    if (!contains(text, "databaseChangeLog") && !istarts_with(trim(text), "--liquibase formatted"))
      continue;
    b.claim(f);
    auto& set = sets[parent_of(f)];
    set.tool = MigrationTool::liquibase;
    set.dir = parent_of(f);
    size_t before = set.migrations.size();
    liquibase_changesets(text, f, set);
    // Liquibase refuses a changeset id repeated within one changelog.
    MigrationSet one;
    one.migrations.assign(set.migrations.begin() + static_cast<long>(before), set.migrations.end());
    duplicates(one, true, "Liquibase refuses a changeset repeated in one changelog",
               [](const Migration& m) { return m.version; });
    for (auto& p : one.problems)
      set.problems.push_back(std::move(p));
  }
  for (auto& [dir, set] : sets)
    if (!set.migrations.empty())
      out.push_back(std::move(set));
}

// ---- Python ------------------------------------------------------------------------------------

/// The body of Python `def name(` in `text`: its indented lines; nullopt without such a def.
std::optional<std::vector<std::string_view>> python_def(std::string_view text,
                                                        std::string_view name, size_t& line) {
  auto lines = lines_of(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view t = trim(lines[i]);
    if (starts_with(t, "async "))
      t = trim(t.substr(6));
    if (!starts_with(t, "def ") || !starts_with(trim(t.substr(4)), name))
      continue;
    std::string_view after = trim(t.substr(4)).substr(name.size());
    if (after.empty() || after[0] != '(')
      continue;
    line = i + 1;
    size_t indent = lines[i].find_first_not_of(" \t");
    std::vector<std::string_view> body;
    // The signature may span lines: the body starts after the line ending with ':'.
    size_t sig_end = i;
    while (sig_end + 1 < lines.size() && !ends_with(trim(lines[sig_end]), ":"))
      ++sig_end;
    for (size_t j = sig_end + 1; j < lines.size(); ++j) {
      std::string_view l = lines[j];
      if (trim(l).empty())
        continue;
      size_t in = l.find_first_not_of(" \t");
      if (in <= indent)
        break;
      body.push_back(trim(l));
    }
    return body;
  }
  return std::nullopt;
}

/// True when a Python function body does nothing: pass, ..., docstrings and comments only.
bool python_body_empty(const std::vector<std::string_view>& body) {
  bool in_doc = false;
  for (auto l : body) {
    if (in_doc) {
      if (contains(l, "\"\"\"") || contains(l, "'''"))
        in_doc = false;
      continue;
    }
    if (l.empty() || l[0] == '#' || l == "pass" || l == "...")
      continue;
    if (starts_with(l, "\"\"\"") || starts_with(l, "'''")) {
      std::string_view q = l.substr(0, 3);
      if (l.size() < 6 || l.substr(3).find(q) == std::string_view::npos)
        in_doc = true;
      continue;
    }
    if ((l[0] == '"' || l[0] == '\'') && l.back() == l[0])
      continue; // a one-line string
    return false;
  }
  return true;
}

/// The first line of a Python function body that is not a docstring or comment, or null.
const std::string_view* first_statement(const std::vector<std::string_view>& body) {
  bool in_doc = false;
  for (const auto& l : body) {
    if (in_doc) {
      if (contains(l, "\"\"\"") || contains(l, "'''"))
        in_doc = false;
      continue;
    }
    if (l.empty() || l[0] == '#')
      continue;
    if (starts_with(l, "\"\"\"") || starts_with(l, "'''")) {
      if (l.size() < 6 || l.substr(3).find(l.substr(0, 3)) == std::string_view::npos)
        in_doc = true;
      continue;
    }
    return &l;
  }
  return nullptr;
}

/// The string (or None, or tuple of strings) assigned to `key` at the start of a line.
std::vector<std::string> python_assigned(std::string_view text, std::string_view key,
                                         size_t& line) {
  auto lines = lines_of(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view l = lines[i];
    if (!word_at(l, 0, key))
      continue;
    size_t eq = l.find('=', key.size());
    if (eq == std::string_view::npos)
      continue;
    std::string_view between = l.substr(key.size(), eq - key.size());
    if (!trim(between).empty() && trim(between)[0] != ':')
      continue;
    line = i + 1;
    std::vector<std::string> out;
    std::string_view v = l.substr(eq + 1);
    for (size_t p = 0; p < v.size(); ++p) {
      if (v[p] != '"' && v[p] != '\'')
        continue;
      size_t end = v.find(v[p], p + 1);
      if (end == std::string_view::npos)
        break;
      out.emplace_back(v.substr(p + 1, end - p - 1));
      p = end;
    }
    return out;
  }
  return {};
}

void find_alembic(Builder& b, std::vector<MigrationSet>& out) {
  bool ini = false;
  for (const auto& f : b.files())
    if (base_name(f) == "alembic.ini")
      ini = true;
  for (const auto& [dir, names] : b.dirs()) {
    if (base_name(dir) != "versions")
      continue;
    std::string root = parent_of(dir);
    bool env = b.present(join_path(root, "env.py"));
    MigrationSet set;
    set.tool = MigrationTool::alembic;
    set.dir = dir;
    std::map<std::string, std::vector<std::string>> parents; // revision -> down revisions
    for (const auto& name : names) {
      if (!ends_with(name, ".py") || name == "__init__.py")
        continue;
      std::string rel = join_path(dir, name);
      std::string text = b.read(rel);
      bool alembic = contains(text, "from alembic import") || contains(text, "import alembic");
      if (!alembic && !(env && ini))
        continue;
      if (!contains(text, "def upgrade"))
        continue;
      b.claim(rel);
      Migration m;
      m.file = rel;
      size_t line = 0;
      auto rev = python_assigned(text, "revision", line);
      m.version = rev.empty() ? name : rev[0];
      size_t down_line = 0;
      parents[m.version] = python_assigned(text, "down_revision", down_line);
      size_t def_line = 0;
      auto body = python_def(text, "downgrade", def_line);
      if (!body) {
        m.down = Down::no;
        m.why = "no def downgrade()";
      } else if (python_body_empty(*body)) {
        m.down = Down::no;
        m.why = "downgrade() does nothing";
        m.line = def_line;
      } else if (first_statement(*body) != nullptr &&
                 starts_with(*first_statement(*body), "raise")) {
        m.down = Down::no;
        m.why = "downgrade() raises";
        m.line = def_line;
      }
      add_migration(set, std::move(m));
    }
    if (set.migrations.empty())
      continue;
    duplicates(set, true, "Alembic cannot tell which one a down_revision means",
               [](const Migration& m) { return m.version; });
    // Heads: revisions no other revision names as its parent.
    std::set<std::string> named;
    for (const auto& [rev, list] : parents)
      named.insert(list.begin(), list.end());
    std::vector<std::string> heads;
    for (const auto& [rev, list] : parents)
      if (named.count(rev) == 0)
        heads.push_back(rev);
    if (heads.size() > 1)
      set.problems.push_back(
          {set.dir, 0, "multiple heads",
           "the migrations have " + std::to_string(heads.size()) + " heads (" + join(heads, ", ") +
               "): `alembic upgrade head` refuses to run until `alembic merge` joins them",
           true});
    out.push_back(std::move(set));
  }
}

/// `arg` without the comment lines before it.
std::string_view without_comments(std::string_view arg) {
  arg = trim(arg);
  while (!arg.empty() && arg[0] == '#') {
    size_t end = arg.find('\n');
    arg = end == std::string_view::npos ? std::string_view{} : trim(arg.substr(end + 1));
  }
  return arg;
}

/// The arguments of the call whose '(' is at `open` in `text`, split at top-level commas
/// (strings, brackets and parentheses respected); empty when the call does not close.
std::vector<std::string_view> call_arguments(std::string_view text, size_t open) {
  std::vector<std::string_view> args;
  int depth = 0;
  size_t start = open + 1;
  for (size_t i = open; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"' || c == '\'') {
      bool triple = text.substr(i, 3) == std::string_view(c == '"' ? "\"\"\"" : "'''");
      size_t end = triple ? text.find(text.substr(i, 3), i + 3) : i + 1;
      if (!triple)
        while (end < text.size() && text[end] != c && text[end] != '\n')
          end += text[end] == '\\' ? 2U : 1U;
      if (end == std::string_view::npos || end >= text.size())
        return {};
      i = end + (triple ? 2U : 0U);
      continue;
    }
    if (c == '#') {
      size_t end = text.find('\n', i);
      if (end == std::string_view::npos)
        return {};
      i = end;
      continue;
    }
    if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      if (--depth == 0) {
        if (!without_comments(text.substr(start, i - start)).empty())
          args.push_back(without_comments(text.substr(start, i - start)));
        return args;
      }
    } else if (c == ',' && depth == 1) {
      args.push_back(without_comments(text.substr(start, i - start)));
      start = i + 1;
    }
  }
  return {};
}

/// True for a keyword argument (`name=value`, not `==`).
bool keyword_argument(std::string_view arg, std::string_view* name = nullptr) {
  size_t n = 0;
  while (n < arg.size() && is_word(arg[n]))
    ++n;
  size_t eq = n;
  while (eq < arg.size() && arg[eq] == ' ')
    ++eq;
  bool kw =
      n > 0 && eq < arg.size() && arg[eq] == '=' && (eq + 1 >= arg.size() || arg[eq + 1] != '=');
  if (kw && name != nullptr)
    *name = arg.substr(0, n);
  return kw;
}

/// RunPython without reverse_code, RunSQL without reverse_sql: the first such call, or none.
void judge_django(Migration& m, std::string_view text) {
  for (auto [op, reverse] :
       {std::pair<std::string_view, std::string_view>{"RunPython", "reverse_code"},
        {"RunSQL", "reverse_sql"}}) {
    for (size_t pos = find_word(text, op); pos != std::string_view::npos;
         pos = find_word(text, op, pos + 1)) {
      size_t open = pos + op.size();
      if (open >= text.size() || text[open] != '(')
        continue;
      auto args = call_arguments(text, open);
      size_t positional = 0;
      bool reversed = false;
      for (auto a : args) {
        std::string_view name;
        if (keyword_argument(a, &name)) {
          if (name == reverse)
            reversed = true;
        } else {
          ++positional;
        }
      }
      if (args.empty() || reversed || positional >= 2)
        continue;
      m.down = Down::no;
      m.why = std::string(op) + " without " + std::string(reverse);
      m.line = line_at(text, pos);
      return;
    }
  }
}

void find_django(Builder& b, std::vector<MigrationSet>& out) {
  for (const auto& [dir, names] : b.dirs()) {
    if (base_name(dir) != "migrations")
      continue;
    MigrationSet set;
    set.tool = MigrationTool::django;
    set.dir = dir;
    bool merge = false;
    for (const auto& name : names) {
      std::string rel = join_path(dir, name);
      std::string version = digits_prefix(name);
      if (!ends_with(name, ".py") || version.empty() || b.claimed(rel))
        continue;
      std::string text = b.read(rel);
      if (!contains(text, "class Migration(") || !contains(text, "migrations"))
        continue;
      b.claim(rel);
      if (contains(name, "merge"))
        merge = true;
      Migration m;
      m.file = rel;
      m.version = version;
      judge_django(m, text);
      add_migration(set, std::move(m));
    }
    if (set.migrations.empty())
      continue;
    std::string init = join_path(dir, "__init__.py");
    b.claim(init);
    if (!b.present(init))
      set.problems.push_back({init, 0, "no __init__.py",
                              dir + " has no __init__.py: Django does not load migrations from a "
                                    "folder that is not a package, so `migrate` skips the app",
                              true});
    if (!merge)
      duplicates(set, false,
                 "unless one depends on the other, `migrate` stops with \"Conflicting "
                 "migrations\" until a merge migration joins them",
                 [](const Migration& m) { return numeric_key(m.version); });
    out.push_back(std::move(set));
  }
}

// ---- Rails -------------------------------------------------------------------------------------

void judge_rails(Migration& m, std::string_view text) {
  if (size_t pos = text.find("IrreversibleMigration"); pos != std::string_view::npos) {
    m.down = Down::no;
    m.why = "raises ActiveRecord::IrreversibleMigration";
    m.line = line_at(text, pos);
    return;
  }
  size_t change = text.find("def change");
  size_t up = text.find("def up");
  if (change != std::string_view::npos) {
    size_t exec = find_word(text, "execute", change);
    if (exec != std::string_view::npos && !has_word(text, "reversible") &&
        !has_word(text, "up_only")) {
      m.down = Down::no;
      m.why = "execute in change without reversible";
      m.line = line_at(text, exec);
    }
    return;
  }
  if (up != std::string_view::npos && text.find("def down") == std::string_view::npos) {
    m.down = Down::no;
    m.why = "def up without def down";
    m.line = line_at(text, up);
  }
}

void find_rails(Builder& b, std::vector<MigrationSet>& out) {
  for (const auto& [dir, names] : b.dirs()) {
    if (dir != "db/migrate" && !ends_with(dir, "/db/migrate"))
      continue;
    MigrationSet set;
    set.tool = MigrationTool::rails;
    set.dir = dir;
    for (const auto& name : names) {
      std::string version = digits_prefix(name);
      if (!ends_with(name, ".rb") || version.empty())
        continue;
      std::string rel = join_path(dir, name);
      b.claim(rel);
      Migration m;
      m.file = rel;
      m.version = version;
      judge_rails(m, b.read(rel));
      add_migration(set, std::move(m));
    }
    if (set.migrations.empty())
      continue;
    duplicates(set, true, "Rails stops with ActiveRecord::DuplicateMigrationVersionError",
               [](const Migration& m) { return numeric_key(m.version); });
    out.push_back(std::move(set));
  }
}

// ---- JavaScript and TypeScript -----------------------------------------------------------------

bool js_extension(std::string_view name) {
  for (std::string_view ext : {".js", ".cjs", ".mjs", ".ts", ".cts", ".mts"})
    if (ends_with(name, ext) && !ends_with(name, ".d.ts"))
      return true;
  return false;
}

/// The position just after the first of `patterns` in `text`, or npos.
size_t after_first(std::string_view text, std::initializer_list<std::string_view> patterns) {
  size_t best = std::string_view::npos;
  size_t best_end = std::string_view::npos;
  for (auto p : patterns) {
    size_t pos = text.find(p);
    if (pos != std::string_view::npos && (best == std::string_view::npos || pos < best)) {
      best = pos;
      best_end = pos + p.size();
    }
  }
  return best_end;
}

/// Judges the JS `down` function starting after `pos`: `= false`/`null`, an empty body or one
/// that only throws is no down step.
void judge_js_down(Migration& m, std::string_view text, size_t pos) {
  std::string_view rest = text.substr(pos);
  size_t i = rest.find_first_not_of(" \t\r\n=:");
  std::string_view value = i == std::string_view::npos ? "" : rest.substr(i);
  if (starts_with(value, "false") || starts_with(value, "null") ||
      starts_with(value, "undefined")) {
    m.down = Down::no;
    m.why = "down is " + std::string(value.substr(0, value.find_first_of(";,\n}")));
    m.line = line_at(text, pos);
    return;
  }
  // The first '{' or '=>' after the parameters.
  size_t arrow = value.find("=>");
  size_t brace = value.find('{');
  if (brace == std::string_view::npos)
    return;
  if (arrow != std::string_view::npos && arrow < brace) {
    size_t next = value.find_first_not_of(" \t\r\n", arrow + 2);
    if (next == std::string_view::npos || value[next] != '{')
      return; // an expression body
    brace = next;
  }
  std::string_view body = value.substr(brace + 1);
  size_t b = body.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos)
    return;
  body = body.substr(b);
  // Comments only count as nothing.
  while (starts_with(body, "//") || starts_with(body, "/*")) {
    size_t end = starts_with(body, "//") ? body.find('\n') : body.find("*/");
    if (end == std::string_view::npos)
      return;
    body = trim(body.substr(end + (starts_with(body, "//") ? 1 : 2)));
  }
  if (starts_with(body, "}") || starts_with(body, "throw ")) {
    m.down = Down::no;
    m.why = starts_with(body, "}") ? "down() is empty" : "down() throws";
    m.line = line_at(text, pos);
  }
}

void find_js(Builder& b, std::vector<MigrationSet>& out) {
  bool knexfile = false;
  for (const auto& f : b.files())
    if (starts_with(base_name(f), "knexfile."))
      knexfile = true;
  for (const auto& [dir, names] : b.dirs()) {
    std::string last = base_name(dir);
    if (last != "migrations" && last != "migration")
      continue;
    std::map<MigrationTool, MigrationSet> sets;
    for (const auto& name : names) {
      std::string rel = join_path(dir, name);
      if (!js_extension(name) || digits_prefix(name).empty() || b.claimed(rel))
        continue;
      std::string text = b.read(rel);
      MigrationTool tool = MigrationTool::knex;
      size_t down = std::string_view::npos;
      if (contains(text, "MigrationInterface")) {
        tool = MigrationTool::typeorm;
        if (!contains(text, " up(") && !contains(text, "async up("))
          continue;
        down = after_first(text, {"async down(", " down("});
      } else {
        bool up = contains(text, "exports.up") || contains(text, "function up(") ||
                  contains(text, "const up =") || contains(text, "async up(") ||
                  contains(text, "up:") || contains(text, "up =");
        if (!up)
          continue;
        if (contains(text, "queryInterface"))
          tool = MigrationTool::sequelize;
        else if (contains(text, "pgm."))
          tool = MigrationTool::node_pg_migrate;
        else if (!knexfile && !contains(text, "knex") && !contains(text, "exports.up"))
          continue;
        down = after_first(
            text, {"exports.down", "function down", "const down", "async down(", "down:", "down("});
      }
      b.claim(rel);
      Migration m;
      m.file = rel;
      m.version = digits_prefix(name);
      if (down == std::string_view::npos) {
        m.down = Down::no;
        m.why = "no down";
      } else {
        judge_js_down(m, text, down);
      }
      auto& set = sets[tool];
      set.tool = tool;
      set.dir = dir;
      add_migration(set, std::move(m));
    }
    for (auto& [tool, set] : sets) {
      duplicates(set, false, "their order depends on the rest of their names",
                 [](const Migration& m) { return m.version; });
      out.push_back(std::move(set));
    }
  }
}

// ---- goose and dbmate, then plain numbered SQL -------------------------------------------------

/// The text after the first line that is `marker` (any case), up to the next `stop` line.
std::optional<std::string_view> sql_section(std::string_view text, std::string_view marker,
                                            std::string_view stop) {
  std::string lower = to_lower(text);
  size_t pos = lower.find(marker);
  if (pos == std::string::npos)
    return std::nullopt;
  size_t start = text.find('\n', pos);
  if (start == std::string_view::npos)
    return std::string_view{};
  size_t end = stop.empty() ? std::string::npos : lower.find(stop, start);
  return text.substr(start, end == std::string::npos ? std::string_view::npos : end - start);
}

void find_marked_sql(Builder& b, std::vector<MigrationSet>& out) {
  for (const auto& [dir, names] : b.dirs()) {
    std::map<MigrationTool, MigrationSet> sets;
    for (const auto& name : names) {
      std::string rel = join_path(dir, name);
      if (!ends_with(name, ".sql") || digits_prefix(name).empty() || b.claimed(rel))
        continue;
      std::string text = b.read(rel);
      std::string lower = to_lower(text);
      MigrationTool tool;
      std::optional<std::string_view> down;
      if (contains(lower, "-- +goose up")) {
        tool = MigrationTool::goose;
        down = sql_section(text, "-- +goose down", "-- +goose up");
      } else if (contains(lower, "-- migrate:up")) {
        tool = MigrationTool::dbmate;
        down = sql_section(text, "-- migrate:down", "-- migrate:up");
      } else {
        continue;
      }
      b.claim(rel);
      Migration m;
      m.file = rel;
      m.version = digits_prefix(name);
      if (!down || !has_sql_statement(*down)) {
        m.down = Down::no;
        m.why = down ? "its down section is empty" : "no down section";
      }
      auto& set = sets[tool];
      set.tool = tool;
      set.dir = dir;
      add_migration(set, std::move(m));
    }
    for (auto& [tool, set] : sets) {
      duplicates(set, true, "the tool refuses to run with a duplicate version",
                 [](const Migration& m) { return numeric_key(m.version); });
      out.push_back(std::move(set));
    }
  }
}

bool migration_folder(const std::string& dir) {
  static const std::set<std::string> k_names = {
      "migrations", "migration", "migrate",        "db",           "sql",
      "schema",     "database",  "sql-migrations", "db-migrations"};
  for (auto part : split(dir, '/'))
    if (k_names.count(to_lower(part)) != 0)
      return true;
  return false;
}

/// The down marker of a plain SQL file name: "x_down.sql", "x.down.sql", "x.undo.sql" …
bool plain_down_name(std::string_view name) {
  for (std::string_view suffix : {"_down.sql", "-down.sql", ".down.sql", "_rollback.sql",
                                  "-rollback.sql", ".rollback.sql", ".undo.sql", "_undo.sql"})
    if (ends_with(name, suffix))
      return true;
  return false;
}

void find_plain_sql(Builder& b, std::vector<MigrationSet>& out) {
  for (const auto& [dir, names] : b.dirs()) {
    if (!migration_folder(dir))
      continue;
    MigrationSet set;
    set.tool = MigrationTool::sql;
    set.dir = dir;
    std::map<std::string, std::string> downs; // version key -> file
    for (const auto& name : names) {
      std::string v = digits_prefix(name);
      if (ends_with(name, ".sql") && !v.empty() && plain_down_name(name) &&
          !b.claimed(join_path(dir, name)))
        downs.emplace(numeric_key(v), join_path(dir, name));
    }
    for (const auto& name : names) {
      std::string rel = join_path(dir, name);
      std::string v = digits_prefix(name);
      if (!ends_with(name, ".sql") || v.empty() || v.size() >= name.size() || b.claimed(rel) ||
          plain_down_name(name))
        continue;
      char sep = name[v.size()];
      if (sep != '_' && sep != '-' && sep != '.')
        continue;
      Migration m;
      m.file = rel;
      m.version = v;
      if (auto d = downs.find(numeric_key(v)); d != downs.end()) {
        m.down_file = d->second;
      } else if (downs.empty()) {
        m.down = Down::not_offered;
      } else {
        m.down = Down::no;
        m.why = "no down file";
      }
      add_migration(set, std::move(m));
    }
    if (set.migrations.empty())
      continue;
    set.has_down = !downs.empty();
    for (const auto& m : set.migrations)
      b.claim(m.file);
    for (const auto& [k, f] : downs)
      b.claim(f);
    duplicates(set, false, "which runs first depends on the runner",
               [](const Migration& m) { return numeric_key(m.version); });
    out.push_back(std::move(set));
  }
}

// ---- database signals --------------------------------------------------------------------------

/// The first whole token of `names` quoted in `text` as a JSON key ("pg": …), with its line.
void json_keys(std::string_view text, const std::set<std::string_view>& names,
               const std::string& file, std::vector<DatabaseSignal>& out) {
  auto lines = lines_of(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view l = trim(lines[i]);
    if (l.size() < 3 || l[0] != '"')
      continue;
    size_t end = l.find('"', 1);
    if (end == std::string_view::npos)
      continue;
    std::string_view key = l.substr(1, end - 1);
    std::string_view rest = trim(l.substr(end + 1));
    if (!rest.empty() && rest[0] == ':' && names.count(key) != 0) {
      out.push_back({file, i + 1, std::string(key) + " dependency"});
      return;
    }
  }
}

/// A Python requirement's name, lower case, '_' as '-'.
std::string python_name(std::string_view l) {
  size_t n = 0;
  while (n < l.size() && (is_word(l[n]) || l[n] == '-' || l[n] == '.'))
    ++n;
  std::string name = to_lower(l.substr(0, n));
  std::replace(name.begin(), name.end(), '_', '-');
  return name;
}

const std::set<std::string_view>& js_drivers() {
  // clang-format off
  static const std::set<std::string_view> k = {
      "pg", "pg-promise", "postgres", "mysql", "mysql2", "sqlite3", "better-sqlite3", "mssql",
      "tedious", "oracledb", "knex", "sequelize", "typeorm", "prisma", "@prisma/client",
      "drizzle-orm", "objection", "@mikro-orm/core", "kysely", "slonik", "node-pg-migrate",
      "db-migrate", "@neondatabase/serverless", "@libsql/client", "@planetscale/database"};
  // clang-format on
  return k;
}

const std::set<std::string>& python_drivers() {
  static const std::set<std::string> k = {
      "psycopg",       "psycopg2",    "psycopg2-binary", "asyncpg",
      "pg8000",        "mysqlclient", "pymysql",         "mysql-connector-python",
      "aiomysql",      "aiosqlite",   "sqlalchemy",      "flask-sqlalchemy",
      "flask-migrate", "alembic",     "django",          "peewee",
      "tortoise-orm",  "sqlmodel",    "databases",       "piccolo",
      "oracledb",      "cx-oracle",   "pyodbc",          "yoyo-migrations"};
  return k;
}

void python_manifest(std::string_view text, const std::string& file, bool toml,
                     std::vector<DatabaseSignal>& out) {
  auto lines = lines_of(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view l = trim(lines[i]);
    if (l.empty() || l[0] == '#' || l[0] == '-' || l[0] == '[')
      continue;
    if (toml && (l[0] == '"' || l[0] == '\''))
      l = l.substr(1);
    std::string name = python_name(l);
    if (python_drivers().count(name) != 0) {
      out.push_back({file, i + 1, name + " dependency"});
      return;
    }
  }
}

void substring_signals(std::string_view text, const std::string& file,
                       std::initializer_list<std::pair<std::string_view, std::string_view>> needles,
                       std::vector<DatabaseSignal>& out) {
  for (auto [needle, what] : needles)
    if (size_t pos = text.find(needle); pos != std::string_view::npos) {
      out.push_back({file, line_at(text, pos), std::string(what)});
      return;
    }
}

bool env_example(std::string_view name) {
  return name == ".env.example" || name == ".env.sample" || name == ".env.template" ||
         name == "example.env" || name == ".env.dist";
}

bool database_env_key(std::string_view key) {
  std::string k = to_upper(key);
  return contains(k, "DATABASE") || ends_with(k, "DB_URL") || ends_with(k, "DB_HOST") ||
         ends_with(k, "DB_NAME") || ends_with(k, "DB_DSN") || starts_with(k, "POSTGRES_") ||
         starts_with(k, "MYSQL_") || k == "PGHOST" || k == "PGDATABASE";
}

void find_signals(Builder& b, MigrationScan& scan) {
  auto& out = scan.signals;
  for (const auto& f : b.files()) {
    if (out.size() >= 50)
      break;
    std::string name = base_name(f);
    std::string lower = to_lower(name);
    if (name == "schema.prisma") {
      out.push_back({f, 0, "Prisma schema"});
    } else if (ends_with(lower, ".sql") && !b.claimed(f)) {
      out.push_back(
          {f, 0,
           contains(lower, "schema") || contains(lower, "structure") ? "schema file" : "SQL file"});
    } else if (f == "db/schema.rb" || ends_with(f, "/db/schema.rb")) {
      out.push_back({f, 0, "Rails schema"});
    } else if (name == "package.json") {
      json_keys(b.read(f), js_drivers(), f, out);
    } else if ((starts_with(lower, "requirements") && ends_with(lower, ".txt")) ||
               name == "setup.cfg") {
      python_manifest(b.read(f), f, false, out);
    } else if (name == "pyproject.toml" || name == "Pipfile") {
      python_manifest(b.read(f), f, true, out);
    } else if (name == "Gemfile") {
      substring_signals(b.read(f), f,
                        {{"gem \"pg\"", "pg gem"},
                         {"gem 'pg'", "pg gem"},
                         {"gem \"mysql2\"", "mysql2 gem"},
                         {"gem 'mysql2'", "mysql2 gem"},
                         {"gem \"sqlite3\"", "sqlite3 gem"},
                         {"gem 'sqlite3'", "sqlite3 gem"},
                         {"gem \"rails\"", "rails gem"},
                         {"gem 'rails'", "rails gem"},
                         {"activerecord", "activerecord gem"},
                         {"sequel", "sequel gem"}},
                        out);
    } else if (name == "go.mod") {
      substring_signals(b.read(f), f,
                        {{"github.com/lib/pq", "lib/pq module"},
                         {"github.com/jackc/pgx", "pgx module"},
                         {"github.com/go-sql-driver/mysql", "go-sql-driver/mysql module"},
                         {"gorm.io/gorm", "GORM module"},
                         {"github.com/mattn/go-sqlite3", "go-sqlite3 module"},
                         {"modernc.org/sqlite", "sqlite module"},
                         {"github.com/golang-migrate/migrate", "golang-migrate module"},
                         {"github.com/pressly/goose", "goose module"},
                         {"entgo.io/ent", "ent module"},
                         {"github.com/jmoiron/sqlx", "sqlx module"}},
                        out);
    } else if (name == "Cargo.toml") {
      std::string text = b.read(f);
      for (std::string_view crate :
           {"sqlx", "diesel", "sea-orm", "tokio-postgres", "postgres", "rusqlite", "mysql_async"})
        if (size_t pos = find_word(text, crate);
            pos != std::string_view::npos && (pos == 0 || text[pos - 1] == '\n')) {
          out.push_back({f, line_at(text, pos), std::string(crate) + " crate"});
          break;
        }
    } else if (name == "vcpkg.json" || name == "conanfile.txt" || name == "conanfile.py") {
      substring_signals(b.read(f), f,
                        {{"libpqxx", "libpqxx dependency"},
                         {"\"libpq\"", "libpq dependency"},
                         {"libpq/", "libpq dependency"},
                         {"sqlite3", "sqlite3 dependency"},
                         {"\"soci\"", "SOCI dependency"},
                         {"sqlpp11", "sqlpp11 dependency"},
                         {"libmysql", "MySQL client dependency"},
                         {"libmariadb", "MariaDB client dependency"},
                         {"mysql-connector", "MySQL connector dependency"}},
                        out);
    } else if (name == "CMakeLists.txt") {
      substring_signals(b.read(f), f,
                        {{"find_package(PostgreSQL", "PostgreSQL library"},
                         {"find_package(SQLite3", "SQLite library"},
                         {"pqxx", "libpqxx library"},
                         {"find_package(MySQL", "MySQL library"}},
                        out);
    } else if (name == "pom.xml" || name == "build.gradle" || name == "build.gradle.kts") {
      substring_signals(b.read(f), f,
                        {{"postgresql", "PostgreSQL driver"},
                         {"mysql-connector", "MySQL driver"},
                         {"mariadb-java-client", "MariaDB driver"},
                         {"spring-boot-starter-data-jpa", "Spring Data JPA"},
                         {"spring-boot-starter-jdbc", "Spring JDBC"},
                         {"hibernate-core", "Hibernate"},
                         {"flyway-core", "Flyway dependency"},
                         {"liquibase-core", "Liquibase dependency"}},
                        out);
    } else if (name == "composer.json") {
      substring_signals(b.read(f), f,
                        {{"doctrine/orm", "Doctrine ORM"},
                         {"doctrine/dbal", "Doctrine DBAL"},
                         {"illuminate/database", "Eloquent"},
                         {"laravel/framework", "Laravel"}},
                        out);
    } else if (name == "models.py") {
      substring_signals(b.read(f), f,
                        {{"models.Model", "Django models"},
                         {"declarative_base", "SQLAlchemy models"},
                         {"DeclarativeBase", "SQLAlchemy models"},
                         {"db.Model", "SQLAlchemy models"}},
                        out);
    } else if (name == "settings.py") {
      substring_signals(b.read(f), f, {{"DATABASES", "Django DATABASES setting"}}, out);
    } else if (env_example(name)) {
      std::string text = b.read(f);
      auto lines = lines_of(text);
      for (size_t i = 0; i < lines.size(); ++i) {
        std::string_view l = trim(lines[i]);
        if (starts_with(l, "export "))
          l = trim(l.substr(7));
        size_t eq = l.find('=');
        if (eq != std::string_view::npos && !l.empty() && l[0] != '#' &&
            database_env_key(trim(l.substr(0, eq)))) {
          out.push_back({f, i + 1, std::string(trim(l.substr(0, eq))) + " variable"});
          break;
        }
      }
    } else if ((starts_with(lower, "docker-compose") || starts_with(lower, "compose")) &&
               (ends_with(lower, ".yml") || ends_with(lower, ".yaml"))) {
      std::string text = b.read(f);
      for (std::string_view image : {"image: postgres", "image: mysql", "image: mariadb",
                                     "image: mcr.microsoft.com/mssql", "image: cockroachdb"})
        if (size_t pos = text.find(image); pos != std::string::npos) {
          out.push_back({f, line_at(text, pos), std::string(image.substr(7)) + " service"});
          break;
        }
    }
  }
}

} // namespace

// ---- public ------------------------------------------------------------------------------------

std::string_view tool_name(MigrationTool tool) {
  switch (tool) {
  case MigrationTool::prisma:
    return "Prisma";
  case MigrationTool::alembic:
    return "Alembic";
  case MigrationTool::django:
    return "Django";
  case MigrationTool::rails:
    return "Rails";
  case MigrationTool::knex:
    return "Knex";
  case MigrationTool::sequelize:
    return "Sequelize";
  case MigrationTool::node_pg_migrate:
    return "node-pg-migrate";
  case MigrationTool::typeorm:
    return "TypeORM";
  case MigrationTool::flyway:
    return "Flyway";
  case MigrationTool::liquibase:
    return "Liquibase";
  case MigrationTool::golang_migrate:
    return "golang-migrate";
  case MigrationTool::goose:
    return "goose";
  case MigrationTool::dbmate:
    return "dbmate";
  case MigrationTool::sql:
    return "plain SQL";
  }
  return "unknown";
}

bool tool_has_down(MigrationTool tool) {
  return tool != MigrationTool::prisma && tool != MigrationTool::flyway &&
         tool != MigrationTool::sql;
}

std::vector<std::string> MigrationSet::files() const {
  std::vector<std::string> out;
  for (const auto& m : migrations) {
    if (out.empty() || out.back() != m.file)
      out.push_back(m.file);
    if (!m.down_file.empty())
      out.push_back(m.down_file);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

MigrationScan find_migrations(const std::set<std::string>& files, const ReadFile& read) {
  MigrationScan scan;
  Builder b(files, read);
  // Most specific layouts first: each claims its files, so that the generic ones (numbered SQL)
  // see only what is left.
  find_prisma(b, scan.sets);
  find_liquibase(b, scan.sets);
  find_flyway(b, scan.sets);
  find_golang_migrate(b, scan.sets);
  find_alembic(b, scan.sets);
  find_django(b, scan.sets);
  find_rails(b, scan.sets);
  find_js(b, scan.sets);
  find_marked_sql(b, scan.sets);
  find_plain_sql(b, scan.sets);
  for (auto& set : scan.sets)
    if (set.tool != MigrationTool::flyway && set.tool != MigrationTool::sql)
      set.has_down = tool_has_down(set.tool);
  find_signals(b, scan);
  if (b.truncated())
    scan.notes.push_back("stopped reading after " + std::to_string(k_migrations_max_items) +
                         " files");
  return scan;
}

// ---- commands ----------------------------------------------------------------------------------

namespace {

/// `command`, lower case, split into words at blanks, quotes and shell punctuation.
std::vector<std::string> command_words(std::string_view command) {
  std::vector<std::string> words;
  std::string word;
  for (char c : command.substr(0, 4096)) {
    bool sep = c == ' ' || c == '\t' || c == '"' || c == '\'' || c == '`' || c == ';' || c == '&' ||
               c == '|' || c == '(' || c == ')' || c == '[' || c == ']' || c == ',' || c == '{' ||
               c == '}' || c == '\\';
    if (sep) {
      if (!word.empty())
        words.push_back(std::move(word));
      word.clear();
    } else {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  if (!word.empty())
    words.push_back(std::move(word));
  return words;
}

/// The index of the first word that is `name` or ends with "/name" (a path or an image), from
/// `from`; npos when none.
size_t find_program(const std::vector<std::string>& words, std::string_view name, size_t from = 0) {
  for (size_t i = from; i < words.size(); ++i) {
    std::string_view w = words[i];
    size_t colon = w.find(':'); // an image tag: flyway/flyway:10
    if (colon != std::string_view::npos && contains(w, "/"))
      w = w.substr(0, colon);
    if (w == name || ends_with(w, "/" + std::string(name)))
      return i;
  }
  return std::string::npos;
}

bool word_after(const std::vector<std::string>& words, size_t from,
                std::initializer_list<std::string_view> any) {
  for (size_t i = from + 1; i < words.size(); ++i)
    for (auto a : any)
      if (words[i] == a)
        return true;
  return false;
}

bool has_any_word(const std::vector<std::string>& words,
                  std::initializer_list<std::string_view> any) {
  for (const auto& w : words)
    for (auto a : any)
      if (w == a)
        return true;
  return false;
}

} // namespace

std::vector<MigrationTool> tools_applied_by(std::string_view command) {
  std::vector<MigrationTool> tools;
  auto add = [&](MigrationTool t) {
    if (std::find(tools.begin(), tools.end(), t) == tools.end())
      tools.push_back(t);
  };
  auto words = command_words(command);
  std::string lower = to_lower(command.substr(0, 4096));
  if (size_t p = find_program(words, "prisma"); p != std::string::npos) {
    for (size_t i = p + 1; i + 1 < words.size(); ++i)
      if (words[i] == "migrate" && words[i + 1] == "deploy")
        add(MigrationTool::prisma);
  }
  if (size_t p = find_program(words, "alembic");
      p != std::string::npos && word_after(words, p, {"upgrade"}))
    add(MigrationTool::alembic);
  for (size_t i = 0; i < words.size(); ++i)
    if ((ends_with(words[i], "manage.py") || words[i] == "django-admin") &&
        word_after(words, i, {"migrate"}))
      add(MigrationTool::django);
  if (contains(lower, "call_command(\"migrate\"") || contains(lower, "call_command('migrate'"))
    add(MigrationTool::django);
  bool sequelize = find_program(words, "sequelize") != std::string::npos ||
                   find_program(words, "sequelize-cli") != std::string::npos;
  if (has_any_word(words, {"db:migrate", "db:prepare"}))
    add(sequelize ? MigrationTool::sequelize : MigrationTool::rails);
  if (size_t p = find_program(words, "knex");
      p != std::string::npos && word_after(words, p, {"migrate:latest", "migrate:up"}))
    add(MigrationTool::knex);
  if (contains(lower, "knex.migrate.latest(") || contains(lower, ".migrate.latest("))
    add(MigrationTool::knex);
  for (std::string_view prog : {"node-pg-migrate", "pg-migrate"})
    if (size_t p = find_program(words, prog);
        p != std::string::npos && word_after(words, p, {"up"}))
      add(MigrationTool::node_pg_migrate);
  for (size_t i = 0; i < words.size(); ++i)
    if (contains(words[i], "typeorm") && word_after(words, i, {"migration:run"}))
      add(MigrationTool::typeorm);
  if (size_t p = find_program(words, "flyway");
      p != std::string::npos && word_after(words, p, {"migrate"}))
    add(MigrationTool::flyway);
  if (has_any_word(words, {"flyway:migrate", "flywaymigrate"}))
    add(MigrationTool::flyway);
  if (size_t p = find_program(words, "liquibase");
      p != std::string::npos && word_after(words, p, {"update"}))
    add(MigrationTool::liquibase);
  if (has_any_word(words, {"liquibase:update"}))
    add(MigrationTool::liquibase);
  for (size_t p = find_program(words, "migrate"); p != std::string::npos;
       p = find_program(words, "migrate", p + 1)) {
    bool source = false;
    for (size_t i = p + 1; i < words.size(); ++i)
      for (std::string_view flag : {"-path", "--path", "-source", "--source"})
        if (words[i] == flag || starts_with(words[i], std::string(flag) + "="))
          source = true;
    if (source && word_after(words, p, {"up"})) {
      add(MigrationTool::golang_migrate);
      break;
    }
  }
  if (size_t p = find_program(words, "goose");
      p != std::string::npos && word_after(words, p, {"up", "up-to", "up-by-one"}))
    add(MigrationTool::goose);
  if (size_t p = find_program(words, "dbmate");
      p != std::string::npos && word_after(words, p, {"up", "migrate"}))
    add(MigrationTool::dbmate);
  if (size_t p = find_program(words, "sqlx"); p != std::string::npos) {
    for (size_t i = p + 1; i + 1 < words.size(); ++i)
      if (words[i] == "migrate" && words[i + 1] == "run") {
        add(MigrationTool::golang_migrate);
        add(MigrationTool::sql);
      }
  }
  for (std::string_view client : {"psql", "mysql", "mariadb", "sqlite3", "sqlcmd"}) {
    if (find_program(words, client) == std::string::npos)
      continue;
    bool file = false;
    for (const auto& w : words)
      if (ends_with(w, ".sql") || contains(w, "migration"))
        file = true;
    if (file)
      add(MigrationTool::sql);
  }
  return tools;
}

std::string_view apply_source_kind(std::string_view path) {
  std::string name = base_name(path);
  std::string lower = to_lower(name);
  std::string dir = parent_of(path);
  bool yaml = ends_with(lower, ".yml") || ends_with(lower, ".yaml");
  if ((dir == ".github/workflows" && yaml) || path == ".gitlab-ci.yml" ||
      path == ".circleci/config.yml" || path == ".circleci/config.yaml" ||
      path == "bitbucket-pipelines.yml" || name == "Jenkinsfile" || path == "azure-pipelines.yml" ||
      path == ".drone.yml" || path == ".travis.yml" || (starts_with(path, ".buildkite/") && yaml))
    return "CI workflow";
  if (name == "Dockerfile" || name == "Containerfile" || starts_with(name, "Dockerfile.") ||
      ends_with(lower, ".dockerfile"))
    return "Dockerfile";
  if (name == "Procfile" || starts_with(name, "Procfile."))
    return "Procfile";
  if (name == "package.json")
    return "package.json script";
  if (name == "Makefile" || name == "makefile" || name == "GNUmakefile" || ends_with(lower, ".mk"))
    return "Makefile";
  if (lower == "justfile" || lower == "taskfile.yml" || lower == "taskfile.yaml")
    return "task file";
  if ((starts_with(lower, "docker-compose") || starts_with(lower, "compose")) && yaml)
    return "compose file";
  if (lower == "fly.toml" || lower == "render.yaml" || lower == "app.json" || lower == "app.yaml" ||
      lower == "heroku.yml" || lower == "railway.json" || lower == "railway.toml" ||
      lower == "netlify.toml" || lower == "vercel.json" || lower == "nixpacks.toml")
    return "platform config";
  bool deploy_dir = false;
  for (auto part : split(dir, '/'))
    for (std::string_view d : {"deploy", "scripts", "script", "bin", "k8s", "kubernetes", "helm",
                               "ops", "infra", "release"})
      if (to_lower(part) == d)
        deploy_dir = true;
  if (ends_with(lower, ".sh") || ends_with(lower, ".bash") || starts_with(lower, "entrypoint") ||
      starts_with(lower, "docker-entrypoint"))
    return "deploy script";
  if (deploy_dir && (yaml || lower.find('.') == std::string::npos))
    return yaml ? "deploy config" : "deploy script";
  return "";
}

std::vector<ApplyCommand> find_apply_commands(std::string_view text) {
  std::vector<ApplyCommand> out;
  auto lines = lines_of(text);
  for (size_t i = 0; i < lines.size() && out.size() < 100; ++i) {
    std::string_view t = trim(lines[i]);
    if (t.empty() || starts_with(t, "#") || starts_with(t, "//"))
      continue;
    auto tools = tools_applied_by(t);
    if (!tools.empty())
      out.push_back({i + 1, clip(t, 200), std::move(tools)});
  }
  return out;
}

namespace {

/// Every fenced block of `markdown` once (sections nest, so a block appears in its parents too).
std::vector<MarkdownCode> unique_blocks(std::string_view markdown) {
  std::vector<MarkdownCode> blocks;
  std::set<size_t> seen;
  for (auto& section : markdown_sections(markdown))
    for (auto& block : section.code)
      if (seen.insert(block.line).second)
        blocks.push_back(std::move(block));
  return blocks;
}

/// The 1-based line of `block` where shell command `command` starts.
size_t command_line(const MarkdownCode& block, std::string_view command) {
  std::string_view head = command.substr(0, std::min<size_t>(command.size(), 24));
  for (size_t i = 0; i < block.lines.size(); ++i)
    if (contains(block.lines[i], head))
      return block.line + i;
  return block.line;
}

} // namespace

std::vector<ApplyCommand> find_apply_commands_in_markdown(std::string_view markdown) {
  std::vector<ApplyCommand> out;
  for (const auto& block : unique_blocks(markdown))
    for (const auto& command : shell_commands(block)) {
      if (out.size() >= 100)
        return out;
      auto tools = tools_applied_by(command);
      if (!tools.empty())
        out.push_back({command_line(block, command), clip(command, 200), std::move(tools)});
    }
  return out;
}

// ---- docs: hand edits --------------------------------------------------------------------------

namespace {

struct Sentence {
  std::string text;             ///< lower case
  std::vector<size_t> offsets;  ///< where each line starts in text
  std::vector<size_t> lines;    ///< those lines' 1-based numbers
  std::vector<std::string> raw; ///< those lines as written
};

bool any_word(std::string_view text, std::initializer_list<std::string_view> words,
              size_t* where = nullptr) {
  size_t best = std::string_view::npos;
  for (auto w : words) {
    // Prefixes ("migrat") match the start of a word; the others whole words.
    bool prefix = w.back() == '*';
    std::string_view stem = prefix ? w.substr(0, w.size() - 1) : w;
    for (size_t pos = text.find(stem); pos != std::string_view::npos;
         pos = text.find(stem, pos + 1)) {
      bool start = pos == 0 || !is_word(text[pos - 1]);
      size_t end = pos + stem.size();
      bool stop = prefix || end >= text.size() || !is_word(text[end]);
      if (start && stop) {
        best = std::min(best, pos);
        break;
      }
    }
  }
  if (where != nullptr)
    *where = best;
  return best != std::string_view::npos;
}

/// The negation before `pos` in the sentence: "never by hand", "do not edit … manually".
bool negated(std::string_view text, size_t pos) {
  std::string_view before = text.substr(0, pos);
  return any_word(before, {"never", "not", "don't", "dont", "no one", "nobody", "instead of",
                           "rather than", "avoid", "without", "no longer", "no need"});
}

// Words that name the database itself: "update", "record" or "query" alone are too common in
// docs about other things ("operations listed by hand", "check the mail by hand").
const std::initializer_list<std::string_view> k_db_words = {
    "database*", "db",     "sql",     "psql",    "mysql",      "postgres*",
    "sqlite*",   "table*", "column*", "schema*", "statement*", "migrat*"};

const std::initializer_list<std::string_view> k_change_words = {
    "edit*",  "chang*",  "alter*", "updat*",  "insert*",   "delet*", "drop*",  "apply*",
    "appli*", "run",     "runs",   "execut*", "modif*",    "add",    "paste*", "creat*",
    "fix*",   "migrat*", "patch*", "rename*", "backfill*", "type",   "enter"};

const std::initializer_list<std::string_view> k_manual_words = {
    "by hand",          "manually",       "hand-edit*", "hand edit*",    "hand-run",
    "hand-written sql", "copy and paste", "copy-paste", "paste the sql", "paste the statements"};

/// "connect to the (production) database … and run", "log in to the database server and apply",
/// "open a psql session … and run the statements".
bool session_then_run(std::string_view s, size_t& where) {
  size_t connect = std::string_view::npos;
  for (std::string_view verb :
       {"connect to", "connect with", "log in to", "login to", "log into", "sign in to", "ssh into",
        "ssh to", "open a psql", "open a mysql", "open psql", "open mysql", "open a sql",
        "open a database", "open a db", "start a psql", "start psql", "start a mysql"}) {
    size_t pos = s.find(verb);
    if (pos != std::string_view::npos && pos < connect)
      connect = pos;
  }
  if (connect == std::string_view::npos)
    return false;
  std::string_view after = s.substr(connect);
  size_t db = std::string_view::npos;
  if (!any_word(after, {"database*", "db", "psql", "mysql", "postgres*", "sql"}, &db))
    return false;
  size_t run = std::string_view::npos;
  if (!any_word(after.substr(db), {"run", "apply", "execute", "paste", "type", "enter"}, &run))
    return false;
  std::string_view object = after.substr(db + run);
  if (!any_word(object, {"statement*", "sql", "alter", "update", "insert", "delete", "drop",
                         "change*", "migration*", "script*", "create"}))
    return false;
  where = connect;
  return !negated(s, connect);
}

/// True when the '.' at `k` ends an abbreviation ("e.g.", "i.e.", a single letter), not a
/// sentence.
bool abbreviation(std::string_view t, size_t k) {
  if (t[k] != '.')
    return false;
  size_t w = k;
  while (w > 0 && (is_alpha(t[w - 1]) || t[w - 1] == '.'))
    --w;
  std::string_view word = t.substr(w, k - w);
  return word.size() == 1 || (word.size() <= 4 && contains(word, "."));
}

/// The prose of `markdown` (no fenced blocks, no headings) as sentences.
std::vector<Sentence> prose_sentences(std::string_view markdown,
                                      const std::vector<MarkdownCode>& blocks) {
  auto lines = lines_of(markdown);
  std::vector<bool> code(lines.size() + 2, false);
  for (const auto& b : blocks) {
    // The fence lines and the content: from the opening fence to the closing one.
    size_t open = b.line >= 2 ? b.line - 2 : 0;
    for (size_t i = open; i < b.line - 1 + b.lines.size() + 1 && i < code.size(); ++i)
      code[i] = true;
  }
  std::vector<Sentence> out;
  Sentence current;
  auto flush = [&] {
    if (!current.text.empty())
      out.push_back(std::move(current));
    current = {};
  };
  for (size_t i = 0; i < lines.size() && out.size() < 20000; ++i) {
    std::string_view t = trim(lines[i]);
    bool heading = starts_with(t, "#");
    bool bullet = starts_with(t, "- ") || starts_with(t, "* ") || starts_with(t, "+ ") ||
                  (!t.empty() && is_digit(t[0]) && t.find(". ") != std::string_view::npos &&
                   t.find(". ") < 4);
    if (code[i] || t.empty() || heading) {
      flush();
      continue;
    }
    if (bullet)
      flush();
    auto append = [&](std::string_view piece) {
      piece = trim(piece);
      if (piece.empty())
        return;
      if (!current.text.empty())
        current.text += ' ';
      current.offsets.push_back(current.text.size());
      current.lines.push_back(i + 1);
      current.raw.emplace_back(t);
      current.text += to_lower(piece);
    };
    // Split the line at sentence ends (". ", "! ", "? ", or one ending the line); what is open
    // at the end of the line goes on with the next.
    size_t start = 0;
    for (size_t k = 0; k < t.size(); ++k) {
      char c = t[k];
      if ((c != '.' && c != '!' && c != '?') || (k + 1 < t.size() && t[k + 1] != ' ') ||
          abbreviation(t, k))
        continue;
      append(t.substr(start, k + 1 - start));
      flush();
      start = k + 1;
    }
    append(t.substr(start));
  }
  flush();
  return out;
}

size_t sentence_line(const Sentence& s, size_t pos, std::string* raw) {
  size_t idx = 0;
  for (size_t k = 0; k < s.offsets.size(); ++k)
    if (s.offsets[k] <= pos)
      idx = k;
  if (raw != nullptr)
    *raw = s.raw.empty() ? "" : s.raw[idx];
  return s.lines.empty() ? 0 : s.lines[idx];
}

/// A `psql`/`mysql`/`sqlite3` command that runs a statement that changes something.
bool changes_database(std::string_view command, std::string& why) {
  auto words = command_words(command);
  for (std::string_view client :
       {"psql", "mysql", "mariadb", "sqlite3", "sqlcmd", "mongosh", "mongo"}) {
    size_t p = find_program(words, client);
    if (p == std::string::npos)
      continue;
    bool inline_sql = false;
    for (size_t i = p + 1; i < words.size(); ++i)
      if (words[i] == "-c" || words[i] == "-e" || words[i] == "--command" ||
          words[i] == "--execute" || words[i] == "-q" || words[i] == "--eval" ||
          starts_with(words[i], "--command=") || starts_with(words[i], "--execute="))
        inline_sql = true;
    if (!inline_sql && client != "sqlite3")
      continue;
    for (std::string_view verb : {"alter", "update", "insert", "delete", "drop", "create",
                                  "truncate", "rename", "grant", "revoke"})
      if (has_any_word(words, {verb})) {
        why = "has a " + std::string(client) + " command that runs " + to_upper(verb);
        return true;
      }
  }
  return false;
}

} // namespace

std::vector<HandEdit> find_hand_edits(std::string_view markdown) {
  std::vector<HandEdit> out;
  auto blocks = unique_blocks(markdown);
  for (const auto& s : prose_sentences(markdown, blocks)) {
    if (out.size() >= 100)
      break;
    size_t where = std::string_view::npos;
    std::string why;
    size_t manual = std::string_view::npos;
    if (any_word(s.text, k_manual_words, &manual) && any_word(s.text, k_db_words) &&
        any_word(s.text, k_change_words) && !negated(s.text, manual)) {
      where = manual;
      why = "says to change the database by hand";
    } else if (size_t at = 0; session_then_run(s.text, at)) {
      where = at;
      why = "says to connect to the database and run statements";
    }
    if (where == std::string_view::npos)
      continue;
    std::string raw;
    size_t line = sentence_line(s, where, &raw);
    out.push_back({line, clip(raw, 240), why});
  }
  for (const auto& block : blocks)
    for (const auto& command : shell_commands(block)) {
      if (out.size() >= 100)
        break;
      std::string why;
      if (!changes_database(command, why))
        continue;
      out.push_back({command_line(block, command), clip(command, 240), why});
    }
  std::sort(out.begin(), out.end(),
            [](const HandEdit& a, const HandEdit& b) { return a.line < b.line; });
  return out;
}

size_t documents_compensation(std::string_view markdown) {
  auto lines = lines_of(markdown);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string lower = to_lower(lines[i]);
    if (any_word(lower,
                 {"restore*", "backup*", "back up", "forward fix*", "forward-fix*", "fix forward",
                  "fix-forward", "roll forward", "roll-forward", "roll-forward", "point-in-time",
                  "pitr", "snapshot*", "migrate resolve", "compensating"}))
      return i + 1;
  }
  return 0;
}

} // namespace lg::analyze
