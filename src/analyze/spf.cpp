// SPF, RFC 7208: records parsed by the ABNF of section 12 (any error anywhere is permerror),
// macros expanded as section 7 says (transformers, delimiters, URL escaping for upper-case
// letters, c/r/t only in explanations), and check_host() of section 4 with the section 4.6.4
// limits shared across include and redirect: 10 DNS-querying terms, 2 void lookups, 10 MX names,
// the first 10 PTR names. lint_spf walks a record statically for the email.spf check.

#include "analyze/spf.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cstdint>
#include <cstring>
#include <fmt/format.h>
#include <optional>
#include <set>

namespace lg::analyze {

namespace {

constexpr int k_max_dns_terms = 10;
constexpr int k_max_void = 2;
constexpr size_t k_max_mx = 10;
constexpr size_t k_max_ptr = 10;
constexpr int k_max_depth = 12;
constexpr size_t k_max_expansion = 8192;
constexpr size_t k_max_addresses = 1024; ///< address records looked at per answer
constexpr int k_max_lint_probes = 40;    ///< a/mx targets the lint looks up

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_alpha(c) || is_digit(c);
}
char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

/// `text` with bytes outside printable ASCII shown as \xNN, for messages.
std::string printable(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e)
      out += fmt::format("\\x{:02X}", u);
    else
      out += c;
  }
  return out;
}

// ---- addresses ----------------------------------------------------------------------------------

struct Ip {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{}; ///< IPv4 in the first 4
};

/// Parses an IPv4 or IPv6 address; `map` turns IPv4-mapped IPv6 (::ffff:a.b.c.d) into IPv4.
std::optional<Ip> parse_ip(std::string_view text, bool map) {
  if (text.empty() || text.size() > 64)
    return std::nullopt;
  std::string s(text);
  Ip ip;
  if (s.find(':') == std::string::npos) {
    in_addr a{};
    if (inet_pton(AF_INET, s.c_str(), &a) != 1)
      return std::nullopt;
    std::memcpy(ip.bytes.data(), &a, 4);
    return ip;
  }
  in6_addr a6{};
  if (inet_pton(AF_INET6, s.c_str(), &a6) != 1)
    return std::nullopt;
  std::memcpy(ip.bytes.data(), &a6, 16);
  ip.v6 = true;
  bool mapped = ip.bytes[10] == 0xff && ip.bytes[11] == 0xff;
  for (size_t i = 0; i < 10 && mapped; ++i)
    mapped = ip.bytes[i] == 0;
  if (map && mapped) {
    Ip v4;
    std::copy(ip.bytes.begin() + 12, ip.bytes.end(), v4.bytes.begin());
    return v4;
  }
  return ip;
}

bool in_network(const Ip& ip, const Ip& network, int prefix) {
  if (ip.v6 != network.v6)
    return false;
  int bits = prefix;
  for (size_t i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    unsigned mask = bits >= 8 ? 0xffu : (0xffu << (8 - bits)) & 0xffu;
    if ((ip.bytes[i] & mask) != (network.bytes[i] & mask))
      return false;
  }
  return true;
}

const char* k_hex_upper = "0123456789ABCDEF";
const char* k_hex_lower = "0123456789abcdef";

std::string ip_text(const Ip& ip) { // %{c}
  if (!ip.v6)
    return fmt::format("{}.{}.{}.{}", ip.bytes[0], ip.bytes[1], ip.bytes[2], ip.bytes[3]);
  std::array<char, INET6_ADDRSTRLEN> buf{};
  inet_ntop(AF_INET6, ip.bytes.data(), buf.data(), static_cast<socklen_t>(buf.size()));
  return buf.data();
}

std::string ip_dotted(const Ip& ip) { // %{i}: IPv6 as 32 dot-separated nibbles
  if (!ip.v6)
    return ip_text(ip);
  std::string out;
  for (size_t i = 0; i < 16; ++i) {
    out += k_hex_upper[ip.bytes[i] >> 4];
    out += '.';
    out += k_hex_upper[ip.bytes[i] & 0xf];
    if (i != 15)
      out += '.';
  }
  return out;
}

std::string reverse_name(const Ip& ip) {
  if (!ip.v6)
    return fmt::format("{}.{}.{}.{}.in-addr.arpa", ip.bytes[3], ip.bytes[2], ip.bytes[1],
                       ip.bytes[0]);
  std::string out;
  for (size_t i = 16; i-- > 0;) {
    out += k_hex_lower[ip.bytes[i] & 0xf];
    out += '.';
    out += k_hex_lower[ip.bytes[i] >> 4];
    out += '.';
  }
  return out + "ip6.arpa";
}

// ---- names --------------------------------------------------------------------------------------

std::string_view drop_dot(std::string_view name) {
  if (!name.empty() && name.back() == '.')
    name.remove_suffix(1);
  return name;
}

/// Section 4.3: a multi-label name with labels of 1 to 63 characters, not a domain literal.
bool valid_domain(std::string_view name) {
  name = drop_dot(name);
  if (name.empty() || name.size() > 253 || name.front() == '[')
    return false;
  auto labels = split(name, '.');
  if (labels.size() < 2)
    return false;
  for (auto label : labels)
    if (label.empty() || label.size() > 63)
      return false;
  const auto top = labels.back();
  return !std::all_of(top.begin(), top.end(), is_digit);
}

/// toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
bool valid_toplabel(std::string_view label) {
  if (label.empty() || !is_alnum(label.front()) || !is_alnum(label.back()))
    return false;
  bool alpha = false;
  bool dash = false;
  for (char c : label) {
    if (c == '-')
      dash = true;
    else if (is_alpha(c))
      alpha = true;
    else if (!is_digit(c))
      return false;
  }
  return alpha || dash;
}

bool ends_with_domain(std::string_view name, std::string_view domain) {
  name = drop_dot(name);
  domain = drop_dot(domain);
  if (iequals(name, domain))
    return true;
  return name.size() > domain.size() && name[name.size() - domain.size() - 1] == '.' &&
         iequals(name.substr(name.size() - domain.size()), domain);
}

// ---- macros -------------------------------------------------------------------------------------

std::string url_escape(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      auto u = static_cast<unsigned char>(c);
      out += '%';
      out += k_hex_upper[u >> 4];
      out += k_hex_upper[u & 0xf];
    }
  }
  return out;
}

/// Splits `value` at any of `delimiters`, reverses when asked, keeps the rightmost `keep` parts
/// (0: all) and joins them with dots (section 7.3).
std::string transform(std::string_view value, std::string_view delimiters, bool reverse,
                      size_t keep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= value.size(); ++i)
    if (i == value.size() || delimiters.find(value[i]) != std::string_view::npos) {
      parts.push_back(value.substr(start, i - start));
      start = i + 1;
    }
  if (reverse)
    std::reverse(parts.begin(), parts.end());
  size_t first = keep == 0 || keep >= parts.size() ? 0 : parts.size() - keep;
  std::string out;
  for (size_t i = first; i < parts.size(); ++i) {
    if (i != first)
      out += '.';
    out += parts[i];
  }
  return out;
}

struct SenderParts {
  std::string local;
  std::string domain;
};

SenderParts split_sender(std::string_view sender) {
  SenderParts out;
  auto at = sender.rfind('@');
  if (at == std::string_view::npos) {
    out.domain = sender;
  } else {
    out.local = sender.substr(0, at);
    out.domain = sender.substr(at + 1);
  }
  if (out.local.empty())
    out.local = "postmaster";
  return out;
}

Expected<std::string> macro_value(char letter, const SpfMacroContext& context) {
  switch (letter) {
  case 's':
    return context.sender;
  case 'l':
    return split_sender(context.sender).local;
  case 'o':
    return split_sender(context.sender).domain;
  case 'd':
    return context.domain;
  case 'h':
    return context.helo;
  case 'r':
    return context.receiver.empty() ? std::string("unknown") : context.receiver;
  case 't':
    return std::to_string(context.now);
  case 'p':
    return context.validated_name ? context.validated_name() : std::string("unknown");
  default:
    break;
  }
  auto ip = parse_ip(context.ip, true);
  if (!ip)
    return unexpected(ErrorKind::parse, "the client address is not an IP address");
  if (letter == 'i')
    return ip_dotted(*ip);
  if (letter == 'c')
    return ip_text(*ip);
  return std::string(ip->v6 ? "ip6" : "in-addr"); // 'v'
}

/// Where the last macro-expand of `text` ends (0 when there is none); assumes valid syntax.
size_t last_macro_end(std::string_view text) {
  size_t end = 0;
  for (size_t i = 0; i < text.size();) {
    if (text[i] != '%' || i + 1 >= text.size()) {
      ++i;
      continue;
    }
    if (text[i + 1] == '{') {
      auto close = text.find('}', i + 2);
      if (close == std::string_view::npos)
        return end;
      i = close + 1;
    } else {
      i += 2;
    }
    end = i;
  }
  return end;
}

/// Why `spec` is not a domain-spec (section 7.1), or nullopt when it is one.
std::optional<std::string> domain_spec_problem(std::string_view spec) {
  if (spec.empty())
    return "an empty domain-spec";
  SpfMacroContext probe;
  probe.ip = "192.0.2.1";
  auto expanded = expand_spf_macros(spec, probe, false);
  if (!expanded)
    return expanded.error().message;
  size_t end = last_macro_end(spec);
  if (end == spec.size())
    return std::nullopt;
  auto tail = drop_dot(spec.substr(end));
  auto dot = tail.rfind('.');
  if (dot == std::string_view::npos)
    return fmt::format("'{}' does not end in a dot and a top-level label", printable(spec));
  if (!valid_toplabel(tail.substr(dot + 1)))
    return fmt::format("'{}' ends in '{}', not a top-level label (letters, digits, inner dashes; "
                       "not all digits)",
                       printable(spec), printable(tail.substr(dot + 1)));
  return std::nullopt;
}

// ---- the record ---------------------------------------------------------------------------------

/// A CIDR length: "0" or digits without a leading zero, at most `max`.
std::optional<int> parse_cidr(std::string_view digits, int max) {
  if (digits.empty() || digits.size() > 3 || !std::all_of(digits.begin(), digits.end(), is_digit))
    return std::nullopt;
  if (digits.size() > 1 && digits.front() == '0')
    return std::nullopt;
  int value = 0;
  for (char c : digits)
    value = value * 10 + (c - '0');
  if (value > max)
    return std::nullopt;
  return value;
}

/// Splits "target/24//64" (or "/24", "//64", "target") into the target and the CIDR lengths.
std::optional<std::string> split_dual_cidr(std::string_view text, SpfMechanism& m,
                                           std::string_view& target) {
  size_t end = text.size();
  auto digits_start = [&](size_t e) {
    size_t j = e;
    while (j > 0 && is_digit(text[j - 1]))
      --j;
    return j;
  };
  size_t j = digits_start(end);
  if (j < end && j >= 2 && text[j - 1] == '/' && text[j - 2] == '/') {
    auto c6 = parse_cidr(text.substr(j, end - j), 128);
    if (!c6)
      return fmt::format("'{}' is not an IPv6 CIDR length (0-128)", text.substr(j, end - j));
    m.cidr6 = *c6;
    end = j - 2;
    j = digits_start(end);
  }
  if (j < end && j >= 1 && text[j - 1] == '/') {
    auto c4 = parse_cidr(text.substr(j, end - j), 32);
    if (!c4)
      return fmt::format("'{}' is not an IPv4 CIDR length (0-32)", text.substr(j, end - j));
    m.cidr4 = *c4;
    end = j - 1;
  }
  target = text.substr(0, end);
  return std::nullopt;
}

std::optional<std::string> parse_mechanism(std::string_view term, SpfMechanism& m) {
  m.text = term;
  std::string_view rest = term;
  if (!rest.empty() && std::string_view("+-~?").find(rest.front()) != std::string_view::npos) {
    m.qualifier = rest.front();
    rest.remove_prefix(1);
  }
  size_t n = 0;
  while (n < rest.size() && is_alnum(rest[n]))
    ++n;
  std::string name = to_lower(rest.substr(0, n));
  std::string_view args = rest.substr(n);

  auto domain_arg = [&](bool required, bool cidr) -> std::optional<std::string> {
    if (args.empty()) {
      if (required)
        return fmt::format("{} needs ':' and a domain", name);
      return std::nullopt;
    }
    std::string_view target = args;
    if (args.front() == ':') {
      target = args.substr(1);
    } else if (!(cidr && args.front() == '/')) {
      return fmt::format("unexpected '{}' after {}", printable(args), name);
    }
    if (cidr) {
      if (auto problem = split_dual_cidr(target, m, target))
        return problem;
      if (args.front() == '/' && !target.empty())
        return fmt::format("'{}' is not a CIDR length (/N, //N or /N//M)", printable(args));
    }
    if (args.front() == ':') {
      if (auto problem = domain_spec_problem(target))
        return problem;
      m.domain_spec = target;
    }
    return std::nullopt;
  };
  auto network_arg = [&](bool v6) -> std::optional<std::string> {
    if (args.size() < 2 || args.front() != ':')
      return fmt::format("{} needs ':' and an address", name);
    auto value = args.substr(1);
    auto slash = value.find('/');
    auto address = value.substr(0, slash);
    auto ip = parse_ip(address, false);
    if (!ip || ip->v6 != v6 || (!v6 && address.find(':') != std::string_view::npos))
      return fmt::format("'{}' is not an {} address", printable(address), v6 ? "IPv6" : "IPv4");
    m.network = address;
    if (slash != std::string_view::npos) {
      auto cidr = parse_cidr(value.substr(slash + 1), v6 ? 128 : 32);
      if (!cidr)
        return fmt::format("'{}' is not an {} CIDR length (0-{})", printable(value.substr(slash)),
                           v6 ? "IPv6" : "IPv4", v6 ? 128 : 32);
      (v6 ? m.cidr6 : m.cidr4) = *cidr;
    }
    return std::nullopt;
  };

  if (name == "all") {
    m.kind = SpfMechanismKind::all;
    if (!args.empty())
      return fmt::format("unexpected '{}' after all", printable(args));
    return std::nullopt;
  }
  if (name == "include") {
    m.kind = SpfMechanismKind::include;
    return domain_arg(true, false);
  }
  if (name == "exists") {
    m.kind = SpfMechanismKind::exists;
    return domain_arg(true, false);
  }
  if (name == "a" || name == "mx") {
    m.kind = name == "a" ? SpfMechanismKind::a : SpfMechanismKind::mx;
    return domain_arg(false, true);
  }
  if (name == "ptr") {
    m.kind = SpfMechanismKind::ptr;
    return domain_arg(false, false);
  }
  if (name == "ip4" || name == "ip6") {
    m.kind = name == "ip4" ? SpfMechanismKind::ip4 : SpfMechanismKind::ip6;
    return network_arg(name == "ip6");
  }
  if (name.empty())
    return "neither a mechanism nor a modifier (name=value)";
  return fmt::format("unknown mechanism '{}'", name);
}

} // namespace

std::string_view spf_result_name(SpfResult result) {
  switch (result) {
  case SpfResult::none:
    return "none";
  case SpfResult::neutral:
    return "neutral";
  case SpfResult::pass:
    return "pass";
  case SpfResult::fail:
    return "fail";
  case SpfResult::softfail:
    return "softfail";
  case SpfResult::temperror:
    return "temperror";
  case SpfResult::permerror:
    return "permerror";
  }
  return "none";
}

bool SpfRecord::has_all() const {
  return std::any_of(mechanisms.begin(), mechanisms.end(),
                     [](const SpfMechanism& m) { return m.kind == SpfMechanismKind::all; });
}

int SpfRecord::dns_terms() const {
  int n = 0;
  for (const auto& m : mechanisms)
    if (m.kind != SpfMechanismKind::all && m.kind != SpfMechanismKind::ip4 &&
        m.kind != SpfMechanismKind::ip6)
      ++n;
  return n + (has_redirect && !has_all() ? 1 : 0);
}

bool is_spf_record(std::string_view txt) {
  return txt.size() >= 6 && istarts_with(txt, "v=spf1") && (txt.size() == 6 || txt[6] == ' ');
}

Expected<SpfRecord> parse_spf(std::string_view txt) {
  if (!is_spf_record(txt))
    return unexpected(ErrorKind::parse, "the record does not start with \"v=spf1\"");
  SpfRecord record;
  for (auto term : split(txt.substr(6), ' ')) {
    if (term.empty())
      continue;
    auto fail = [&](const std::string& why) {
      return unexpected(ErrorKind::parse, fmt::format("'{}': {}", printable(term), why));
    };
    for (char c : term) {
      auto u = static_cast<unsigned char>(c);
      if (u < 0x21 || u > 0x7e)
        return fail(
            fmt::format("byte \\x{:02X}: terms are printable ASCII separated by spaces", u));
    }
    // modifier = name "=" macro-string, name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
    size_t n = 0;
    if (is_alpha(term.front())) {
      n = 1;
      while (n < term.size() &&
             (is_alnum(term[n]) || term[n] == '-' || term[n] == '_' || term[n] == '.'))
        ++n;
    }
    if (n > 0 && n < term.size() && term[n] == '=') {
      std::string name = to_lower(term.substr(0, n));
      auto value = term.substr(n + 1);
      if (name == "redirect" || name == "exp") {
        bool& seen = name == "redirect" ? record.has_redirect : record.has_exp;
        if (seen)
          return fail(fmt::format("a second {}= modifier", name));
        if (auto problem = domain_spec_problem(value))
          return fail(*problem);
        seen = true;
        (name == "redirect" ? record.redirect : record.exp) = value;
      } else {
        SpfMacroContext probe;
        probe.ip = "192.0.2.1";
        auto expanded = expand_spf_macros(value, probe, true);
        if (!expanded)
          return fail(expanded.error().message);
        record.unknown.push_back({name, std::string(value)});
      }
      continue;
    }
    SpfMechanism m;
    if (auto problem = parse_mechanism(term, m))
      return fail(*problem);
    record.mechanisms.push_back(std::move(m));
  }
  return record;
}

Expected<std::string> expand_spf_macros(std::string_view text, const SpfMacroContext& context,
                                        bool explanation) {
  std::string out;
  auto fail = [](const std::string& why) { return unexpected(ErrorKind::parse, why); };
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c != '%') {
      auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u > 0x7e || (u == 0x20 && !explanation))
        return fail(fmt::format("byte \\x{:02X} is not allowed in a macro-string", u));
      out += c;
      ++i;
    } else {
      if (i + 1 >= text.size())
        return fail("a '%' at the end: write %% for a percent sign");
      char next = text[i + 1];
      if (next == '%' || next == '_' || next == '-') {
        out += next == '%' ? "%" : next == '_' ? " " : "%20";
        i += 2;
        continue;
      }
      if (next != '{')
        return fail(fmt::format("'%{}' is not a macro: use %{{letter}}, %%, %_ or %-",
                                printable(std::string(1, next))));
      auto close = text.find('}', i + 2);
      if (close == std::string_view::npos)
        return fail("a '%{' without its '}'");
      auto body = text.substr(i + 2, close - i - 2);
      if (body.empty())
        return fail("an empty macro '%{}'");
      char letter = lower(body.front());
      if (std::string_view("slodiphcrtv").find(letter) == std::string_view::npos ||
          !is_alpha(body.front()))
        return fail(fmt::format("unknown macro letter '{}' in %{{{}}}",
                                printable(body.substr(0, 1)), printable(body)));
      if (!explanation && (letter == 'c' || letter == 'r' || letter == 't'))
        return fail(
            fmt::format("%{{{}}} is allowed only in exp= explanation text", printable(body)));
      size_t pos = 1;
      size_t keep = 0;
      bool digits = false;
      while (pos < body.size() && is_digit(body[pos])) {
        keep = std::min<size_t>(keep * 10 + static_cast<size_t>(body[pos] - '0'), 1000);
        digits = true;
        ++pos;
      }
      if (digits && keep == 0)
        return fail(fmt::format("%{{{}}} keeps zero labels", printable(body)));
      bool reverse = false;
      if (pos < body.size() && lower(body[pos]) == 'r') {
        reverse = true;
        ++pos;
      }
      auto delimiters = body.substr(pos);
      for (char d : delimiters)
        if (std::string_view(".-+,/_=").find(d) == std::string_view::npos)
          return fail(fmt::format("'{}' in %{{{}}} is not a delimiter (.-+,/_=)",
                                  printable(std::string(1, d)), printable(body)));
      auto value = macro_value(letter, context);
      if (!value)
        return unexpected(value.error());
      std::string part = transform(*value, delimiters.empty() ? "." : delimiters, reverse, keep);
      out += body.front() == letter ? part : url_escape(part);
      i = close + 1;
    }
    if (out.size() > k_max_expansion)
      return fail(fmt::format("the expansion exceeds {} bytes", k_max_expansion));
  }
  return out;
}

std::string spf_target_name(std::string_view expanded) {
  auto name = drop_dot(expanded);
  while (name.size() > 253) {
    auto dot = name.find('.');
    if (dot == std::string_view::npos)
      return "";
    name.remove_prefix(dot + 1);
  }
  if (name.empty())
    return "";
  for (auto label : split(name, '.'))
    if (label.empty() || label.size() > 63)
      return "";
  return std::string(name);
}

// ---- check_host ---------------------------------------------------------------------------------

namespace {

struct Lookup {
  bool error = false; ///< SERVFAIL, timeout, or the resolver failed
  std::string why;
  std::vector<std::string> data;
};

Lookup ask(net::Resolver& dns, const std::string& name, net::RrType type) {
  Lookup out;
  auto answer = dns.query(name, type);
  if (!answer) {
    out.error = true;
    out.why = fmt::format("{} {} lookup failed: {}", name, net::rr_type_name(type),
                          answer.error().message);
    return out;
  }
  if (answer->status == net::DnsStatus::servfail || answer->status == net::DnsStatus::timeout) {
    out.error = true;
    out.why = fmt::format("{} {} lookup {}", name, net::rr_type_name(type),
                          answer->status == net::DnsStatus::timeout ? "timed out" : "SERVFAIL");
    return out;
  }
  for (const auto& r : answer->records)
    if (r.type == type)
      out.data.push_back(r.data);
  return out;
}

/// The exchange of MX data "10 mail.example.com"; "" for a null MX.
std::string mx_exchange(std::string_view data) {
  auto space = data.find(' ');
  if (space == std::string_view::npos)
    return "";
  return std::string(drop_dot(trim(data.substr(space + 1))));
}

struct Step {
  bool matched = false;
  std::optional<SpfResult> error; ///< temperror or permerror: evaluation stops
  std::string problem;
};

struct Eval {
  SpfResult result = SpfResult::neutral;
  std::string explanation;
  std::string record;
  std::string mechanism;
  std::string mechanism_domain;
  std::string problem;
};

class Evaluator {
public:
  Evaluator(net::Resolver& dns, const SpfQuery& query, const Ip& ip, std::string sender)
      : m_dns(dns), m_query(query), m_ip(ip), m_sender(std::move(sender)) {}

  int lookups = 0;
  int voids = 0;

  Eval check(const std::string& domain, int depth) {
    Eval e;
    auto error = [&](SpfResult r, std::string why) {
      e.result = r;
      e.problem = std::move(why);
      return e;
    };
    if (depth > k_max_depth)
      return error(SpfResult::permerror, "include and redirect nest too deeply");
    auto txt = ask(m_dns, domain, net::RrType::txt);
    if (txt.error)
      return error(SpfResult::temperror, txt.why);
    std::vector<std::string> records;
    for (const auto& t : txt.data)
      if (is_spf_record(t))
        records.push_back(t);
    if (records.empty())
      return error(SpfResult::none, fmt::format("no SPF record at {}", domain));
    if (records.size() > 1)
      return error(
          SpfResult::permerror,
          fmt::format("{} SPF records at {} (exactly one is allowed)", records.size(), domain));
    e.record = records.front();
    auto record = parse_spf(e.record);
    if (!record)
      return error(SpfResult::permerror, fmt::format("{}: {}", domain, record.error().message));

    for (const auto& m : record->mechanisms) {
      Step step = evaluate(m, domain, depth);
      if (step.error) {
        e.mechanism = m.text;
        e.mechanism_domain = domain;
        return error(*step.error, step.problem);
      }
      if (!step.matched)
        continue;
      e.mechanism = m.text;
      e.mechanism_domain = domain;
      e.result = m.qualifier == '-'   ? SpfResult::fail
                 : m.qualifier == '~' ? SpfResult::softfail
                 : m.qualifier == '?' ? SpfResult::neutral
                                      : SpfResult::pass;
      if (e.result == SpfResult::fail && record->has_exp)
        e.explanation = explain(record->exp, domain);
      return e;
    }
    if (record->has_redirect) {
      if (auto over = count_lookup())
        return error(SpfResult::permerror, *over);
      auto target = expand_target(record->redirect, domain);
      if (!target)
        return error(SpfResult::permerror,
                     fmt::format("redirect={}: {}", record->redirect, target.error().message));
      if (target->empty())
        return error(SpfResult::permerror,
                     fmt::format("redirect={} is not a usable domain name", record->redirect));
      Eval sub = check(*target, depth + 1);
      if (sub.result == SpfResult::none)
        return error(SpfResult::permerror, fmt::format("redirect={}: {}", *target, sub.problem));
      sub.record = e.record;
      return sub;
    }
    return e; // neutral: nothing matched
  }

private:
  std::optional<std::string> count_lookup() {
    if (++lookups > k_max_dns_terms)
      return fmt::format("more than {} DNS-querying terms (include, a, mx, ptr, exists, "
                         "redirect; RFC 7208 4.6.4)",
                         k_max_dns_terms);
    return std::nullopt;
  }
  std::optional<std::string> count_void(const std::string& name) {
    if (++voids > k_max_void)
      return fmt::format("more than {} void lookups (the last: {}; RFC 7208 4.6.4)", k_max_void,
                         name);
    return std::nullopt;
  }

  SpfMacroContext macros(const std::string& domain) {
    SpfMacroContext c;
    c.sender = m_sender;
    c.domain = domain;
    c.ip = m_query.ip;
    c.helo = m_query.helo;
    c.receiver = m_query.receiver;
    c.now = m_query.now;
    c.validated_name = [this, domain] { return validated_name(domain); };
    return c;
  }

  /// The name a domain-spec (empty: `domain`) designates; "" when it is not a usable name.
  Expected<std::string> expand_target(const std::string& spec, const std::string& domain) {
    if (spec.empty())
      return domain;
    auto expanded = expand_spf_macros(spec, macros(domain), false);
    if (!expanded)
      return unexpected(expanded.error());
    return spf_target_name(*expanded);
  }

  std::string explain(const std::string& exp, const std::string& domain) {
    auto target = expand_target(exp, domain);
    if (!target || target->empty())
      return "";
    auto txt = ask(m_dns, *target, net::RrType::txt);
    if (txt.error || txt.data.size() != 1)
      return "";
    const auto& text = txt.data.front();
    for (char c : text)
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
        return "";
    auto expanded = expand_spf_macros(text, macros(domain), true);
    return expanded ? *expanded : "";
  }

  /// Does an address record at `name` hold the client's address within the CIDR length?
  Step address_match(const std::string& name, int cidr4, int cidr6, bool count_void_lookup) {
    Step s;
    auto found = ask(m_dns, name, m_ip.v6 ? net::RrType::aaaa : net::RrType::a);
    if (found.error) {
      s.error = SpfResult::temperror;
      s.problem = found.why;
      return s;
    }
    if (found.data.empty() && count_void_lookup) {
      if (auto over = count_void(name)) {
        s.error = SpfResult::permerror;
        s.problem = *over;
      }
      return s;
    }
    size_t seen = 0;
    for (const auto& data : found.data) {
      if (++seen > k_max_addresses)
        break;
      auto address = parse_ip(data, false);
      if (address && in_network(m_ip, *address, m_ip.v6 ? cidr6 : cidr4)) {
        s.matched = true;
        break;
      }
    }
    return s;
  }

  struct Validated {
    bool void_lookup = false;
    std::vector<std::string> names;
  };

  /// Section 5.5: the PTR names of the client address (the first 10) whose own address records
  /// lead back to it. DNS errors skip a name; an error on the PTR query gives none.
  const Validated& validated() {
    if (m_validated)
      return *m_validated;
    Validated v;
    auto ptr = ask(m_dns, reverse_name(m_ip), net::RrType::ptr);
    v.void_lookup = !ptr.error && ptr.data.empty();
    for (size_t i = 0; i < ptr.data.size() && i < k_max_ptr; ++i) {
      std::string name(drop_dot(ptr.data[i]));
      if (name.empty())
        continue;
      auto found = ask(m_dns, name, m_ip.v6 ? net::RrType::aaaa : net::RrType::a);
      if (found.error)
        continue;
      size_t seen = 0;
      for (const auto& data : found.data) {
        if (++seen > k_max_addresses)
          break;
        auto address = parse_ip(data, false);
        if (address && in_network(m_ip, *address, m_ip.v6 ? 128 : 32)) {
          v.names.push_back(name);
          break;
        }
      }
    }
    m_validated = std::move(v);
    return *m_validated;
  }

  /// %{p}: a validated name equal to `domain`, else one under it, else any; "unknown" if none.
  std::string validated_name(const std::string& domain) {
    const auto& v = validated();
    for (const auto& n : v.names)
      if (iequals(n, drop_dot(domain)))
        return n;
    for (const auto& n : v.names)
      if (ends_with_domain(n, domain))
        return n;
    return v.names.empty() ? "unknown" : v.names.front();
  }

  Step evaluate(const SpfMechanism& m, const std::string& domain, int depth) {
    Step s;
    auto stop = [&](SpfResult r, std::string why) {
      s.error = r;
      s.problem = std::move(why);
      return s;
    };
    switch (m.kind) {
    case SpfMechanismKind::all:
      s.matched = true;
      return s;
    case SpfMechanismKind::ip4:
    case SpfMechanismKind::ip6: {
      auto network = parse_ip(m.network, false);
      bool v6 = m.kind == SpfMechanismKind::ip6;
      s.matched = network && in_network(m_ip, *network, v6 ? m.cidr6 : m.cidr4);
      return s;
    }
    default:
      break;
    }
    if (auto over = count_lookup())
      return stop(SpfResult::permerror, *over);
    auto target = expand_target(m.domain_spec, domain);
    if (!target)
      return stop(SpfResult::permerror, fmt::format("{}: {}", m.text, target.error().message));
    const std::string& name = *target;

    switch (m.kind) {
    case SpfMechanismKind::include: {
      if (name.empty())
        return stop(SpfResult::permerror, fmt::format("{}: not a usable domain name", m.text));
      Eval sub = check(name, depth + 1);
      switch (sub.result) {
      case SpfResult::pass:
        s.matched = true;
        return s;
      case SpfResult::fail:
      case SpfResult::softfail:
      case SpfResult::neutral:
        return s;
      case SpfResult::temperror:
        return stop(SpfResult::temperror, sub.problem);
      case SpfResult::none:
        return stop(SpfResult::permerror,
                    fmt::format("{}: {} (include needs a record)", m.text, sub.problem));
      case SpfResult::permerror:
        return stop(SpfResult::permerror, sub.problem);
      }
      return s;
    }
    case SpfMechanismKind::a:
      if (name.empty()) {
        if (auto over = count_void(m.text))
          return stop(SpfResult::permerror, *over);
        return s;
      }
      return address_match(name, m.cidr4, m.cidr6, true);
    case SpfMechanismKind::mx: {
      if (name.empty()) {
        if (auto over = count_void(m.text))
          return stop(SpfResult::permerror, *over);
        return s;
      }
      auto mx = ask(m_dns, name, net::RrType::mx);
      if (mx.error)
        return stop(SpfResult::temperror, mx.why);
      if (mx.data.empty()) {
        if (auto over = count_void(name))
          return stop(SpfResult::permerror, *over);
        return s;
      }
      if (mx.data.size() > k_max_mx)
        return stop(SpfResult::permerror,
                    fmt::format("{} has {} MX records: more than {} to look up (RFC 7208 4.6.4)",
                                name, mx.data.size(), k_max_mx));
      for (const auto& data : mx.data) {
        std::string exchange = mx_exchange(data);
        if (exchange.empty() || exchange == ".")
          continue;
        Step one = address_match(exchange, m.cidr4, m.cidr6, false);
        if (one.error || one.matched)
          return one;
      }
      return s;
    }
    case SpfMechanismKind::ptr: {
      const auto& v = validated();
      if (v.void_lookup)
        if (auto over = count_void(reverse_name(m_ip)))
          return stop(SpfResult::permerror, *over);
      if (name.empty())
        return s;
      s.matched = std::any_of(v.names.begin(), v.names.end(),
                              [&](const std::string& n) { return ends_with_domain(n, name); });
      return s;
    }
    case SpfMechanismKind::exists: {
      if (name.empty()) {
        if (auto over = count_void(m.text))
          return stop(SpfResult::permerror, *over);
        return s;
      }
      auto found = ask(m_dns, name, net::RrType::a);
      if (found.error)
        return stop(SpfResult::temperror, found.why);
      if (found.data.empty()) {
        if (auto over = count_void(name))
          return stop(SpfResult::permerror, *over);
        return s;
      }
      s.matched = true;
      return s;
    }
    default:
      return s;
    }
  }

  net::Resolver& m_dns;
  const SpfQuery& m_query;
  Ip m_ip;
  std::string m_sender;
  std::optional<Validated> m_validated;
};

} // namespace

SpfOutcome check_host(net::Resolver& dns, const SpfQuery& query) {
  SpfOutcome out;
  std::string sender = query.sender;
  if (sender.empty())
    sender = "postmaster@" + query.helo;
  auto parts = split_sender(sender);
  sender = parts.local + "@" + parts.domain;
  out.domain = std::string(drop_dot(parts.domain));
  auto ip = parse_ip(query.ip, true);
  if (!ip) {
    out.result = SpfResult::permerror;
    out.problem = fmt::format("'{}' is not an IP address", printable(query.ip));
    return out;
  }
  if (!valid_domain(parts.domain)) {
    out.problem = fmt::format("'{}' is not a valid multi-label domain name (RFC 7208 4.3)",
                              printable(parts.domain));
    return out;
  }
  Evaluator evaluator(dns, query, *ip, sender);
  Eval e = evaluator.check(out.domain, 0);
  out.result = e.result;
  out.explanation = std::move(e.explanation);
  if (out.result == SpfResult::fail && out.explanation.empty())
    out.explanation = query.default_explanation;
  out.record = std::move(e.record);
  out.mechanism = std::move(e.mechanism);
  out.mechanism_domain = std::move(e.mechanism_domain);
  out.problem = std::move(e.problem);
  out.dns_lookups = std::min(evaluator.lookups, k_max_dns_terms + 1);
  out.void_lookups = evaluator.voids;
  return out;
}

// ---- lint ---------------------------------------------------------------------------------------

namespace {

class Linter {
public:
  Linter(net::Resolver& dns, SpfLint& out) : m_dns(dns), m_out(out) {}

  /// Walks the record at `name`; returns the qualifier of its final all (through redirect).
  char walk(const std::string& name, int depth, const std::string& via) {
    bool top = depth == 0;
    if (depth > k_max_dns_terms) {
      problem(true, "depth " + name,
              fmt::format("{} nests include/redirect more than {} deep: receivers return "
                          "permerror",
                          via, k_max_dns_terms));
      return 0;
    }
    if (++m_walked > 64) {
      m_out.unverified.push_back(name + " (too many records to walk)");
      return 0;
    }
    if (m_path.count(to_lower(name)) != 0) {
      problem(true, "loop " + name,
              fmt::format("{} leads back to {}: the loop exceeds the 10-lookup limit, receivers "
                          "return permerror",
                          via, name));
      return 0;
    }
    auto answer = m_dns.query(name, net::RrType::txt);
    if (!answer || answer->status == net::DnsStatus::servfail ||
        answer->status == net::DnsStatus::timeout) {
      if (top) {
        m_out.status = answer ? answer->status : net::DnsStatus::servfail;
        m_out.lookup_error = answer ? "" : answer.error().message;
      } else {
        m_out.unverified.push_back(name + " (unanswered)");
      }
      return 0;
    }
    if (top)
      m_out.status = answer->status;
    std::vector<std::string> records;
    bool any_txt = false;
    for (const auto& r : answer->records)
      if (r.type == net::RrType::txt) {
        any_txt = true;
        if (is_spf_record(r.data))
          records.push_back(r.data);
      }
    if (top)
      m_out.records = records;
    if (records.empty()) {
      if (top) {
        problem(true, "missing",
                fmt::format("no SPF record at {}: receivers cannot tell its mail from forgeries "
                            "(SPF none)",
                            name));
      } else {
        if (!any_txt)
          ++m_out.void_lookups;
        problem(true, "no record " + name,
                fmt::format("{} names {}, which has no SPF record: receivers return permerror", via,
                            name));
      }
      return 0;
    }
    if (records.size() > 1) {
      problem(true, "several " + name,
              fmt::format("{} SPF records at {}: receivers return permerror (exactly one is "
                          "allowed)",
                          records.size(), name));
      return 0;
    }
    if (top)
      m_out.record = records.front();
    auto record = parse_spf(records.front());
    if (!record) {
      problem(true, "syntax " + name + " " + record.error().message,
              fmt::format("{}: {}: receivers return permerror", name, record.error().message));
      return 0;
    }
    if (top)
      m_out.has_redirect = record->has_redirect;
    m_path.insert(to_lower(name));
    char all = 0;
    for (const auto& m : record->mechanisms) {
      if (m.kind == SpfMechanismKind::all) {
        all = m.qualifier;
        break; // terms after the first all are never evaluated
      }
      if (m.kind == SpfMechanismKind::ip4 || m.kind == SpfMechanismKind::ip6)
        continue;
      ++m_out.dns_lookups;
      bool macros = m.domain_spec.find('%') != std::string::npos;
      std::string target = m.domain_spec.empty() ? name : spf_target_name(m.domain_spec);
      if (m.kind == SpfMechanismKind::ptr) {
        m_out.uses_ptr = true;
        continue;
      }
      if (m.kind == SpfMechanismKind::exists)
        continue;
      if (macros) {
        if (m.kind == SpfMechanismKind::include)
          m_out.unverified.push_back(m.text + " (macros)");
        continue;
      }
      if (target.empty())
        continue;
      if (m.kind != SpfMechanismKind::include && ++m_probes > k_max_lint_probes)
        continue; // void lookups are counted on the first terms only
      if (m.kind == SpfMechanismKind::include) {
        walk(target, depth + 1, fmt::format("{} in {}", m.text, name));
      } else if (m.kind == SpfMechanismKind::a) {
        if (is_void(target, net::RrType::a) && is_void(target, net::RrType::aaaa))
          ++m_out.void_lookups;
      } else if (m.kind == SpfMechanismKind::mx) {
        auto mx = m_dns.query(target, net::RrType::mx);
        if (!mx || mx->status == net::DnsStatus::servfail || mx->status == net::DnsStatus::timeout)
          continue;
        size_t count = 0;
        for (const auto& r : mx->records)
          count += r.type == net::RrType::mx ? 1 : 0;
        if (count == 0)
          ++m_out.void_lookups;
        if (count > k_max_mx)
          problem(true, "mx " + target,
                  fmt::format("{} in {}: {} has {} MX records, more than the {} receivers look "
                              "up: permerror",
                              m.text, name, target, count, k_max_mx));
      }
    }
    if (all == 0 && record->has_redirect) {
      ++m_out.dns_lookups;
      if (record->redirect.find('%') != std::string::npos) {
        m_out.unverified.push_back("redirect=" + record->redirect + " (macros)");
      } else {
        auto target = spf_target_name(record->redirect);
        if (!target.empty())
          all = walk(target, depth + 1, fmt::format("redirect={} in {}", record->redirect, name));
      }
    }
    m_path.erase(to_lower(name));
    return all;
  }

private:
  bool is_void(const std::string& name, net::RrType type) {
    auto answer = m_dns.query(name, type);
    if (!answer || answer->status == net::DnsStatus::servfail ||
        answer->status == net::DnsStatus::timeout)
      return false;
    return std::none_of(answer->records.begin(), answer->records.end(),
                        [&](const net::DnsRecord& r) { return r.type == type; });
  }

  void problem(bool serious, std::string key, std::string message) {
    m_out.problems.push_back({serious, std::move(key), std::move(message)});
  }

  net::Resolver& m_dns;
  SpfLint& m_out;
  std::set<std::string> m_path;
  int m_walked = 0;
  int m_probes = 0; ///< a and mx targets looked up for void lookups
};

} // namespace

SpfLint lint_spf(net::Resolver& dns, const std::string& domain) {
  SpfLint out;
  out.domain = std::string(drop_dot(domain));
  Linter linter(dns, out);
  out.all_qualifier = linter.walk(out.domain, 0, out.domain);
  if (out.status == net::DnsStatus::servfail || out.status == net::DnsStatus::timeout ||
      out.records.size() != 1)
    return out;
  auto add = [&](bool serious, std::string key, std::string message) {
    out.problems.push_back({serious, std::move(key), std::move(message)});
  };
  if (out.dns_lookups > k_max_dns_terms)
    add(true, "lookups",
        fmt::format("{} DNS-querying terms (include, a, mx, ptr, exists, redirect) counting "
                    "includes: more than {}, so receivers return permerror",
                    out.dns_lookups, k_max_dns_terms));
  if (out.void_lookups > k_max_void)
    add(true, "void",
        fmt::format("{} terms name domains with no records: more than {} void lookups, so "
                    "receivers return permerror",
                    out.void_lookups, k_max_void));
  bool parsed = std::none_of(out.problems.begin(), out.problems.end(),
                             [](const SpfLintProblem& p) { return p.key.rfind("syntax", 0) == 0; });
  if (out.all_qualifier == '+')
    add(true, "+all",
        fmt::format("the record ends in +all: every host on the internet passes SPF as {}",
                    out.domain));
  else if (out.all_qualifier == '?')
    add(false, "?all",
        fmt::format("the record ends in ?all: unlisted hosts get neutral, which protects nothing; "
                    "end in -all (or ~all while testing)"));
  else if (out.all_qualifier == 0 && parsed)
    add(false, "no all",
        fmt::format("the record has no -all or ~all{}: mail from unlisted hosts gets neutral",
                    out.has_redirect ? " (nor has its redirect)" : ""));
  if (out.uses_ptr)
    add(false, "ptr",
        "the record uses ptr, which RFC 7208 5.5 says not to use: slow, unreliable, and some "
        "receivers skip it");
  std::stable_partition(out.problems.begin(), out.problems.end(),
                        [](const SpfLintProblem& p) { return p.serious; });
  return out;
}

} // namespace lg::analyze
