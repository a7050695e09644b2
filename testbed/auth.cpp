// Authentication for the sample portal: argon2id password hashing with the OWASP-recommended
// minimum (RFC 9106 variant, t=2, m=19 MiB, p=1), 256-bit session tokens from OpenSSL's CSPRNG of
// which only the SHA-256 is stored, session lifetime rules (8 h idle, 12 h absolute by default),
// and in jwt mode HS256 tokens (jwt.cpp) with a jti denylist for logout. A dummy verification for
// unknown emails keeps login timing from revealing which accounts exist.

#include "auth.hpp"

#include "jwt.hpp"
#include "util.hpp"

#include <argon2.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <stdexcept>

namespace portal {

namespace {

constexpr std::uint32_t k_time_cost = 2;
constexpr std::uint32_t k_memory_kib = 19456;
constexpr std::uint32_t k_parallelism = 1;
constexpr std::uint32_t k_salt_length = 16;
constexpr std::uint32_t k_hash_length = 32;

constexpr std::int64_t k_no_expiry = std::numeric_limits<std::int64_t>::max();
constexpr std::size_t k_denylist_sweep = 1000; // entries before expired ones are dropped

JwtRules jwt_rules(const Options& options) {
  return JwtRules{options.flaws.has(Flaw::jwt_none), !options.flaws.has(Flaw::session_forever)};
}

void random_bytes(unsigned char* out, std::size_t size) {
  if (RAND_bytes(out, static_cast<int>(size)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
}

} // namespace

std::string hash_password(std::string_view password) {
  std::array<unsigned char, k_salt_length> salt{};
  random_bytes(salt.data(), salt.size());
  std::string encoded(argon2_encodedlen(k_time_cost, k_memory_kib, k_parallelism, k_salt_length,
                                        k_hash_length, Argon2_id),
                      '\0');
  const int rc = argon2id_hash_encoded(k_time_cost, k_memory_kib, k_parallelism, password.data(),
                                       password.size(), salt.data(), salt.size(), k_hash_length,
                                       encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    throw std::runtime_error(std::string("argon2id: ") + argon2_error_message(rc));
  }
  encoded.resize(encoded.find('\0'));
  return encoded;
}

bool verify_password(const std::string& encoded, std::string_view password) {
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

std::string random_token() {
  std::array<unsigned char, 32> bytes{};
  random_bytes(bytes.data(), bytes.size());
  return hex_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string sha256_hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return hex_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), size));
}

Auth::Auth(Store& store, const Options& options)
    : m_store(store), m_options(options), m_dummy_hash(hash_password(random_token())) {
  if (options.flaws.has(Flaw::jwt_weak_secret)) {
    m_jwt_key = "secret"; // the flaw: a dictionary word, found by any JWT cracker in a second
  } else {
    std::array<unsigned char, 32> key{};
    random_bytes(key.data(), key.size());
    m_jwt_key.assign(reinterpret_cast<const char*>(key.data()), key.size());
  }
}

std::optional<LoginResult> Auth::login(std::string_view email, std::string_view password,
                                       std::string_view planted) {
  if (password.size() > k_max_password_length) {
    return std::nullopt;
  }
  const auto user = m_store.find_user_by_email(ascii_lower(email));
  // Verify in every case, outside the store's lock: argon2id is deliberately slow.
  const bool ok = verify_password(user ? user->password_hash : m_dummy_hash, password);
  if (!user || !ok) {
    return std::nullopt;
  }
  const auto now = now_seconds();
  if (m_options.session == SessionMode::jwt) {
    return LoginResult{issue_jwt(*user, now), *user};
  }
  return LoginResult{issue_cookie_session(*user, planted, now), *user};
}

std::string Auth::issue_cookie_session(const User& user, std::string_view planted,
                                       std::int64_t now) {
  const bool forever = m_options.flaws.has(Flaw::session_forever);
  const auto idle = forever ? k_forever_lifetime : m_options.session_idle;
  const auto expires_at = now + (forever ? k_forever_lifetime : m_options.session_absolute);
  m_store.purge_expired_sessions(now, idle);
  // The fixation flaw: an id the client brought along becomes the session's token, as long as
  // it has the shape of one and is not already a live session (every row left after the purge
  // is live, and create_session refuses an existing one).
  if (m_options.flaws.has(Flaw::fixation) && planted.size() == 64 &&
      std::all_of(planted.begin(), planted.end(),
                  [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }) &&
      m_store.create_session(sha256_hex(planted), user.id, now, expires_at)) {
    return std::string(planted);
  }
  auto token = random_token();
  if (!m_store.create_session(sha256_hex(token), user.id, now, expires_at)) {
    throw std::runtime_error("session token collision");
  }
  return token;
}

std::string Auth::issue_jwt(const User& user, std::int64_t now) {
  std::array<unsigned char, 16> jti{};
  random_bytes(jti.data(), jti.size());
  JwtClaims claims{
      user.id,
      user.org_id,
      user.role,
      now,
      std::nullopt,
      hex_encode(std::string_view(reinterpret_cast<const char*>(jti.data()), jti.size()))};
  if (!m_options.flaws.has(Flaw::session_forever)) {
    claims.exp = now + m_options.session_absolute;
  }
  {
    const std::lock_guard lock(m_mutex);
    auto& issued = m_issued[user.id];
    std::erase_if(issued, [now](const auto& entry) { return entry.second <= now; });
    issued.emplace_back(claims.jti, claims.exp.value_or(k_no_expiry));
  }
  return jwt_sign(claims, m_jwt_key);
}

std::optional<User> Auth::authenticate(std::string_view token) {
  const auto now = now_seconds();
  if (m_options.session == SessionMode::jwt) {
    return authenticate_jwt(token, now);
  }
  if (token.size() != 64) {
    return std::nullopt;
  }
  const auto idle =
      m_options.flaws.has(Flaw::session_forever) ? k_forever_lifetime : m_options.session_idle;
  return m_store.session_user(sha256_hex(token), now, idle);
}

std::optional<User> Auth::authenticate_jwt(std::string_view token, std::int64_t now) {
  const auto claims = jwt_verify(token, m_jwt_key, jwt_rules(m_options), now);
  if (!claims) {
    return std::nullopt;
  }
  {
    const std::lock_guard lock(m_mutex);
    if (m_denied.contains(claims->jti)) {
      return std::nullopt;
    }
  }
  // Identity, org and role come from the store, never from the token's other claims.
  return m_store.find_user_by_id(claims->sub);
}

void Auth::logout(std::string_view token) {
  if (m_options.session == SessionMode::cookie) {
    m_store.delete_session(sha256_hex(token));
    return;
  }
  const auto now = now_seconds();
  if (const auto claims = jwt_verify(token, m_jwt_key, jwt_rules(m_options), now)) {
    const std::lock_guard lock(m_mutex);
    deny(claims->jti, claims->exp.value_or(k_no_expiry), now);
  }
}

void Auth::revoke_user(std::int64_t user_id) {
  const auto now = now_seconds();
  const std::lock_guard lock(m_mutex);
  const auto it = m_issued.find(user_id);
  if (it == m_issued.end()) {
    return;
  }
  for (const auto& [jti, expires_at] : it->second) {
    deny(jti, expires_at, now);
  }
  m_issued.erase(it);
}

void Auth::deny(const std::string& jti, std::int64_t expires_at, std::int64_t now) {
  if (m_denied.size() >= k_denylist_sweep) {
    std::erase_if(m_denied, [now](const auto& entry) { return entry.second <= now; });
  }
  m_denied.emplace(jti, expires_at);
}

std::int64_t Auth::cookie_max_age() const {
  if (m_options.flaws.has(Flaw::session_forever)) {
    return k_forever_max_age;
  }
  // A JWT has no idle timeout: its cookie lives as long as the token.
  return m_options.session == SessionMode::jwt ? m_options.session_absolute
                                               : m_options.session_idle;
}

} // namespace portal
