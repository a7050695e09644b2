#pragma once
// The OpenSSL adapter of net::TlsProber: non-blocking TCP with a deadline, one SSL object per
// handshake, the peer chain turned into plain CertInfo structs.

#include "net/tls.hpp"

namespace lg::net {

/// Stateless apart from its default timeout; each call opens its own connection.
class OpenSslProber final : public TlsProber {
public:
  OpenSslProber() = default;

  Expected<TlsHandshake> handshake(const TlsTarget& target, const TlsOffer& offer) override;
  Expected<std::string> exchange(const TlsTarget& target, std::string_view bytes,
                                 std::size_t max_reply) override;
};

} // namespace lg::net
