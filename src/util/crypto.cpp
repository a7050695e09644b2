// Digests and signature verification over OpenSSL 3's EVP interface (RSA PKCS#1 v1.5 with SHA-1
// or SHA-256, Ed25519 per RFC 8032), and a whitespace-tolerant base64 decoder, for DKIM
// (RFC 6376, RFC 8463). Every OpenSSL object lives in a unique_ptr with its free function.

#include "util/crypto.hpp"

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <array>
#include <memory>

namespace lg::crypto {

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

std::string digest(const EVP_MD* md, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1)
    return {};
  return {reinterpret_cast<const char*>(out.data()), len};
}

/// An RSA public key from SubjectPublicKeyInfo DER, else from PKCS#1 RSAPublicKey DER.
Pkey load_rsa(std::string_view der) {
  if (der.empty() || der.size() > 16384)
    return nullptr;
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  const auto len = static_cast<long>(der.size());
  Pkey key(d2i_PUBKEY(nullptr, &p, len));
  if (key && p == reinterpret_cast<const unsigned char*>(der.data()) + der.size())
    return EVP_PKEY_base_id(key.get()) == EVP_PKEY_RSA ? std::move(key) : nullptr;
  p = reinterpret_cast<const unsigned char*>(der.data());
  // A bare PKCS#1 RSAPublicKey.
  Pkey out(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, len));
  if (!out || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size())
    return nullptr;
  return out;
}

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

} // namespace

std::string sha256(std::string_view data) {
  return digest(EVP_sha256(), data);
}

std::string sha1(std::string_view data) {
  return digest(EVP_sha1(), data);
}

std::optional<std::string> base64_decode(std::string_view text, std::size_t max_out) {
  std::string out;
  unsigned int acc = 0;
  int nbits = 0;
  int padding = 0;
  std::size_t symbols = 0;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v')
      continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    int v = b64_value(c);
    if (v < 0 || padding > 0) // a symbol after padding is malformed
      return std::nullopt;
    ++symbols;
    acc = (acc << 6) | static_cast<unsigned int>(v);
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      if (out.size() >= max_out)
        return std::nullopt;
      out.push_back(static_cast<char>((acc >> nbits) & 0xFFu));
    }
  }
  if (symbols % 4 == 1 || padding > 2)
    return std::nullopt;
  if (padding > 0 && (symbols + static_cast<std::size_t>(padding)) % 4 != 0)
    return std::nullopt;
  return out;
}

RsaKeyInfo rsa_key_info(std::string_view der) {
  RsaKeyInfo info;
  auto key = load_rsa(der);
  if (!key) {
    info.error = "not an RSA public key (neither SubjectPublicKeyInfo nor RSAPublicKey DER)";
    return info;
  }
  info.ok = true;
  info.bits = EVP_PKEY_get_bits(key.get());
  return info;
}

bool rsa_verify(std::string_view der, DigestAlg alg, std::string_view data,
                std::string_view signature) {
  auto key = load_rsa(der);
  if (!key)
    return false;
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx)
    return false;
  EVP_PKEY_CTX* pctx = nullptr; // owned by ctx
  const EVP_MD* md = alg == DigestAlg::sha256 ? EVP_sha256() : EVP_sha1();
  if (EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, key.get()) != 1)
    return false;
  if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)
    return false;
  if (EVP_DigestVerifyUpdate(ctx.get(), data.data(), data.size()) != 1)
    return false;
  return EVP_DigestVerifyFinal(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                               signature.size()) == 1;
}

bool ed25519_verify(std::string_view key, std::string_view message, std::string_view signature) {
  if (key.size() != 32 || signature.size() != 64)
    return false;
  Pkey pkey(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(key.data()), key.size()));
  if (!pkey)
    return false;
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1)
    return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

} // namespace lg::crypto
