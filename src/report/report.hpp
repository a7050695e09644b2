#pragma once
// Reporters: one Report in, one document out. They only format; they know no check.

#include "core/result.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace lg::report {

enum class Format { text, json, sarif, junit, markdown, html };

/// "text", "json", "sarif", "junit", "md" (or "markdown"), "html".
std::optional<Format> parse_format(std::string_view name);
/// The file extension for `f` without the dot: txt, json, sarif, xml, md, html.
std::string_view extension(Format f);

struct RenderOptions {
  bool color = false; ///< ANSI colours in the text scorecard (only on a TTY)
};

/// The JSON report of DESIGN.md, schema launchgate.report/1 (docs/report-schema.md).
nlohmann::json to_json(const Report& report);

/// Renders `report` in `format`. Deterministic for a given report.
std::string render(const Report& report, Format format, const RenderOptions& options = {});

} // namespace lg::report
