#pragma once
// The public suffix list (libpsl, with the system's list from Debian's publicsuffix package, or
// libpsl's built-in copy): the organizational domain of a name, as DMARC (RFC 7489 section 3.2)
// defines it.

#include <string>
#include <string_view>

namespace lg::analyze {

/// The registrable ("organizational") domain of `name`, lower case: "example.co.uk" for
/// "mail.example.co.uk". "" when `name` is itself a public suffix, empty, or starts with a dot.
std::string organizational_domain(std::string_view name);

} // namespace lg::analyze
