// Answers DNS queries from a parsed zone file.

#include "net/impl/zone_resolver.hpp"

#include "util/text.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace lg::net {

namespace {

std::string normal(std::string name) {
  name = to_lower(name);
  if (!name.empty() && name.back() == '.')
    name.pop_back();
  return name;
}

/// "b.c" for "a.b.c"; "" for a single label.
std::string parent(const std::string& name) {
  size_t dot = name.find('.');
  return dot == std::string::npos ? std::string() : name.substr(dot + 1);
}

} // namespace

ZoneResolver::ZoneResolver(analyze::Zone zone) : m_zone(std::move(zone)) {
  // A file of absolute names without $ORIGIN (an export) is the zone of its SOA's owner.
  if (m_zone.origin.empty())
    for (const auto& r : m_zone.records)
      if (r.type == RrType::soa) {
        m_zone.origin = r.name;
        break;
      }
  for (const auto& r : m_zone.records) {
    m_by_name.emplace(r.name, &r);
    // The owner and every name between it and the origin exist (empty non-terminals).
    for (std::string n = r.name; !n.empty(); n = parent(n)) {
      m_names.insert(n);
      if (n == m_zone.origin)
        break;
    }
  }
}

Expected<std::unique_ptr<ZoneResolver>> ZoneResolver::load(const std::string& path,
                                                           const std::string& origin) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec)
    return unexpected(ErrorKind::io, fmt::format("{}: {}", path, ec.message()));
  if (size > (64u << 20))
    return unexpected(ErrorKind::io, fmt::format("{}: over 64 MiB, not a zone file", path));
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in && !in.eof())
    return unexpected(ErrorKind::io, fmt::format("{}: cannot be read", path));
  auto zone = analyze::parse_zone(buffer.str(), origin);
  if (!zone)
    return unexpected(ErrorKind::parse, fmt::format("{}:\n{}", path, zone.error().message));
  return std::make_unique<ZoneResolver>(std::move(*zone));
}

bool ZoneResolver::exists(const std::string& name) const {
  return m_names.count(name) != 0;
}

bool ZoneResolver::in_zone(const std::string& name) const {
  const auto& origin = m_zone.origin;
  if (origin.empty())
    return exists(name);
  return name == origin || (name.size() > origin.size() &&
                            name.compare(name.size() - origin.size(), origin.size(), origin) == 0 &&
                            name[name.size() - origin.size() - 1] == '.');
}

Expected<DnsAnswer> ZoneResolver::query(const std::string& asked, RrType type) {
  DnsAnswer answer;
  std::string name = normal(asked);
  for (int hop = 0; hop <= 8; ++hop) {
    if (!in_zone(name)) {
      answer.status = DnsStatus::servfail;
      answer.authoritative = false;
      return answer;
    }
    answer.authoritative = true;
    std::string owner = name;
    if (!exists(name)) {
      // RFC 4592: the wildcard at the closest encloser answers for a name that does not exist.
      std::string encloser = parent(name);
      while (!encloser.empty() && !exists(encloser))
        encloser = parent(encloser);
      owner = encloser.empty() ? "*" : "*." + encloser;
      if (m_by_name.count(owner) == 0) {
        answer.status = DnsStatus::nxdomain;
        return answer;
      }
    }
    auto [begin, end] = m_by_name.equal_range(owner);
    const DnsRecord* cname = nullptr;
    for (auto it = begin; it != end; ++it)
      if (it->second->type == RrType::cname)
        cname = it->second;
    if (cname != nullptr && type != RrType::cname) {
      DnsRecord r = *cname;
      r.name = name;
      answer.records.push_back(r);
      name = cname->data;
      continue;
    }
    for (auto it = begin; it != end; ++it)
      if (it->second->type == type) {
        DnsRecord r = *it->second;
        r.name = name;
        answer.records.push_back(std::move(r));
      }
    answer.status = DnsStatus::ok;
    return answer;
  }
  answer.status = DnsStatus::servfail; // a CNAME chain longer than 8, or a loop
  return answer;
}

} // namespace lg::net
