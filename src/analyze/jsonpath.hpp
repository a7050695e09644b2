#pragma once
// A small JSON path subset for config recipes: `$`, `.name`, `['name']` and `[index]`.

#include <nlohmann/json.hpp>

#include <string_view>

namespace lg::analyze {

/// Whether `path` is in the subset: `$`, then `.key`, `['key']` or `[index]` steps.
bool is_json_path(std::string_view path);

/// The value at `path` in `doc`, or nullptr when a step is missing or the path is malformed.
const nlohmann::json* json_path_get(const nlohmann::json& doc, std::string_view path);

} // namespace lg::analyze
