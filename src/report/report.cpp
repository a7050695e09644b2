// The public face of the reporters (report.hpp): format names, file extensions and the dispatch
// from render() to one renderer per format.

#include "report/report.hpp"

#include "report/common.hpp"

namespace lg::report {

std::optional<Format> parse_format(std::string_view name) {
  if (name == "text")
    return Format::text;
  if (name == "json")
    return Format::json;
  if (name == "sarif")
    return Format::sarif;
  if (name == "junit")
    return Format::junit;
  if (name == "md" || name == "markdown")
    return Format::markdown;
  if (name == "html")
    return Format::html;
  return std::nullopt;
}

std::string_view extension(Format f) {
  switch (f) {
  case Format::text:
    return "txt";
  case Format::json:
    return "json";
  case Format::sarif:
    return "sarif";
  case Format::junit:
    return "xml";
  case Format::markdown:
    return "md";
  case Format::html:
    return "html";
  }
  return "txt";
}

std::string render(const Report& report, Format format, const RenderOptions& options) {
  switch (format) {
  case Format::text:
    return detail::render_text(report, options);
  case Format::json:
    return detail::render_json(report);
  case Format::sarif:
    return detail::render_sarif(report);
  case Format::junit:
    return detail::render_junit(report);
  case Format::markdown:
    return detail::render_markdown(report);
  case Format::html:
    return detail::render_html(report);
  }
  return detail::render_text(report, options);
}

} // namespace lg::report
