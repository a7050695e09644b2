#pragma once
// Passwords (argon2id), random tokens and sessions: server-side ones behind an opaque cookie
// token, or stateless HS256 JWTs with a logout denylist (`--session jwt`).

#include "options.hpp"
#include "store.hpp"

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace portal {

// The session-forever flaw: the cookie's Max-Age (10 years) and the server-side lifetime.
constexpr std::int64_t k_forever_max_age = 10LL * 365 * 24 * 3600;
constexpr std::int64_t k_forever_lifetime = 100LL * 365 * 24 * 3600;
constexpr std::size_t k_min_password_length = 12;
constexpr std::size_t k_max_password_length = 1024;

// An encoded argon2id hash of `password` (t=2, m=19456 KiB, p=1, fresh 16-byte salt).
// Throws std::runtime_error if argon2 or the random source fails.
std::string hash_password(std::string_view password);

// True when `password` matches the encoded argon2id hash `encoded`.
bool verify_password(const std::string& encoded, std::string_view password);

// 32 bytes from OpenSSL's CSPRNG as 64 lower-case hex characters.
std::string random_token();

// SHA-256 of `text` as 64 lower-case hex characters.
std::string sha256_hex(std::string_view text);

struct LoginResult {
  std::string token; // give to the client; only its hash is stored
  User user;
};

// Logs users in and out and resolves session tokens, following `options` (session mode,
// lifetimes and the session flaws). Thread-safe (the store serialises; the JWT lists have a
// mutex).
class Auth {
public:
  Auth(Store& store, const Options& options);

  // A new session for `email`/`password`, or nullopt. Unknown emails are verified against a
  // dummy hash so that both failures take about as long. The token is always fresh: `planted`
  // (the session cookie the request carried) is only adopted under the fixation flaw.
  std::optional<LoginResult> login(std::string_view email, std::string_view password,
                                   std::string_view planted);

  // The user of a live session `token` (refreshing a cookie session's idle timer), or nullopt.
  std::optional<User> authenticate(std::string_view token);

  // Ends the session `token`: deletes it server-side, or denylists a JWT's jti.
  void logout(std::string_view token);

  // Revokes every JWT issued to `user_id` (cookie sessions are deleted by the store itself).
  void revoke_user(std::int64_t user_id);

  // The Max-Age of a new session cookie, in seconds.
  [[nodiscard]] std::int64_t cookie_max_age() const;

private:
  using Issued = std::vector<std::pair<std::string, std::int64_t>>; // jti, expiry

  std::string issue_cookie_session(const User& user, std::string_view planted, std::int64_t now);
  std::string issue_jwt(const User& user, std::int64_t now);
  std::optional<User> authenticate_jwt(std::string_view token, std::int64_t now);
  // Puts `jti` on the denylist until `expires_at`; the caller holds m_mutex.
  void deny(const std::string& jti, std::int64_t expires_at, std::int64_t now);

  Store& m_store;
  const Options& m_options;
  std::string m_dummy_hash;
  std::string m_jwt_key; // HMAC key: 32 random bytes, or "secret" under jwt-weak-secret
  std::mutex m_mutex;
  std::unordered_map<std::string, std::int64_t> m_denied; // logged-out jti -> its expiry
  std::unordered_map<std::int64_t, Issued> m_issued;      // user id -> live JWTs issued
};

} // namespace portal
