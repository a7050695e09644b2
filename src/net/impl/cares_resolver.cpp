// Live DNS through c-ares 1.18's callback API: ares_query (no search domains) on a channel made
// per query, driven with ares_getsock + poll + ares_process_fd under an overall deadline, the raw
// answer read by analyze::parse_dns_message so records look exactly like a zone file's. CNAME
// chains that a server leaves unfinished (an authoritative server answering for its zone only)
// are followed with further queries, at most 8 CNAMEs in all, as ZoneResolver does.

#include "net/impl/cares_resolver.hpp"

#include "analyze/dnsmsg.hpp"
#include "util/text.hpp"

#include <ares.h>
#include <arpa/inet.h>
#include <fmt/format.h>
#include <poll.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

namespace lg::net {

namespace {

struct ChannelDeleter {
  void operator()(ares_channel channel) const { ares_destroy(channel); }
};
using Channel = std::unique_ptr<std::remove_pointer_t<ares_channel>, ChannelDeleter>;

/// ares_library_init once per process (it is not thread-safe itself); its result is kept.
int library_status() {
  static const int status = ares_library_init(ARES_LIB_INIT_ALL);
  return status;
}

std::string who(const CaresOptions& options) {
  return options.server.empty() ? "the system's DNS servers" : "dns.server " + options.server;
}

/// "IP:port" or "[v6]:port" with a literal address; false otherwise.
bool valid_server(const std::string& server) {
  std::string host;
  std::string port;
  if (!server.empty() && server.front() == '[') {
    auto close = server.find("]:");
    if (close == std::string::npos)
      return false;
    host = server.substr(1, close - 1);
    port = server.substr(close + 2);
    std::array<unsigned char, 16> buf{};
    if (inet_pton(AF_INET6, host.c_str(), buf.data()) != 1)
      return false;
  } else {
    auto colon = server.rfind(':');
    if (colon == std::string::npos)
      return false;
    host = server.substr(0, colon);
    port = server.substr(colon + 1);
    std::array<unsigned char, 4> buf{};
    if (inet_pton(AF_INET, host.c_str(), buf.data()) != 1)
      return false;
  }
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
    return false;
  long value = std::stol(port);
  return value >= 1 && value <= 65535;
}

Expected<Channel> make_channel(const CaresOptions& options) {
  if (int rc = library_status(); rc != ARES_SUCCESS)
    return unexpected(ErrorKind::config,
                      fmt::format("{}: c-ares cannot start: {}", who(options), ares_strerror(rc)));
  ares_options opts{};
  // Names are absolute (NOSEARCH, NOALIASES: no HOSTALIASES file); EDNS with the 1232-byte
  // payload of DNS flag day 2020. ARES_FLAG_IGNTC is never set: a truncated UDP answer is asked
  // again over TCP. NOCHECKRESP hands SERVFAIL and REFUSED answers to us: c-ares 1.18 would
  // otherwise report them as ARES_ECONNREFUSED, indistinguishable from a closed port.
  opts.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | ARES_FLAG_EDNS | ARES_FLAG_NOCHECKRESP;
  if (!options.recursion)
    opts.flags |= ARES_FLAG_NORECURSE;
  opts.timeout = static_cast<int>(options.timeout.count());
  opts.tries = options.tries;
  opts.ednspsz = 1232;
  int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_EDNSPSZ;
  ares_channel raw = nullptr;
  int rc = ares_init_options(&raw, &opts, mask);
  Channel channel(raw);
  if (rc != ARES_SUCCESS)
    return unexpected(ErrorKind::config,
                      fmt::format("{}: c-ares cannot start: {}", who(options), ares_strerror(rc)));
  if (!options.server.empty()) {
    rc = ares_set_servers_ports_csv(channel.get(), options.server.c_str());
    if (rc != ARES_SUCCESS)
      return unexpected(ErrorKind::config, fmt::format("{}: c-ares refuses the server: {}",
                                                       who(options), ares_strerror(rc)));
  }
  return channel;
}

/// One exchange with the servers: what the callback said.
struct Exchange {
  bool done = false;
  bool cancelled = false; ///< our deadline passed before c-ares finished
  int status = ARES_SUCCESS;
  std::string answer; ///< the raw response, when there is one
};

void on_answer(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
  auto* exchange = static_cast<Exchange*>(arg);
  exchange->done = true;
  exchange->status = status;
  if (abuf != nullptr && alen > 0)
    exchange->answer.assign(reinterpret_cast<const char*>(abuf), static_cast<size_t>(alen));
}

/// Asks `name` `type` on `channel` and drives it until the answer or `deadline`.
Expected<Exchange> exchange(ares_channel channel, const std::string& name, RrType type,
                            std::chrono::steady_clock::time_point deadline) {
  Exchange x;
  ares_query(channel, name.empty() ? "." : name.c_str(), 1 /* IN */, static_cast<int>(type),
             on_answer, &x);
  // Bounded: each round waits at most until the deadline, after which the query is cancelled.
  while (!x.done) {
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      x.cancelled = true;
      ares_cancel(channel); // calls on_answer with ARES_ECANCELLED
      break;
    }
    std::array<ares_socket_t, ARES_GETSOCK_MAXNUM> sockets{};
    int bits = ares_getsock(channel, sockets.data(), ARES_GETSOCK_MAXNUM);
    std::vector<pollfd> fds;
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
      short events = 0;
      if (ARES_GETSOCK_READABLE(bits, i))
        events |= POLLIN;
      if (ARES_GETSOCK_WRITABLE(bits, i))
        events |= POLLOUT;
      if (events != 0)
        fds.push_back(pollfd{sockets[static_cast<size_t>(i)], events, 0});
    }
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - now);
    timeval max{static_cast<time_t>(left.count() / 1000000),
                static_cast<suseconds_t>(left.count() % 1000000)};
    timeval buf{};
    timeval* wait = ares_timeout(channel, &max, &buf);
    long long wait_ms = wait == nullptr ? 0 : wait->tv_sec * 1000LL + (wait->tv_usec + 999) / 1000;
    int ready = poll(fds.data(), fds.size(), static_cast<int>(std::min(wait_ms, 60000LL)));
    if (ready < 0 && errno != EINTR) {
      ares_cancel(channel);
      return unexpected(ErrorKind::network, fmt::format("poll: {}", std::strerror(errno)));
    }
    if (ready <= 0) {
      ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD); // timeouts
      continue;
    }
    for (const auto& fd : fds) {
      if (fd.revents == 0)
        continue;
      bool readable = (fd.revents & (POLLIN | POLLERR | POLLHUP)) != 0;
      bool writable = (fd.revents & POLLOUT) != 0;
      ares_process_fd(channel, readable ? fd.fd : ARES_SOCKET_BAD,
                      writable ? fd.fd : ARES_SOCKET_BAD);
      if (x.done)
        break;
    }
  }
  return x;
}

std::string normal(std::string name) {
  name = to_lower(name);
  if (!name.empty() && name.back() == '.')
    name.pop_back();
  return name;
}

} // namespace

CaresResolver::CaresResolver(CaresOptions options) : m_options(std::move(options)) {}

Expected<std::unique_ptr<CaresResolver>> CaresResolver::open(CaresOptions options) {
  if (!options.server.empty() && !valid_server(options.server))
    return unexpected(ErrorKind::config,
                      fmt::format("dns.server '{}' is not IP:port with a literal IP, e.g. "
                                  "127.0.0.1:5353 or [::1]:53",
                                  options.server));
  if (options.timeout.count() < 1 || options.timeout.count() > 60000 || options.tries < 1 ||
      options.tries > 5)
    return unexpected(
        ErrorKind::config,
        fmt::format("{}: a timeout of 1 ms to 60 s and 1 to 5 tries are needed", who(options)));
  if (options.deadline.count() <= 0)
    options.deadline =
        options.timeout * ((1 << options.tries) - 1) + std::chrono::milliseconds(500);
  auto probe = make_channel(options);
  if (!probe)
    return unexpected(probe.error());
  return std::unique_ptr<CaresResolver>(new CaresResolver(std::move(options)));
}

std::string CaresResolver::describe() const {
  return m_options.server.empty() ? "the system's DNS servers" : m_options.server;
}

Expected<std::unique_ptr<Resolver>> CaresResolver::direct(const std::string& address, int port) {
  CaresOptions options = m_options;
  options.recursion = false;
  bool v6 = address.find(':') != std::string::npos;
  options.server = fmt::format("{}{}{}:{}", v6 ? "[" : "", address, v6 ? "]" : "", port);
  if (port < 1 || port > 65535 || !valid_server(options.server))
    return unexpected(
        ErrorKind::usage,
        fmt::format("'{}' port {} is not a literal IP address and a port to ask", address, port));
  auto opened = open(std::move(options));
  if (!opened)
    return unexpected(opened.error());
  return std::unique_ptr<Resolver>(std::move(*opened));
}

std::string CaresResolver::library_version() {
  return ares_version(nullptr);
}

Expected<DnsAnswer> CaresResolver::query(const std::string& asked, RrType type) {
  auto key = std::make_pair(normal(asked), type);
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_cache.find(key);
    if (it != m_cache.end()) {
      ++m_hits;
      return it->second;
    }
  }
  auto answer = resolve(key.first, type);
  if (!answer)
    return answer;
  std::lock_guard<std::mutex> lock(m_mutex);
  m_cache.emplace(key, *answer);
  return answer;
}

Expected<DnsAnswer> CaresResolver::resolve(const std::string& start, RrType type) {
  const auto deadline = std::chrono::steady_clock::now() + m_options.deadline;
  auto channel = make_channel(m_options);
  if (!channel)
    return unexpected(channel.error());
  DnsAnswer out;
  std::string name = start;
  int cnames = 0;
  for (int round = 0; round <= 8; ++round) {
    ++m_sent;
    auto x = exchange(channel->get(), name, type, deadline);
    if (!x)
      return unexpected(x.error());
    if (x->cancelled || x->status == ARES_ETIMEOUT || x->status == ARES_ECONNREFUSED) {
      out.status = DnsStatus::timeout; // no answer in time (a refused UDP port answers nothing)
      return out;
    }
    if (x->answer.empty()) {
      switch (x->status) {
      case ARES_ENOTFOUND:
        out.status = DnsStatus::nxdomain;
        return out;
      case ARES_ENODATA:
        out.status = DnsStatus::ok;
        return out;
      case ARES_EBADNAME:
      case ARES_EBADQUERY:
        return unexpected(ErrorKind::usage,
                          fmt::format("'{}' cannot be asked: {}", name, ares_strerror(x->status)));
      case ARES_ENOMEM:
      case ARES_EDESTRUCTION:
      case ARES_ECANCELLED:
        return unexpected(ErrorKind::internal, fmt::format("c-ares: {}", ares_strerror(x->status)));
      default: // SERVFAIL, REFUSED, NOTIMP, FORMERR, a bad response …
        out.status = DnsStatus::servfail;
        return out;
      }
    }
    auto message = analyze::parse_dns_message(x->answer);
    if (!message || message->truncated) {
      out.status = DnsStatus::servfail; // garbled, or still incomplete over TCP
      return out;
    }
    out.authoritative = message->authoritative;
    // The chain from `name` as far as this answer goes, then the records of `type` at its end.
    const auto& records = message->answers;
    std::string at = name;
    bool moved = true;
    while (moved && type != RrType::cname) {
      moved = false;
      for (const auto& r : records)
        if (r.type == RrType::cname && r.name == at) {
          if (++cnames > 8) {
            out.status = DnsStatus::servfail; // a chain longer than 8, or a loop
            return out;
          }
          out.records.push_back(r);
          at = r.data;
          moved = true;
          break;
        }
    }
    bool found = false;
    for (const auto& r : records)
      if (r.type == type && r.name == at) {
        out.records.push_back(r);
        found = true;
      }
    if (message->rcode == 3) {
      out.status = DnsStatus::nxdomain;
      return out;
    }
    if (message->rcode != 0) {
      out.status = DnsStatus::servfail;
      return out;
    }
    out.status = DnsStatus::ok;
    if (found || at == name)
      return out;
    name = at; // the server stopped at a CNAME whose target it does not answer for: ask on
  }
  out.status = DnsStatus::servfail;
  return out;
}

} // namespace lg::net
