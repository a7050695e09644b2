#pragma once
// SQLite storage of the portal: orgs, users, sessions, records, invites, password resets and the
// audit log. One connection, every method serialised by one mutex (see README, "Storage").

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace portal {

struct User {
  std::int64_t id = 0;
  std::int64_t org_id = 0;
  std::string org; // org slug, e.g. "acme"
  std::string email;
  std::string name; // display name
  std::string role; // "admin" or "staff"
  std::string password_hash;
  std::int64_t created_at = 0;
};

struct Record {
  std::int64_t id = 0;
  std::int64_t org_id = 0;
  std::string org;
  std::string title;
  std::string body;
  std::int64_t owner_id = 0;
  std::string owner; // owner's email
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct RecordPage {
  std::vector<Record> records;
  std::int64_t total = 0; // matches before limit/offset
};

// The outcome of a search whose SQL was built from the query text (the sql-injection flaw): the
// rows, or SQLite's error message when the statement did not compile or run.
struct RawSearch {
  std::vector<Record> records;
  std::optional<std::string> error;
};

struct AuditEntry {
  std::int64_t id = 0;
  std::int64_t at = 0;
  std::string actor; // email, or "" for an anonymous event
  std::string action;
  std::string detail;
  std::string ip;
};

// A seed user: `password_hash` is an encoded argon2id hash.
struct SeedUser {
  std::string email;
  std::string org;
  std::string role;
  std::string password_hash;
  std::string name; // display name
};

// A seed record, owned by the `owner_index`-th seed user of its org.
struct SeedRecord {
  std::string org;
  std::string title;
  std::string body;
  std::size_t owner_index = 0;
  std::int64_t created_at = 0;
};

struct Invite {
  std::int64_t org_id = 0;
  std::string email;
  std::string role;
};

enum class AcceptOutcome { accepted, invalid_token, email_taken };

// How password-reset tokens behave: hardened by default, weakened by the reset flaws.
struct ResetRules {
  bool single_use = true; // void once used, when a newer one is requested, when the password
                          // changes (off under reset-reusable)
  bool expires = true;    // expires_at is enforced (off under reset-never-expires)
};

struct SqliteCloser {
  void operator()(sqlite3* db) const;
};

class Store {
public:
  // Opens (creating if needed) the database at `path` (":memory:" for a private in-memory one)
  // and creates the schema. Throws std::runtime_error when SQLite cannot open it.
  explicit Store(const std::string& path);

  // True when the database holds no org yet.
  bool empty();
  // True when a trivial query (SELECT 1 FROM orgs) runs: the health check's database probe.
  // Never throws.
  bool ping();
  // Inserts orgs acme and globex, `users` and `records` in one transaction.
  void seed(const std::vector<SeedUser>& users, const std::vector<SeedRecord>& records);

  std::optional<User> find_user_by_email(std::string_view email);
  std::optional<User> find_user_by_id(std::int64_t id);
  std::vector<User> list_users(std::int64_t org_id);
  std::optional<std::int64_t> find_org_id(std::string_view slug);
  void set_user_name(std::int64_t user_id, std::string_view name);
  void set_user_role(std::int64_t user_id, std::string_view role);

  // Sessions are keyed by the SHA-256 of the token; the token itself is never stored. False
  // (and nothing changed) when a session with `token_hash` exists already.
  bool create_session(std::string_view token_hash, std::int64_t user_id, std::int64_t now,
                      std::int64_t expires_at);
  // The session's user if it exists, `now` is before its absolute expiry and within `idle_limit`
  // seconds of its last use; refreshes last-seen. Deletes an expired session.
  std::optional<User> session_user(std::string_view token_hash, std::int64_t now,
                                   std::int64_t idle_limit);
  void delete_session(std::string_view token_hash);
  void purge_expired_sessions(std::int64_t now, std::int64_t idle_limit);

  // Records of `org_id` whose title or body contains `query` (ASCII case-insensitive; empty
  // matches all), newest first.
  RecordPage list_records(std::int64_t org_id, std::string_view query, std::int64_t limit,
                          std::int64_t offset);
  // Up to `limit` records whose title or body contains `query` (ASCII case-insensitive; `%` and
  // `_` are literals), newest first; restricted to `org_id` when it is given.
  std::vector<Record> search_records(std::optional<std::int64_t> org_id, std::string_view query,
                                     std::int64_t limit);
  // The same search with `query` pasted into the SQL text (the sql-injection flaw, on purpose).
  RawSearch search_records_unsafe(std::optional<std::int64_t> org_id, std::string_view query,
                                  std::int64_t limit);
  // The record `id`; restricted to `org_id` when it is given.
  std::optional<Record> find_record(std::int64_t id, std::optional<std::int64_t> org_id);
  Record create_record(std::int64_t org_id, std::int64_t owner_id, std::string_view title,
                       std::string_view body, std::int64_t now);
  // Updates record `id` (of `org_id` when it is given); nullopt when there is no such record.
  std::optional<Record> update_record(std::int64_t id, std::optional<std::int64_t> org_id,
                                      std::string_view title, std::string_view body,
                                      std::int64_t now);
  // Deletes record `id` (of `org_id` when it is given); false when there is no such record.
  bool delete_record(std::int64_t id, std::optional<std::int64_t> org_id);

  // Invites and password resets are keyed by token hash, single use, with an expiry.
  void create_invite(std::string_view token_hash, const Invite& invite, std::int64_t invited_by,
                     std::int64_t now, std::int64_t expires_at);
  std::optional<Invite> peek_invite(std::string_view token_hash, std::int64_t now);
  // Consumes the invite and creates its user with `password_hash`; `user` receives the new user.
  AcceptOutcome accept_invite(std::string_view token_hash, std::string_view password_hash,
                              std::int64_t now, User& user);
  // Stores a reset token for `user_id`; voids that user's earlier unused ones when `rules` say
  // single use.
  void create_reset(std::string_view token_hash, std::int64_t user_id, std::int64_t now,
                    std::int64_t expires_at, const ResetRules& rules);
  // True when the reset token is unused (and unexpired at `now` if `rules` say it expires).
  bool peek_reset(std::string_view token_hash, std::int64_t now, const ResetRules& rules);
  // Sets the new password and deletes every session of the token's user; when `rules` say single
  // use, also consumes the token and voids every other outstanding reset token of that user.
  std::optional<User> consume_reset(std::string_view token_hash, std::string_view password_hash,
                                    std::int64_t now, const ResetRules& rules);

  // Appends to `org_id`'s audit log. `actor_id` 0 means anonymous. Never pass secrets.
  void audit(std::int64_t org_id, std::int64_t actor_id, std::string_view action,
             std::string_view detail, std::string_view ip, std::int64_t now);
  std::vector<AuditEntry> list_audit(std::int64_t org_id, std::int64_t limit, std::int64_t offset);

private:
  std::mutex m_mutex;
  std::unique_ptr<sqlite3, SqliteCloser> m_db;
};

} // namespace portal
