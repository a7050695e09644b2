#pragma once
// Passwords (argon2id), random tokens and server-side sessions.

#include "store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace portal {

constexpr std::int64_t k_session_idle_seconds = 8 * 3600;      // idle timeout, also Max-Age
constexpr std::int64_t k_session_absolute_seconds = 24 * 3600; // absolute lifetime
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

// Logs users in and out and resolves session tokens. Thread-safe (the store serialises).
class Auth {
public:
  explicit Auth(Store& store);

  // A new session for `email`/`password`, or nullopt. Unknown emails are verified against a
  // dummy hash so that both failures take about as long.
  std::optional<LoginResult> login(std::string_view email, std::string_view password);

  // The user of a live session `token` (refreshing its idle timer), or nullopt.
  std::optional<User> authenticate(std::string_view token);

  // Deletes the session `token` server-side.
  void logout(std::string_view token);

private:
  Store& m_store;
  std::string m_dummy_hash;
};

} // namespace portal
