#pragma once
// Operations from a Postman v2.1 collection: the requests a team already keeps for its API.

#include "analyze/openapi.hpp"
#include "util/expected.hpp"

#include <nlohmann/json.hpp>

#include <vector>

namespace lg::analyze {

/// Operations of a Postman v2.1 collection document: every `request` of `item`, folders walked
/// recursively (64 levels at most). The URL is a string or an object (`raw`, `path`, `query`,
/// `variable`); the host, and a leading path variable named like a base URL (`{{baseUrl}}`,
/// `{{host}}`, `{{apiPrefix}}`...), are dropped. Segments `:name` and `{{name}}` become `{name}`
/// (examples from the URL's `variable` list or the collection's), concrete ids are templated as
/// operations_from_recordings (analyze/har.hpp) does, and requests with the same method and
/// template merge. Enabled query entries become query parameters; a raw JSON body becomes
/// body_example (credential fields masked). OPTIONS, HEAD and CONNECT are skipped.
/// Errors (kind parse) when `doc` has no `info` object and `item` array.
Expected<std::vector<Operation>> parse_postman(const nlohmann::json& doc);

} // namespace lg::analyze
