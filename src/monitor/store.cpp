// The monitor's SQLite store: schema version 1 kept in `lg_meta`, check names interned in
// `checks`, one row per run in `results` (indexed by check and time, the index covering the
// uptime and latency queries), incidents with at most one open per check (a partial unique
// index). WAL journal with synchronous=NORMAL for files; prepared statements cached per store.
// SQLite's corrupt and not-a-database codes become `parse` errors, every other failure `io`.

#include "monitor/store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <unordered_map>
#include <utility>

namespace lg::monitor {
namespace {

constexpr const char* k_application = "launchgate.monitor";
/// Messages and causes longer than this are cut (at a UTF-8 boundary) before they are stored.
constexpr std::size_t k_max_text = 2048;
constexpr std::int64_t k_day_ms = 24LL * 3600 * 1000;

struct DbClose {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalize {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using DbPtr = std::unique_ptr<sqlite3, DbClose>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

Error sql_error(sqlite3* db, int rc, const std::string& what) {
  int primary = rc & 0xff;
  auto kind =
      (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) ? ErrorKind::parse : ErrorKind::io;
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return make_error(kind, "monitor store: " + what + ": " + detail);
}

std::string cut(const std::string& text) {
  if (text.size() <= k_max_text)
    return text;
  std::size_t n = k_max_text;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80)
    --n;
  return text.substr(0, n);
}

const char* const k_schema[] = {
    "CREATE TABLE lg_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE checks(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
    ("CREATE TABLE results(check_id INTEGER NOT NULL REFERENCES checks(id), at_ms INTEGER NOT "
     "NULL, ok INTEGER NOT NULL, status INTEGER NOT NULL, latency_ms REAL NOT NULL, message TEXT "
     "NOT NULL)"),
    "CREATE INDEX results_by_check_time ON results(check_id, at_ms, ok, latency_ms)",
    ("CREATE TABLE incidents(id INTEGER PRIMARY KEY, check_id INTEGER NOT NULL REFERENCES "
     "checks(id), opened_ms INTEGER NOT NULL, closed_ms INTEGER, cause TEXT NOT NULL)"),
    "CREATE UNIQUE INDEX incidents_one_open ON incidents(check_id) WHERE closed_ms IS NULL",
    "CREATE INDEX incidents_by_close ON incidents(closed_ms)",
};

} // namespace

struct MonitorStore::Impl {
  DbPtr db; // declared first: destroyed after the statements
  std::unordered_map<std::string, StmtPtr> statements;
  std::unordered_map<std::string, std::int64_t> check_ids;

  /// A cached statement borrowed for one use: bound, stepped, then reset on destruction.
  class Query {
  public:
    Query(sqlite3* connection, sqlite3_stmt* stmt) : m_db(connection), m_stmt(stmt) {}
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;
    ~Query() {
      sqlite3_reset(m_stmt);
      sqlite3_clear_bindings(m_stmt);
    }
    Query& bind(int index, std::int64_t value) {
      note(sqlite3_bind_int64(m_stmt, index, value));
      return *this;
    }
    Query& bind(int index, double value) {
      note(sqlite3_bind_double(m_stmt, index, value));
      return *this;
    }
    Query& bind(int index, const std::string& value) {
      note(sqlite3_bind_text(m_stmt, index, value.data(), static_cast<int>(value.size()),
                             SQLITE_TRANSIENT));
      return *this;
    }
    /// True for a row, false when done.
    Expected<bool> step() {
      if (m_bind_rc != SQLITE_OK)
        return unexpected(sql_error(m_db, m_bind_rc, "bind"));
      int rc = sqlite3_step(m_stmt);
      if (rc == SQLITE_ROW)
        return true;
      if (rc == SQLITE_DONE)
        return false;
      return unexpected(sql_error(m_db, rc, sqlite3_sql(m_stmt)));
    }
    /// Steps a statement that returns no row.
    Expected<void> run() {
      auto r = step();
      if (!r)
        return unexpected(r.error());
      return {};
    }
    std::int64_t integer(int column) const { return sqlite3_column_int64(m_stmt, column); }
    double real(int column) const { return sqlite3_column_double(m_stmt, column); }
    bool is_null(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }
    std::string text(int column) const {
      const auto* p = sqlite3_column_text(m_stmt, column);
      int n = sqlite3_column_bytes(m_stmt, column);
      return p == nullptr
                 ? std::string()
                 : std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
    }

  private:
    void note(int rc) {
      if (m_bind_rc == SQLITE_OK)
        m_bind_rc = rc;
    }
    sqlite3* m_db;
    sqlite3_stmt* m_stmt;
    int m_bind_rc = SQLITE_OK;
  };

  /// The cached statement for `sql`, prepared on first use.
  Expected<sqlite3_stmt*> prepare(const std::string& sql) {
    auto it = statements.find(sql);
    if (it != statements.end())
      return it->second.get();
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v3(db.get(), sql.c_str(), static_cast<int>(sql.size() + 1),
                                SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    StmtPtr stmt(raw);
    if (rc != SQLITE_OK)
      return unexpected(sql_error(db.get(), rc, "prepare"));
    return statements.emplace(sql, std::move(stmt)).first->second.get();
  }

  /// An incident from a row of (id, name, opened_ms, closed_ms, cause).
  static Incident incident(const Query& q) {
    Incident i;
    i.id = q.integer(0);
    i.check = q.text(1);
    i.opened_ms = q.integer(2);
    if (!q.is_null(3))
      i.closed_ms = q.integer(3);
    i.cause = q.text(4);
    return i;
  }

  Expected<void> exec(const std::string& sql) {
    auto stmt = LG_TRY(prepare(sql));
    Query q(db.get(), stmt);
    return q.run();
  }

  /// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless committed.
  class Transaction {
  public:
    explicit Transaction(Impl& impl) : m_impl(impl) {}
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    Expected<void> begin() {
      LG_TRY_VOID(m_impl.exec("BEGIN IMMEDIATE"));
      m_open = true;
      return {};
    }
    Expected<void> commit() {
      LG_TRY_VOID(m_impl.exec("COMMIT"));
      m_open = false;
      return {};
    }
    ~Transaction() {
      if (!m_open)
        return;
      (void)m_impl.exec("ROLLBACK");
      m_impl.check_ids.clear(); // ids inserted by the rolled-back transaction are gone
    }

  private:
    Impl& m_impl;
    bool m_open = false;
  };

  /// The id of check `name`; 0 when unknown and `create` is false.
  Expected<std::int64_t> check_id(const std::string& name, bool create) {
    auto it = check_ids.find(name);
    if (it != check_ids.end())
      return it->second;
    {
      auto stmt = LG_TRY(prepare("SELECT id FROM checks WHERE name = ?1"));
      Query q(db.get(), stmt);
      q.bind(1, name);
      if (LG_TRY(q.step())) {
        auto id = q.integer(0);
        check_ids.emplace(name, id);
        return id;
      }
    }
    if (!create)
      return std::int64_t{0};
    auto stmt = LG_TRY(prepare("INSERT INTO checks(name) VALUES(?1)"));
    Query q(db.get(), stmt);
    q.bind(1, name);
    LG_TRY_VOID(q.run());
    auto id = sqlite3_last_insert_rowid(db.get());
    check_ids.emplace(name, id);
    return id;
  }

  Expected<void> insert(const CheckRun& run) {
    auto id = LG_TRY(check_id(run.check, true));
    auto stmt = LG_TRY(prepare("INSERT INTO results(check_id, at_ms, ok, status, latency_ms, "
                               "message) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"));
    Query q(db.get(), stmt);
    q.bind(1, id)
        .bind(2, run.at_ms)
        .bind(3, std::int64_t{run.ok ? 1 : 0})
        .bind(4, std::int64_t{run.status})
        .bind(5, run.latency_ms)
        .bind(6, cut(run.message));
    return q.run();
  }

  /// Creates the schema in an empty database, or checks that the tables there are ours.
  Expected<void> init_schema(const std::string& path) {
    Transaction tx(*this);
    LG_TRY_VOID(tx.begin());
    std::int64_t tables = 0;
    {
      auto stmt = LG_TRY(prepare("SELECT count(*) FROM sqlite_master"));
      Query q(db.get(), stmt);
      if (LG_TRY(q.step()))
        tables = q.integer(0);
    }
    if (tables == 0) {
      for (const char* sql : k_schema) {
        char* message = nullptr;
        int rc = sqlite3_exec(db.get(), sql, nullptr, nullptr, &message);
        sqlite3_free(message);
        if (rc != SQLITE_OK)
          return unexpected(sql_error(db.get(), rc, "create schema"));
      }
      auto stmt = LG_TRY(prepare("INSERT INTO lg_meta(key, value) VALUES(?1, ?2)"));
      {
        Query q(db.get(), stmt);
        q.bind(1, std::string("application")).bind(2, std::string(k_application));
        LG_TRY_VOID(q.run());
      }
      Query q(db.get(), stmt);
      q.bind(1, std::string("schema_version")).bind(2, std::to_string(k_schema_version));
      LG_TRY_VOID(q.run());
      return tx.commit();
    }
    // An existing database: it must be a launchgate monitor store of this schema version.
    std::string application;
    std::string version;
    {
      sqlite3_stmt* raw = nullptr;
      const char* sql = "SELECT key, value FROM lg_meta";
      int rc = sqlite3_prepare_v2(db.get(), sql, -1, &raw, nullptr);
      StmtPtr stmt(raw);
      if (rc != SQLITE_OK)
        return unexpected(ErrorKind::parse, "monitor store: " + path +
                                                " is a SQLite database of something else (no "
                                                "lg_meta table); give monitor.store another file");
      Query q(db.get(), stmt.get());
      for (int row = 0; row < 64 && LG_TRY(q.step()); ++row) {
        if (q.text(0) == "application")
          application = q.text(1);
        else if (q.text(0) == "schema_version")
          version = q.text(1);
      }
    }
    if (application != k_application)
      return unexpected(ErrorKind::parse, "monitor store: " + path +
                                              " belongs to another application ('" + application +
                                              "')");
    if (version != std::to_string(k_schema_version))
      return unexpected(ErrorKind::parse, "monitor store: " + path + " has schema version " +
                                              (version.empty() ? std::string("(none)") : version) +
                                              ", this launchgate reads version " +
                                              std::to_string(k_schema_version));
    return tx.commit();
  }
};

MonitorStore::MonitorStore(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
MonitorStore::MonitorStore(MonitorStore&&) noexcept = default;
MonitorStore& MonitorStore::operator=(MonitorStore&&) noexcept = default;
MonitorStore::~MonitorStore() = default;

#define LG_STORE_READY()                                                                           \
  do {                                                                                             \
    if (!m_impl)                                                                                   \
      return unexpected(ErrorKind::internal, "monitor store: used after move");                    \
  } while (false)

Expected<MonitorStore> MonitorStore::open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  impl->db.reset(raw);
  if (rc != SQLITE_OK)
    return unexpected(sql_error(raw, rc, "cannot open " + path));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 5000);

  // The first read tells a database from other bytes (SQLITE_NOTADB) before anything is written.
  {
    sqlite3_stmt* probe = nullptr;
    rc = sqlite3_prepare_v2(raw, "SELECT count(*) FROM sqlite_master", -1, &probe, nullptr);
    StmtPtr stmt(probe);
    if (rc == SQLITE_OK) {
      rc = sqlite3_step(probe);
      if (rc == SQLITE_ROW)
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK) {
      auto e = sql_error(raw, rc, path);
      if ((rc & 0xff) == SQLITE_NOTADB)
        e.message = "monitor store: " + path + " is not a SQLite database";
      return unexpected(std::move(e));
    }
  }
  if (path != ":memory:" && !path.empty()) {
    // WAL: readers (the status page) never wait for the writer. NORMAL sync is durable up to
    // the last checkpoint, enough for a monitor. The WAL file is truncated back to 16 MiB.
    auto stmt = LG_TRY(impl->prepare("PRAGMA journal_mode=WAL"));
    Impl::Query q(raw, stmt);
    if (!LG_TRY(q.step()) || q.text(0) != "wal")
      return unexpected(ErrorKind::io, "monitor store: " + path + " cannot use a WAL journal");
  }
  LG_TRY_VOID(impl->exec("PRAGMA synchronous=NORMAL"));
  LG_TRY_VOID(impl->exec("PRAGMA journal_size_limit=16777216"));
  // A small page cache: the writes touch only the newest pages, and the status page's range
  // scans are served from the OS's file cache. SQLite's default (2 MiB) would grow the monitor's
  // memory for days as the file grows (bench/README.md, the monitor's memory over a week).
  LG_TRY_VOID(impl->exec("PRAGMA cache_size=-64"));
  LG_TRY_VOID(impl->init_schema(path));
  return MonitorStore(std::move(impl));
}

Expected<void> MonitorStore::record(const CheckRun& run) {
  LG_STORE_READY();
  Impl::Transaction tx(*m_impl);
  LG_TRY_VOID(tx.begin());
  LG_TRY_VOID(m_impl->insert(run));
  return tx.commit();
}

Expected<void> MonitorStore::record_all(const std::vector<CheckRun>& runs) {
  LG_STORE_READY();
  Impl::Transaction tx(*m_impl);
  LG_TRY_VOID(tx.begin());
  for (const auto& run : runs)
    LG_TRY_VOID(m_impl->insert(run));
  return tx.commit();
}

Expected<std::optional<CheckRun>> MonitorStore::last(const std::string& check) {
  LG_STORE_READY();
  auto id = LG_TRY(m_impl->check_id(check, false));
  if (id == 0)
    return std::optional<CheckRun>();
  auto stmt = LG_TRY(m_impl->prepare("SELECT at_ms, ok, status, latency_ms, message FROM results "
                                     "WHERE check_id = ?1 ORDER BY at_ms DESC LIMIT 1"));
  Impl::Query q(m_impl->db.get(), stmt);
  q.bind(1, id);
  if (!LG_TRY(q.step()))
    return std::optional<CheckRun>();
  CheckRun run;
  run.check = check;
  run.at_ms = q.integer(0);
  run.ok = q.integer(1) != 0;
  run.status = static_cast<int>(q.integer(2));
  run.latency_ms = q.real(3);
  run.message = q.text(4);
  return std::optional<CheckRun>(std::move(run));
}

Expected<Uptime> MonitorStore::uptime(const std::string& check, std::int64_t from_ms,
                                      std::int64_t to_ms) {
  LG_STORE_READY();
  Uptime result;
  auto id = LG_TRY(m_impl->check_id(check, false));
  if (id == 0 || to_ms <= from_ms)
    return result;
  auto stmt = LG_TRY(m_impl->prepare("SELECT count(*), coalesce(sum(ok), 0) FROM results WHERE "
                                     "check_id = ?1 AND at_ms >= ?2 AND at_ms < ?3"));
  Impl::Query q(m_impl->db.get(), stmt);
  q.bind(1, id).bind(2, from_ms).bind(3, to_ms);
  if (LG_TRY(q.step())) {
    result.total = q.integer(0);
    result.ok = q.integer(1);
  }
  return result;
}

Expected<UptimeSummary> MonitorStore::uptime_summary(const std::string& check,
                                                     std::int64_t now_ms) {
  UptimeSummary s;
  s.day = LG_TRY(uptime(check, now_ms - k_day_ms, now_ms));
  s.week = LG_TRY(uptime(check, now_ms - 7 * k_day_ms, now_ms));
  s.month = LG_TRY(uptime(check, now_ms - 30 * k_day_ms, now_ms));
  return s;
}

Expected<std::int64_t> MonitorStore::open_incident(const std::string& check, std::int64_t at_ms,
                                                   const std::string& cause) {
  LG_STORE_READY();
  Impl::Transaction tx(*m_impl);
  LG_TRY_VOID(tx.begin());
  auto id = LG_TRY(m_impl->check_id(check, true));
  {
    auto stmt = LG_TRY(
        m_impl->prepare("SELECT id FROM incidents WHERE check_id = ?1 AND closed_ms IS NULL"));
    Impl::Query q(m_impl->db.get(), stmt);
    q.bind(1, id);
    if (LG_TRY(q.step())) {
      auto existing = q.integer(0);
      LG_TRY_VOID(tx.commit());
      return existing;
    }
  }
  auto stmt = LG_TRY(m_impl->prepare(
      "INSERT INTO incidents(check_id, opened_ms, closed_ms, cause) VALUES(?1, ?2, NULL, ?3)"));
  {
    Impl::Query q(m_impl->db.get(), stmt);
    q.bind(1, id).bind(2, at_ms).bind(3, cut(cause));
    LG_TRY_VOID(q.run());
  }
  auto incident = sqlite3_last_insert_rowid(m_impl->db.get());
  LG_TRY_VOID(tx.commit());
  return incident;
}

Expected<bool> MonitorStore::close_incident(const std::string& check, std::int64_t at_ms) {
  LG_STORE_READY();
  auto id = LG_TRY(m_impl->check_id(check, false));
  if (id == 0)
    return false;
  // An incident never closes before it opened, whatever the caller's clock did.
  auto stmt = LG_TRY(m_impl->prepare("UPDATE incidents SET closed_ms = max(?2, opened_ms) WHERE "
                                     "check_id = ?1 AND closed_ms IS NULL"));
  Impl::Query q(m_impl->db.get(), stmt);
  q.bind(1, id).bind(2, at_ms);
  LG_TRY_VOID(q.run());
  return sqlite3_changes(m_impl->db.get()) > 0;
}

Expected<std::vector<Incident>> MonitorStore::open_incidents() {
  LG_STORE_READY();
  auto stmt = LG_TRY(m_impl->prepare(
      "SELECT i.id, c.name, i.opened_ms, i.closed_ms, i.cause FROM incidents i JOIN checks c ON "
      "c.id = i.check_id WHERE i.closed_ms IS NULL ORDER BY i.opened_ms, i.id"));
  Impl::Query q(m_impl->db.get(), stmt);
  std::vector<Incident> out;
  // At most one open incident per check (a unique index), so the loop is bounded by the checks.
  while (LG_TRY(q.step()))
    out.push_back(Impl::incident(q));
  return out;
}

Expected<std::vector<Incident>> MonitorStore::incidents(std::int64_t since_ms, int limit) {
  LG_STORE_READY();
  std::vector<Incident> out;
  limit = std::min(limit, k_max_incidents);
  if (limit <= 0)
    return out;
  auto stmt = LG_TRY(m_impl->prepare(
      "SELECT i.id, c.name, i.opened_ms, i.closed_ms, i.cause FROM incidents i JOIN checks c ON "
      "c.id = i.check_id WHERE i.closed_ms IS NULL OR i.closed_ms >= ?1 "
      "ORDER BY i.opened_ms DESC, i.id DESC LIMIT ?2"));
  Impl::Query q(m_impl->db.get(), stmt);
  q.bind(1, since_ms).bind(2, std::int64_t{limit});
  while (LG_TRY(q.step()))
    out.push_back(Impl::incident(q));
  return out;
}

Expected<PruneCounts> MonitorStore::prune(std::int64_t older_than_ms) {
  return prune(Retention{0, 0}, older_than_ms);
}

Expected<PruneCounts> MonitorStore::prune(const Retention& retention, std::int64_t now_ms) {
  LG_STORE_READY();
  PruneCounts counts;
  auto* db = m_impl->db.get();
  Impl::Transaction tx(*m_impl);
  LG_TRY_VOID(tx.begin());
  std::vector<std::int64_t> ids;
  {
    auto stmt = LG_TRY(m_impl->prepare("SELECT id FROM checks"));
    Impl::Query q(db, stmt);
    while (LG_TRY(q.step()))
      ids.push_back(q.integer(0));
  }
  // Per check, so that each delete is a range of the (check_id, at_ms) index.
  auto results_before = now_ms - retention.results_ms;
  for (auto id : ids) {
    auto stmt = LG_TRY(m_impl->prepare("DELETE FROM results WHERE check_id = ?1 AND at_ms < ?2"));
    Impl::Query q(db, stmt);
    q.bind(1, id).bind(2, results_before);
    LG_TRY_VOID(q.run());
    counts.results += sqlite3_changes(db);
  }
  {
    auto stmt = LG_TRY(
        m_impl->prepare("DELETE FROM incidents WHERE closed_ms IS NOT NULL AND closed_ms < ?1"));
    Impl::Query q(db, stmt);
    q.bind(1, now_ms - retention.incidents_ms);
    LG_TRY_VOID(q.run());
    counts.incidents = sqlite3_changes(db);
  }
  LG_TRY_VOID(tx.commit());
  return counts;
}

Expected<std::vector<LatencyBucket>> MonitorStore::latency_series(const std::string& check,
                                                                  std::int64_t from_ms,
                                                                  std::int64_t to_ms, int buckets) {
  LG_STORE_READY();
  std::vector<LatencyBucket> out;
  std::int64_t span = 0;
  if (to_ms <= from_ms || __builtin_sub_overflow(to_ms, from_ms, &span))
    return out;
  auto n = static_cast<std::int64_t>(std::clamp(buckets, 1, k_max_buckets));
  n = std::min(n, span);
  auto width = span / n;
  out.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    LatencyBucket b;
    b.from_ms = from_ms + i * width;
    b.to_ms = i + 1 == n ? to_ms : b.from_ms + width;
    out.push_back(b);
  }
  auto id = LG_TRY(m_impl->check_id(check, false));
  if (id == 0)
    return out;
  auto stmt = LG_TRY(m_impl->prepare(
      "SELECT min((at_ms - ?2) / ?4, ?5 - 1) AS slice, count(*), min(latency_ms), "
      "avg(latency_ms), max(latency_ms) FROM results WHERE check_id = ?1 AND at_ms >= ?2 AND "
      "at_ms < ?3 GROUP BY slice"));
  Impl::Query q(m_impl->db.get(), stmt);
  q.bind(1, id).bind(2, from_ms).bind(3, to_ms).bind(4, width).bind(5, n);
  for (std::int64_t rows = 0; rows < n && LG_TRY(q.step()); ++rows) {
    auto slice = q.integer(0);
    if (slice < 0 || slice >= n)
      continue;
    auto& b = out[static_cast<std::size_t>(slice)];
    b.count = q.integer(1);
    b.min_ms = q.real(2);
    b.avg_ms = q.real(3);
    b.max_ms = q.real(4);
  }
  return out;
}

Expected<std::vector<std::string>> MonitorStore::checks() {
  LG_STORE_READY();
  auto stmt = LG_TRY(m_impl->prepare("SELECT name FROM checks c WHERE EXISTS (SELECT 1 FROM "
                                     "results r WHERE r.check_id = c.id) ORDER BY name"));
  Impl::Query q(m_impl->db.get(), stmt);
  std::vector<std::string> out;
  while (LG_TRY(q.step()))
    out.push_back(q.text(0));
  return out;
}

} // namespace lg::monitor
