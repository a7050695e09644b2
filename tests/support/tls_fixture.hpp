#pragma once
// TLS fixtures for the domain gate's tests: a test PKI made with the `openssl` command line in a
// temporary directory (a CA, leaves signed by it — valid, expired, expiring, for another name —
// and a self-signed leaf; EC P-256 keys), and `openssl s_server` processes on 127.0.0.1 serving
// them with chosen protocol and cipher options. Both need the `openssl` program; `available()`
// says whether it is there (tests skip otherwise).

#include "support/test_support.hpp"

#include <string>
#include <sys/types.h>
#include <vector>

namespace lg::test {

/// A certificate and its key, as PEM file paths.
struct TlsLeaf {
  std::string cert;
  std::string key;
};

class TlsPki {
public:
  /// Creates the CA. Failures are test failures (ADD_FAILURE) and leave `ok()` false.
  TlsPki();
  bool ok() const { return m_ok; }
  /// Whether the `openssl` program can be run.
  static bool available();

  /// The CA certificate (the trust anchor to give as domain.ca_file).
  std::string ca_file() const { return (m_dir.path() / "ca.pem").string(); }
  /// A leaf for `name` signed by the CA, valid from yesterday for `days` days.
  TlsLeaf leaf(const std::string& name, int days = 90);
  /// A leaf for `name` signed by the CA that expired in 2021.
  TlsLeaf expired(const std::string& name);
  /// A self-signed leaf for `name`.
  TlsLeaf self_signed(const std::string& name);

private:
  bool run(const std::vector<std::string>& argv);
  std::string path(const std::string& file) const { return (m_dir.path() / file).string(); }

  TempDir m_dir;
  bool m_ok = false;
  int m_serial = 0;
};

/// `openssl s_server -www` on 127.0.0.1 with `leaf` and `options` (e.g. {"-cipher", "…"}),
/// killed on destruction. `ok()` is false when it did not accept connections within 10 s.
/// `workdir`, when given, is the server's working directory: with the option "-WWW" it serves
/// the files under it (GET /a/b.txt reads `workdir`/a/b.txt).
class TlsServer {
public:
  TlsServer(const TlsLeaf& leaf, const std::vector<std::string>& options,
            const std::string& workdir = "");
  ~TlsServer();
  TlsServer(const TlsServer&) = delete;
  TlsServer& operator=(const TlsServer&) = delete;
  bool ok() const { return m_ok; }
  int port() const { return m_port; }
  /// What s_server printed (for assertion messages).
  std::string log() const;

private:
  TempDir m_dir;
  pid_t m_pid = -1;
  int m_port = 0;
  bool m_ok = false;
};

} // namespace lg::test
