// SQLite storage for the sample portal. Every statement is prepared with bound parameters (no SQL
// is ever built from input) except search_records_unsafe, which exists only for the sql-injection
// flaw; handles are owned by unique_ptr deleters; multi-step changes
// (seeding, invite acceptance, password reset) run in one IMMEDIATE transaction. Timestamps are
// Unix seconds. Token columns hold SHA-256 hex digests, never the tokens themselves.

#include "store.hpp"

#include <sqlite3.h>

#include <fmt/format.h>
#include <stdexcept>

namespace portal {

void SqliteCloser::operator()(sqlite3* db) const {
  sqlite3_close_v2(db);
}

namespace {

constexpr std::string_view k_schema = R"sql(
PRAGMA foreign_keys = ON;
CREATE TABLE IF NOT EXISTS orgs (
  id INTEGER PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL CHECK (role IN ('admin', 'staff')),
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user_id);
CREATE TABLE IF NOT EXISTS records (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  owner_id INTEGER NOT NULL REFERENCES users(id),
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS records_org ON records(org_id, updated_at);
CREATE TABLE IF NOT EXISTS invites (
  token_hash TEXT PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  email TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'staff')),
  invited_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE TABLE IF NOT EXISTS password_resets (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE TABLE IF NOT EXISTS audit_log (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  actor_id INTEGER REFERENCES users(id),
  action TEXT NOT NULL,
  detail TEXT NOT NULL,
  ip TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_org ON audit_log(org_id, id);
)sql";

constexpr std::string_view k_user_select =
    "SELECT u.id, u.org_id, o.slug, u.email, u.name, u.role, u.password_hash, u.created_at "
    "FROM users u JOIN orgs o ON o.id = u.org_id ";

constexpr std::string_view k_record_select =
    "SELECT r.id, r.org_id, o.slug, r.title, r.body, r.owner_id, u.email, r.created_at, "
    "r.updated_at FROM records r JOIN orgs o ON o.id = r.org_id JOIN users u ON u.id = r.owner_id ";

struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  throw std::runtime_error(fmt::format("sqlite: {}: {}", what, sqlite3_errmsg(db)));
}

// One prepared statement; bind by 1-based index, step, read columns by 0-based index.
class Stmt {
public:
  Stmt(sqlite3* db, std::string_view sql) : m_db(db) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr) !=
        SQLITE_OK) {
      fail(db, "prepare");
    }
    m_stmt.reset(raw);
  }

  Stmt& bind(int index, std::int64_t value) {
    check(sqlite3_bind_int64(m_stmt.get(), index, value));
    return *this;
  }
  Stmt& bind(int index, std::string_view value) {
    // A default-constructed string_view has a null data(), which SQLite would bind as NULL.
    const char* data = value.data() != nullptr ? value.data() : "";
    check(sqlite3_bind_text64(m_stmt.get(), index, data, value.size(), SQLITE_TRANSIENT,
                              SQLITE_UTF8));
    return *this;
  }
  Stmt& bind_null(int index) {
    check(sqlite3_bind_null(m_stmt.get(), index));
    return *this;
  }

  // True while a row is available.
  bool step() {
    const int rc = sqlite3_step(m_stmt.get());
    if (rc == SQLITE_ROW) {
      return true;
    }
    if (rc == SQLITE_DONE) {
      return false;
    }
    fail(m_db, "step");
  }
  // Runs a statement that returns no rows.
  void run() {
    while (step()) {
    }
  }

  std::int64_t int_at(int col) { return sqlite3_column_int64(m_stmt.get(), col); }
  std::string text_at(int col) {
    const auto* text = sqlite3_column_text(m_stmt.get(), col);
    const auto size = sqlite3_column_bytes(m_stmt.get(), col);
    return text == nullptr
               ? std::string()
               : std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
  }

private:
  void check(int rc) {
    if (rc != SQLITE_OK) {
      fail(m_db, "bind");
    }
  }
  sqlite3* m_db;
  std::unique_ptr<sqlite3_stmt, StmtFinalizer> m_stmt;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless committed.
class Transaction {
public:
  explicit Transaction(sqlite3* db) : m_db(db) { exec("BEGIN IMMEDIATE"); }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (!m_done) {
      sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
  }
  void commit() {
    exec("COMMIT");
    m_done = true;
  }

private:
  void exec(const char* sql) {
    if (sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      fail(m_db, sql);
    }
  }
  sqlite3* m_db;
  bool m_done = false;
};

User read_user(Stmt& stmt) {
  return User{stmt.int_at(0),  stmt.int_at(1),  stmt.text_at(2), stmt.text_at(3),
              stmt.text_at(4), stmt.text_at(5), stmt.text_at(6), stmt.int_at(7)};
}

Record read_record(Stmt& stmt) {
  return Record{stmt.int_at(0), stmt.int_at(1),  stmt.text_at(2), stmt.text_at(3), stmt.text_at(4),
                stmt.int_at(5), stmt.text_at(6), stmt.int_at(7),  stmt.int_at(8)};
}

Invite read_invite(Stmt& stmt) {
  return Invite{stmt.int_at(0), stmt.text_at(1), stmt.text_at(2)};
}

std::int64_t read_int(Stmt& stmt) {
  return stmt.int_at(0);
}

// The first row of `stmt` as `read` reads it, or nullopt when there is none.
template <typename Read>
auto first_row(Stmt& stmt, Read read) -> std::optional<decltype(read(stmt))> {
  if (stmt.step()) {
    return read(stmt);
  }
  return std::nullopt;
}

// Every row of `stmt` as `read` reads it.
template <typename Read> auto all_rows(Stmt& stmt, Read read) -> std::vector<decltype(read(stmt))> {
  std::vector<decltype(read(stmt))> out;
  while (stmt.step()) {
    out.push_back(read(stmt));
  }
  return out;
}

std::string sql(std::string_view head, std::string_view tail) {
  std::string out(head);
  out += tail;
  return out;
}

std::optional<User> user_by_id(sqlite3* db, std::int64_t id) {
  return first_row(Stmt(db, sql(k_user_select, "WHERE u.id = ?1")).bind(1, id), read_user);
}

std::optional<Record> record_by_id(sqlite3* db, std::int64_t id) {
  return first_row(Stmt(db, sql(k_record_select, "WHERE r.id = ?1")).bind(1, id), read_record);
}

// The invite `token_hash` while it is unused and unexpired at `now`.
std::optional<Invite> live_invite(sqlite3* db, std::string_view token_hash, std::int64_t now) {
  Stmt stmt(db, "SELECT org_id, email, role FROM invites "
                "WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2");
  return first_row(stmt.bind(1, token_hash).bind(2, now), read_invite);
}

// The user id of the password reset `token_hash` while it is unused and (when `rules` say it
// expires) unexpired at `now`.
std::optional<std::int64_t> live_reset_user(sqlite3* db, std::string_view token_hash,
                                            std::int64_t now, const ResetRules& rules) {
  Stmt stmt(db, "SELECT user_id FROM password_resets "
                "WHERE token_hash = ?1 AND used_at IS NULL AND (?3 = 0 OR expires_at > ?2)");
  return first_row(
      stmt.bind(1, token_hash).bind(2, now).bind(3, std::int64_t{rules.expires ? 1 : 0}), read_int);
}

} // namespace

Store::Store(const std::string& path) {
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  m_db.reset(raw);
  if (rc != SQLITE_OK) {
    throw std::runtime_error(fmt::format("cannot open database '{}': {}", path,
                                         raw != nullptr ? sqlite3_errmsg(raw) : "out of memory"));
  }
  sqlite3_busy_timeout(raw, 5000);
  if (path != ":memory:") {
    sqlite3_exec(raw, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
  }
  const std::string schema(k_schema);
  if (sqlite3_exec(raw, schema.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    fail(raw, "schema");
  }
  // Databases created before users had a display name get the column (empty for old rows).
  Stmt has_name(raw, "SELECT count(*) FROM pragma_table_info('users') WHERE name = 'name'");
  has_name.step();
  if (has_name.int_at(0) == 0 &&
      sqlite3_exec(raw, "ALTER TABLE users ADD COLUMN name TEXT NOT NULL DEFAULT ''", nullptr,
                   nullptr, nullptr) != SQLITE_OK) {
    fail(raw, "add users.name");
  }
}

bool Store::empty() {
  const std::lock_guard lock(m_mutex);
  Stmt stmt(m_db.get(), "SELECT count(*) FROM orgs");
  stmt.step();
  return stmt.int_at(0) == 0;
}

bool Store::ping() {
  const std::lock_guard lock(m_mutex);
  try {
    // Reads the schema's first table, so a database that cannot be read fails, not only a
    // missing connection.
    Stmt stmt(m_db.get(), "SELECT 1 FROM orgs LIMIT 1");
    stmt.step();
    return true;
  } catch (const std::runtime_error&) {
    return false;
  }
}

void Store::seed(const std::vector<SeedUser>& users, const std::vector<SeedRecord>& records) {
  const std::lock_guard lock(m_mutex);
  auto* db = m_db.get();
  Transaction tx(db);
  Stmt(db, "INSERT INTO orgs (slug, name) VALUES ('acme', 'Acme Corporation'), "
           "('globex', 'Globex Inc.')")
      .run();
  constexpr std::int64_t k_seed_time = 1704704400; // 2024-01-08T09:00:00Z
  for (const auto& user : users) {
    Stmt(db, "INSERT INTO users (org_id, email, name, role, password_hash, created_at) "
             "SELECT id, ?2, ?6, ?3, ?4, ?5 FROM orgs WHERE slug = ?1")
        .bind(1, user.org)
        .bind(2, user.email)
        .bind(3, user.role)
        .bind(4, user.password_hash)
        .bind(5, k_seed_time)
        .bind(6, user.name)
        .run();
  }
  for (const auto& record : records) {
    Stmt stmt(db, "INSERT INTO records (org_id, owner_id, title, body, created_at, updated_at) "
                  "SELECT o.id, (SELECT u.id FROM users u WHERE u.org_id = o.id ORDER BY u.id "
                  "LIMIT 1 OFFSET ?2), ?3, ?4, ?5, ?5 FROM orgs o WHERE o.slug = ?1");
    stmt.bind(1, record.org)
        .bind(2, static_cast<std::int64_t>(record.owner_index))
        .bind(3, record.title)
        .bind(4, record.body)
        .bind(5, record.created_at)
        .run();
  }
  tx.commit();
}

std::optional<User> Store::find_user_by_email(std::string_view email) {
  const std::lock_guard lock(m_mutex);
  return first_row(Stmt(m_db.get(), sql(k_user_select, "WHERE u.email = ?1")).bind(1, email),
                   read_user);
}

std::optional<User> Store::find_user_by_id(std::int64_t id) {
  const std::lock_guard lock(m_mutex);
  return user_by_id(m_db.get(), id);
}

std::vector<User> Store::list_users(std::int64_t org_id) {
  const std::lock_guard lock(m_mutex);
  Stmt stmt(m_db.get(), sql(k_user_select, "WHERE u.org_id = ?1 ORDER BY u.id"));
  return all_rows(stmt.bind(1, org_id), read_user);
}

std::optional<std::int64_t> Store::find_org_id(std::string_view slug) {
  const std::lock_guard lock(m_mutex);
  return first_row(Stmt(m_db.get(), "SELECT id FROM orgs WHERE slug = ?1").bind(1, slug), read_int);
}

void Store::set_user_name(std::int64_t user_id, std::string_view name) {
  const std::lock_guard lock(m_mutex);
  Stmt(m_db.get(), "UPDATE users SET name = ?2 WHERE id = ?1").bind(1, user_id).bind(2, name).run();
}

void Store::set_user_role(std::int64_t user_id, std::string_view role) {
  const std::lock_guard lock(m_mutex);
  Stmt(m_db.get(), "UPDATE users SET role = ?2 WHERE id = ?1").bind(1, user_id).bind(2, role).run();
}

bool Store::create_session(std::string_view token_hash, std::int64_t user_id, std::int64_t now,
                           std::int64_t expires_at) {
  const std::lock_guard lock(m_mutex);
  auto* db = m_db.get();
  Stmt(db, "INSERT OR IGNORE INTO sessions (token_hash, user_id, created_at, last_seen, "
           "expires_at) VALUES (?1, ?2, ?3, ?3, ?4)")
      .bind(1, token_hash)
      .bind(2, user_id)
      .bind(3, now)
      .bind(4, expires_at)
      .run();
  return sqlite3_changes(db) == 1;
}

std::optional<User> Store::session_user(std::string_view token_hash, std::int64_t now,
                                        std::int64_t idle_limit) {
  const std::lock_guard lock(m_mutex);
  auto* db = m_db.get();
  Stmt stmt(db, "SELECT user_id, last_seen, expires_at FROM sessions WHERE token_hash = ?1");
  stmt.bind(1, token_hash);
  if (!stmt.step()) {
    return std::nullopt;
  }
  const auto user_id = stmt.int_at(0);
  const auto last_seen = stmt.int_at(1);
  const auto expires_at = stmt.int_at(2);
  if (now >= expires_at || now - last_seen >= idle_limit) {
    Stmt(db, "DELETE FROM sessions WHERE token_hash = ?1").bind(1, token_hash).run();
    return std::nullopt;
  }
  if (now != last_seen) {
    Stmt(db, "UPDATE sessions SET last_seen = ?2 WHERE token_hash = ?1")
        .bind(1, token_hash)
        .bind(2, now)
        .run();
  }
  return user_by_id(db, user_id);
}

void Store::delete_session(std::string_view token_hash) {
  const std::lock_guard lock(m_mutex);
  Stmt(m_db.get(), "DELETE FROM sessions WHERE token_hash = ?1").bind(1, token_hash).run();
}

void Store::purge_expired_sessions(std::int64_t now, std::int64_t idle_limit) {
  const std::lock_guard lock(m_mutex);
  Stmt(m_db.get(), "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen <= ?1 - ?2")
      .bind(1, now)
      .bind(2, idle_limit)
      .run();
}

RecordPage Store::list_records(std::int64_t org_id, std::string_view query, std::int64_t limit,
                               std::int64_t offset) {
  const std::lock_guard lock(m_mutex);
  auto* db = m_db.get();
  constexpr std::string_view k_where =
      "WHERE r.org_id = ?1 AND (?2 = '' OR instr(lower(r.title), lower(?2)) > 0 "
      "OR instr(lower(r.body), lower(?2)) > 0) ";
  RecordPage page;
  Stmt count(db, sql("SELECT count(*) FROM records r ", k_where));
  count.bind(1, org_id).bind(2, query);
  count.step();
  page.total = count.int_at(0);
  Stmt rows(db, sql(sql(k_record_select, k_where),
                    "ORDER BY r.updated_at DESC, r.id DESC LIMIT ?3 OFFSET ?4"));
  page.records =
      all_rows(rows.bind(1, org_id).bind(2, query).bind(3, limit).bind(4, offset), read_record);
  return page;
}

std::vector<Record> Store::search_records(std::optional<std::int64_t> org_id,
                                          std::string_view query, std::int64_t limit) {
  const std::lock_guard lock(m_mutex);
  // LIKE is ASCII case-insensitive; the pattern escapes its own wildcards so they match literally.
  std::string pattern = "%";
  for (const char c : query) {
    if (c == '%' || c == '_' || c == '\\') {
      pattern += '\\';
    }
    pattern += c;
  }
  pattern += '%';
  Stmt stmt(m_db.get(), sql(k_record_select,
                            "WHERE (?1 IS NULL OR r.org_id = ?1) AND (r.title LIKE ?2 ESCAPE '\\' "
                            "OR r.body LIKE ?2 ESCAPE '\\') "
                            "ORDER BY r.updated_at DESC, r.id DESC LIMIT ?3"));
  if (org_id) {
    stmt.bind(1, *org_id);
  } else {
    stmt.bind_null(1);
  }
  return all_rows(stmt.bind(2, std::string_view(pattern)).bind(3, limit), read_record);
}

RawSearch Store::search_records_unsafe(std::optional<std::int64_t> org_id, std::string_view query,
                                       std::int64_t limit) {
  const std::lock_guard lock(m_mutex);
  auto* db = m_db.get();
  // Deliberately vulnerable: `query` is pasted once into the SQL text between quotes, so a lone
  // quote breaks the statement and a crafted one rewrites the condition.
  std::string text(k_record_select);
  text += "WHERE ";
  if (org_id) {
    text += fmt::format("r.org_id = {} AND ", *org_id);
  }
  text += "((r.title || ' ' || r.body) LIKE '%";
  text += query;
  text += fmt::format("%') ORDER BY r.updated_at DESC, r.id DESC LIMIT {}", limit);
  RawSearch out;
  sqlite3_stmt* raw = nullptr;
  if (const int rc = sqlite3_prepare_v2(db, text.c_str(), -1, &raw, nullptr); rc != SQLITE_OK) {
    out.error = fmt::format("sqlite3_prepare_v2: {} ({})", sqlite3_errmsg(db), sqlite3_errstr(rc));
    return out;
  }
  const std::unique_ptr<sqlite3_stmt, StmtFinalizer> stmt(raw);
  if (stmt == nullptr) { // only whitespace or a comment was left to compile
    return out;
  }
  for (int rc = sqlite3_step(raw);; rc = sqlite3_step(raw)) {
    if (rc == SQLITE_DONE) {
      break;
    }
    if (rc != SQLITE_ROW) {
      out.error = fmt::format("sqlite3_step: {} ({})", sqlite3_errmsg(db), sqlite3_errstr(rc));
      out.records.clear();
      break;
    }
    const auto text_at = [raw](int col) {
      const auto* value = sqlite3_column_text(raw, col);
      const auto size = static_cast<std::size_t>(sqlite3_column_bytes(raw, col));
      return value == nullptr ? std::string()
                              : std::string(reinterpret_cast<const char*>(value), size);
    };
    out.records.push_back(Record{sqlite3_column_int64(raw, 0), sqlite3_column_int64(raw, 1),
                                 text_at(2), text_at(3), text_at(4), sqlite3_column_int64(raw, 5),
                                 text_at(6), sqlite3_column_int64(raw, 7),
                                 sqlite3_column_int64(raw, 8)});
  }
  return out;
}

std::optional<Record> Store::find_record(std::int64_t id, std::optional<std::int64_t> org_id) {
  const std::lock_guard lock(m_mutex);
  auto record = record_by_id(m_db.get(), id);
  if (record && org_id && record->org_id != *org_id) {
    return std::nullopt;
  }
  return record;
}

Record Store::create_record(std::int64_t org_id, std::int64_t owner_id, std::string_view title,
                            std::string_view body, std::int64_t now) {
  const std::lock_guard lock(m_mutex);
  auto* db = m_db.get();
  Stmt(db, "INSERT INTO records (org_id, owner_id, title, body, created_at, updated_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?5)")
      .bind(1, org_id)
      .bind(2, owner_id)
      .bind(3, title)
      .bind(4, body)
      .bind(5, now)
      .run();
  auto record = record_by_id(db, sqlite3_last_insert_rowid(db));
  if (!record) {
    fail(db, "insert record");
  }
  return *record;
}

std::optional<Record> Store::update_record(std::int64_t id, std::optional<std::int64_t> org_id,
                                           std::string_view title, std::string_view body,
                                           std::int64_t now) {
  const std::lock_guard lock(m_mutex);
  auto* db = m_db.get();
  Stmt stmt(db, "UPDATE records SET title = ?3, body = ?4, updated_at = ?5 "
                "WHERE id = ?1 AND (?2 IS NULL OR org_id = ?2)");
  stmt.bind(1, id);
  if (org_id) {
    stmt.bind(2, *org_id);
  } else {
    stmt.bind_null(2);
  }
  stmt.bind(3, title).bind(4, body).bind(5, now).run();
  if (sqlite3_changes(db) != 1) {
    return std::nullopt;
  }
  return record_by_id(db, id);
}

bool Store::delete_record(std::int64_t id, std::optional<std::int64_t> org_id) {
  const std::lock_guard lock(m_mutex);
  auto* db = m_db.get();
  Stmt stmt(db, "DELETE FROM records WHERE id = ?1 AND (?2 IS NULL OR org_id = ?2)");
  stmt.bind(1, id);
  if (org_id) {
    stmt.bind(2, *org_id);
  } else {
    stmt.bind_null(2);
  }
  stmt.run();
  return sqlite3_changes(db) == 1;
}

void Store::create_invite(std::string_view token_hash, const Invite& invite,
                          std::int64_t invited_by, std::int64_t now, std::int64_t expires_at) {
  const std::lock_guard lock(m_mutex);
  Stmt(m_db.get(), "INSERT INTO invites (token_hash, org_id, email, role, invited_by, created_at, "
                   "expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
      .bind(1, token_hash)
      .bind(2, invite.org_id)
      .bind(3, invite.email)
      .bind(4, invite.role)
      .bind(5, invited_by)
      .bind(6, now)
      .bind(7, expires_at)
      .run();
}

std::optional<Invite> Store::peek_invite(std::string_view token_hash, std::int64_t now) {
  const std::lock_guard lock(m_mutex);
  return live_invite(m_db.get(), token_hash, now);
}

AcceptOutcome Store::accept_invite(std::string_view token_hash, std::string_view password_hash,
                                   std::int64_t now, User& user) {
  const std::lock_guard lock(m_mutex);
  auto* db = m_db.get();
  Transaction tx(db);
  const auto invite = live_invite(db, token_hash, now);
  if (!invite) {
    return AcceptOutcome::invalid_token;
  }
  Stmt taken(db, "SELECT 1 FROM users WHERE email = ?1");
  taken.bind(1, invite->email);
  if (taken.step()) {
    return AcceptOutcome::email_taken;
  }
  Stmt(db, "UPDATE invites SET used_at = ?2 WHERE token_hash = ?1")
      .bind(1, token_hash)
      .bind(2, now)
      .run();
  // The display name starts as the email's local part; the user can change it (PATCH /api/me).
  Stmt(db, "INSERT INTO users (org_id, email, name, role, password_hash, created_at) "
           "VALUES (?1, ?2, substr(?2, 1, instr(?2, '@') - 1), ?3, ?4, ?5)")
      .bind(1, invite->org_id)
      .bind(2, invite->email)
      .bind(3, invite->role)
      .bind(4, password_hash)
      .bind(5, now)
      .run();
  auto created = user_by_id(db, sqlite3_last_insert_rowid(db));
  if (!created) {
    fail(db, "insert user");
  }
  tx.commit();
  user = *created;
  return AcceptOutcome::accepted;
}

void Store::create_reset(std::string_view token_hash, std::int64_t user_id, std::int64_t now,
                         std::int64_t expires_at, const ResetRules& rules) {
  const std::lock_guard lock(m_mutex);
  auto* db = m_db.get();
  Transaction tx(db);
  if (rules.single_use) {
    Stmt(db, "UPDATE password_resets SET used_at = ?2 WHERE user_id = ?1 AND used_at IS NULL")
        .bind(1, user_id)
        .bind(2, now)
        .run();
  }
  Stmt(db, "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) "
           "VALUES (?1, ?2, ?3, ?4)")
      .bind(1, token_hash)
      .bind(2, user_id)
      .bind(3, now)
      .bind(4, expires_at)
      .run();
  tx.commit();
}

bool Store::peek_reset(std::string_view token_hash, std::int64_t now, const ResetRules& rules) {
  const std::lock_guard lock(m_mutex);
  return live_reset_user(m_db.get(), token_hash, now, rules).has_value();
}

std::optional<User> Store::consume_reset(std::string_view token_hash,
                                         std::string_view password_hash, std::int64_t now,
                                         const ResetRules& rules) {
  const std::lock_guard lock(m_mutex);
  auto* db = m_db.get();
  Transaction tx(db);
  const auto found = live_reset_user(db, token_hash, now, rules);
  if (!found) {
    return std::nullopt;
  }
  const auto user_id = *found;
  if (rules.single_use) {
    // This token and every other outstanding one of the user: a new password voids them all.
    Stmt(db, "UPDATE password_resets SET used_at = ?2 WHERE user_id = ?1 AND used_at IS NULL")
        .bind(1, user_id)
        .bind(2, now)
        .run();
  }
  Stmt(db, "UPDATE users SET password_hash = ?2 WHERE id = ?1")
      .bind(1, user_id)
      .bind(2, password_hash)
      .run();
  Stmt(db, "DELETE FROM sessions WHERE user_id = ?1").bind(1, user_id).run();
  auto user = user_by_id(db, user_id);
  tx.commit();
  return user;
}

void Store::audit(std::int64_t org_id, std::int64_t actor_id, std::string_view action,
                  std::string_view detail, std::string_view ip, std::int64_t now) {
  const std::lock_guard lock(m_mutex);
  Stmt stmt(m_db.get(), "INSERT INTO audit_log (org_id, actor_id, action, detail, ip, at) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  stmt.bind(1, org_id);
  if (actor_id > 0) {
    stmt.bind(2, actor_id);
  } else {
    stmt.bind_null(2);
  }
  stmt.bind(3, action).bind(4, detail).bind(5, ip).bind(6, now).run();
}

std::vector<AuditEntry> Store::list_audit(std::int64_t org_id, std::int64_t limit,
                                          std::int64_t offset) {
  const std::lock_guard lock(m_mutex);
  Stmt stmt(m_db.get(), "SELECT a.id, a.at, coalesce(u.email, ''), a.action, a.detail, a.ip "
                        "FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id "
                        "WHERE a.org_id = ?1 ORDER BY a.id DESC LIMIT ?2 OFFSET ?3");
  return all_rows(stmt.bind(1, org_id).bind(2, limit).bind(3, offset), [](Stmt& row) {
    return AuditEntry{row.int_at(0),  row.int_at(1),  row.text_at(2),
                      row.text_at(3), row.text_at(4), row.text_at(5)};
  });
}

} // namespace portal
