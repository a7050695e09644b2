// DNS wire-format responses (RFC 1035 section 4.1, name compression 4.1.4; RFC 3597 for unknown
// types; RFC 8659 CAA; RFC 2782 SRV) read into net::DnsRecord in the zone-file presentation form.
// Every read is bounds-checked; compression pointers may only point backwards, so no loop.

#include "analyze/dnsmsg.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <array>

namespace lg::analyze {

namespace {

class Reader {
public:
  explicit Reader(std::string_view wire) : m_wire(wire) {}

  size_t pos() const { return m_pos; }
  size_t size() const { return m_wire.size(); }
  bool ok() const { return m_error.empty(); }
  const std::string& error() const { return m_error; }

  void fail(std::string message) {
    if (m_error.empty())
      m_error = std::move(message);
  }

  bool need(size_t n) {
    if (!ok())
      return false;
    if (n > m_wire.size() - m_pos) {
      fail(fmt::format("the message ends at byte {} inside a field of {} bytes", m_wire.size(), n));
      return false;
    }
    return true;
  }

  std::uint8_t u8() {
    if (!need(1))
      return 0;
    return static_cast<std::uint8_t>(m_wire[m_pos++]);
  }
  std::uint16_t u16() {
    if (!need(2))
      return 0;
    auto v = static_cast<std::uint16_t>((static_cast<std::uint8_t>(m_wire[m_pos]) << 8) |
                                        static_cast<std::uint8_t>(m_wire[m_pos + 1]));
    m_pos += 2;
    return v;
  }
  std::uint32_t u32() {
    std::uint32_t hi = u16();
    std::uint32_t lo = u16();
    return (hi << 16) | lo;
  }
  std::string_view bytes(size_t n) {
    if (!need(n))
      return {};
    auto out = m_wire.substr(m_pos, n);
    m_pos += n;
    return out;
  }

  /// A domain name at the current position (following compression pointers), in presentation
  /// form: lower case, no trailing dot, "" for the root.
  std::string name() {
    std::string out;
    size_t at = m_pos;
    size_t octets = 1; // the root label's length byte
    bool jumped = false;
    size_t floor = m_pos; // pointers must point before the label that holds them
    for (int labels = 0; ok(); ++labels) {
      if (labels > 128 || at >= m_wire.size()) {
        fail("a name runs past the end of the message");
        break;
      }
      auto len = static_cast<std::uint8_t>(m_wire[at]);
      if ((len & 0xC0) == 0xC0) {
        if (at + 1 >= m_wire.size()) {
          fail("a compression pointer is cut off");
          break;
        }
        size_t target =
            (static_cast<size_t>(len & 0x3F) << 8) | static_cast<std::uint8_t>(m_wire[at + 1]);
        if (!jumped)
          m_pos = at + 2;
        jumped = true;
        if (target >= floor) {
          fail(fmt::format("a compression pointer at byte {} does not point backwards", at));
          break;
        }
        floor = target;
        at = target;
        continue;
      }
      if ((len & 0xC0) != 0) {
        fail(fmt::format("label type 0x{:02x} at byte {} is not supported", len & 0xC0, at));
        break;
      }
      if (len == 0) {
        if (!jumped)
          m_pos = at + 1;
        break;
      }
      octets += 1u + len;
      if (octets > 255) {
        fail("a name is longer than 255 octets");
        break;
      }
      if (at + 1 + len > m_wire.size()) {
        fail("a label runs past the end of the message");
        break;
      }
      if (!out.empty())
        out += '.';
      for (size_t k = 0; k < len; ++k)
        append_label_byte(out, static_cast<std::uint8_t>(m_wire[at + 1 + k]));
      at += 1u + len;
      if (!jumped)
        floor = at;
    }
    return out;
  }

private:
  static void append_label_byte(std::string& out, std::uint8_t c) {
    if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c - 'A' + 'a');
    } else if (c == '.' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c <= 0x20 || c >= 0x7F) {
      out += fmt::format("\\{:03d}", c);
    } else {
      out += static_cast<char>(c);
    }
  }

  std::string_view m_wire;
  size_t m_pos = 0;
  std::string m_error;
};

std::string hex(std::string_view bytes) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    auto c = static_cast<std::uint8_t>(ch);
    out += k_digits[c >> 4];
    out += k_digits[c & 0xF];
  }
  return out;
}

/// The data of one record of `type`, read from `rdlength` bytes at the reader's position.
/// Leaves the reader right after the data, or failed.
void read_rdata(Reader& in, net::RrType type, size_t rdlength, net::DnsRecord& r) {
  const size_t start = in.pos();
  const size_t end = start + rdlength;
  if (!in.need(rdlength))
    return;
  switch (type) {
  case net::RrType::a: {
    auto b = in.bytes(4);
    std::array<char, INET_ADDRSTRLEN> text{};
    if (rdlength == 4 && inet_ntop(AF_INET, b.data(), text.data(), text.size()) != nullptr)
      r.data = text.data();
    else
      in.fail("an A record is not 4 bytes");
    break;
  }
  case net::RrType::aaaa: {
    auto b = in.bytes(16);
    std::array<char, INET6_ADDRSTRLEN> text{};
    if (rdlength == 16 && inet_ntop(AF_INET6, b.data(), text.data(), text.size()) != nullptr)
      r.data = text.data();
    else
      in.fail("an AAAA record is not 16 bytes");
    break;
  }
  case net::RrType::cname:
  case net::RrType::ns:
  case net::RrType::ptr:
    r.data = in.name();
    break;
  case net::RrType::mx: {
    auto preference = in.u16();
    r.data = fmt::format("{} {}", preference, in.name());
    break;
  }
  case net::RrType::srv: {
    auto priority = in.u16();
    auto weight = in.u16();
    auto port = in.u16();
    r.data = fmt::format("{} {} {} {}", priority, weight, port, in.name());
    break;
  }
  case net::RrType::soa: {
    auto mname = in.name();
    auto rname = in.name();
    r.data = mname + " " + rname;
    for (int k = 0; k < 5; ++k)
      r.data += fmt::format(" {}", in.u32());
    break;
  }
  case net::RrType::txt:
  case net::RrType::spf:
    while (in.ok() && in.pos() < end) {
      auto len = in.u8();
      auto s = in.bytes(len);
      if (!in.ok() || in.pos() > end)
        break;
      r.strings.emplace_back(s);
      r.data += s;
    }
    break;
  case net::RrType::caa: {
    auto flags = in.u8();
    auto tag_len = in.u8();
    if (in.ok() && (tag_len == 0 || in.pos() + tag_len > end)) {
      in.fail("a CAA tag is empty or runs past its record");
      break;
    }
    std::string tag;
    for (char c : in.bytes(tag_len))
      tag += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (in.ok() && in.pos() <= end)
      r.data = fmt::format("{} {} \"{}\"", flags, tag, in.bytes(end - in.pos()));
    break;
  }
  default:
    r.data = fmt::format("\\# {}", rdlength);
    if (rdlength > 0)
      r.data += " " + hex(in.bytes(rdlength));
    break;
  }
  if (in.ok() && in.pos() != end)
    in.fail(fmt::format("the data of a {} record is {} bytes, not the {} it declares",
                        net::rr_type_name(type), in.pos() - start, rdlength));
}

} // namespace

Expected<DnsMessage> parse_dns_message(std::string_view wire) {
  if (wire.size() > 65535)
    return unexpected(ErrorKind::parse, "a DNS message is at most 65535 bytes");
  if (wire.size() < 12)
    return unexpected(ErrorKind::parse,
                      fmt::format("{} bytes: shorter than a DNS header (12)", wire.size()));
  Reader in(wire);
  DnsMessage m;
  m.id = in.u16();
  auto flags = in.u16();
  m.response = (flags & 0x8000) != 0;
  m.authoritative = (flags & 0x0400) != 0;
  m.truncated = (flags & 0x0200) != 0;
  m.rcode = flags & 0x000F;
  const unsigned qdcount = in.u16();
  const unsigned ancount = in.u16();
  const unsigned nscount = in.u16();
  const unsigned arcount = in.u16();
  for (unsigned q = 0; q < qdcount && in.ok(); ++q) {
    auto name = in.name();
    auto type = in.u16();
    (void)in.u16(); // class
    if (q == 0) {
      m.question = std::move(name);
      m.question_type = static_cast<net::RrType>(type);
    }
  }
  // Each section's counts are bounded by the message: a record takes at least 11 bytes, so a
  // lying count ends in "runs past the end" long before 65535 iterations.
  const unsigned records = ancount + nscount + arcount;
  for (unsigned k = 0; k < records && in.ok(); ++k) {
    net::DnsRecord r;
    r.name = in.name();
    auto type = static_cast<net::RrType>(in.u16());
    auto rclass = in.u16();
    auto ttl = in.u32();
    size_t rdlength = in.u16();
    if (!in.ok())
      break;
    r.type = type;
    r.ttl = ttl > 0x7FFFFFFFu ? 0 : ttl; // RFC 2181 section 8: a TTL with the top bit set is 0
    if (k >= ancount || rclass != 1) {
      (void)in.bytes(rdlength);
      continue;
    }
    read_rdata(in, type, rdlength, r);
    if (in.ok())
      m.answers.push_back(std::move(r));
  }
  if (!in.ok())
    return unexpected(ErrorKind::parse, "malformed DNS message: " + in.error());
  return m;
}

Expected<std::string> build_dns_query(std::uint16_t id, std::string_view name, net::RrType type) {
  std::string out;
  const auto put16 = [&](unsigned v) {
    out += static_cast<char>((v >> 8) & 0xFF);
    out += static_cast<char>(v & 0xFF);
  };
  put16(id);
  put16(0x0100); // RD
  put16(1);
  put16(0);
  put16(0);
  put16(0);
  size_t octets = 1;
  size_t begin = 0;
  while (!name.empty() && begin <= name.size()) {
    size_t dot = name.find('.', begin);
    if (dot == std::string_view::npos)
      dot = name.size();
    size_t len = dot - begin;
    if (len == 0 || len > 63)
      return unexpected(ErrorKind::parse, fmt::format("'{}': a label is empty or over 63", name));
    octets += 1 + len;
    out += static_cast<char>(len);
    out += name.substr(begin, len);
    begin = dot + 1;
  }
  if (octets > 255)
    return unexpected(ErrorKind::parse, fmt::format("'{}' is over 255 octets", name));
  out += '\0';
  put16(static_cast<unsigned>(type));
  put16(1);
  return out;
}

} // namespace lg::analyze
