// DMARC record parsing and lints (RFC 7489 section 6.3 and 6.6.3; DMARCbis np, psd, t), and the
// discovery of the record that applies to a domain: RFC 7489 section 6.6.3 (the domain, then its
// organizational domain from the public suffix list) or the DMARCbis DNS tree walk (each parent in
// turn, at most 7 labels kept, to the TLD; the organizational domain from the psd= tags found).

#include "analyze/dmarc.hpp"

#include "analyze/psl.hpp"

#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace lg::analyze {

namespace {

bool is_policy(const std::string& v) {
  return v == "none" || v == "quarantine" || v == "reject";
}

bool all_digits(std::string_view v) {
  return !v.empty() && v.size() <= 9 &&
         std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<DmarcUri> uris(const std::string& value, const char* tag,
                           std::vector<std::string>& errors) {
  std::vector<DmarcUri> out;
  for (auto part : split(value, ',')) {
    auto item = std::string(trim(part));
    if (item.empty())
      continue;
    DmarcUri u;
    size_t bang = item.rfind('!');
    u.uri = item.substr(0, bang);
    if (bang != std::string::npos) {
      u.limit = item.substr(bang + 1);
      std::string digits = u.limit;
      if (!digits.empty() && std::string("kmgt").find(static_cast<char>(std::tolower(
                                 static_cast<unsigned char>(digits.back())))) != std::string::npos)
        digits.pop_back();
      if (!all_digits(digits))
        errors.push_back(
            fmt::format("{}: size limit '{}' is not a number with k, m, g or t", tag, u.limit));
    }
    if (to_lower(u.uri).rfind("mailto:", 0) != 0)
      errors.push_back(fmt::format("{}: '{}' is not a mailto: URI (receivers send reports only "
                                   "by mail)",
                                   tag, u.uri));
    else if (u.mailbox().find('@') == std::string::npos)
      errors.push_back(fmt::format("{}: '{}' has no address", tag, u.uri));
    out.push_back(std::move(u));
  }
  return out;
}

} // namespace

std::string DmarcUri::mailbox() const {
  if (to_lower(uri).rfind("mailto:", 0) != 0)
    return {};
  auto address = uri.substr(7);
  return to_lower(address.substr(0, address.find('?')));
}

bool is_dmarc_record(std::string_view txt) {
  auto t = trim(txt);
  if (t.size() < 8 || to_lower(t.substr(0, 1)) != "v")
    return false;
  t = trim(t.substr(1));
  if (t.empty() || t[0] != '=')
    return false;
  t = trim(t.substr(1));
  if (t.substr(0, 6) != "DMARC1")
    return false;
  t = trim(t.substr(6));
  return t.empty() || t[0] == ';';
}

DmarcRecord parse_dmarc(std::string_view txt) {
  DmarcRecord r;
  if (!is_dmarc_record(txt)) {
    r.errors.push_back("the record does not start with v=DMARC1");
    return r;
  }
  std::set<std::string> seen;
  bool first = true;
  for (auto part : split(txt, ';')) {
    auto item = trim(part);
    if (item.empty())
      continue;
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      r.errors.push_back(fmt::format("'{}' is not tag=value", item));
      continue;
    }
    std::string tag = to_lower(trim(item.substr(0, eq)));
    std::string value = std::string(trim(item.substr(eq + 1)));
    if (first) {
      first = false;
      continue; // v=DMARC1, checked above
    }
    if (tag == "v") {
      r.errors.push_back("v appears again after the first tag");
      continue;
    }
    if (!seen.insert(tag).second) {
      r.errors.push_back(fmt::format("tag {} appears twice", tag));
      continue;
    }
    std::string lower = to_lower(value);
    if (tag == "p" || tag == "sp" || tag == "np") {
      if (!is_policy(lower))
        r.errors.push_back(fmt::format("{}={} is not none, quarantine or reject", tag, value));
      (tag == "p" ? r.policy : tag == "sp" ? r.subdomain_policy : r.np) = lower;
    } else if (tag == "pct") {
      if (!all_digits(value) || std::stol(value) > 100)
        r.errors.push_back(fmt::format("pct={} is not a whole number from 0 to 100", value));
      else
        r.pct = static_cast<int>(std::stol(value));
    } else if (tag == "adkim" || tag == "aspf") {
      if (lower != "r" && lower != "s")
        r.errors.push_back(fmt::format("{}={} is not r or s", tag, value));
      else
        (tag == "adkim" ? r.adkim : r.aspf) = lower[0];
    } else if (tag == "rua") {
      r.rua = uris(value, "rua", r.errors);
    } else if (tag == "ruf") {
      r.ruf = uris(value, "ruf", r.errors);
    } else if (tag == "fo") {
      for (auto option : split(lower, ':'))
        if (auto o = trim(option); o != "0" && o != "1" && o != "d" && o != "s")
          r.errors.push_back(fmt::format("fo option '{}' is not 0, 1, d or s", o));
      r.fo = lower;
    } else if (tag == "ri") {
      if (!all_digits(value))
        r.errors.push_back(fmt::format("ri={} is not a number of seconds", value));
      else
        r.ri = std::stol(value);
    } else if (tag == "rf") {
      if (lower != "afrf")
        r.errors.push_back(fmt::format("rf={} is not afrf", value));
    } else if (tag == "psd") {
      if (lower != "y" && lower != "n" && lower != "u")
        r.errors.push_back(fmt::format("psd={} is not y, n or u", value));
      r.psd = lower;
    } else if (tag == "t") {
      if (lower != "y" && lower != "n")
        r.errors.push_back(fmt::format("t={} is not y or n", value));
      r.testing = lower == "y";
    } else {
      r.unknown_tags.push_back(tag);
    }
  }
  // RFC 7489 6.6.3: without a valid p, a record with rua is treated as p=none; else ignored.
  if (r.policy.empty())
    r.errors.push_back(r.rua.empty() ? "no p= tag: receivers ignore the record"
                                     : "no p= tag: receivers treat the record as p=none");
  else if (r.policy == "none")
    r.warnings.push_back("p=none: monitoring only, receivers deliver spoofed mail as usual");
  if (r.subdomain_policy == "none" && r.policy != "none")
    r.warnings.push_back("sp=none: subdomains can be spoofed");
  if (r.pct < 100 && r.policy != "none")
    r.warnings.push_back(
        fmt::format("pct={}: the policy applies to {}% of failing mail only", r.pct, r.pct));
  if (r.testing)
    r.warnings.push_back("t=y: receivers apply the policy one step softer (testing mode)");
  if (r.rua.empty())
    r.warnings.push_back("no rua: nobody receives aggregate reports, failures go unseen");
  return r;
}

namespace {

/// What one _dmarc name holds.
struct Level {
  std::string domain;
  std::vector<std::string> records; ///< TXT data starting v=DMARC1
  net::DnsStatus status = net::DnsStatus::ok;
};

Expected<Level> ask(net::Resolver& dns, const std::string& domain, DmarcDiscovery& out) {
  std::string name = "_dmarc." + domain;
  out.tried.push_back(name);
  auto answer = dns.query(name, net::RrType::txt);
  if (!answer)
    return unexpected(answer.error());
  Level level;
  level.domain = domain;
  level.status = answer->status;
  for (const auto& r : answer->records)
    if (r.type == net::RrType::txt && is_dmarc_record(r.data))
      level.records.push_back(r.data);
  return level;
}

const char* failure_text(net::DnsStatus status) {
  return status == net::DnsStatus::timeout ? "a timeout" : "SERVFAIL";
}

bool failed(const Level& level) {
  return level.status == net::DnsStatus::servfail || level.status == net::DnsStatus::timeout;
}

/// Settles `out` on `level`: found, several, or a DNS failure. True when the search stops here.
bool settle(const Level& level, const std::string& target, DmarcDiscovery& out) {
  out.name = "_dmarc." + level.domain;
  if (failed(level)) {
    out.temporary = true;
    out.problem =
        fmt::format("{} could not be answered ({})", out.name, failure_text(level.status));
    return true;
  }
  if (level.records.empty())
    return false;
  out.records = level.records;
  if (level.records.size() > 1) {
    out.problem = fmt::format("{} DMARC records at {}: receivers ignore them all",
                              level.records.size(), out.name);
    return true;
  }
  out.found = true;
  out.policy_domain = level.domain;
  out.text = level.records.front();
  out.record = parse_dmarc(out.text);
  out.subdomain = level.domain != target;
  return true;
}

/// The names the DMARCbis tree walk asks about, `domain` first: a label dropped at each step,
/// except that a name of 8 or more labels goes straight to its 7 rightmost.
std::vector<std::string> walk(const std::string& domain) {
  std::vector<std::string> labels;
  for (auto part : split(domain, '.'))
    labels.emplace_back(part);
  std::vector<std::string> out = {domain};
  size_t first = 0;
  while (labels.size() - first > 1) {
    size_t count = labels.size() - first;
    first = count >= 8 ? labels.size() - 7 : first + 1;
    std::vector<std::string> rest(labels.begin() + static_cast<long>(first), labels.end());
    out.push_back(join(rest, "."));
  }
  return out;
}

size_t label_count(const std::string& name) {
  return static_cast<size_t>(std::count(name.begin(), name.end(), '.')) + 1;
}

} // namespace

Expected<DmarcDiscovery> discover_dmarc(net::Resolver& dns, const std::string& domain,
                                        DmarcMethod method) {
  DmarcDiscovery out;
  if (method == DmarcMethod::rfc7489) {
    auto org = organizational_domain(domain);
    out.organizational_domain = org.empty() ? domain : org;
    auto level = ask(dns, domain, out);
    if (!level)
      return unexpected(level.error());
    if (settle(*level, domain, out))
      return out;
    if (!org.empty() && org != domain) {
      auto parent = ask(dns, org, out);
      if (!parent)
        return unexpected(parent.error());
      if (settle(*parent, domain, out))
        return out;
    }
    out.problem = fmt::format("no DMARC record at {}", join(out.tried, " or "));
    return out;
  }

  // DMARCbis: the first record up the tree applies; the walk goes on to the top only to find
  // the organizational domain (psd=n marks it, psd=y marks the level above it, else the record
  // nearest the root).
  std::vector<Level> levels;
  bool settled = false;
  for (const auto& name : walk(domain)) {
    auto level = ask(dns, name, out);
    if (!level)
      return unexpected(level.error());
    if (!settled)
      settled = settle(*level, domain, out);
    if (failed(*level))
      break;
    levels.push_back(std::move(*level));
  }
  if (!settled)
    out.problem = fmt::format("no DMARC record at {}", join(out.tried, ", "));
  out.organizational_domain = domain;
  std::string highest;
  for (const auto& level : levels) {
    if (level.records.size() != 1)
      continue;
    auto record = parse_dmarc(level.records.front());
    if (record.psd == "n") {
      out.organizational_domain = level.domain;
      return out;
    }
    if (record.psd == "y") {
      // One label below the public suffix domain, on the way to `domain`.
      size_t want = label_count(level.domain) + 1;
      if (want <= label_count(domain)) {
        std::string name = domain;
        while (label_count(name) > want)
          name = name.substr(name.find('.') + 1);
        out.organizational_domain = name;
      }
      return out;
    }
    highest = level.domain;
  }
  if (!highest.empty())
    out.organizational_domain = highest;
  return out;
}

} // namespace lg::analyze
