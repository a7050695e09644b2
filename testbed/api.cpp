// The JSON API of the sample portal (see openapi.cpp for its description): health, login and
// logout, the caller's own user, org-scoped records (list, search, read, create, update, delete),
// admin endpoints (users, invites, audit log) and the public password-reset and invite flows.
// Org and owner always come from the session; reads of other orgs' records answer 404.

#include "actions.hpp"
#include "server.hpp"
#include "util.hpp"

#include <charconv>
#include <fmt/format.h>

namespace portal {

namespace {

using httplib::Request;
using httplib::Response;
using nlohmann::json;

constexpr std::size_t k_max_title = 200;
constexpr std::size_t k_max_body = 10000;
constexpr std::size_t k_max_query = 200;
constexpr std::int64_t k_default_limit = 50;
constexpr std::int64_t k_max_limit = 200;

json user_json(const User& user) {
  return {{"id", user.id}, {"email", user.email}, {"org", user.org}, {"role", user.role}};
}

json record_json(const Record& record) {
  return {{"id", record.id},
          {"org", record.org},
          {"title", record.title},
          {"body", record.body},
          {"owner", record.owner},
          {"created_at", rfc3339(record.created_at)},
          {"updated_at", rfc3339(record.updated_at)}};
}

// The caller's user, or nullopt after answering 401.
std::optional<User> require_user(Context& ctx, const Request& req, Response& res) {
  auto user = ctx.auth.authenticate(request_token(req));
  if (!user) {
    send_error(res, 401, "authentication required");
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
std::optional<json> json_body(const Request& req, Response& res) {
  const auto type = ascii_lower(req.get_header_value("Content-Type"));
  if (!type.starts_with("application/json")) {
    send_error(res, 415, "Content-Type must be application/json");
    return std::nullopt;
  }
  auto body = json::parse(req.body, nullptr, false);
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

// Non-negative integer query parameter `name` in [min, max], `fallback` when absent.
std::optional<std::int64_t> int_param(const Request& req, const char* name, std::int64_t fallback,
                                      std::int64_t min, std::int64_t max) {
  if (!req.has_param(name)) {
    return fallback;
  }
  const auto text = req.get_param_value(name);
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> path_id(const Request& req) {
  const auto text = req.matches[1].str();
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value <= 0) {
    return std::nullopt;
  }
  return value;
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

void list_records(Context& ctx, const Request& req, Response& res) {
  std::int64_t org_id = 0;
  if (auto user = ctx.auth.authenticate(request_token(req))) {
    org_id = user->org_id;
  } else if (ctx.options.flaws.has(Flaw::open_endpoint)) {
    org_id = ctx.store.find_org_id("acme").value_or(0);
  } else {
    send_error(res, 401, "authentication required");
    return;
  }
  const auto query = req.get_param_value("q");
  const auto limit = int_param(req, "limit", k_default_limit, 1, k_max_limit);
  const auto offset = int_param(req, "offset", 0, 0, 1'000'000'000);
  if (!limit || !offset) {
    send_error(res, 400, fmt::format("limit must be 1..{} and offset >= 0", k_max_limit));
    return;
  }
  if (utf8_length(query) > k_max_query || !valid_utf8(query)) {
    send_error(res, 400, fmt::format("q must be at most {} characters", k_max_query));
    return;
  }
  const auto page = ctx.store.list_records(org_id, query, *limit, *offset);
  json records = json::array();
  for (const auto& record : page.records) {
    records.push_back(record_json(record));
  }
  send_json(res, 200, {{"records", records}, {"total", page.total}});
}

void get_record(Context& ctx, const Request& req, Response& res) {
  const auto user = require_user(ctx, req, res);
  if (!user) {
    return;
  }
  const auto id = path_id(req);
  // Under the idor flaw the org restriction is skipped on reads only.
  const auto org =
      ctx.options.flaws.has(Flaw::idor) ? std::nullopt : std::optional<std::int64_t>(user->org_id);
  const auto record = id ? ctx.store.find_record(*id, org) : std::nullopt;
  if (!record) {
    send_error(res, 404, "record not found");
    return;
  }
  send_json(res, 200, record_json(*record));
}

void create_record(Context& ctx, const Request& req, Response& res) {
  const auto user = require_user(ctx, req, res);
  if (!user) {
    return;
  }
  const auto body = json_body(req, res);
  if (!body) {
    return;
  }
  const auto input = record_input(*body, res, false);
  if (!input) {
    return;
  }
  const auto now = now_seconds();
  const auto record =
      ctx.store.create_record(user->org_id, user->id, input->title, input->body, now);
  ctx.store.audit(user->org_id, user->id, "record_create", fmt::format("record={}", record.id),
                  req.remote_addr, now);
  res.set_header("Location", fmt::format("/api/records/{}", record.id));
  send_json(res, 201, record_json(record));
}

void update_record(Context& ctx, const Request& req, Response& res) {
  const auto user = require_user(ctx, req, res);
  if (!user) {
    return;
  }
  const auto id = path_id(req);
  if (!id || !ctx.store.find_record(*id, user->org_id)) {
    send_error(res, 404, "record not found");
    return;
  }
  const auto body = json_body(req, res);
  if (!body) {
    return;
  }
  const auto input = record_input(*body, res, true);
  if (!input) {
    return;
  }
  const auto now = now_seconds();
  const auto record = ctx.store.update_record(*id, user->org_id, input->title, input->body, now);
  if (!record) {
    send_error(res, 404, "record not found");
    return;
  }
  ctx.store.audit(user->org_id, user->id, "record_update", fmt::format("record={}", *id),
                  req.remote_addr, now);
  send_json(res, 200, record_json(*record));
}

void delete_record(Context& ctx, const Request& req, Response& res) {
  const auto user = require_user(ctx, req, res);
  if (!user) {
    return;
  }
  const auto id = path_id(req);
  const auto record = id ? ctx.store.find_record(*id, user->org_id) : std::nullopt;
  if (!record) {
    send_error(res, 404, "record not found");
    return;
  }
  if (user->role != "admin" && record->owner_id != user->id) {
    send_error(res, 403, "only an admin or the record's owner may delete it");
    return;
  }
  if (ctx.store.delete_record(*id, user->org_id)) {
    ctx.store.audit(user->org_id, user->id, "record_delete", fmt::format("record={}", *id),
                    req.remote_addr, now_seconds());
  }
  res.status = 204;
}

void login(Context& ctx, const Request& req, Response& res) {
  const auto body = json_body(req, res);
  if (!body) {
    return;
  }
  const auto email = string_field(*body, "email");
  const auto password = string_field(*body, "password");
  if (!email || !password) {
    send_error(res, 400, "email and password are required strings");
    return;
  }
  const auto result = sign_in(ctx, *email, *password, req.remote_addr);
  if (!result) {
    send_error(res, 401, "invalid email or password");
    return;
  }
  res.set_header("Set-Cookie", session_cookie(ctx, result->token));
  send_json(res, 200, {{"token", result->token}, {"user", user_json(result->user)}});
}

void logout(Context& ctx, const Request& req, Response& res) {
  const auto token = request_token(req);
  const auto user = ctx.auth.authenticate(token);
  if (!user) {
    send_error(res, 401, "authentication required");
    return;
  }
  sign_out(ctx, token, *user, req.remote_addr);
  res.set_header("Set-Cookie", cleared_session_cookie(ctx));
  res.status = 204;
}

void admin_users(Context& ctx, const Request& req, Response& res) {
  const auto admin = require_admin(ctx, req, res);
  if (!admin) {
    return;
  }
  json users = json::array();
  for (const auto& user : ctx.store.list_users(admin->org_id)) {
    auto item = user_json(user);
    item["created_at"] = rfc3339(user.created_at);
    users.push_back(std::move(item));
  }
  send_json(res, 200, {{"users", users}});
}

void admin_invite(Context& ctx, const Request& req, Response& res) {
  const auto admin = require_admin(ctx, req, res);
  if (!admin) {
    return;
  }
  const auto body = json_body(req, res);
  if (!body) {
    return;
  }
  const auto email = string_field(*body, "email");
  const auto role = string_field(*body, "role");
  if (!email || !role) {
    send_error(res, 400, "email and role are required strings");
    return;
  }
  bool conflict = false;
  std::int64_t expires_at = 0;
  const auto problem =
      invite_user(ctx, *admin, *email, *role, req.remote_addr, conflict, expires_at);
  if (!problem.empty()) {
    send_error(res, conflict ? 409 : 400, problem);
    return;
  }
  send_json(res, 201,
            {{"email", ascii_lower(*email)}, {"role", *role}, {"expires_at", rfc3339(expires_at)}});
}

void admin_audit_log(Context& ctx, const Request& req, Response& res) {
  const auto admin = require_admin(ctx, req, res);
  if (!admin) {
    return;
  }
  const auto limit = int_param(req, "limit", 100, 1, 500);
  const auto offset = int_param(req, "offset", 0, 0, 1'000'000'000);
  if (!limit || !offset) {
    send_error(res, 400, "limit must be 1..500 and offset >= 0");
    return;
  }
  json entries = json::array();
  for (const auto& entry : ctx.store.list_audit(admin->org_id, *limit, *offset)) {
    entries.push_back({{"id", entry.id},
                       {"at", rfc3339(entry.at)},
                       {"actor", entry.actor.empty() ? json(nullptr) : json(entry.actor)},
                       {"action", entry.action},
                       {"detail", entry.detail},
                       {"ip", entry.ip}});
  }
  send_json(res, 200, {{"entries", entries}});
}

void password_reset(Context& ctx, const Request& req, Response& res) {
  const auto body = json_body(req, res);
  if (!body) {
    return;
  }
  const auto email = string_field(*body, "email");
  if (!email) {
    send_error(res, 400, "email is required and must be a string");
    return;
  }
  request_password_reset(ctx, *email, req.remote_addr);
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
  const auto body = json_body(req, res);
  if (!body) {
    return;
  }
  const auto token = string_field(*body, "token");
  const auto password = string_field(*body, "password");
  if (!token || !password) {
    send_error(res, 400, "token and password are required strings");
    return;
  }
  const auto outcome = confirm_password_reset(ctx, *token, *password, req.remote_addr);
  if (!send_token_failure(outcome, *password, res)) {
    res.status = 204;
  }
}

void invite_accept(Context& ctx, const Request& req, Response& res) {
  const auto body = json_body(req, res);
  if (!body) {
    return;
  }
  const auto token = string_field(*body, "token");
  const auto password = string_field(*body, "password");
  if (!token || !password) {
    send_error(res, 400, "token and password are required strings");
    return;
  }
  User user;
  const auto outcome = accept_invite(ctx, *token, *password, req.remote_addr, user);
  if (!send_token_failure(outcome, *password, res)) {
    send_json(res, 201, user_json(user));
  }
}

} // namespace

void install_api_routes(httplib::Server& server, Context& ctx) {
  // Each route forwards to a handler taking the shared context.
  const auto route = [&ctx](void (*handler)(Context&, const Request&, Response&)) {
    return [&ctx, handler](const Request& req, Response& res) { handler(ctx, req, res); };
  };
  server.Get("/api/health", [](const Request&, Response& res) {
    send_json(res, 200, {{"status", "ok"}});
  });
  server.Get("/openapi.json", [&ctx](const Request&, Response& res) {
    send_json(res, 200, openapi_document(ctx.base_url));
  });
  server.Post("/api/login", route(login));
  server.Post("/api/logout", route(logout));
  server.Get("/api/me", [&ctx](const Request& req, Response& res) {
    if (const auto user = require_user(ctx, req, res)) {
      send_json(res, 200, user_json(*user));
    }
  });
  server.Get("/api/records", route(list_records));
  server.Post("/api/records", route(create_record));
  server.Get(R"(/api/records/(\d{1,18}))", route(get_record));
  server.Put(R"(/api/records/(\d{1,18}))", route(update_record));
  server.Delete(R"(/api/records/(\d{1,18}))", route(delete_record));
  server.Get("/api/admin/users", route(admin_users));
  server.Post("/api/admin/invites", route(admin_invite));
  server.Get("/api/admin/audit-log", route(admin_audit_log));
  server.Post("/api/password-reset", route(password_reset));
  server.Post("/api/password-reset/confirm", route(password_reset_confirm));
  server.Post("/api/invites/accept", route(invite_accept));
}

} // namespace portal
