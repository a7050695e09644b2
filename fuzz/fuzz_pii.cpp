// Fuzzes the personal-data scanner of observability.log-leaks: log lines are written by the
// portal from whatever its users send. Checks the contract: hits in bounds, in order, not
// overlapping, at most max_hits, each one what its kind says, and no redaction shows more than 4
// digits in a row.

#include "analyze/pii.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

void require(bool condition) {
  if (!condition)
    std::abort();
}

std::string digits_of(std::string_view text) {
  std::string out;
  for (char c : text)
    if (c >= '0' && c <= '9')
      out += c;
  return out;
}

std::string compact(std::string_view text) {
  std::string out;
  for (char c : text)
    if (c != ' ')
      out += c;
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using lg::analyze::PiiKind;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const size_t max_hits = size % 7 == 0 ? 3 : 100;
  auto hits = lg::analyze::find_personal_data(text, max_hits);
  require(hits.size() <= max_hits);
  size_t end = 0;
  for (const auto& hit : hits) {
    require(hit.length > 0 && hit.offset >= end && hit.offset + hit.length <= text.size());
    end = hit.offset + hit.length;
    auto span = text.substr(hit.offset, hit.length);
    size_t run = 0;
    for (char c : hit.redacted) {
      run = c >= '0' && c <= '9' ? run + 1 : 0;
      require(run <= 4);
    }
    require(!hit.redacted.empty() && hit.redacted != span);
    require(!lg::analyze::pii_kind_name(hit.kind).empty());
    switch (hit.kind) {
    case PiiKind::email:
      require(span.find('@') != std::string_view::npos);
      break;
    case PiiKind::card: {
      auto digits = digits_of(span);
      require(digits.size() >= 13 && digits.size() <= 19 && lg::analyze::luhn_valid(digits));
      break;
    }
    case PiiKind::iban:
      require(lg::analyze::iban_valid(compact(span)));
      break;
    case PiiKind::phone: {
      auto digits = digits_of(span);
      require(span.front() == '+' && digits.size() >= 8 && digits.size() <= 15);
      break;
    }
    }
  }
  (void)lg::analyze::luhn_valid(text);
  (void)lg::analyze::iban_valid(text);
  return 0;
}
