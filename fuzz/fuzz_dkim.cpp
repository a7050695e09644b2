// Fuzzes DKIM parsing: signature fields and messages come from anyone who sends mail, key
// records from anyone who owns a domain. The first byte picks the parser ('4' the canonicalizer,
// '3' the whole verifier); all of them must neither crash nor hang.

#include "analyze/dkim.hpp"

#include <cstdint>
#include <string>

namespace {

/// Every TXT query answered with one Ed25519 key (RFC 8463's), so verification runs through.
class OneKey final : public lg::net::Resolver {
public:
  lg::Expected<lg::net::DnsAnswer> query(const std::string& name, lg::net::RrType) override {
    std::string data = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
    lg::net::DnsAnswer answer;
    answer.records.push_back({name, lg::net::RrType::txt, 60, data, {data}});
    return answer;
  }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
  case 0:
    (void)lg::analyze::parse_dkim_tag_list(text);
    break;
  case 1:
    (void)lg::analyze::parse_dkim_signature(text);
    break;
  case 2:
    if (auto key = lg::analyze::parse_dkim_key(text))
      (void)lg::analyze::judge_dkim_key(*key);
    break;
  case 3: {
    OneKey dns;
    (void)lg::analyze::verify_dkim(text, dns, 1700000000);
    break;
  }
  default:
    if (auto message = lg::analyze::split_dkim_message(text)) {
      for (const auto& field : message->headers) {
        (void)lg::analyze::canonicalize_dkim_header(field.raw, true);
        (void)field.value();
        (void)lg::analyze::mail_address_domain(field.value());
      }
      (void)lg::analyze::canonicalize_dkim_body(message->body, true);
      (void)lg::analyze::canonicalize_dkim_body(message->body, false);
    }
  }
  return 0;
}
