// MTA-STS records and policies (RFC 8461 sections 3.1, 3.2 and 4.1) and TLS-RPT records (RFC 8460
// section 3). Field and key names are case-sensitive as the RFCs' ABNF (%s) says; every loop is
// bounded by the input, which is capped at 64 KiB for policies.

#include "analyze/mta_sts.hpp"

#include "util/text.hpp"

#include <fmt/format.h>

#include <charconv>

namespace lg::analyze {

namespace {

bool starts_record(std::string_view txt, std::string_view version) {
  if (txt.substr(0, version.size()) != version)
    return false;
  if (txt.size() == version.size())
    return true;
  char next = txt[version.size()];
  return next == ';' || next == ' ' || next == '\t';
}

bool alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/// A host name as policies write it: labels of letters, digits and '-', 253 octets at most.
bool host_name(std::string_view name) {
  if (name.empty() || name.size() > 253)
    return false;
  size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0)
        return false;
      label = 0;
      continue;
    }
    if (!alnum(c) && c != '-' && c != '_')
      return false;
    if (++label > 63)
      return false;
  }
  return label != 0;
}

std::string strip_dot(std::string_view name) {
  std::string out = to_lower(name);
  if (!out.empty() && out.back() == '.')
    out.pop_back();
  return out;
}

} // namespace

bool is_mta_sts_record(std::string_view txt) {
  return starts_record(txt, "v=STSv1");
}

MtaStsRecord parse_mta_sts_record(std::string_view txt) {
  MtaStsRecord out;
  auto fields = split(txt, ';');
  if (fields.empty() || trim(fields[0]) != "v=STSv1") {
    out.errors.push_back("the record does not start with v=STSv1");
    return out;
  }
  int ids = 0;
  for (size_t k = 1; k < fields.size(); ++k) {
    auto field = trim(fields[k]);
    if (field.empty()) {
      if (k + 1 != fields.size())
        out.errors.push_back("an empty field (two ';' in a row)");
      continue;
    }
    auto eq = field.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      out.errors.push_back(fmt::format("'{}' is not name=value", field));
      continue;
    }
    auto name = field.substr(0, eq);
    auto value = field.substr(eq + 1);
    if (name != "id")
      continue; // an extension: senders ignore it
    ++ids;
    out.id = std::string(value);
    bool valid = !value.empty() && value.size() <= 32;
    for (char c : value)
      valid = valid && alnum(c);
    if (!valid)
      out.errors.push_back(fmt::format(
          "id '{}' is not 1 to 32 letters and digits: senders ignore the record", value));
  }
  if (ids == 0)
    out.errors.push_back("no id field: senders ignore the record");
  else if (ids > 1)
    out.errors.push_back("more than one id field");
  return out;
}

MtaStsPolicy parse_mta_sts_policy(std::string_view body) {
  MtaStsPolicy p;
  constexpr size_t k_max = 64 * 1024;
  if (body.size() > k_max) {
    p.errors.push_back("the policy is over 64 KiB: senders may refuse it");
    body = body.substr(0, k_max);
  }
  bool seen_version = false;
  bool seen_mode = false;
  bool seen_max_age = false;
  size_t line_no = 0;
  size_t begin = 0;
  while (begin < body.size()) {
    size_t end = body.find('\n', begin);
    if (end == std::string_view::npos)
      end = body.size();
    std::string_view line = body.substr(begin, end - begin);
    begin = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (trim(line).empty())
      continue;
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      p.errors.push_back(fmt::format("line {} is not 'key: value'", line_no));
      continue;
    }
    auto key = line.substr(0, colon);
    auto value = trim(line.substr(colon + 1));
    const auto once = [&](bool& seen) {
      if (seen)
        p.errors.push_back(fmt::format("line {}: {} is given twice", line_no, key));
      seen = true;
    };
    if (key == "version") {
      once(seen_version);
      p.version = std::string(value);
      if (value != "STSv1")
        p.errors.push_back(fmt::format("version '{}' is not STSv1", value));
    } else if (key == "mode") {
      once(seen_mode);
      p.mode = std::string(value);
      if (value != "enforce" && value != "testing" && value != "none")
        p.errors.push_back(fmt::format(
            "mode '{}' is not enforce, testing or none: senders reject the policy", value));
    } else if (key == "max_age") {
      once(seen_max_age);
      long long age = -1;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), age);
      if (value.empty() || value.size() > 10 || ec != std::errc() ||
          ptr != value.data() + value.size() || age < 0)
        p.errors.push_back(fmt::format("max_age '{}' is not a number of seconds", value));
      else if (age > 31557600)
        p.errors.push_back(
            fmt::format("max_age {} is over 31557600 (a year), the most RFC 8461 allows", age));
      else
        p.max_age = age;
    } else if (key == "mx") {
      std::string pattern = strip_dot(value);
      std::string_view host = pattern;
      if (host.substr(0, 2) == "*.")
        host.remove_prefix(2);
      if (!host_name(host))
        p.errors.push_back(fmt::format("mx '{}' is not a host name or *.<domain>", value));
      else if (p.mx.size() < 1000)
        p.mx.push_back(pattern);
    }
    // Unknown keys are extensions: ignored (RFC 8461 section 3.2).
  }
  if (!seen_version)
    p.errors.push_back("no version line (version: STSv1): senders reject the policy");
  if (!seen_mode)
    p.errors.push_back("no mode line: senders reject the policy");
  if (!seen_max_age)
    p.errors.push_back("no max_age line: senders reject the policy");
  if ((p.mode == "enforce" || p.mode == "testing") && p.mx.empty())
    p.errors.push_back(fmt::format("mode {} without mx lines: no MX host can match", p.mode));
  if (p.mode == "testing")
    p.warnings.push_back("mode testing: senders report TLS failures but still deliver without "
                         "TLS; move to enforce once reports are clean");
  else if (p.mode == "none")
    p.warnings.push_back("mode none: the policy is withdrawn and protects nothing");
  if (p.max_age >= 0 && p.max_age < 86400)
    p.warnings.push_back(fmt::format("max_age {} is under a day: senders forget the policy "
                                     "quickly, so a downgrade only has to wait; use weeks "
                                     "(e.g. 604800) or more",
                                     p.max_age));
  return p;
}

bool mta_sts_mx_matches(std::string_view pattern_text, std::string_view host_text) {
  std::string pattern = strip_dot(pattern_text);
  std::string host = strip_dot(host_text);
  if (pattern.empty() || host.empty())
    return false;
  if (pattern.size() > 2 && pattern[0] == '*' && pattern[1] == '.') {
    std::string_view suffix = std::string_view(pattern).substr(1); // ".example.com"
    if (host.size() <= suffix.size() ||
        host.compare(host.size() - suffix.size(), suffix.size(), suffix) != 0)
      return false;
    std::string_view label = std::string_view(host).substr(0, host.size() - suffix.size());
    return label.find('.') == std::string_view::npos; // exactly one label
  }
  return pattern == host;
}

bool is_tlsrpt_record(std::string_view txt) {
  return starts_record(txt, "v=TLSRPTv1");
}

std::vector<std::string> tlsrpt_rua(std::string_view txt) {
  std::vector<std::string> out;
  for (auto field : split(txt, ';')) {
    field = trim(field);
    if (field.substr(0, 4) != "rua=")
      continue;
    for (auto uri : split(field.substr(4), ',')) {
      uri = trim(uri);
      if (!uri.empty() && out.size() < 100)
        out.emplace_back(uri);
    }
  }
  return out;
}

} // namespace lg::analyze
