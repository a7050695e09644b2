#pragma once
// Valid request bodies from a JSON schema: what write probes send when no recorded example
// exists. Values are marked so that a read-back can recognise them.

#include <nlohmann/json.hpp>

#include <string_view>

namespace lg::analyze {

/// A value that `schema` accepts: objects get every required property (all properties when
/// none is required), strings the `marker` (padded or cut to minLength/maxLength; an email,
/// URI, date or UUID when the format says so; the first enum value), numbers their minimum or 1,
/// booleans false, arrays minItems copies of their item. Depth-bounded; an unknown or empty
/// schema gives the marker string.
nlohmann::json sample_value(const nlohmann::json& schema, std::string_view marker);

/// Whether a member called `name` holds free text a write may change (name, title, body ...).
bool is_free_text(std::string_view name);

/// The body to send for an operation: `example` when it is an object, else sample_value of
/// `schema`, else an object `{"name": marker}`. Free-text string members of a recorded example
/// (is_free_text) are replaced by the marker so that the write is recognisable.
nlohmann::json sample_body(const nlohmann::json& schema, const nlohmann::json& example,
                           std::string_view marker);

} // namespace lg::analyze
