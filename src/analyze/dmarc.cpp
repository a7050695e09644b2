// DMARC record parsing and lints (RFC 7489 section 6.3 and 6.6.3; DMARCbis np, psd, t).

#include "analyze/dmarc.hpp"

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

} // namespace lg::analyze
