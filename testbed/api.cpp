// The JSON API of the sample portal (see openapi.cpp for its description): health (a database
// probe), login and logout, the caller's own user and profile, org-scoped records (list, search,
// read, create, update, delete), admin endpoints (users, invites, audit log) and the public
// password-reset and invite flows. Org and owner always come from the session; other orgs' records
// answer 404. GET /api/reports/export is deliberately left out of the OpenAPI document and always
// fails (500): a failing job users can trigger, for the observability gate. Handlers note the
// signed-in caller and non-obvious failure causes for the access log (access_log.hpp). Every
// planted flaw that concerns the API is a `flaws.has(...)` test in this file.

#include "access_log.hpp"
#include "actions.hpp"
#include "server.hpp"
#include "util.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <limits>
#include <memory>
#include <source_location>
#include <thread>
#include <typeinfo>

namespace portal {

namespace {

using httplib::Request;
using httplib::Response;
using nlohmann::json;

constexpr std::size_t k_max_title = 200;
constexpr std::size_t k_max_body = 10000;
constexpr std::size_t k_max_query = 200;
constexpr std::size_t k_max_name = 100;
constexpr std::int64_t k_default_limit = 50;
constexpr std::int64_t k_max_limit = 200;
constexpr std::int64_t k_search_limit = 50;

json user_json(const User& user) {
  return {{"id", user.id},   {"email", user.email},   {"name", user.name},
          {"org", user.org}, {"org_id", user.org_id}, {"role", user.role}};
}

json record_json(const Record& record) {
  return {{"id", record.id},
          {"org", record.org},
          {"org_id", record.org_id},
          {"title", record.title},
          {"body", record.body},
          {"owner", record.owner},
          {"owner_id", record.owner_id},
          {"created_at", rfc3339(record.created_at)},
          {"updated_at", rfc3339(record.updated_at)}};
}

// The no-validation flaw's answer: 500 with a text/plain body that reads like the crash dump of
// an uncaught `type` exception thrown at `where` (function signature, source path and line,
// library and compiler versions), i.e. what a service that lets exceptions escape leaks.
void send_crash_dump(const Request& req, Response& res, std::string_view type,
                     std::string_view what,
                     const std::source_location where = std::source_location::current()) {
  std::string_view file = where.file_name();
  if (const auto slash = file.rfind('/'); slash != std::string_view::npos) {
    file.remove_prefix(slash + 1);
  }
  note_error(fmt::format("internal error: {}", type));
  res.status = 500;
  res.set_content(
      fmt::format(
          "terminate called after throwing an instance of '{}'\n"
          "  what():  {}\n"
          "\n"
          "#0  0x000055555559c7e1 in {} at /home/build/portal/testbed/{}:{}\n"
          "#1  0x00005555555fb2a4 in httplib::Server::dispatch_request(httplib::Request&, "
          "httplib::Response&, std::vector<std::pair<std::__cxx11::basic_regex<char>, "
          "std::function<void (httplib::Request const&, httplib::Response&)> > > const&) at "
          "/usr/include/httplib.h:5722\n"
          "#2  0x00005555555fc9d0 in httplib::Server::routing(httplib::Request&, "
          "httplib::Response&, httplib::Stream&) at /usr/include/httplib.h:5590\n"
          "#3  0x0000555555601e58 in httplib::Server::process_request(httplib::Stream&, bool, "
          "bool&, std::function<void (httplib::Request&)> const&) at "
          "/usr/include/httplib.h:5950\n"
          "#4  0x00007ffff7a94ac3 in start_thread (arg=<optimized out>) at "
          "./nptl/pthread_create.c:442\n"
          "\n"
          "request: {} {}\n"
          "build: launchgate-portal (Debug) g++ {}, nlohmann_json {}.{}.{}, SQLite {}, "
          "database {}\n",
          type, what, where.function_name(), file, where.line(), log_safe(req.method),
          log_safe(req.path), __VERSION__, NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
          NLOHMANN_JSON_VERSION_PATCH, sqlite3_libversion(), "/home/build/portal/var/portal.db"),
      "text/plain");
}

// Answers 403 and returns true when `req` is a cross-site write riding on the session cookie.
bool refuse_csrf(const Context& ctx, const Request& req, Response& res) {
  if (!csrf_refused(ctx, req)) {
    return false;
  }
  send_error(res, 403, "cross-site request refused");
  return true;
}

// The caller's user, or nullopt after answering 401 (no live session) or 403 (cross-site write
// with the session cookie).
std::optional<User> require_user(Context& ctx, const Request& req, Response& res) {
  auto user = ctx.auth.authenticate(request_token(req));
  if (!user) {
    send_error(res, 401, "authentication required");
    return std::nullopt;
  }
  note_user(*user);
  if (refuse_csrf(ctx, req, res)) {
    return std::nullopt;
  }
  return user;
}

// The caller if they may use /api/admin/*, or nullopt after answering 401 or 403.
std::optional<User> require_admin(Context& ctx, const Request& req, Response& res) {
  auto user = require_user(ctx, req, res);
  if (user && user->role != "admin" && !ctx.options.flaws.has(Flaw::staff_can_admin)) {
    send_error(res, 403, "admin role required");
    return std::nullopt;
  }
  return user;
}

// The request body as a JSON object, or nullopt after answering 415 or 400. Requiring
// application/json also keeps cross-site HTML forms (which cannot send it) out of the API.
std::optional<json> json_body(const Context& ctx, const Request& req, Response& res) {
  const auto type = ascii_lower(req.get_header_value("Content-Type"));
  if (!type.starts_with("application/json")) {
    send_error(res, 415, "Content-Type must be application/json");
    return std::nullopt;
  }
  json body;
  if (ctx.options.flaws.has(Flaw::no_validation)) {
    // The flaw: the parser's exception escapes and its crash dump becomes the answer.
    try {
      body = json::parse(req.body);
    } catch (const json::exception& e) {
      send_crash_dump(req, res, type_name(typeid(e)), e.what());
      return std::nullopt;
    }
  } else {
    body = json::parse(req.body, nullptr, false);
  }
  if (body.is_discarded()) {
    send_error(res, 400, "malformed JSON");
    return std::nullopt;
  }
  if (!body.is_object()) {
    send_error(res, 400, "request body must be a JSON object");
    return std::nullopt;
  }
  return body;
}

// The string member `key` of `body`, or nullopt when it is absent or not a string.
std::optional<std::string> string_field(const json& body, const char* key) {
  const auto it = body.find(key);
  if (it == body.end() || !it->is_string()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

// Integer query parameter `name` in [min, max], `fallback` when absent.
std::optional<std::int64_t> int_param(const Request& req, const char* name, std::int64_t fallback,
                                      std::int64_t min, std::int64_t max) {
  if (!req.has_param(name)) {
    return fallback;
  }
  return parse_int(req.get_param_value(name), min, max);
}

// The positive record id the route's pattern captured.
std::optional<std::int64_t> path_id(const Request& req) {
  return parse_int<std::int64_t>(req.matches[1].str(), 1, std::numeric_limits<std::int64_t>::max());
}

struct Paging {
  std::int64_t limit = 0;
  std::int64_t offset = 0;
};

// The `limit` (1..`max_limit`, `default_limit` when absent) and `offset` query parameters, or
// nullopt after answering 400 (or 500 under the no-validation flaw for a non-numeric one).
std::optional<Paging> paging(const Context& ctx, const Request& req, Response& res,
                             std::int64_t default_limit, std::int64_t max_limit) {
  const auto limit = int_param(req, "limit", default_limit, 1, max_limit);
  const auto offset = int_param(req, "offset", 0, 0, 1'000'000'000);
  if ((!limit || !offset) && ctx.options.flaws.has(Flaw::no_validation)) {
    // The flaw: the value goes to std::stoll unchecked, whose exception escapes.
    for (const char* name : {"limit", "offset"}) {
      const auto value = req.get_param_value(name);
      if (req.has_param(name) && !parse_int(value, std::numeric_limits<std::int64_t>::min(),
                                            std::numeric_limits<std::int64_t>::max())) {
        const bool digits = value.find_first_of("0123456789") != std::string::npos &&
                            value.find_first_not_of("-0123456789") == std::string::npos;
        send_crash_dump(req, res, digits ? "std::out_of_range" : "std::invalid_argument", "stoll");
        return std::nullopt;
      }
    }
  }
  if (!limit || !offset) {
    send_error(res, 400, fmt::format("limit must be 1..{} and offset >= 0", max_limit));
    return std::nullopt;
  }
  return Paging{*limit, *offset};
}

// The string members `first` and `second` of the JSON request body, or nullopt after answering
// 415 or 400.
std::optional<std::pair<std::string, std::string>> two_strings(const Context& ctx,
                                                               const Request& req, Response& res,
                                                               const char* first,
                                                               const char* second) {
  const auto body = json_body(ctx, req, res);
  if (!body) {
    return std::nullopt;
  }
  auto a = string_field(*body, first);
  auto b = string_field(*body, second);
  if (!a || !b) {
    send_error(res, 400, fmt::format("{} and {} are required strings", first, second));
    return std::nullopt;
  }
  return std::pair{std::move(*a), std::move(*b)};
}

struct RecordInput {
  std::string title;
  std::string body;
};

// Validates {title, body}: strings only, title 1..200 characters, body at most 10000.
std::optional<RecordInput> record_input(const json& body, Response& res, bool body_required) {
  const auto title = string_field(body, "title");
  if (!title) {
    send_error(res, 400, "title is required and must be a string");
    return std::nullopt;
  }
  std::string text;
  if (body.contains("body")) {
    const auto value = string_field(body, "body");
    if (!value) {
      send_error(res, 400, "body must be a string");
      return std::nullopt;
    }
    text = *value;
  } else if (body_required) {
    send_error(res, 400, "body is required and must be a string");
    return std::nullopt;
  }
  const auto title_length = utf8_length(*title);
  if (title_length < 1 || title_length > k_max_title) {
    send_error(res, 400, fmt::format("title must be 1 to {} characters", k_max_title));
    return std::nullopt;
  }
  if (utf8_length(text) > k_max_body) {
    send_error(res, 400, fmt::format("body must be at most {} characters", k_max_body));
    return std::nullopt;
  }
  return RecordInput{*title, text};
}

// The JSON body as a valid {title, body}, or nullopt after answering 415 or 400.
std::optional<RecordInput> record_body(const Context& ctx, const Request& req, Response& res,
                                       bool body_required) {
  const auto body = json_body(ctx, req, res);
  if (!body) {
    return std::nullopt;
  }
  return record_input(*body, res, body_required);
}

// Appends `action` on record `id` by `user` to the audit log.
void audit_record(Context& ctx, const User& user, const Request& req, std::string_view action,
                  std::int64_t id, std::int64_t now) {
  ctx.store.audit(user.org_id, user.id, action, fmt::format("record={}", id), req.remote_addr, now);
}

void list_records(Context& ctx, const Request& req, Response& res) {
  std::int64_t org_id = 0;
  if (auto user = ctx.auth.authenticate(request_token(req))) {
    note_user(*user);
    org_id = user->org_id;
  } else if (ctx.options.flaws.has(Flaw::open_endpoint)) {
    org_id = ctx.store.find_org_id("acme").value_or(0);
  } else {
    send_error(res, 401, "authentication required");
    return;
  }
  if (ctx.options.flaws.has(Flaw::filter_tampering) && req.has_param("org_id")) {
    // The flaw: an undocumented filter from the client overrides the session's org.
    if (const auto tampered = parse_int<std::int64_t>(req.get_param_value("org_id"), 1,
                                                      std::numeric_limits<std::int64_t>::max())) {
      org_id = *tampered;
    }
  }
  const auto query = req.get_param_value("q");
  const auto page = paging(ctx, req, res, k_default_limit, k_max_limit);
  if (!page) {
    return;
  }
  if (utf8_length(query) > k_max_query || !valid_utf8(query)) {
    send_error(res, 400, fmt::format("q must be at most {} characters", k_max_query));
    return;
  }
  const auto found = ctx.store.list_records(org_id, query, page->limit, page->offset);
  json records = json::array();
  for (const auto& record : found.records) {
    records.push_back(record_json(record));
  }
  send_json(res, 200, {{"records", records}, {"total", found.total}});
}

// The handlers below run once require_user or require_admin has admitted `user`.

void me(Context&, const User& user, const Request&, Response& res) {
  send_json(res, 200, user_json(user));
}

// PATCH /api/me: the caller may change their display name; every other member is ignored (the
// mass-assignment flaw also applies `role`).
void update_me(Context& ctx, const User& user, const Request& req, Response& res) {
  const auto body = json_body(ctx, req, res);
  if (!body) {
    return;
  }
  const auto name = string_field(*body, "name");
  if (!name || utf8_length(*name) < 1 || utf8_length(*name) > k_max_name) {
    send_error(res, 400,
               fmt::format("name is required, a string of 1 to {} characters", k_max_name));
    return;
  }
  ctx.store.set_user_name(user.id, *name);
  std::string fields = "name";
  if (ctx.options.flaws.has(Flaw::mass_assignment)) {
    // The flaw: the body is bound to the user wholesale, protected members included.
    const auto role = string_field(*body, "role");
    if (role && (*role == "admin" || *role == "staff")) {
      ctx.store.set_user_role(user.id, *role);
      fields += ",role";
    }
  }
  ctx.store.audit(user.org_id, user.id, "profile_update", fmt::format("fields={}", fields),
                  req.remote_addr, now_seconds());
  res.status = 204;
}

// GET /api/search?q=: up to 50 records of the caller's org whose title or body contains q.
void search(Context& ctx, const User& user, const Request& req, Response& res) {
  const auto& flaws = ctx.options.flaws;
  if (flaws.has(Flaw::slow_search)) {
    // The flaw: every search holds its worker thread for 800 ms before answering, like a query
    // without an index. cpp-httplib's pool is small (8 threads on up to 9 cores), so enough
    // concurrent searches make every other route wait for a free thread too.
    constexpr auto k_slow_search = std::chrono::milliseconds(800);
    std::this_thread::sleep_for(k_slow_search);
  }
  const auto query = req.get_param_value("q");
  if (!req.has_param("q") || !valid_utf8(query) || utf8_length(query) < 1 ||
      utf8_length(query) > k_max_query) {
    send_error(res, 400, fmt::format("q is required, 1 to {} characters", k_max_query));
    return;
  }
  // Under the search-leak flaw the org restriction is dropped.
  const auto org =
      flaws.has(Flaw::search_leak) ? std::nullopt : std::optional<std::int64_t>(user.org_id);
  std::vector<Record> found;
  if (flaws.has(Flaw::sql_injection)) {
    auto raw = ctx.store.search_records_unsafe(org, query, k_search_limit);
    if (raw.error) {
      // The access log names the cause, without the quoted SQL text (which holds `q`).
      note_error(fmt::format("internal error: sqlite: {}", without_quoted(*raw.error)));
      json answer{{"error", "internal error"}};
      if (flaws.has(Flaw::no_validation)) {
        answer["detail"] = *raw.error; // both flaws: the database's own words reach the client
      }
      send_json(res, 500, answer);
      return;
    }
    found = std::move(raw.records);
  } else {
    found = ctx.store.search_records(org, query, k_search_limit);
  }
  json results = json::array();
  for (const auto& record : found) {
    results.push_back({{"id", record.id},
                       {"org", record.org},
                       {"org_id", record.org_id},
                       {"title", record.title},
                       {"owner", record.owner}});
  }
  send_json(res, 200, {{"results", results}});
}

void get_record(Context& ctx, const User& user, const Request& req, Response& res) {
  const auto id = path_id(req);
  // Under the idor flaw the org restriction is skipped on reads only.
  const auto org =
      ctx.options.flaws.has(Flaw::idor) ? std::nullopt : std::optional<std::int64_t>(user.org_id);
  const auto record = id ? ctx.store.find_record(*id, org) : std::nullopt;
  if (!record) {
    send_error(res, 404, "record not found");
    return;
  }
  send_json(res, 200, record_json(*record));
}

void create_record(Context& ctx, const User& user, const Request& req, Response& res) {
  const auto input = record_body(ctx, req, res, false);
  if (!input) {
    return;
  }
  const auto now = now_seconds();
  const auto record = ctx.store.create_record(user.org_id, user.id, input->title, input->body, now);
  audit_record(ctx, user, req, "record_create", record.id, now);
  res.set_header("Location", fmt::format("/api/records/{}", record.id));
  send_json(res, 201, record_json(record));
}

// The org a write to a record is restricted to: the caller's, or none under the idor-write flaw.
std::optional<std::int64_t> write_scope(const Context& ctx, const User& user) {
  return ctx.options.flaws.has(Flaw::idor_write) ? std::nullopt
                                                 : std::optional<std::int64_t>(user.org_id);
}

void update_record(Context& ctx, const User& user, const Request& req, Response& res) {
  const auto id = path_id(req);
  const auto org = write_scope(ctx, user);
  if (!id || !ctx.store.find_record(*id, org)) {
    send_error(res, 404, "record not found");
    return;
  }
  const auto input = record_body(ctx, req, res, true);
  if (!input) {
    return;
  }
  const auto now = now_seconds();
  const auto record = ctx.store.update_record(*id, org, input->title, input->body, now);
  if (!record) {
    send_error(res, 404, "record not found");
    return;
  }
  audit_record(ctx, user, req, "record_update", *id, now);
  send_json(res, 200, record_json(*record));
}

void delete_record(Context& ctx, const User& user, const Request& req, Response& res) {
  const auto id = path_id(req);
  const auto org = write_scope(ctx, user);
  const auto record = id ? ctx.store.find_record(*id, org) : std::nullopt;
  if (!record) {
    send_error(res, 404, "record not found");
    return;
  }
  // Another org's record gets here only under idor-write, and then nobody is refused.
  if (record->org_id == user.org_id && user.role != "admin" && record->owner_id != user.id) {
    send_error(res, 403, "only an admin or the record's owner may delete it");
    return;
  }
  if (ctx.store.delete_record(*id, org)) {
    audit_record(ctx, user, req, "record_delete", *id, now_seconds());
  }
  res.status = 204;
}

// GET /api/reports/export: an export job whose backend is never there, so every signed-in call
// fails with 500 and an error-level log line naming the cause.
void export_report(Context&, const User&, const Request&, Response& res) {
  note_error("export backend unavailable");
  send_error(res, 500, "export backend unavailable");
}

void admin_users(Context& ctx, const User& admin, const Request&, Response& res) {
  json users = json::array();
  for (const auto& user : ctx.store.list_users(admin.org_id)) {
    auto item = user_json(user);
    item["created_at"] = rfc3339(user.created_at);
    users.push_back(std::move(item));
  }
  send_json(res, 200, {{"users", users}});
}

void admin_invite(Context& ctx, const User& admin, const Request& req, Response& res) {
  const auto fields = two_strings(ctx, req, res, "email", "role");
  if (!fields) {
    return;
  }
  const auto& [email, role] = *fields;
  bool conflict = false;
  std::int64_t expires_at = 0;
  const auto problem = invite_user(ctx, admin, email, role, req.remote_addr, conflict, expires_at);
  if (!problem.empty()) {
    send_error(res, conflict ? 409 : 400, problem);
    return;
  }
  send_json(res, 201,
            {{"email", ascii_lower(email)}, {"role", role}, {"expires_at", rfc3339(expires_at)}});
}

void admin_audit_log(Context& ctx, const User& admin, const Request& req, Response& res) {
  const auto page = paging(ctx, req, res, 100, 500);
  if (!page) {
    return;
  }
  json entries = json::array();
  for (const auto& entry : ctx.store.list_audit(admin.org_id, page->limit, page->offset)) {
    entries.push_back({{"id", entry.id},
                       {"at", rfc3339(entry.at)},
                       {"actor", entry.actor.empty() ? json(nullptr) : json(entry.actor)},
                       {"action", entry.action},
                       {"detail", entry.detail},
                       {"ip", entry.ip}});
  }
  send_json(res, 200, {{"entries", entries}});
}

// The handlers below are public.

// GET /api/health: 200 when the database answers a trivial query, else 503.
void health(Context& ctx, const Request&, Response& res) {
  if (ctx.store.ping()) {
    send_json(res, 200, {{"status", "ok"}, {"database", "ok"}});
    return;
  }
  note_error("database unreachable");
  send_json(res, 503, {{"status", "error"}, {"database", "unreachable"}});
}

void login(Context& ctx, const Request& req, Response& res) {
  const auto fields = two_strings(ctx, req, res, "email", "password");
  if (!fields) {
    return;
  }
  const auto& [email, password] = *fields;
  const auto result = sign_in(ctx, email, password, req.remote_addr, cookie_value(req, "session"));
  if (result.retry_after > 0) {
    res.set_header("Retry-After", std::to_string(result.retry_after));
    send_error(res, 429, "too many failed logins, try again later");
    return;
  }
  if (!result.session) {
    send_error(res, 401, "invalid email or password");
    return;
  }
  res.set_header("Set-Cookie", session_cookie(ctx, result.session->token));
  send_json(res, 200,
            {{"token", result.session->token}, {"user", user_json(result.session->user)}});
}

void logout(Context& ctx, const Request& req, Response& res) {
  const auto token = request_token(req);
  const auto user = ctx.auth.authenticate(token);
  if (!user) {
    send_error(res, 401, "authentication required");
    return;
  }
  note_user(*user);
  if (refuse_csrf(ctx, req, res)) {
    return;
  }
  sign_out(ctx, token, *user, req.remote_addr);
  res.set_header("Set-Cookie", cleared_session_cookie(ctx));
  res.status = 204;
}

void password_reset(Context& ctx, const Request& req, Response& res) {
  const auto body = json_body(ctx, req, res);
  if (!body) {
    return;
  }
  const auto email = string_field(*body, "email");
  if (!email) {
    send_error(res, 400, "email is required and must be a string");
    return;
  }
  const bool exists = request_password_reset(ctx, *email, req.remote_addr);
  if (!exists && ctx.options.flaws.has(Flaw::reset_enumeration)) {
    // The flaw: the answer tells which addresses have an account.
    send_error(res, 404, "no account with this email");
    return;
  }
  send_json(res, 202, {{"status", "sent if the account exists"}});
}

// Answers a token flow's outcome other than success; true when it did.
bool send_token_failure(TokenOutcome outcome, std::string_view password, Response& res) {
  switch (outcome) {
  case TokenOutcome::done:
    return false;
  case TokenOutcome::weak_password:
    send_error(res, 400, password_problem(password));
    break;
  case TokenOutcome::invalid_token:
    send_error(res, 400, "invalid or expired token");
    break;
  case TokenOutcome::email_taken:
    send_error(res, 409, "a user with this email already exists");
    break;
  }
  return true;
}

void password_reset_confirm(Context& ctx, const Request& req, Response& res) {
  const auto fields = two_strings(ctx, req, res, "token", "password");
  if (!fields) {
    return;
  }
  const auto& [token, password] = *fields;
  const auto outcome = confirm_password_reset(ctx, token, password, req.remote_addr);
  if (!send_token_failure(outcome, password, res)) {
    res.status = 204;
  }
}

void invite_accept(Context& ctx, const Request& req, Response& res) {
  const auto fields = two_strings(ctx, req, res, "token", "password");
  if (!fields) {
    return;
  }
  const auto& [token, password] = *fields;
  User user;
  const auto outcome = accept_invite(ctx, token, password, req.remote_addr, user);
  if (!send_token_failure(outcome, password, res)) {
    send_json(res, 201, user_json(user));
  }
}

} // namespace

void install_api_routes(httplib::Server& server, Context& ctx) {
  using Handler = void (*)(Context&, const Request&, Response&);
  using UserHandler = void (*)(Context&, const User&, const Request&, Response&);
  using Gate = std::optional<User> (*)(Context&, const Request&, Response&);
  // A public route forwards to a handler taking the shared context.
  const auto route = [&ctx](Handler handler) {
    return [&ctx, handler](const Request& req, Response& res) { handler(ctx, req, res); };
  };
  // A protected route runs its handler only for a caller that `gate` (require_user or
  // require_admin) admits; otherwise the gate has answered.
  const auto guarded = [&ctx](Gate gate, UserHandler handler) {
    return [&ctx, gate, handler](const Request& req, Response& res) {
      if (const auto user = gate(ctx, req, res)) {
        handler(ctx, *user, req, res);
      }
    };
  };
  if (!ctx.options.flaws.has(Flaw::no_health)) { // the flaw: no health route at all (404)
    server.Get("/api/health", route(health));
  }
  server.Get("/openapi.json", [&ctx](const Request&, Response& res) {
    send_json(res, 200, openapi_document(ctx.base_url));
  });
  server.Post("/api/login", route(login));
  server.Post("/api/logout", route(logout));
  server.Get("/api/me", guarded(require_user, me));
  server.Patch("/api/me", guarded(require_user, update_me));
  server.Get("/api/search", guarded(require_user, search));
  server.Get("/api/records", route(list_records));
  server.Post("/api/records", guarded(require_user, create_record));
  server.Get(R"(/api/records/(\d{1,18}))", guarded(require_user, get_record));
  server.Put(R"(/api/records/(\d{1,18}))", guarded(require_user, update_record));
  server.Delete(R"(/api/records/(\d{1,18}))", guarded(require_user, delete_record));
  server.Get("/api/reports/export", guarded(require_user, export_report)); // not in openapi.cpp
  server.Get("/api/admin/users", guarded(require_admin, admin_users));
  server.Post("/api/admin/invites", guarded(require_admin, admin_invite));
  server.Get("/api/admin/audit-log", guarded(require_admin, admin_audit_log));
  server.Post("/api/password-reset", route(password_reset));
  server.Post("/api/password-reset/confirm", route(password_reset_confirm));
  server.Post("/api/invites/accept", route(invite_accept));
}

} // namespace portal
