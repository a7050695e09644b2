// OpenSslProber: TLS handshakes for the domain gate (domain.tls-cert, domain.tls-protocols).
// A non-blocking TCP connect and SSL_connect share one deadline; the security level and explicit
// min/max protocol versions let OpenSSL 3 speak TLS 1.0/1.1 and weak suites at level 0. The chain
// is verified against the system store plus an optional CA file without failing the handshake
// (the result is reported), and the leaf is matched to the host with X509_check_host/ip_asc.

#include "net/impl/openssl_prober.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fmt/format.h>
#include <map>
#include <memory>
#include <mutex>
#include <netinet/in.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace lg::net {

namespace {

using Clock = std::chrono::steady_clock;

struct SslCtxFree {
  void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
};
struct SslFree {
  void operator()(SSL* p) const { SSL_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct GeneralNamesFree {
  void operator()(GENERAL_NAMES* p) const { GENERAL_NAMES_free(p); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;
using SslPtr = std::unique_ptr<SSL, SslFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

/// A file descriptor closed on destruction.
class Fd {
public:
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() {
    if (m_fd >= 0)
      ::close(m_fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }
  int release() {
    int fd = m_fd;
    m_fd = -1;
    return fd;
  }

private:
  int m_fd;
};

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() <= 0 ? 0 : static_cast<int>(left.count());
}

/// Waits for `events` on `fd` until `deadline`; false on timeout.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  for (int round = 0; round < 1000; ++round) {
    pollfd p{fd, events, 0};
    int ms = remaining_ms(deadline);
    if (ms == 0)
      return false;
    int n = ::poll(&p, 1, ms);
    if (n > 0)
      return true;
    if (n == 0)
      return false;
    if (errno != EINTR)
      return true; // let the next call report the error
  }
  return false;
}

/// The outcome of a TCP connect: a socket, a timeout, or an error.
struct Connected {
  int fd = -1;
  bool timed_out = false;
};

Expected<Connected> tcp_connect(const TlsTarget& target, Clock::time_point deadline) {
  if (target.port <= 0 || target.port > 65535)
    return unexpected(ErrorKind::usage, fmt::format("port {} is out of range", target.port));
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family = AF_INET;
  auto port = htons(static_cast<std::uint16_t>(target.port));
  // NOLINTBEGIN(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API's own idiom
  if (auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
      inet_pton(AF_INET, target.address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = port;
    length = sizeof(sockaddr_in);
  } else if (auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
             inet_pton(AF_INET6, target.address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = port;
    length = sizeof(sockaddr_in6);
    family = AF_INET6;
  } else {
    return unexpected(ErrorKind::usage,
                      fmt::format("'{}' is not a literal IP address", target.address));
  }
  int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return unexpected(ErrorKind::network, fmt::format("socket: {}", std::strerror(errno)));
  Fd guard(fd);
  int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&storage), length);
  // NOLINTEND(cppcoreguidelines-pro-type-reinterpret-cast)
  auto where = fmt::format("{}:{}", target.address, target.port);
  if (rc != 0 && errno != EINPROGRESS)
    return unexpected(ErrorKind::network, fmt::format("{}: {}", where, std::strerror(errno)));
  if (rc != 0) {
    if (!wait_for(fd, POLLOUT, deadline))
      return Connected{-1, true};
    int err = 0;
    socklen_t len = sizeof(err);
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
      err = errno;
    if (err != 0)
      return unexpected(ErrorKind::network, fmt::format("{}: {}", where, std::strerror(err)));
  }
  Connected out;
  out.fd = guard.release(); // the caller owns it now
  return out;
}

int to_openssl_version(TlsVersion v) {
  switch (v) {
  case TlsVersion::ssl3:
    return SSL3_VERSION;
  case TlsVersion::tls1_0:
    return TLS1_VERSION;
  case TlsVersion::tls1_1:
    return TLS1_1_VERSION;
  case TlsVersion::tls1_2:
    return TLS1_2_VERSION;
  case TlsVersion::tls1_3:
    return TLS1_3_VERSION;
  }
  return TLS1_2_VERSION;
}

/// The queued OpenSSL errors as one line ("" when none), and the queue emptied.
std::string openssl_errors() {
  std::string out;
  for (int i = 0; i < 16; ++i) {
    unsigned long e = ERR_get_error();
    if (e == 0)
      break;
    const char* reason = ERR_reason_error_string(e);
    std::string text = reason != nullptr ? reason : fmt::format("error {:x}", e);
    if (out.find(text) == std::string::npos)
      out += (out.empty() ? "" : "; ") + text;
  }
  ERR_clear_error();
  return out;
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return n > 0 && data != nullptr ? std::string(data, static_cast<size_t>(n)) : std::string();
}

std::string name_text(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || name == nullptr)
    return "";
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
  return bio_text(bio.get());
}

std::string asn1_string_text(const ASN1_STRING* s) {
  if (s == nullptr)
    return "";
  unsigned char* utf8 = nullptr;
  int n = ASN1_STRING_to_UTF8(&utf8, s);
  if (n < 0 || utf8 == nullptr)
    return "";
  std::string out(reinterpret_cast<const char*>(utf8), static_cast<size_t>(n));
  OPENSSL_free(utf8);
  return out;
}

std::int64_t unix_time(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1)
    return 0;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::string key_type_name(int id) {
  switch (id) {
  case EVP_PKEY_RSA:
  case EVP_PKEY_RSA_PSS:
    return "RSA";
  case EVP_PKEY_EC:
    return "EC";
  case EVP_PKEY_ED25519:
    return "Ed25519";
  case EVP_PKEY_ED448:
    return "Ed448";
  case EVP_PKEY_DSA:
    return "DSA";
  case EVP_PKEY_DH:
    return "DH";
  default:
    return "?";
  }
}

CertInfo cert_info(X509* cert) {
  CertInfo info;
  const X509_NAME* subject = X509_get_subject_name(cert);
  info.subject = name_text(subject);
  int cn = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (cn >= 0)
    info.common_name = asn1_string_text(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, cn)));
  info.issuer = name_text(X509_get_issuer_name(cert));
  std::unique_ptr<GENERAL_NAMES, GeneralNamesFree> names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (names) {
    int count = sk_GENERAL_NAME_num(names.get());
    for (int i = 0; i < count && i < 1000; ++i) {
      const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
      if (gn->type == GEN_DNS) {
        info.dns_names.push_back(asn1_string_text(gn->d.dNSName));
      } else if (gn->type == GEN_IPADD) {
        const ASN1_OCTET_STRING* ip = gn->d.iPAddress;
        char text[INET6_ADDRSTRLEN] = {};
        int len = ASN1_STRING_length(ip);
        const unsigned char* bytes = ASN1_STRING_get0_data(ip);
        if ((len == 4 && inet_ntop(AF_INET, bytes, text, sizeof(text)) != nullptr) ||
            (len == 16 && inet_ntop(AF_INET6, bytes, text, sizeof(text)) != nullptr))
          info.ip_addresses.emplace_back(text);
      }
    }
  }
  info.not_before = unix_time(X509_get0_notBefore(cert));
  info.not_after = unix_time(X509_get0_notAfter(cert));
  if (EVP_PKEY* key = X509_get0_pubkey(cert); key != nullptr) {
    info.key_type = key_type_name(EVP_PKEY_get_base_id(key));
    info.key_bits = EVP_PKEY_get_bits(key);
  } else {
    info.key_type = "?";
  }
  const char* sig = OBJ_nid2ln(X509_get_signature_nid(cert));
  info.signature_algorithm = sig != nullptr ? sig : "?";
  info.self_signed = X509_self_signed(cert, 0) == 1;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &md_len) == 1)
    for (unsigned int i = 0; i < md_len; ++i)
      info.sha256 += fmt::format("{:02x}", md[i]);
  ERR_clear_error();
  return info;
}

bool is_ip_literal(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

struct StoreFree {
  void operator()(X509_STORE* p) const { X509_STORE_free(p); }
};
using StorePtr = std::unique_ptr<X509_STORE, StoreFree>;

} // namespace

/// The trust stores by ca_file ("" for the system's alone), each loaded on first use.
struct OpenSslProber::Stores {
  std::mutex mutex;
  std::map<std::string, StorePtr> by_file;

  /// The store for `ca_file`, shared: the caller takes a reference of its own.
  Expected<X509_STORE*> get(const std::string& ca_file) {
    std::lock_guard<std::mutex> lock(mutex);
    if (auto it = by_file.find(ca_file); it != by_file.end())
      return it->second.get();
    StorePtr store(X509_STORE_new());
    if (!store || X509_STORE_set_default_paths(store.get()) != 1)
      return unexpected(ErrorKind::internal, "X509_STORE: " + openssl_errors());
    if (!ca_file.empty() && X509_STORE_load_file(store.get(), ca_file.c_str()) != 1)
      return unexpected(ErrorKind::io,
                        fmt::format("cannot load CA file {}: {}", ca_file, openssl_errors()));
    return by_file.emplace(ca_file, std::move(store)).first->second.get();
  }
};

OpenSslProber::OpenSslProber() : m_stores(std::make_unique<Stores>()) {}
OpenSslProber::~OpenSslProber() = default;

Expected<TlsHandshake> OpenSslProber::handshake(const TlsTarget& target, const TlsOffer& offer) {
  ERR_clear_error();
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx)
    return unexpected(ErrorKind::internal, "SSL_CTX_new: " + openssl_errors());
  SSL_CTX_set_security_level(ctx.get(), offer.security_level);
  if (SSL_CTX_set_min_proto_version(ctx.get(), to_openssl_version(offer.min_version)) != 1 ||
      SSL_CTX_set_max_proto_version(ctx.get(), to_openssl_version(offer.max_version)) != 1)
    return unexpected(ErrorKind::usage, "this OpenSSL cannot offer " +
                                            tls_version_name(offer.min_version) + " to " +
                                            tls_version_name(offer.max_version));
  if (!offer.ciphers.empty() && SSL_CTX_set_cipher_list(ctx.get(), offer.ciphers.c_str()) != 1)
    return unexpected(ErrorKind::usage, fmt::format("cipher list '{}' matches nothing here: {}",
                                                    offer.ciphers, openssl_errors()));
  if (!offer.ciphersuites.empty() &&
      SSL_CTX_set_ciphersuites(ctx.get(), offer.ciphersuites.c_str()) != 1)
    return unexpected(ErrorKind::usage, fmt::format("TLS 1.3 suites '{}' match nothing here: {}",
                                                    offer.ciphersuites, openssl_errors()));
  auto store = m_stores->get(offer.ca_file);
  if (!store)
    return unexpected(store.error());
  SSL_CTX_set1_cert_store(ctx.get(), *store);              // a reference of the context's own
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr); // judged after, not enforced

  auto deadline = Clock::now() + std::chrono::milliseconds(target.timeout_ms);
  auto connected = LG_TRY(tcp_connect(target, deadline));
  TlsHandshake out;
  if (connected.timed_out) {
    out.outcome = TlsOutcome::timeout;
    out.detail = "TCP connect timed out";
    return out;
  }
  Fd fd(connected.fd);
  SslPtr ssl(SSL_new(ctx.get()));
  if (!ssl || SSL_set_fd(ssl.get(), fd.get()) != 1)
    return unexpected(ErrorKind::internal, "SSL_new: " + openssl_errors());
  if (!target.host.empty() && !is_ip_literal(target.host))
    SSL_set_tlsext_host_name(ssl.get(), target.host.c_str());

  for (int round = 0; round < 10000; ++round) {
    int rc = SSL_connect(ssl.get());
    if (rc == 1)
      break;
    int err = SSL_get_error(ssl.get(), rc);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      if (!wait_for(fd.get(), err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
        out.outcome = TlsOutcome::timeout;
        out.detail = "handshake timed out";
        ERR_clear_error();
        return out;
      }
      continue;
    }
    out.outcome = TlsOutcome::refused;
    out.detail = openssl_errors();
    if (out.detail.empty())
      out.detail = err == SSL_ERROR_SYSCALL || err == SSL_ERROR_ZERO_RETURN
                       ? "connection closed during the handshake"
                       : fmt::format("handshake failed (SSL error {})", err);
    return out;
  }
  if (!SSL_is_init_finished(ssl.get())) {
    out.outcome = TlsOutcome::timeout;
    out.detail = "handshake did not finish";
    return out;
  }

  out.outcome = TlsOutcome::connected;
  out.version = static_cast<TlsVersion>(SSL_version(ssl.get()));
  if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl.get()); cipher != nullptr) {
    out.cipher = SSL_CIPHER_get_name(cipher);
    out.cipher_code = SSL_CIPHER_get_protocol_id(cipher);
  }
  if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl.get()); chain != nullptr) {
    int count = sk_X509_num(chain);
    for (int i = 0; i < count && i < 16; ++i)
      out.chain.push_back(cert_info(sk_X509_value(chain, i)));
  }
  long verify = SSL_get_verify_result(ssl.get());
  out.verified = verify == X509_V_OK && !out.chain.empty();
  if (!out.verified)
    out.verify_error = out.chain.empty() ? "the server sent no certificate"
                                         : X509_verify_cert_error_string(verify);
  if (X509* leaf = SSL_get0_peer_certificate(ssl.get()); leaf != nullptr) {
    out.name_covered =
        is_ip_literal(target.host)
            ? X509_check_ip_asc(leaf, target.host.c_str(), 0) == 1
            : X509_check_host(leaf, target.host.c_str(), target.host.size(), 0, nullptr) == 1;
  }
  ERR_clear_error();
  return out;
}

Expected<std::string> OpenSslProber::exchange(const TlsTarget& target, std::string_view bytes,
                                              std::size_t max_reply) {
  auto deadline = Clock::now() + std::chrono::milliseconds(target.timeout_ms);
  auto connected = LG_TRY(tcp_connect(target, deadline));
  if (connected.timed_out)
    return std::string();
  Fd fd(connected.fd);
  size_t sent = 0;
  for (int round = 0; sent < bytes.size() && round < 10000; ++round) {
    ssize_t n = ::send(fd.get(), bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_for(fd.get(), POLLOUT, deadline))
        return std::string();
      continue;
    }
    return std::string(); // the peer closed or reset before taking the hello
  }
  std::string reply;
  char buf[4096];
  for (int round = 0; reply.size() < max_reply && round < 10000; ++round) {
    // Stop at the first complete TLS record: the server then waits for the client.
    if (reply.size() >= 5) {
      size_t record = 5 + (size_t{static_cast<unsigned char>(reply[3])} << 8U) +
                      size_t{static_cast<unsigned char>(reply[4])};
      if (reply.size() >= record)
        break;
    }
    ssize_t n = ::recv(fd.get(), buf, std::min(sizeof(buf), max_reply - reply.size()), 0);
    if (n > 0) {
      reply.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_for(fd.get(), POLLIN, deadline))
        break;
      continue;
    }
    break; // closed or reset
  }
  return reply;
}

} // namespace lg::net
