// Fuzzes SPF: the record parser, macro expansion (domain-spec and explanation forms) and
// check_host() over a tiny in-memory resolver whose every name holds the input as its TXT record
// (so include and redirect recurse into it) and a few address, MX and PTR records. Records come
// from DNS, which anyone who owns a domain writes.

#include "analyze/spf.hpp"

#include <cstdint>
#include <string>

namespace {

class EchoResolver final : public lg::net::Resolver {
public:
  explicit EchoResolver(std::string txt) : m_txt(std::move(txt)) {}
  lg::Expected<lg::net::DnsAnswer> query(const std::string& name, lg::net::RrType type) override {
    lg::net::DnsAnswer answer;
    if (name.rfind("void", 0) == 0) {
      answer.status = lg::net::DnsStatus::nxdomain;
      return answer;
    }
    if (name.rfind("slow", 0) == 0) {
      answer.status = lg::net::DnsStatus::timeout;
      return answer;
    }
    auto add = [&](std::string data) {
      answer.records.push_back({name, type, 60, std::move(data), {}});
    };
    switch (type) {
    case lg::net::RrType::txt:
      add(m_txt);
      break;
    case lg::net::RrType::a:
      add("192.0.2.1");
      add("198.51.100.7");
      break;
    case lg::net::RrType::aaaa:
      add("2001:db8::1");
      break;
    case lg::net::RrType::mx:
      add("10 mail.example.com");
      add("0 .");
      break;
    case lg::net::RrType::ptr:
      add("mail.example.com");
      break;
    default:
      break;
    }
    return answer;
  }

private:
  std::string m_txt;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)lg::analyze::is_spf_record(text);
  auto record = lg::analyze::parse_spf(text);
  if (record)
    (void)record->dns_terms();

  lg::analyze::SpfMacroContext context;
  context.sender = "strong-bad@email.example.com";
  context.domain = "email.example.com";
  context.ip = size % 2 == 0 ? "192.0.2.3" : "2001:db8::cb01";
  context.helo = "mx.example.org";
  for (bool explanation : {false, true}) {
    auto expanded = lg::analyze::expand_spf_macros(text, context, explanation);
    if (expanded)
      (void)lg::analyze::spf_target_name(*expanded);
  }

  EchoResolver dns(text);
  for (const char* ip : {"192.0.2.1", "2001:db8::1", "203.0.113.9"}) {
    lg::analyze::SpfQuery query;
    query.ip = ip;
    query.sender = "user@example.com";
    query.helo = "mx.example.org";
    (void)lg::analyze::check_host(dns, query);
  }
  (void)lg::analyze::lint_spf(dns, "example.com");
  return 0;
}
