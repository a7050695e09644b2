// The TLS fixtures of tests/support/tls_fixture.hpp: the openssl command line makes the PKI and
// serves it (s_server). Lives beside the integration tests, whose sources are globbed.

#include "support/tls_fixture.hpp"

#include <arpa/inet.h>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace lg::test {

namespace {

/// A port that was free a moment ago on 127.0.0.1.
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = 0;
  // NOLINTBEGIN(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API's own idiom
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  // NOLINTEND(cppcoreguidelines-pro-type-reinterpret-cast)
  if (fd >= 0)
    ::close(fd);
  return port;
}

bool accepts(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
  bool ok = fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  if (fd >= 0)
    ::close(fd);
  return ok;
}

const char* k_ca_config = R"([ca]
default_ca = lg
[lg]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
)";

} // namespace

bool TlsPki::available() {
  return run_command({"openssl", "version"}, "", {}, 10).code == 0;
}

bool TlsPki::run(const std::vector<std::string>& argv) {
  auto r = run_command(argv, m_dir.path().string(), {}, 60);
  if (r.code != 0)
    ADD_FAILURE() << argv[0] << " " << argv[1] << " failed (" << r.code << "): " << r.err;
  return r.code == 0;
}

TlsPki::TlsPki() {
  m_dir.write("ca.cnf", k_ca_config);
  m_dir.write("index.txt", "");
  m_dir.write("serial", "1000\n");
  m_ok = run({"openssl",
              "req",
              "-x509",
              "-newkey",
              "ec",
              "-pkeyopt",
              "ec_paramgen_curve:P-256",
              "-nodes",
              "-keyout",
              "ca.key",
              "-out",
              "ca.pem",
              "-days",
              "30",
              "-subj",
              "/CN=launchgate test CA",
              "-addext",
              "basicConstraints=critical,CA:TRUE",
              "-addext",
              "keyUsage=critical,keyCertSign,cRLSign"});
}

TlsLeaf TlsPki::leaf(const std::string& name, int days) {
  std::string base = "leaf" + std::to_string(++m_serial);
  m_dir.write(base + ".ext", "subjectAltName=DNS:" + name +
                                 "\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
  m_ok = m_ok &&
         run({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
              "-nodes", "-keyout", base + ".key", "-out", base + ".csr", "-subj", "/CN=" + name}) &&
         run({"openssl", "x509", "-req", "-in", base + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
              "-set_serial", std::to_string(1000 + m_serial), "-days", std::to_string(days),
              "-sha256", "-extfile", base + ".ext", "-out", base + ".pem"});
  return {path(base + ".pem"), path(base + ".key")};
}

TlsLeaf TlsPki::expired(const std::string& name) {
  std::string base = "leaf" + std::to_string(++m_serial);
  m_dir.write(base + ".ext", "subjectAltName=DNS:" + name + "\nbasicConstraints=CA:FALSE\n");
  m_ok = m_ok &&
         run({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
              "-nodes", "-keyout", base + ".key", "-out", base + ".csr", "-subj", "/CN=" + name}) &&
         run({"openssl",         "ca",       "-batch",          "-config",  "ca.cnf",
              "-cert",           "ca.pem",   "-keyfile",        "ca.key",   "-in",
              base + ".csr",     "-out",     base + ".pem",     "-notext",  "-startdate",
              "20210101000000Z", "-enddate", "20210401000000Z", "-extfile", base + ".ext"});
  return {path(base + ".pem"), path(base + ".key")};
}

TlsLeaf TlsPki::self_signed(const std::string& name) {
  std::string base = "self" + std::to_string(++m_serial);
  m_ok = m_ok &&
         run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
              "-nodes", "-keyout", base + ".key", "-out", base + ".pem", "-days", "90", "-subj",
              "/CN=" + name, "-addext", "subjectAltName=DNS:" + name});
  return {path(base + ".pem"), path(base + ".key")};
}

TlsServer::TlsServer(const TlsLeaf& leaf, const std::vector<std::string>& options,
                     const std::string& workdir) {
  m_port = free_port();
  std::vector<std::string> argv = {
      "openssl", "s_server", "-accept", "127.0.0.1:" + std::to_string(m_port),
      "-cert",   leaf.cert,  "-key",    leaf.key,
      "-www",    "-quiet"};
  argv.insert(argv.end(), options.begin(), options.end());
  std::string log = (m_dir.path() / "log").string();
  m_pid = ::fork();
  if (m_pid == 0) {
    int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int in = ::open("/dev/null", O_RDONLY);
    if (out >= 0) {
      ::dup2(out, 1);
      ::dup2(out, 2);
    }
    if (in >= 0)
      ::dup2(in, 0);
    if (!workdir.empty() && ::chdir(workdir.c_str()) != 0)
      ::_exit(126);
    std::vector<char*> args;
    for (auto& a : argv)
      args.push_back(a.data());
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (m_pid > 0 && std::chrono::steady_clock::now() < deadline) {
    if (accepts(m_port)) {
      m_ok = true;
      break;
    }
    int status = 0;
    if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_pid = -1; // it exited: a bad option
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

TlsServer::~TlsServer() {
  if (m_pid > 0) {
    ::kill(m_pid, SIGKILL);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
  }
}

std::string TlsServer::log() const {
  return read_file(m_dir.path() / "log");
}

} // namespace lg::test
