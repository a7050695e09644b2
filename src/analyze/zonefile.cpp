// Zone-file parsing (RFC 1035 section 5.1, with BIND's TTL units and RFC 3597 TYPE<n> names).

#include "analyze/zonefile.hpp"

#include "util/text.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>
#include <optional>

namespace lg::analyze {

namespace {

struct Token {
  std::string text;
  bool quoted = false;
};

/// One entry: its tokens, the line it starts on, whether it starts with white space (the owner
/// is then the previous one).
struct Entry {
  std::vector<Token> tokens;
  int line = 0;
  bool blank_owner = false;
};

/// Splits `text` into entries; problems go to `problems`.
std::vector<Entry> entries(std::string_view text, std::vector<std::string>& problems) {
  std::vector<Entry> out;
  Entry current;
  int line = 1;
  int depth = 0;
  bool at_line_start = true;
  size_t i = 0;
  const auto flush = [&] {
    if (!current.tokens.empty())
      out.push_back(std::move(current));
    current = Entry{};
  };
  while (i < text.size()) {
    char c = text[i];
    if (c == '\n') {
      ++line;
      ++i;
      if (depth == 0) {
        flush();
        at_line_start = true;
      }
      continue;
    }
    if (at_line_start) {
      current.line = line;
      current.blank_owner = c == ' ' || c == '\t';
      at_line_start = false;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
    } else if (c == ';') {
      while (i < text.size() && text[i] != '\n')
        ++i;
    } else if (c == '(') {
      ++depth;
      ++i;
    } else if (c == ')') {
      if (depth == 0)
        problems.push_back(fmt::format("line {}: ')' without '('", line));
      else
        --depth;
      ++i;
    } else if (c == '"') {
      Token t{"", true};
      ++i;
      bool closed = false;
      while (i < text.size()) {
        char d = text[i];
        if (d == '"') {
          closed = true;
          ++i;
          break;
        }
        if (d == '\n')
          ++line;
        if (d == '\\' && i + 1 < text.size()) {
          if (i + 3 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1])) &&
              std::isdigit(static_cast<unsigned char>(text[i + 2])) &&
              std::isdigit(static_cast<unsigned char>(text[i + 3]))) {
            int v = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
            if (v > 255)
              problems.push_back(
                  fmt::format("line {}: escape \\{} is over 255", line, text.substr(i + 1, 3)));
            t.text += static_cast<char>(v & 0xFF);
            i += 4;
          } else {
            t.text += text[i + 1];
            i += 2;
          }
          continue;
        }
        t.text += d;
        ++i;
      }
      if (!closed)
        problems.push_back(fmt::format("line {}: a quoted string is not closed", current.line));
      current.tokens.push_back(std::move(t));
    } else {
      Token t;
      while (i < text.size()) {
        char d = text[i];
        if (d == ' ' || d == '\t' || d == '\r' || d == '\n' || d == ';' || d == '(' || d == ')' ||
            d == '"')
          break;
        if (d == '\\' && i + 1 < text.size()) {
          t.text += text.substr(i, 2);
          i += 2;
          continue;
        }
        t.text += d;
        ++i;
      }
      current.tokens.push_back(std::move(t));
    }
  }
  if (depth != 0)
    problems.push_back(fmt::format("line {}: '(' is not closed", current.line));
  flush();
  return out;
}

bool is_class(const std::string& t) {
  auto u = to_lower(t);
  return u == "in" || u == "ch" || u == "hs" || u == "cs";
}

/// `name` made absolute against `origin`, lower case, without the trailing dot; "" on error.
std::string absolute(const std::string& name, const std::string& origin, bool& ok) {
  ok = true;
  if (name == "@") {
    ok = !origin.empty();
    return origin;
  }
  if (name.empty() || name.size() > 254) {
    ok = false;
    return {};
  }
  if (name.back() == '.') {
    auto out = to_lower(std::string_view(name).substr(0, name.size() - 1));
    return out;
  }
  if (origin.empty()) {
    ok = false;
    return {};
  }
  return to_lower(name) + "." + origin;
}

bool number(const std::string& t, unsigned long max) {
  unsigned long v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  return ec == std::errc() && end == t.data() + t.size() && v <= max;
}

} // namespace

bool parse_ttl(std::string_view text, std::uint32_t& out) {
  if (text.empty())
    return false;
  unsigned long long total = 0, value = 0;
  bool digits = false;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      value = value * 10 + static_cast<unsigned>(c - '0');
      digits = true;
      if (value > 0xFFFFFFFFULL)
        return false;
      continue;
    }
    if (!digits)
      return false;
    unsigned long long unit = 0;
    switch (std::tolower(static_cast<unsigned char>(c))) {
    case 'w':
      unit = 604800;
      break;
    case 'd':
      unit = 86400;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'm':
      unit = 60;
      break;
    case 's':
      unit = 1;
      break;
    default:
      return false;
    }
    total += value * unit;
    value = 0;
    digits = false;
  }
  total += value;
  if (total > 0x7FFFFFFFULL)
    return false;
  out = static_cast<std::uint32_t>(total);
  return true;
}

Expected<Zone> parse_zone(std::string_view text, std::string_view default_origin,
                          size_t max_records) {
  std::vector<std::string> problems;
  Zone zone;
  zone.origin = to_lower(default_origin);
  if (!zone.origin.empty() && zone.origin.back() == '.')
    zone.origin.pop_back();
  std::uint32_t default_ttl = 3600;
  bool have_ttl = false;
  std::string owner;
  std::uint32_t last_ttl = 0;
  for (auto& e : entries(text, problems)) {
    if (problems.size() >= 10)
      break;
    const auto problem = [&](const std::string& message) {
      problems.push_back(fmt::format("line {}: {}", e.line, message));
    };
    auto& tokens = e.tokens;
    const std::string first = tokens[0].quoted ? "" : tokens[0].text;
    if (!first.empty() && first[0] == '$') {
      auto directive = to_lower(first);
      if (directive == "$origin" && tokens.size() >= 2) {
        bool ok = false;
        auto name = absolute(tokens[1].text, zone.origin, ok);
        if (!ok)
          problem(fmt::format("$ORIGIN '{}' is not an absolute name", tokens[1].text));
        else
          zone.origin = name;
      } else if (directive == "$ttl" && tokens.size() >= 2) {
        if (!parse_ttl(tokens[1].text, default_ttl))
          problem(fmt::format("$TTL '{}' is not a TTL", tokens[1].text));
        have_ttl = true;
      } else if (directive == "$include") {
        problem("$INCLUDE is not followed: give the included file's records in this file");
      } else {
        problem(fmt::format("unknown or incomplete directive {}", first));
      }
      continue;
    }
    size_t at = 0;
    if (!e.blank_owner) {
      bool ok = false;
      owner = absolute(tokens[0].text, zone.origin, ok);
      if (!ok) {
        problem(fmt::format("owner '{}' is relative but no $ORIGIN is known", tokens[0].text));
        continue;
      }
      at = 1;
    } else if (owner.empty()) {
      problem("a record without an owner name before it");
      continue;
    }
    // [TTL] [class] or [class] [TTL], then the type.
    std::optional<std::uint32_t> ttl;
    for (int k = 0; k < 2 && at < tokens.size(); ++k) {
      std::uint32_t t = 0;
      if (!ttl && std::isdigit(static_cast<unsigned char>(tokens[at].text[0])) != 0 &&
          parse_ttl(tokens[at].text, t)) {
        ttl = t;
        ++at;
      } else if (is_class(tokens[at].text)) {
        ++at;
      }
    }
    if (at >= tokens.size()) {
      problem("a record without a type");
      continue;
    }
    net::RrType type{};
    if (!net::parse_rr_type(tokens[at].text, type)) {
      problem(fmt::format("unknown record type '{}'", tokens[at].text));
      continue;
    }
    ++at;
    std::vector<std::string> rdata;
    for (size_t k = at; k < tokens.size(); ++k)
      rdata.push_back(tokens[k].text);
    net::DnsRecord r;
    r.name = owner;
    r.type = type;
    r.ttl = ttl ? *ttl : have_ttl ? default_ttl : last_ttl != 0 ? last_ttl : default_ttl;
    last_ttl = r.ttl;
    const auto name_at = [&](size_t k, bool& ok) { return absolute(rdata[k], zone.origin, ok); };
    bool ok = true;
    switch (type) {
    case net::RrType::a: {
      std::array<unsigned char, 4> buf{};
      ok = rdata.size() == 1 && inet_pton(AF_INET, rdata[0].c_str(), buf.data()) == 1;
      if (ok)
        r.data = rdata[0];
      break;
    }
    case net::RrType::aaaa: {
      std::array<unsigned char, 16> buf{};
      std::array<char, 64> text_buf{};
      ok = rdata.size() == 1 && inet_pton(AF_INET6, rdata[0].c_str(), buf.data()) == 1 &&
           inet_ntop(AF_INET6, buf.data(), text_buf.data(), text_buf.size()) != nullptr;
      if (ok)
        r.data = text_buf.data();
      break;
    }
    case net::RrType::cname:
    case net::RrType::ns:
    case net::RrType::ptr:
      ok = rdata.size() == 1;
      if (ok)
        r.data = name_at(0, ok);
      break;
    case net::RrType::mx:
      ok = rdata.size() == 2 && number(rdata[0], 65535);
      if (ok)
        r.data = rdata[0] + " " + name_at(1, ok);
      break;
    case net::RrType::srv:
      ok = rdata.size() == 4 && number(rdata[0], 65535) && number(rdata[1], 65535) &&
           number(rdata[2], 65535);
      if (ok)
        r.data = fmt::format("{} {} {} {}", rdata[0], rdata[1], rdata[2], name_at(3, ok));
      break;
    case net::RrType::soa: {
      ok = rdata.size() == 7;
      if (ok) {
        bool ok1 = true, ok2 = true;
        r.data = name_at(0, ok1) + " " + name_at(1, ok2);
        ok = ok1 && ok2;
        for (size_t k = 2; k < 7 && ok; ++k) {
          std::uint32_t v = 0;
          ok = parse_ttl(rdata[k], v) || number(rdata[k], 0xFFFFFFFFUL);
          r.data += " " + rdata[k];
        }
      }
      break;
    }
    case net::RrType::txt:
    case net::RrType::spf:
      ok = !rdata.empty();
      for (const auto& s : rdata) {
        ok = ok && s.size() <= 255;
        r.strings.push_back(s);
        r.data += s;
      }
      break;
    case net::RrType::caa:
      ok = rdata.size() == 3 && number(rdata[0], 255);
      if (ok)
        r.data = fmt::format("{} {} \"{}\"", rdata[0], to_lower(rdata[1]), rdata[2]);
      break;
    default:
      ok = !rdata.empty();
      r.data = join(rdata, " ");
      break;
    }
    if (!ok) {
      problem(fmt::format("malformed {} data '{}'", net::rr_type_name(type), join(rdata, " ")));
      continue;
    }
    if (zone.records.size() >= max_records) {
      problem(fmt::format("more than {} records", max_records));
      break;
    }
    zone.records.push_back(std::move(r));
  }
  if (!problems.empty()) {
    if (problems.size() > 10)
      problems.resize(10);
    return unexpected(ErrorKind::parse, join(problems, "\n"));
  }
  return zone;
}

} // namespace lg::analyze
