// DKIM signatures and keys (RFC 6376: tag lists 3.2, canonicalization 3.4, signature tags 3.5,
// key records 3.6, hashing 3.7, header selection 5.4.2, verification 6.1; RFC 8463 ed25519-sha256;
// RFC 8301: no rsa-sha1, RSA keys of 1024 bits at least). Judges keys for `email.dkim` and verifies
// received messages for `launchgate email verify`. Everything untrusted is bounded: the message
// size, header fields, tags, signatures per message.

#include "analyze/dkim.hpp"

#include "util/crypto.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace lg::analyze {

namespace {

constexpr std::size_t k_max_tag_text = 64 * 1024;
constexpr std::size_t k_max_tags = 64;
constexpr std::size_t k_max_signed_headers = 256;
constexpr std::size_t k_max_header_fields = 2000;

bool is_fws(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
bool is_wsp(char c) {
  return c == ' ' || c == '\t';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string_view trim_fws(std::string_view s) {
  while (!s.empty() && is_fws(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_fws(s.back()))
    s.remove_suffix(1);
  return s;
}

std::string strip_fws(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s)
    if (!is_fws(c))
      out.push_back(c);
  return out;
}

/// A ':'-separated list, each item trimmed and lower-cased; empty items kept as "".
std::vector<std::string> colon_list(std::string_view value, std::size_t max_items) {
  std::vector<std::string> out;
  for (auto item : split(value, ':')) {
    if (out.size() >= max_items)
      break;
    out.push_back(to_lower(trim_fws(item)));
  }
  return out;
}

const DkimTag* find_tag(const std::vector<DkimTag>& tags, std::string_view name) {
  for (const auto& t : tags)
    if (t.name == name)
      return &t;
  return nullptr;
}

/// Decimal of at most `max_digits` digits.
std::optional<long long> parse_decimal(std::string_view s, std::size_t max_digits) {
  if (s.empty() || s.size() > max_digits)
    return std::nullopt;
  long long v = 0;
  for (char c : s) {
    if (!is_digit(c))
      return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

int hex_value(char c) {
  if (is_digit(c))
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

/// dkim-quoted-printable (RFC 6376 2.11): =XX escapes, folding whitespace ignored.
std::optional<std::string> decode_dkim_qp(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (is_fws(c))
      continue;
    if (c != '=') {
      out.push_back(c);
      continue;
    }
    if (i + 2 >= s.size())
      return std::nullopt;
    int hi = hex_value(s[i + 1]);
    int lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

bool domain_at_or_below(std::string_view sub, std::string_view domain) {
  if (iequals(sub, domain))
    return true;
  return sub.size() > domain.size() + 1 && sub[sub.size() - domain.size() - 1] == '.' &&
         iequals(sub.substr(sub.size() - domain.size()), domain);
}

bool sane_domain(std::string_view d) {
  if (d.empty() || d.size() > 253 || d.front() == '.' || d.back() == '.')
    return false;
  for (char c : d)
    if (!(is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_'))
      return false;
  return d.find("..") == std::string_view::npos;
}

} // namespace

// ---- tag lists ---------------------------------------------------------------------------------

Expected<std::vector<DkimTag>> parse_dkim_tag_list(std::string_view text) {
  if (text.size() > k_max_tag_text)
    return unexpected(ErrorKind::parse, "tag list longer than 64 KiB");
  std::vector<DkimTag> tags;
  auto specs = split(text, ';');
  for (std::size_t i = 0; i < specs.size(); ++i) {
    auto spec = trim_fws(specs[i]);
    if (spec.empty())
      continue; // a trailing ';' (and, leniently, an empty spec between two)
    auto eq = spec.find('=');
    if (eq == std::string_view::npos)
      return unexpected(ErrorKind::parse, fmt::format("tag without '=' ({:.20})", spec));
    auto name = trim_fws(spec.substr(0, eq));
    if (name.empty() || !is_alpha(name.front()))
      return unexpected(ErrorKind::parse, "bad tag name");
    for (char c : name)
      if (!(is_alpha(c) || is_digit(c) || c == '_'))
        return unexpected(ErrorKind::parse, fmt::format("bad tag name '{:.20}'", name));
    auto value = trim_fws(spec.substr(eq + 1));
    for (char c : value) {
      auto u = static_cast<unsigned char>(c);
      if (!is_fws(c) && (u < 0x21 || u > 0x7e))
        return unexpected(ErrorKind::parse,
                          fmt::format("tag {} has a control or non-ASCII character", name));
    }
    if (find_tag(tags, name) != nullptr)
      return unexpected(ErrorKind::parse, fmt::format("duplicate tag {}=", name));
    if (tags.size() >= k_max_tags)
      return unexpected(ErrorKind::parse, "more than 64 tags");
    tags.push_back({std::string(name), std::string(value)});
  }
  return tags;
}

// ---- signatures --------------------------------------------------------------------------------

Expected<DkimSignature> parse_dkim_signature(std::string_view value) {
  auto parsed = parse_dkim_tag_list(value);
  if (!parsed)
    return unexpected(parsed.error());
  const auto& tags = *parsed;
  auto bad = [](std::string message) { return unexpected(ErrorKind::parse, std::move(message)); };
  for (const char* required : {"v", "a", "b", "bh", "d", "h", "s"})
    if (find_tag(tags, required) == nullptr)
      return bad(fmt::format("no {}= tag", required));

  DkimSignature sig;
  if (const auto& v = find_tag(tags, "v")->value; v != "1")
    return bad(fmt::format("unsupported version v={:.10}", v));

  sig.algorithm_name = to_lower(find_tag(tags, "a")->value);
  if (sig.algorithm_name == "rsa-sha256")
    sig.algorithm = DkimAlgorithm::rsa_sha256;
  else if (sig.algorithm_name == "ed25519-sha256")
    sig.algorithm = DkimAlgorithm::ed25519_sha256;
  else if (sig.algorithm_name == "rsa-sha1")
    sig.algorithm = DkimAlgorithm::rsa_sha1;
  else
    return bad(fmt::format("unsupported algorithm a={:.30}", sig.algorithm_name));

  auto b = crypto::base64_decode(find_tag(tags, "b")->value, 4096);
  if (!b || b->empty())
    return bad("b= is not base64 or empty");
  sig.signature = std::move(*b);
  auto bh = crypto::base64_decode(find_tag(tags, "bh")->value, 1024);
  if (!bh || bh->empty())
    return bad("bh= is not base64 or empty");
  sig.body_hash = std::move(*bh);

  if (const auto* c = find_tag(tags, "c")) {
    auto canon = to_lower(c->value);
    auto slash = canon.find('/');
    std::string head = canon.substr(0, slash);
    std::string body = slash == std::string::npos ? "simple" : canon.substr(slash + 1);
    for (const auto* part : {&head, &body})
      if (*part != "simple" && *part != "relaxed")
        return bad(fmt::format("unknown canonicalization c={:.30}", c->value));
    sig.relaxed_header = head == "relaxed";
    sig.relaxed_body = body == "relaxed";
  }

  sig.domain = to_lower(strip_fws(find_tag(tags, "d")->value));
  if (!sane_domain(sig.domain))
    return bad(fmt::format("d={:.60} is not a domain name", sig.domain));

  sig.headers = colon_list(find_tag(tags, "h")->value, k_max_signed_headers + 1);
  if (sig.headers.size() > k_max_signed_headers)
    return bad("h= lists more than 256 header fields");
  for (const auto& h : sig.headers)
    if (h.empty())
      return bad("h= has an empty header field name");
  if (std::find(sig.headers.begin(), sig.headers.end(), "from") == sig.headers.end())
    return bad("h= does not sign the From header field");

  if (const auto* i = find_tag(tags, "i")) {
    auto identity = decode_dkim_qp(i->value);
    if (!identity)
      return bad("i= has a malformed quoted-printable escape");
    auto at = identity->rfind('@');
    if (at == std::string::npos)
      return bad("i= has no '@'");
    if (!domain_at_or_below(std::string_view(*identity).substr(at + 1), sig.domain))
      return bad(fmt::format("i={:.60} is not in d={} or a subdomain", *identity, sig.domain));
    sig.identity = std::move(*identity);
  } else {
    sig.identity = "@" + sig.domain;
  }

  if (const auto* l = find_tag(tags, "l")) {
    auto digits = strip_fws(l->value);
    if (digits.empty() || digits.size() > 76 ||
        !std::all_of(digits.begin(), digits.end(), is_digit))
      return bad("l= is not a decimal number");
    auto n = parse_decimal(digits, 18);
    sig.length = n ? static_cast<std::size_t>(*n) : std::numeric_limits<std::size_t>::max();
  }

  if (const auto* q = find_tag(tags, "q")) {
    auto methods = colon_list(q->value, 16);
    if (std::find(methods.begin(), methods.end(), "dns/txt") == methods.end())
      return bad(fmt::format("no supported query method in q={:.40}", q->value));
  }

  sig.selector = to_lower(strip_fws(find_tag(tags, "s")->value));
  if (!sane_domain(sig.selector))
    return bad(fmt::format("s={:.60} is not a selector", sig.selector));

  if (const auto* t = find_tag(tags, "t")) {
    sig.timestamp = parse_decimal(strip_fws(t->value), 12);
    if (!sig.timestamp)
      return bad("t= is not a decimal number of at most 12 digits");
  }
  if (const auto* x = find_tag(tags, "x")) {
    sig.expiration = parse_decimal(strip_fws(x->value), 12);
    if (!sig.expiration)
      return bad("x= is not a decimal number of at most 12 digits");
    if (sig.timestamp && *sig.expiration < *sig.timestamp)
      return bad("x= is before t=");
  }
  if (const auto* z = find_tag(tags, "z"))
    sig.copied_headers = z->value;
  return sig;
}

// ---- keys --------------------------------------------------------------------------------------

bool DkimKey::testing() const {
  return std::find(flags.begin(), flags.end(), "y") != flags.end();
}
bool DkimKey::strict_identity() const {
  return std::find(flags.begin(), flags.end(), "s") != flags.end();
}
bool DkimKey::allows_hash(std::string_view hash) const {
  return hashes.empty() || std::find(hashes.begin(), hashes.end(), hash) != hashes.end();
}
bool DkimKey::for_email() const {
  return std::any_of(services.begin(), services.end(),
                     [](const std::string& s) { return s == "*" || s == "email"; });
}

Expected<DkimKey> parse_dkim_key(std::string_view txt) {
  auto parsed = parse_dkim_tag_list(txt);
  if (!parsed)
    return unexpected(parsed.error());
  const auto& tags = *parsed;
  DkimKey key;
  key.services = {"*"};
  for (std::size_t i = 0; i < tags.size(); ++i) {
    const auto& tag = tags[i];
    if (tag.name == "v") {
      if (i != 0)
        return unexpected(ErrorKind::parse, "v= is not the first tag");
      if (tag.value != "DKIM1")
        return unexpected(ErrorKind::parse, fmt::format("unsupported version v={:.10}", tag.value));
      key.version = tag.value;
    } else if (tag.name == "h") {
      key.hashes = colon_list(tag.value, 16);
    } else if (tag.name == "k") {
      key.key_type = to_lower(tag.value);
    } else if (tag.name == "s") {
      key.services = colon_list(tag.value, 16);
    } else if (tag.name == "t") {
      key.flags = colon_list(tag.value, 16);
    }
  }
  const auto* p = find_tag(tags, "p");
  if (p == nullptr)
    return unexpected(ErrorKind::parse, "no p= tag");
  auto encoded = strip_fws(p->value);
  if (encoded.empty()) {
    key.revoked = true;
    return key;
  }
  auto raw = crypto::base64_decode(encoded, 8192);
  if (!raw)
    return unexpected(ErrorKind::parse, "p= is not base64");
  key.public_key = std::move(*raw);
  if (key.key_type == "rsa") {
    auto info = crypto::rsa_key_info(key.public_key);
    if (info.ok)
      key.rsa_bits = info.bits;
    else
      key.key_problem = "p= is " + info.error;
  } else if (key.key_type == "ed25519") {
    if (key.public_key.size() != 32)
      key.key_problem = fmt::format("p= holds {} bytes, not the raw 32-byte Ed25519 key of "
                                    "RFC 8463",
                                    key.public_key.size());
  } else {
    key.key_problem = fmt::format("unknown key type k={:.20}", key.key_type);
  }
  return key;
}

DkimKeyJudgement judge_dkim_key(const DkimKey& key) {
  DkimKeyJudgement j;
  if (key.revoked) {
    j.summary = "revoked";
    j.issues.push_back(
        {true, "the key is revoked (empty p=): signatures with it never verify", "revoked"});
    return j;
  }
  if (!key.key_problem.empty()) {
    j.summary = "unusable";
    j.issues.push_back({true, key.key_problem, "key-problem"});
    return j;
  }
  if (key.key_type == "rsa") {
    j.summary = fmt::format("RSA {}-bit", key.rsa_bits);
    if (key.rsa_bits < 1024)
      j.issues.push_back({true,
                          fmt::format("RSA key of {} bits: receivers reject keys below 1024 bits "
                                      "(RFC 8301)",
                                      key.rsa_bits),
                          "rsa-small"});
    else if (key.rsa_bits < 2048)
      j.issues.push_back({false,
                          fmt::format("RSA key of {} bits: use 2048 bits (RFC 8301 recommends "
                                      "at least 2048)",
                                      key.rsa_bits),
                          "rsa-1024"});
  } else {
    j.summary = "Ed25519";
  }
  if (!key.for_email())
    j.issues.push_back(
        {true, "s= does not include email: receivers may not use it for mail", "service"});
  if (!key.allows_hash("sha256"))
    j.issues.push_back(
        {true,
         fmt::format("h={} excludes sha256: every current signature fails", join(key.hashes, ":")),
         "hash"});
  if (key.testing())
    j.issues.push_back({false,
                        "t=y: the domain says it is testing DKIM, and receivers treat its "
                        "signatures like unsigned mail",
                        "testing"});
  return j;
}

// ---- messages and canonicalization -------------------------------------------------------------

std::string HeaderField::value() const {
  auto colon = raw.find(':');
  if (colon == std::string::npos)
    return {};
  std::string out;
  out.reserve(raw.size() - colon);
  for (std::size_t i = colon + 1; i < raw.size(); ++i)
    if (raw[i] != '\r' && raw[i] != '\n')
      out.push_back(raw[i]);
  return out;
}

Expected<DkimMessage> split_dkim_message(std::string_view raw, std::size_t max_bytes) {
  if (raw.size() > max_bytes)
    return unexpected(ErrorKind::budget,
                      fmt::format("the message is larger than {} bytes", max_bytes));
  // CRLF everywhere: a bare LF (mail saved by a Unix tool) becomes CRLF.
  std::string text;
  text.reserve(raw.size() + raw.size() / 32);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r'))
      text.push_back('\r');
    text.push_back(raw[i]);
  }

  DkimMessage message;
  std::size_t pos = 0;
  bool in_field = false; // the last line started a field we keep
  while (pos < text.size()) {
    auto eol = text.find("\r\n", pos);
    std::size_t next = eol == std::string::npos ? text.size() : eol + 2;
    std::string_view line(text.data() + pos, (eol == std::string::npos ? text.size() : eol) - pos);
    if (line.empty()) {
      message.body = text.substr(next);
      pos = text.size();
      break;
    }
    if (is_wsp(line.front())) {
      if (in_field) {
        message.headers.back().raw.append(line);
        message.headers.back().raw.append("\r\n");
      }
    } else {
      auto colon = line.find(':');
      std::string_view name = colon == std::string_view::npos ? "" : line.substr(0, colon);
      while (!name.empty() && is_wsp(name.back()))
        name.remove_suffix(1);
      bool valid = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u >= 33 && u <= 126;
      });
      in_field = valid;
      if (valid) {
        if (message.headers.size() >= k_max_header_fields)
          return unexpected(ErrorKind::budget, "more than 2000 header fields");
        HeaderField field;
        field.name = std::string(name);
        field.raw = std::string(line) + "\r\n";
        message.headers.push_back(std::move(field));
      }
    }
    pos = next;
  }
  if (message.headers.empty())
    return unexpected(ErrorKind::parse, "no header fields: not a mail message");
  return message;
}

std::string canonicalize_dkim_header(std::string_view field, bool relaxed) {
  if (!relaxed)
    return std::string(field);
  auto colon = field.find(':');
  std::string_view name = field.substr(0, colon);
  while (!name.empty() && is_wsp(name.back()))
    name.remove_suffix(1);
  std::string out = to_lower(name);
  out.push_back(':');
  if (colon == std::string_view::npos)
    return out + "\r\n";
  bool pending_space = false;
  bool started = false;
  for (std::size_t i = colon + 1; i < field.size(); ++i) {
    char c = field[i];
    if (c == '\r' || c == '\n')
      continue; // unfold
    if (is_wsp(c)) {
      pending_space = started;
      continue;
    }
    if (pending_space)
      out.push_back(' ');
    pending_space = false;
    started = true;
    out.push_back(c);
  }
  out.append("\r\n");
  return out;
}

std::string canonicalize_dkim_body(std::string_view body, bool relaxed) {
  std::string out;
  if (!relaxed) {
    out.assign(body);
    if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0)
      out.append("\r\n");
  } else {
    out.reserve(body.size());
    std::size_t pos = 0;
    while (pos < body.size()) {
      auto eol = body.find("\r\n", pos);
      std::size_t end = eol == std::string_view::npos ? body.size() : eol;
      bool pending_space = false;
      for (std::size_t i = pos; i < end; ++i) {
        char c = body[i];
        if (is_wsp(c)) {
          pending_space = true;
          continue;
        }
        if (pending_space)
          out.push_back(' ');
        pending_space = false;
        out.push_back(c);
      }
      out.append("\r\n");
      pos = eol == std::string_view::npos ? body.size() : eol + 2;
    }
  }
  while (out.size() >= 4 && out.compare(out.size() - 4, 4, "\r\n\r\n") == 0)
    out.resize(out.size() - 2);
  if (relaxed && out == "\r\n")
    out.clear();
  return out;
}

// ---- verification ------------------------------------------------------------------------------

std::string_view dkim_status_name(DkimStatus status) {
  switch (status) {
  case DkimStatus::pass:
    return "pass";
  case DkimStatus::fail:
    return "fail";
  case DkimStatus::permerror:
    return "permerror";
  case DkimStatus::temperror:
    return "temperror";
  }
  return "?";
}

namespace {

/// The DKIM-Signature field without its final CRLF and with the value of b= emptied (RFC 6376
/// 3.7: "including all surrounding whitespace").
std::string without_b_value(std::string_view field) {
  if (field.size() >= 2 && field.substr(field.size() - 2) == "\r\n")
    field.remove_suffix(2);
  auto colon = field.find(':');
  if (colon == std::string_view::npos)
    return std::string(field);
  std::size_t pos = colon + 1;
  while (pos <= field.size()) {
    auto semi = field.find(';', pos);
    std::size_t end = semi == std::string_view::npos ? field.size() : semi;
    std::size_t i = pos;
    while (i < end && is_fws(field[i]))
      ++i;
    std::size_t name_start = i;
    while (i < end && !is_fws(field[i]) && field[i] != '=')
      ++i;
    std::string_view name = field.substr(name_start, i - name_start);
    while (i < end && is_fws(field[i]))
      ++i;
    if (name == "b" && i < end && field[i] == '=') {
      std::string out(field.substr(0, i + 1));
      out.append(field.substr(end));
      return out;
    }
    if (semi == std::string_view::npos)
      break;
    pos = semi + 1;
  }
  return std::string(field);
}

/// d=, s=, a= read from a field that did not validate, for the report.
void fill_from_tags(std::string_view value, DkimResult& result) {
  auto tags = parse_dkim_tag_list(value);
  if (!tags)
    return;
  if (const auto* d = find_tag(*tags, "d"))
    result.domain = to_lower(d->value.substr(0, 253));
  if (const auto* s = find_tag(*tags, "s"))
    result.selector = to_lower(s->value.substr(0, 253));
  if (const auto* a = find_tag(*tags, "a"))
    result.algorithm = to_lower(a->value.substr(0, 40));
}

struct KeyFetch {
  std::optional<DkimKey> key;
  DkimStatus status = DkimStatus::permerror;
  std::string problem;
};

KeyFetch fetch_key(net::Resolver& dns, const std::string& name) {
  KeyFetch out;
  auto answer = dns.query(name, net::RrType::txt);
  if (!answer) {
    out.status = DkimStatus::temperror;
    out.problem = "key lookup failed: " + answer.error().message;
    return out;
  }
  switch (answer->status) {
  case net::DnsStatus::servfail:
    out.status = DkimStatus::temperror;
    out.problem = fmt::format("key lookup of {} failed (SERVFAIL)", name);
    return out;
  case net::DnsStatus::timeout:
    out.status = DkimStatus::temperror;
    out.problem = fmt::format("key lookup of {} timed out", name);
    return out;
  case net::DnsStatus::nxdomain:
    out.problem = fmt::format("no key: {} does not exist (NXDOMAIN)", name);
    return out;
  case net::DnsStatus::ok:
    break;
  }
  std::string first_error;
  std::size_t seen = 0;
  for (const auto& record : answer->records) {
    if (record.type != net::RrType::txt || ++seen > 8)
      continue;
    auto key = parse_dkim_key(record.data);
    if (key) {
      out.key = std::move(*key);
      return out;
    }
    if (first_error.empty())
      first_error = key.error().message;
  }
  out.problem = seen == 0 ? fmt::format("no key: {} has no TXT record", name)
                          : fmt::format("key record at {} is malformed: {}", name, first_error);
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

DkimResult verify_one(const DkimMessage& message, std::size_t index, net::Resolver& dns,
                      long long now, const DkimPolicy& policy,
                      std::optional<std::string> (&bodies)[2]) {
  const auto& field = message.headers[index];
  DkimResult result;
  auto value = field.value();
  auto parsed = parse_dkim_signature(value);
  if (!parsed) {
    fill_from_tags(value, result);
    result.reason = "malformed signature: " + parsed.error().message;
    return result;
  }
  const auto& sig = *parsed;
  result.domain = sig.domain;
  result.selector = sig.selector;
  result.algorithm = sig.algorithm_name;
  result.identity = sig.identity;
  result.signed_length = sig.length;

  if (sig.expiration && *sig.expiration < now) {
    result.reason = fmt::format("the signature expired (x={})", *sig.expiration);
    return result;
  }
  if (sig.algorithm == DkimAlgorithm::rsa_sha1 && !policy.allow_rsa_sha1) {
    result.reason = "rsa-sha1 signatures are not accepted (RFC 8301)";
    return result;
  }

  // The key (RFC 6376 6.1.2).
  std::string name = sig.selector + "._domainkey." + sig.domain;
  auto fetched = fetch_key(dns, name);
  if (!fetched.key) {
    result.status = fetched.status;
    result.reason = fetched.problem;
    return result;
  }
  const auto& key = *fetched.key;
  result.key_testing = key.testing();
  bool ed25519 = sig.algorithm == DkimAlgorithm::ed25519_sha256;
  std::string_view hash = sig.algorithm == DkimAlgorithm::rsa_sha1 ? "sha1" : "sha256";
  if (key.revoked) {
    result.reason = fmt::format("the key at {} is revoked (empty p=)", name);
    return result;
  }
  if (key.key_type != (ed25519 ? "ed25519" : "rsa")) {
    result.reason =
        fmt::format("key type k={} does not match a={}", key.key_type, sig.algorithm_name);
    return result;
  }
  if (!key.key_problem.empty()) {
    result.reason = fmt::format("the key at {} is unusable: {}", name, key.key_problem);
    return result;
  }
  result.key_bits = ed25519 ? 256 : key.rsa_bits;
  if (!key.allows_hash(hash)) {
    result.reason = fmt::format("the key's h={} does not allow {}", join(key.hashes, ":"), hash);
    return result;
  }
  if (!key.for_email()) {
    result.reason = fmt::format("the key's s={} does not include email", join(key.services, ":"));
    return result;
  }
  if (key.strict_identity()) {
    auto at = sig.identity.rfind('@');
    if (!iequals(std::string_view(sig.identity).substr(at + 1), sig.domain)) {
      result.reason = "the key has t=s but i= is a subdomain of d=";
      return result;
    }
  }
  if (!ed25519 && key.rsa_bits < policy.min_rsa_bits) {
    result.reason =
        fmt::format("RSA key of {} bits, below {} (RFC 8301)", key.rsa_bits, policy.min_rsa_bits);
    return result;
  }

  // The body hash (6.1.3 / 3.7).
  auto& body = bodies[sig.relaxed_body ? 1 : 0];
  if (!body)
    body = canonicalize_dkim_body(message.body, sig.relaxed_body);
  result.body_length = body->size();
  std::string_view signed_body = *body;
  if (sig.length) {
    if (*sig.length > body->size()) {
      result.reason = fmt::format("l={} is longer than the canonical body ({} octets)", *sig.length,
                                  body->size());
      return result;
    }
    signed_body = signed_body.substr(0, *sig.length);
  }
  auto body_hash = hash == "sha1" ? crypto::sha1(signed_body) : crypto::sha256(signed_body);
  if (!constant_time_equal(body_hash, sig.body_hash)) {
    result.status = DkimStatus::fail;
    result.reason = "body hash mismatch: the body changed after signing";
    return result;
  }

  // The header hash: the signed fields bottom-up (5.4.2), then this field without b=.
  std::vector<bool> used(message.headers.size(), false);
  std::string data;
  for (const auto& wanted : sig.headers) {
    for (std::size_t i = message.headers.size(); i-- > 0;) {
      if (used[i] || !iequals(message.headers[i].name, wanted))
        continue;
      used[i] = true;
      data += canonicalize_dkim_header(message.headers[i].raw, sig.relaxed_header);
      break;
    } // none left: the field counts as the null string
  }
  auto self = canonicalize_dkim_header(without_b_value(field.raw), sig.relaxed_header);
  if (sig.relaxed_header && self.size() >= 2)
    self.resize(self.size() - 2);
  data += self;

  bool good = false;
  if (ed25519)
    good = crypto::ed25519_verify(key.public_key, crypto::sha256(data), sig.signature);
  else
    good = crypto::rsa_verify(key.public_key,
                              hash == "sha1" ? crypto::DigestAlg::sha1 : crypto::DigestAlg::sha256,
                              data, sig.signature);
  if (!good) {
    result.status = DkimStatus::fail;
    result.reason = "signature mismatch: a signed header field changed, or the key is not the "
                    "signer's";
    return result;
  }
  result.status = DkimStatus::pass;
  result.reason = "verified";
  if (sig.length && *sig.length < body->size())
    result.reason += fmt::format(" (l= covers {} of {} body octets: the rest is unsigned)",
                                 *sig.length, body->size());
  if (key.testing())
    result.reason += " (key in testing mode, t=y)";
  return result;
}

} // namespace

std::vector<DkimResult> verify_dkim(std::string_view raw_message, net::Resolver& dns, long long now,
                                    const DkimPolicy& policy) {
  std::vector<DkimResult> results;
  auto message = split_dkim_message(raw_message);
  if (!message) {
    DkimResult r;
    r.reason = message.error().message;
    results.push_back(std::move(r));
    return results;
  }
  std::optional<std::string> bodies[2];
  for (std::size_t i = 0; i < message->headers.size(); ++i) {
    if (!iequals(message->headers[i].name, "DKIM-Signature"))
      continue;
    if (results.size() >= policy.max_signatures)
      break;
    results.push_back(verify_one(*message, i, dns, now, policy, bodies));
  }
  return results;
}

std::string mail_address_domain(std::string_view value) {
  value = value.substr(0, 4096);
  std::string_view address;
  auto lt = value.rfind('<');
  if (lt != std::string_view::npos) {
    auto gt = value.find('>', lt);
    address =
        value.substr(lt + 1, gt == std::string_view::npos ? std::string_view::npos : gt - lt - 1);
  } else {
    // A bare address, maybe followed by a (comment).
    std::string plain;
    int depth = 0;
    for (char c : value) {
      if (c == '(')
        ++depth;
      else if (c == ')' && depth > 0)
        --depth;
      else if (depth == 0)
        plain.push_back(c);
    }
    auto words = split(trim(plain), ' ');
    for (auto w : words)
      if (w.find('@') != std::string_view::npos)
        return mail_address_domain("<" + std::string(w) + ">");
    return {};
  }
  auto at = address.rfind('@');
  if (at == std::string_view::npos)
    return {};
  auto domain = trim(address.substr(at + 1));
  while (!domain.empty() && (domain.back() == '.' || domain.back() == '>'))
    domain.remove_suffix(1);
  return to_lower(domain);
}

} // namespace lg::analyze
