#pragma once
// A Resolver over a zone file (`dns.zone_file`): the records a zone is about to publish, answered
// offline like an authoritative server would — CNAME chains followed (at most 8), wildcards
// (RFC 4592) for names that do not exist, NXDOMAIN inside the zone, SERVFAIL outside it (a
// zone file cannot speak for other domains).

#include "analyze/zonefile.hpp"
#include "net/resolver.hpp"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace lg::net {

class ZoneResolver final : public Resolver {
public:
  /// Without an origin, the zone is that of its SOA record's owner; without either, only names
  /// that own records (or lie between them) are in it.
  explicit ZoneResolver(analyze::Zone zone);

  /// Reads and parses `path` (at most 64 MiB); `origin` completes relative names until the
  /// file's own $ORIGIN. Errors name the file and, for parse problems, the lines.
  static Expected<std::unique_ptr<ZoneResolver>> load(const std::string& path,
                                                      const std::string& origin);

  Expected<DnsAnswer> query(const std::string& name, RrType type) override;

  const analyze::Zone& zone() const { return m_zone; }

private:
  bool exists(const std::string& name) const;
  bool in_zone(const std::string& name) const;

  analyze::Zone m_zone;
  std::multimap<std::string, const DnsRecord*> m_by_name;
  std::set<std::string> m_names; ///< owners and the names between them and the origin
};

} // namespace lg::net
