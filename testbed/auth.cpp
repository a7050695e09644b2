// Authentication for the sample portal: argon2id password hashing with the OWASP-recommended
// minimum (RFC 9106 variant, t=2, m=19 MiB, p=1), 256-bit session tokens from OpenSSL's CSPRNG of
// which only the SHA-256 is stored, and session lifetime rules (8 h idle, 24 h absolute). A dummy
// verification for unknown emails keeps login timing from revealing which accounts exist.

#include "auth.hpp"

#include "util.hpp"

#include <argon2.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace portal {

namespace {

constexpr std::uint32_t k_time_cost = 2;
constexpr std::uint32_t k_memory_kib = 19456;
constexpr std::uint32_t k_parallelism = 1;
constexpr std::uint32_t k_salt_length = 16;
constexpr std::uint32_t k_hash_length = 32;

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

Auth::Auth(Store& store) : m_store(store), m_dummy_hash(hash_password(random_token())) {}

std::optional<LoginResult> Auth::login(std::string_view email, std::string_view password) {
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
  m_store.purge_expired_sessions(now, k_session_idle_seconds);
  LoginResult result{random_token(), *user};
  m_store.create_session(sha256_hex(result.token), user->id, now, now + k_session_absolute_seconds);
  return result;
}

std::optional<User> Auth::authenticate(std::string_view token) {
  if (token.size() != 64) {
    return std::nullopt;
  }
  return m_store.session_user(sha256_hex(token), now_seconds(), k_session_idle_seconds);
}

void Auth::logout(std::string_view token) {
  m_store.delete_session(sha256_hex(token));
}

} // namespace portal
