// CAA records (RFC 8659) in the presentation form the resolvers give, the issuer grammar of
// section 4.2 (with the parameters of RFC 8657), and the relevant set judged as a CA would read
// it: issue restricts, issuewild overrides it for wildcards, an unknown critical tag stops every
// CA. Used by domain.caa.

#include "analyze/caa.hpp"

#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace lg::analyze {

namespace {

constexpr size_t k_max_parameters = 32;
constexpr size_t k_max_records = 256;

bool alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool wsp(char c) {
  return c == ' ' || c == '\t';
}

void skip_wsp(std::string_view s, size_t& i) {
  while (i < s.size() && wsp(s[i]))
    ++i;
}

/// label *("." label), label = alnum *( *"-" alnum ) — RFC 8659's issuer-domain-name.
bool valid_issuer_domain(std::string_view d) {
  if (d.empty() || d.size() > 253)
    return false;
  for (auto label : split(d, '.')) {
    if (label.empty() || label.size() > 63 || !alnum(label.front()) || !alnum(label.back()))
      return false;
    for (char c : label)
      if (!alnum(c) && c != '-')
        return false;
  }
  return true;
}

/// A parameter tag: alnum *( *"-" alnum ).
bool valid_parameter_tag(std::string_view t) {
  if (t.empty() || !alnum(t.front()) || !alnum(t.back()))
    return false;
  return std::all_of(t.begin(), t.end(), [](char c) { return alnum(c) || c == '-'; });
}

/// A parameter value: %x21-3A / %x3C-7E (printable ASCII without ';').
bool value_char(char c) {
  return c >= 0x21 && c <= 0x7E && c != ';';
}

void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end())
    list.push_back(item);
}

/// What a problem message shows of untrusted text: at most 80 bytes, printable.
std::string shown(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 80))
    out += (c >= 0x20 && c < 0x7F) ? c : '?';
  if (text.size() > 80)
    out += "...";
  return out;
}

} // namespace

Expected<CaaRecord> parse_caa(std::string_view data) {
  std::string_view s = trim(data);
  size_t i = 0;
  unsigned flags = 0;
  size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    flags = flags * 10 + static_cast<unsigned>(s[i] - '0');
    if (++digits > 3 || flags > 255)
      return unexpected(ErrorKind::parse, "the flags are not a number from 0 to 255");
    ++i;
  }
  if (digits == 0 || i >= s.size() || !wsp(s[i]))
    return unexpected(ErrorKind::parse, "no flags: expected '<flags> <tag> \"<value>\"'");
  skip_wsp(s, i);
  size_t tag_begin = i;
  while (i < s.size() && !wsp(s[i]))
    ++i;
  std::string_view tag = s.substr(tag_begin, i - tag_begin);
  if (tag.empty())
    return unexpected(ErrorKind::parse, "no tag");
  if (tag.size() > 15 || !std::all_of(tag.begin(), tag.end(), alnum))
    return unexpected(ErrorKind::parse,
                      fmt::format("the tag '{}' is not 1-15 letters and digits", shown(tag)));
  skip_wsp(s, i);
  std::string_view value = s.substr(i);
  if (!value.empty() && value.front() == '"') {
    if (value.size() < 2 || value.back() != '"')
      return unexpected(ErrorKind::parse, "the value's quotes are not closed");
    value = value.substr(1, value.size() - 2);
  }
  CaaRecord r;
  r.flags = flags;
  r.tag = to_lower(tag);
  r.value = std::string(value);
  return r;
}

Expected<CaaIssuer> parse_caa_issuer(std::string_view value) {
  CaaIssuer out;
  size_t i = 0;
  skip_wsp(value, i);
  size_t begin = i;
  while (i < value.size() && (alnum(value[i]) || value[i] == '-' || value[i] == '.'))
    ++i;
  std::string_view domain = value.substr(begin, i - begin);
  if (!domain.empty() && !valid_issuer_domain(domain))
    return unexpected(ErrorKind::parse,
                      fmt::format("'{}' is not an issuer domain name", shown(domain)));
  out.domain = to_lower(domain);
  skip_wsp(value, i);
  if (i == value.size())
    return out;
  if (value[i] != ';')
    return unexpected(ErrorKind::parse,
                      fmt::format("unexpected '{}' after the issuer (parameters follow a ';')",
                                  shown(value.substr(i, 1))));
  ++i;
  // parameters: tag *WSP "=" *WSP value, separated by ";" (a trailing ";" is tolerated).
  while (true) {
    skip_wsp(value, i);
    if (i == value.size())
      return out;
    if (out.parameters.size() >= k_max_parameters)
      return unexpected(ErrorKind::parse, fmt::format("more than {} parameters", k_max_parameters));
    size_t tag_begin = i;
    while (i < value.size() && (alnum(value[i]) || value[i] == '-'))
      ++i;
    std::string_view tag = value.substr(tag_begin, i - tag_begin);
    if (!valid_parameter_tag(tag))
      return unexpected(ErrorKind::parse, fmt::format("'{}' is not a parameter tag",
                                                      shown(value.substr(tag_begin, 20))));
    skip_wsp(value, i);
    if (i == value.size() || value[i] != '=')
      return unexpected(ErrorKind::parse,
                        fmt::format("the parameter '{}' has no '=value'", shown(tag)));
    ++i;
    skip_wsp(value, i);
    size_t value_begin = i;
    while (i < value.size() && value_char(value[i]))
      ++i;
    out.parameters.emplace_back(to_lower(tag),
                                std::string(value.substr(value_begin, i - value_begin)));
    skip_wsp(value, i);
    if (i == value.size())
      return out;
    if (value[i] != ';')
      return unexpected(ErrorKind::parse, fmt::format("unexpected '{}' in the parameters of '{}'",
                                                      shown(value.substr(i, 1)), out.domain));
    ++i;
  }
}

bool is_known_caa_tag(std::string_view tag) {
  for (std::string_view known :
       {"issue", "issuewild", "iodef", "contactemail", "contactphone", "issuemail", "issuevmc"})
    if (iequals(tag, known))
      return true;
  return false;
}

CaaPolicy judge_caa(const std::vector<std::string>& records) {
  CaaPolicy p;
  std::vector<std::string> wild;
  size_t seen = 0;
  for (const auto& data : records) {
    if (++seen > k_max_records) {
      p.problems.push_back(
          fmt::format("more than {} CAA records: the rest were not read", k_max_records));
      break;
    }
    auto record = parse_caa(data);
    if (!record) {
      p.problems.push_back(
          fmt::format("malformed CAA record '{}': {}", shown(data), record.error().message));
      continue;
    }
    const std::string& tag = record->tag;
    if (tag == "issue" || tag == "issuewild") {
      (tag == "issue" ? p.restricts_issue : p.restricts_wild) = true;
      auto issuer = parse_caa_issuer(record->value);
      if (!issuer)
        p.problems.push_back(fmt::format("the {} value \"{}\" is malformed ({}): it authorizes "
                                         "no CA",
                                         tag, shown(record->value), issuer.error().message));
      else if (!issuer->domain.empty())
        add_unique(tag == "issue" ? p.issue : wild, issuer->domain);
    } else if (tag == "iodef") {
      const std::string& url = record->value;
      if (istarts_with(url, "mailto:") || istarts_with(url, "https://") ||
          istarts_with(url, "http://"))
        add_unique(p.iodef, url);
      else
        p.problems.push_back(fmt::format(
            "the iodef value \"{}\" is not a mailto:, http: or https: URL", shown(url)));
    } else if (record->critical() && !is_known_caa_tag(tag)) {
      add_unique(p.unknown_critical, tag);
    }
  }
  // RFC 8659 section 4.3: issuewild, when present, alone governs wildcard certificates.
  p.issuewild = p.restricts_wild ? wild : p.issue;
  return p;
}

} // namespace lg::analyze
