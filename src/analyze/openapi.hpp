#pragma once
// The API description: operations from an OpenAPI 3 document (JSON or YAML) or from a hand list,
// and the endpoint patterns of api.public / api.admin_only / api.shared. Recordings (HAR, Postman)
// are read by analyze/har.hpp and analyze/postman.hpp into the same Operation.

#include "util/expected.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

/// One parameter of an operation (path, query or header).
struct Parameter {
  std::string name;
  std::string in; ///< "path", "query" or "header"
  bool required = false;
  nlohmann::json schema;   ///< its schema with $refs resolved, or null when unknown
  std::string example;     ///< a recorded (HAR, Postman) or documented example value; may be empty
  bool object_ref = false; ///< names an object: `id`, `*_id`, `*Id`, a UUID example, a path
                           ///< template parameter, or marked by api.object_refs
};

struct Operation {
  std::string method; ///< upper case
  std::string path;   ///< the template, e.g. /api/records/{id}
  std::vector<std::string> path_params;
  bool spec_public = false; ///< the description says so: effective `security` is [] or has {}
  bool spec_admin = false;  ///< x-admin-only: true
  std::string summary;
  std::vector<Parameter> params; ///< path, query and header parameters, in document order
  nlohmann::json body_schema;    ///< the JSON request body's schema, $refs resolved; null if none
  nlohmann::json body_example;   ///< a recorded or documented JSON body; null if none
  std::vector<std::string> read_only; ///< body properties the description marks readOnly
  std::string source;                 ///< "openapi", "har", "postman" or "config"
};

/// Whether a parameter or field called `name` looks like an object reference: `id`, `uuid`,
/// `*_id`, `*Id`, `*ID`, `*_uuid`.
bool is_object_ref_name(std::string_view name);

/// Whether `value` is a UUID (8-4-4-4-12 hex digits).
bool is_uuid(std::string_view value);

/// Operations of an OpenAPI 3.x document already parsed into JSON, sorted by path, then by method
/// in the order get, put, post, delete, options, head, patch, trace. Each carries its `params`
/// (path-item level, overridden by operation level on name + in; `$ref`s resolved; template
/// parameters the document does not declare added as path parameters), its JSON request body's
/// schema with local `$ref`s inlined (at most 32 levels deep; a cycle or an unresolvable reference
/// becomes `{}`; an `allOf` of objects merged), a documented body example, and `read_only`: the
/// top-level properties marked `readOnly: true` in the request body, in the 200/201 response of
/// the operation or in that of the GET on the same path. Values of the wrong type are skipped;
/// nothing throws. Errors (kind parse) say what is missing.
Expected<std::vector<Operation>> parse_openapi(const nlohmann::json& doc);

/// Sorts `ops` by path, then by method in the order of parse_openapi (other methods last, by name).
void sort_operations(std::vector<Operation>& ops);

/// Whether the templates `a` and `b` name the same resource: as many segments, template
/// parameters (`{x}`, whatever their names) at the same positions, other segments equal.
/// "/api/orgs/{org}" and "/api/orgs/{id}" do; "/api/orgs/{id}" and "/api/orgs/me" do not.
bool same_shape(std::string_view a, std::string_view b);

/// "GET /api/records/{id}" -> Operation (source "config"). Errors name the malformed entry.
Expected<Operation> parse_endpoint(std::string_view text);

/// Whether `pattern` ("[METHOD ]/path/glob", `*` one segment, `**` any number) matches the
/// operation `method` `path`. A template parameter `{x}` is a segment that `*` and `**` match.
bool pattern_matches(std::string_view pattern, std::string_view method, std::string_view path);

/// True when any of `patterns` matches.
bool any_pattern_matches(const std::vector<std::string>& patterns, std::string_view method,
                         std::string_view path);

/// `path` with each {param} replaced by `value`.
std::string fill_path(std::string_view path, std::string_view value);

} // namespace lg::analyze
