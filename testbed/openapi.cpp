// The OpenAPI 3.0.3 document of the portal's JSON API, served at /openapi.json. Protected
// operations list both security schemes (session cookie, bearer token); public ones say
// `security: []`; admin operations carry the `x-admin-only: true` extension. Kept beside the
// routes in api.cpp: a route added there must be described here.

#include "server.hpp"

namespace portal {

namespace {

using nlohmann::json;

json ref(std::string_view name) {
  return {{"$ref", std::string("#/components/schemas/") + std::string(name)}};
}

json json_content(const json& schema) {
  return {{"application/json", {{"schema", schema}}}};
}

json response(std::string_view description, const json& schema = nullptr) {
  json out{{"description", description}};
  if (!schema.is_null()) {
    out["content"] = json_content(schema);
  }
  return out;
}

json error_response(std::string_view description) {
  return response(description, ref("Error"));
}

json body(std::string_view schema_name) {
  return {{"required", true}, {"content", json_content(ref(schema_name))}};
}

json protected_security() {
  return json::array({{{"cookieAuth", json::array()}}, {{"bearerAuth", json::array()}}});
}

struct Operation {
  std::string_view id;
  std::string_view summary;
  std::string_view tag;
  bool is_public = false;
  bool admin_only = false;
};

json operation(const Operation& op, json responses, json request_body = nullptr,
               json parameters = nullptr) {
  json out{{"operationId", op.id}, {"summary", op.summary}, {"tags", {op.tag}}};
  out["security"] = op.is_public ? json::array() : protected_security();
  if (!op.is_public) {
    responses["401"] = error_response("Missing, invalid or expired session");
  }
  if (op.admin_only) {
    out["x-admin-only"] = true;
    responses["403"] = error_response("The caller is not an admin");
  }
  if (!request_body.is_null()) {
    out["requestBody"] = std::move(request_body);
    responses["400"] = error_response("Malformed JSON or invalid fields");
    responses["413"] = error_response("Request body over 1 MiB");
    responses["415"] = error_response("Content-Type is not application/json");
  }
  if (!parameters.is_null()) {
    out["parameters"] = std::move(parameters);
  }
  out["responses"] = std::move(responses);
  return out;
}

json query_param(std::string_view name, std::string_view description, json schema) {
  return {{"name", name},
          {"in", "query"},
          {"required", false},
          {"description", description},
          {"schema", std::move(schema)}};
}

json id_param() {
  return json::array({{{"name", "id"},
                       {"in", "path"},
                       {"required", true},
                       {"description", "Record id"},
                       {"schema", {{"type", "integer"}, {"format", "int64"}, {"minimum", 1}}}}});
}

json string_schema(int min_length, int max_length) {
  json out{{"type", "string"}};
  if (min_length > 0) {
    out["minLength"] = min_length;
  }
  if (max_length > 0) {
    out["maxLength"] = max_length;
  }
  return out;
}

// `schema` marked `readOnly: true`: sent by the server, ignored (or refused) in request bodies.
json read_only(json schema) {
  schema["readOnly"] = true;
  return schema;
}

json object_schema(json properties, json required) {
  return {
      {"type", "object"}, {"properties", std::move(properties)}, {"required", std::move(required)}};
}

json schemas() {
  const json timestamp{{"type", "string"}, {"format", "date-time"}};
  const json role{{"type", "string"}, {"enum", {"admin", "staff"}}};
  const json email{{"type", "string"}, {"format", "email"}};
  const json id{{"type", "integer"}, {"format", "int64"}};
  return {
      {"Error", object_schema({{"error", {{"type", "string"}}}}, {"error"})},
      {"Health",
       object_schema({{"status", {{"type", "string"}, {"enum", {"ok", "error"}}}},
                      {"database", {{"type", "string"}, {"enum", {"ok", "unreachable"}}}}},
                     {"status", "database"})},
      {"User", object_schema({{"id", read_only(id)},
                              {"email", email},
                              {"name", {{"type", "string"}, {"description", "Display name"}}},
                              {"org", read_only({{"type", "string"}})},
                              {"org_id", read_only(id)},
                              {"role", read_only(role)},
                              {"created_at", read_only(timestamp)}},
                             {"id", "email", "name", "org", "org_id", "role"})},
      {"ProfileUpdate",
       {{"type", "object"},
        {"description", "The caller's own profile; other members are ignored."},
        {"properties", {{"name", string_schema(1, 100)}}},
        {"required", {"name"}}}},
      {"UserList",
       object_schema({{"users", {{"type", "array"}, {"items", ref("User")}}}}, {"users"})},
      {"LoginRequest", object_schema({{"email", email}, {"password", {{"type", "string"}}}},
                                     {"email", "password"})},
      {"LoginResponse",
       object_schema({{"token",
                       {{"type", "string"},
                        {"description", "Session token: 64 hex, or a JWT (--session jwt)"}}},
                      {"user", ref("User")}},
                     {"token", "user"})},
      {"Record", object_schema({{"id", read_only(id)},
                                {"org", read_only({{"type", "string"}})},
                                {"org_id", read_only(id)},
                                {"title", {{"type", "string"}}},
                                {"body", {{"type", "string"}}},
                                {"owner", read_only(email)},
                                {"owner_id", read_only(id)},
                                {"created_at", read_only(timestamp)},
                                {"updated_at", read_only(timestamp)}},
                               {"id", "org", "org_id", "title", "body", "owner", "owner_id",
                                "created_at", "updated_at"})},
      {"RecordInput",
       {{"type", "object"},
        {"description", "Other members (org, owner, id...) are ignored."},
        {"properties", {{"title", string_schema(1, 200)}, {"body", string_schema(0, 10000)}}},
        {"required", {"title"}}}},
      {"RecordReplace",
       object_schema({{"title", string_schema(1, 200)}, {"body", string_schema(0, 10000)}},
                     {"title", "body"})},
      {"RecordList",
       object_schema({{"records", {{"type", "array"}, {"items", ref("Record")}}},
                      {"total", {{"type", "integer"}, {"description", "Matches before paging"}}}},
                     {"records", "total"})},
      {"SearchHit", object_schema({{"id", read_only(id)},
                                   {"org", read_only({{"type", "string"}})},
                                   {"org_id", read_only(id)},
                                   {"title", {{"type", "string"}}},
                                   {"owner", read_only(email)}},
                                  {"id", "org", "org_id", "title", "owner"})},
      {"SearchResults",
       object_schema(
           {{"results", {{"type", "array"}, {"items", ref("SearchHit")}, {"maxItems", 50}}}},
           {"results"})},
      {"InviteRequest", object_schema({{"email", email}, {"role", role}}, {"email", "role"})},
      {"Invite", object_schema({{"email", email}, {"role", role}, {"expires_at", timestamp}},
                               {"email", "role", "expires_at"})},
      {"AuditEntry", object_schema({{"id", {{"type", "integer"}}},
                                    {"at", timestamp},
                                    {"actor", {{"type", "string"}, {"nullable", true}}},
                                    {"action", {{"type", "string"}}},
                                    {"detail", {{"type", "string"}}},
                                    {"ip", {{"type", "string"}}}},
                                   {"id", "at", "actor", "action", "detail", "ip"})},
      {"AuditLog", object_schema({{"entries", {{"type", "array"}, {"items", ref("AuditEntry")}}}},
                                 {"entries"})},
      {"ResetRequest", object_schema({{"email", email}}, {"email"})},
      {"ResetAccepted", object_schema({{"status", {{"type", "string"}}}}, {"status"})},
      {"TokenPassword",
       object_schema({{"token", {{"type", "string"}}}, {"password", string_schema(12, 1024)}},
                     {"token", "password"})},
  };
}

} // namespace

json openapi_document(std::string_view base_url) {
  const json paging = json::array(
      {query_param("limit", "Page size",
                   {{"type", "integer"}, {"minimum", 1}, {"maximum", 200}, {"default", 50}}),
       query_param("offset", "Rows to skip",
                   {{"type", "integer"}, {"minimum", 0}, {"default", 0}})});
  json list_params = paging;
  list_params.insert(
      list_params.begin(),
      query_param("q", "Case-insensitive substring of title or body", string_schema(0, 200)));
  const json not_found = error_response("No such record in the caller's org");

  json paths;
  paths["/api/health"]["get"] =
      operation({"getHealth", "Health: the database answers a trivial query", "meta", true},
                {{"200", response("Up, database reachable", ref("Health"))},
                 {"503", response("Database unreachable", ref("Health"))}});
  paths["/openapi.json"]["get"] =
      operation({"getOpenApi", "This document", "meta", true},
                {{"200", response("OpenAPI 3.0.3 document", {{"type", "object"}})}});
  paths["/api/login"]["post"] =
      operation({"login", "Sign in; also sets the session cookie", "session", true},
                {{"200",
                  {{"description", "Signed in"},
                   {"headers",
                    {{"Set-Cookie",
                      {{"schema", {{"type", "string"}}},
                       {"description", "session=TOKEN; HttpOnly; Secure; SameSite=Lax"}}}}},
                   {"content", json_content(ref("LoginResponse"))}}},
                 {"401", error_response("Invalid email or password")},
                 {"429",
                  {{"description", "Too many failed logins from this client (and for this "
                                   "email); the password was not checked"},
                   {"headers",
                    {{"Retry-After",
                      {{"schema", {{"type", "integer"}}},
                       {"description", "Seconds until the client may try again"}}}}},
                   {"content", json_content(ref("Error"))}}}},
                body("LoginRequest"));
  paths["/api/logout"]["post"] = operation({"logout", "End the session", "session"},
                                           {{"204", response("Signed out; cookie cleared")}});
  paths["/api/me"]["get"] = operation({"getMe", "The signed-in user", "session"},
                                      {{"200", response("The user", ref("User"))}});
  paths["/api/me"]["patch"] =
      operation({"updateMe", "Change the signed-in user's display name", "session"},
                {{"204", response("Updated")}}, body("ProfileUpdate"));
  json search_params = json::array(
      {query_param("q", "Case-insensitive substring of title or body", string_schema(1, 200))});
  search_params[0]["required"] = true;
  paths["/api/search"]["get"] = operation(
      {"searchRecords", "Search the org's records (first 50 matches, newest first)", "records"},
      {{"200", response("Matching records", ref("SearchResults"))},
       {"400", error_response("Missing, empty or over-long q")}},
      nullptr, search_params);
  paths["/api/records"]["get"] =
      operation({"listRecords", "List or search the org's records", "records"},
                {{"200", response("A page of records", ref("RecordList"))},
                 {"400", error_response("Bad limit, offset or q")}},
                nullptr, list_params);
  paths["/api/records"]["post"] =
      operation({"createRecord", "Create a record", "records"},
                {{"201", response("Created", ref("Record"))}}, body("RecordInput"));
  paths["/api/records/{id}"]["get"] = operation(
      {"getRecord", "Read a record", "records"},
      {{"200", response("The record", ref("Record"))}, {"404", not_found}}, nullptr, id_param());
  paths["/api/records/{id}"]["put"] =
      operation({"updateRecord", "Replace a record's title and body", "records"},
                {{"200", response("Updated", ref("Record"))}, {"404", not_found}},
                body("RecordReplace"), id_param());
  paths["/api/records/{id}"]["delete"] =
      operation({"deleteRecord", "Delete a record (admin or owner)", "records"},
                {{"204", response("Deleted")},
                 {"403", error_response("Neither admin nor owner")},
                 {"404", not_found}},
                nullptr, id_param());
  paths["/api/admin/users"]["get"] =
      operation({"listUsers", "Users of the caller's org", "admin", false, true},
                {{"200", response("Users", ref("UserList"))}});
  paths["/api/admin/invites"]["post"] =
      operation({"createInvite", "Invite a user by mail (link valid 72 h)", "admin", false, true},
                {{"201", response("Invite sent", ref("Invite"))},
                 {"409", error_response("The email already has an account")}},
                body("InviteRequest"));
  paths["/api/admin/audit-log"]["get"] =
      operation({"getAuditLog", "The org's audit log, newest first", "admin", false, true},
                {{"200", response("Entries", ref("AuditLog"))},
                 {"400", error_response("Bad limit or offset")}},
                nullptr, paging);
  paths["/api/password-reset"]["post"] = operation(
      {"requestPasswordReset", "Mail a reset link if the account exists", "account", true},
      {{"202", response("Always, whether or not the account exists", ref("ResetAccepted"))}},
      body("ResetRequest"));
  paths["/api/password-reset/confirm"]["post"] = operation(
      {"confirmPasswordReset", "Set a new password with a reset token (single use, short-lived)",
       "account", true},
      {{"204", response("Password changed; every session of the user revoked")}},
      body("TokenPassword"));
  paths["/api/invites/accept"]["post"] =
      operation({"acceptInvite", "Create the invited account", "account", true},
                {{"201", response("The new user", ref("User"))},
                 {"409", error_response("The email already has an account")}},
                body("TokenPassword"));

  return {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "launchgate sample client portal"},
        {"version", "1.0.0"},
        {"description", "Internal-operations client portal used as launchgate's testbed."}}},
      {"servers", json::array({{{"url", base_url}}})},
      {"security", protected_security()},
      {"paths", std::move(paths)},
      {"components",
       {{"securitySchemes",
         {{"cookieAuth", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "session"}}},
          {"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}}}}},
        {"schemas", schemas()}}},
  };
}

} // namespace portal
