#pragma once
// URL parsing for scope decisions, through libcurl's URL API (RFC 3986 as curl applies it).

#include "util/expected.hpp"

#include <string>
#include <string_view>

namespace lg {

struct Url {
  std::string scheme; ///< lower case: "http" or "https" (others are rejected by callers)
  std::string host;   ///< lower case, without brackets for IPv6
  int port = 0;       ///< explicit port or the scheme's default
  std::string path;   ///< path and query, always starting with "/"
  /// scheme://host[:port] with the port only when it is not the default.
  std::string origin() const;
};

/// Parses an absolute URL. Errors (kind parse) name what is wrong.
Expected<Url> parse_url(std::string_view text);

/// Resolves `ref` (absolute, or a path like "/a?b" or "x") against `base`.
Expected<std::string> resolve_url(std::string_view base, std::string_view ref);

/// Percent-encodes `text` for a query or form value (RFC 3986 unreserved characters stay).
std::string url_encode(std::string_view text);

} // namespace lg
