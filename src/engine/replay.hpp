#pragma once
// Replayable evidence: a curl command for a request a check sent, with the credential as a shell
// variable ($TOKEN), never inline, and bodies cut to a readable size.

#include "net/http.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace lg::engine {

/// `curl -sS -X METHOD 'URL' AUTH [-H 'Content-Type: …' --data-binary '…']`. `auth` is the
/// account's credential with its secret as a shell variable (Session::replay_auth_hint), or empty
/// for an anonymous request. A body over 2,000 bytes is cut and says so.
std::string curl_command(const net::HttpRequest& request, const std::string& auth);

/// A short, redacted excerpt of a response body for evidence: JSON with each string cut to
/// `max_string` characters and members named like credentials replaced by redact(); other text
/// cut to `max_total` characters.
std::string excerpt(const std::string& body, size_t max_total = 300, size_t max_string = 24);

} // namespace lg::engine
