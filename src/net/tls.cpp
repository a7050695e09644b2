// Names of TLS protocol versions (net/tls.hpp).

#include "net/tls.hpp"

#include <fmt/format.h>

namespace lg::net {

std::string tls_version_name(TlsVersion version) {
  switch (version) {
  case TlsVersion::ssl3:
    return "SSLv3";
  case TlsVersion::tls1_0:
    return "TLSv1.0";
  case TlsVersion::tls1_1:
    return "TLSv1.1";
  case TlsVersion::tls1_2:
    return "TLSv1.2";
  case TlsVersion::tls1_3:
    return "TLSv1.3";
  }
  return fmt::format("0x{:04x}", static_cast<unsigned>(version));
}

} // namespace lg::net
