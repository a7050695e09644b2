#pragma once
// What an error answer must not show (input.error-disclosure, CWE-209): stack traces, database
// error text, source file paths with line numbers, framework debug pages.

#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

struct Disclosure {
  std::string kind;    ///< "stack trace", "database error", "source path", "debug page"
  std::string marker;  ///< what was recognised, e.g. "Traceback (most recent call last)"
  std::string excerpt; ///< up to 120 bytes around it, on one line
};

/// Every kind of disclosure in `body` (the first of each kind), looking at its first 256 KiB.
std::vector<Disclosure> find_disclosures(std::string_view body);

/// Database error text in `body` (the "database error" markers alone), for input.injection.
bool has_database_error(std::string_view body);

} // namespace lg::analyze
