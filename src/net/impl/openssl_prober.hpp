#pragma once
// The OpenSSL adapter of net::TlsProber: non-blocking TCP with a deadline, one SSL object per
// handshake, the peer chain turned into plain CertInfo structs.

#include "net/tls.hpp"

#include <memory>

namespace lg::net {

/// Each call opens its own connection and may run on any thread. The trust stores (the
/// system's CAs, plus each offer's ca_file) are loaded once and shared by every handshake:
/// loading Debian's CA bundle takes milliseconds, a suite enumeration hundreds of handshakes.
class OpenSslProber final : public TlsProber {
public:
  OpenSslProber();
  ~OpenSslProber() override;
  OpenSslProber(const OpenSslProber&) = delete;
  OpenSslProber& operator=(const OpenSslProber&) = delete;

  Expected<TlsHandshake> handshake(const TlsTarget& target, const TlsOffer& offer) override;
  Expected<std::string> exchange(const TlsTarget& target, std::string_view bytes,
                                 std::size_t max_reply) override;

private:
  struct Stores;
  std::unique_ptr<Stores> m_stores;
};

} // namespace lg::net
