#pragma once
// HTML forms as a login sees them: the anti-CSRF token a login page embeds, either as a form
// field (<input name=… value=…>) or as a <meta name="csrf-token" content=…> tag.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

/// A CSRF token found on a page, and the form field name to post it under.
struct CsrfToken {
  std::string field; ///< the input's name; for a meta tag, `field` as asked, else the page's
                     ///< <meta name="csrf-param"> (Rails), else empty
  std::string value; ///< with HTML character references decoded
};

/// Field names tried, in this order, when no field is named: Flask-WTF/Django-style, Express
/// csurf and Spring, Django, Rails, Laravel, ASP.NET.
const std::vector<std::string>& common_csrf_fields();

/// Finds the CSRF token in `html`. With a `field`: the first `<input>` whose name is exactly
/// `field`, else the first `<meta>` named `field` or `csrf-token` (meta names ignore case). With
/// an empty `field`: the same for each of common_csrf_fields() in turn, then a `csrf-token`
/// meta. Attributes may come in any order, quoted with ' or " or unquoted; character references
/// (&amp; &#39; &#x2F; …) in values are decoded. Comments and the contents of <script> and
/// <style> are skipped; inputs or metas with an empty value are ignored. Linear in `html`.
std::optional<CsrfToken> find_csrf_token(std::string_view html, std::string_view field);

/// Decodes the HTML character references of an attribute value: the named ones amp, lt, gt, quot,
/// apos and nbsp, and decimal or hex numeric ones (as UTF-8; invalid code points become U+FFFD).
/// Anything else is kept as written.
std::string decode_html_entities(std::string_view text);

} // namespace lg::analyze
