#pragma once
// An Observatory-style score for one HTTP response: per test (CSP, cookies, CORS, redirection,
// Referrer-Policy, HSTS, Subresource Integrity, X-Content-Type-Options, X-Frame-Options,
// Cross-Origin-Resource-Policy) a result and a score modifier, summed from a baseline of 100
// into a score and a letter grade the way Mozilla's HTTP Observatory does it. Pure: no I/O.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lg::analyze {

/// One response to score. `body` matters only for HTML (the <script> scan for SRI).
struct ObservatoryInput {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers; ///< name/value pairs as received
  std::string_view body;                                    ///< must outlive the call
  bool https = false;                                       ///< the response came over TLS
  std::string origin; ///< "scheme://host[:port]" of the page, lower case
};

/// The outcome of one test.
struct ObservatoryTest {
  std::string test;        ///< "content-security-policy", "cookies", …
  std::string result;      ///< Observatory's result name, e.g. "csp-implemented-with-unsafe-inline"
  int modifier = 0;        ///< from the scoring table
  std::string explanation; ///< one line on what was seen
  bool judged = true;      ///< false: left to another check (redirection)
};

struct ObservatoryScore {
  std::vector<ObservatoryTest> tests; ///< in a fixed order
  int penalties = 0;                  ///< sum of the negative modifiers
  int bonuses = 0;                    ///< sum of the positive modifiers (counted only from 90)
  int score = 0;                      ///< 100 + penalties, + bonuses when that is >= 90; floor 0
  std::string grade;                  ///< "A+" … "F"
};

/// The modifier of an Observatory result name (0 for a name not in the table).
int observatory_modifier(std::string_view result);

/// The letter grade of a score (Observatory's grading chart).
std::string observatory_grade(int score);

/// Scores one response. Bounded: at most 2 MiB of body and 2000 <script> tags are read, and at
/// most 200 Set-Cookie headers.
ObservatoryScore score_observatory(const ObservatoryInput& input);

} // namespace lg::analyze
