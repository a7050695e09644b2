#pragma once
// Operations from recordings of real traffic: a HAR 1.2 export (a browser's network panel, a
// proxy), and the step that recordings of every kind share (analyze/postman.hpp uses it too):
// concrete paths such as /api/records/5 turned into templates such as /api/records/{record}.

#include "analyze/openapi.hpp"
#include "util/expected.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

/// One request of a recording, before its path becomes a template.
struct RecordedRequest {
  std::string method;                ///< upper case
  std::vector<std::string> segments; ///< path segments as recorded (percent-encoded), without
                                     ///< empty ones; `{name}` where the source names a parameter
  bool trailing_slash = false;
  std::map<std::string, std::string> examples; ///< values of the `{name}` segments, when known
  std::vector<Parameter> params;               ///< query and header parameters, recorded values
  nlohmann::json body_example;                 ///< the JSON body (see recorded_json_body) or null
};

/// Turns `requests` into operations with source `source`, sorted as sort_operations does.
///
/// A segment becomes a template parameter when it is `{name}` already, an integer, a UUID, a hex
/// string of 16 or more characters, or an id-like token (at least half digits, or letters and
/// digits and 6+ characters long; not a version like v2) that takes two or more values at the
/// same position between the same neighbours across `requests`. A new parameter is named after
/// the literal segment before it, singularised (`orgs` -> `org`, `companies` -> `company`,
/// `api-keys` -> `api_key`), or `id` when there is none; a name already used in the template
/// gets a numeric suffix (`user`, `user2`). Requests that share method and template become one
/// operation: its path parameters keep the first concrete value as example, its query and header
/// parameters are the union (first non-empty value as example), its body example the first one.
std::vector<Operation> operations_from_recordings(const std::vector<RecordedRequest>& requests,
                                                  const std::string& source);

/// `word` in the singular by the common English endings: `records` -> `record`, `companies` ->
/// `company`, `addresses` -> `address`, `boxes` -> `box`; `status` and `access` stay.
std::string singular(std::string_view word);

/// Whether a header, query parameter or JSON field called `name` carries a credential
/// (password, secret, token, API key, cookie, session, signature...). Case-insensitive.
bool is_credential_name(std::string_view name);

/// The JSON object or array in `text` with every scalar under a credential-named key replaced
/// by "<redacted>"; null when `text` is not JSON, is a bare scalar or nests deeper than 64.
nlohmann::json recorded_json_body(std::string_view text);

/// A query parameter seen with `value`: the value becomes its example unless the name says it
/// is a credential; an object reference by name or by a UUID value.
Parameter recorded_query(const std::string& name, const std::string& value);

/// A request header worth keeping as a `header` parameter: an `X-` header that names an object
/// (`X-Org-Id`, `X-Tenant`, ...), with its value as example. Never a credential (Authorization,
/// Cookie, X-Api-Key, tokens, a bearer or JWT value), never tracing or CSRF headers.
std::optional<Parameter> recorded_header(std::string_view name, std::string_view value);

/// Operations of a HAR 1.2 document (`log.entries[].request`): method, URL, query string, JSON
/// post data and object-naming headers. Kept: entries with base_url's origin (scheme, host,
/// port), or, when no entry has it, entries with the most common origin of the file. Skipped:
/// OPTIONS, HEAD and CONNECT, static assets by extension (.js .css .png .jpg .svg .ico .woff ...
/// .map .html) and GETs answered with text/html, image/*, font/*, CSS or JavaScript. Templates
/// are full paths (base_url's path is not removed). Credential header values are never kept.
/// Errors (kind parse) when `doc` has no `log.entries` array.
Expected<std::vector<Operation>> parse_har(const nlohmann::json& doc, const std::string& base_url);

} // namespace lg::analyze
