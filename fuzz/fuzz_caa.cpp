// Fuzzes CAA record parsing and judging: the record data comes from DNS, which anyone who owns a
// domain writes (and, over the wire, holds arbitrary bytes in the tag and value).

#include "analyze/caa.hpp"

#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto record = lg::analyze::parse_caa(text);
  if (record) {
    (void)lg::analyze::is_known_caa_tag(record->tag);
    (void)lg::analyze::parse_caa_issuer(record->value);
  }
  (void)lg::analyze::parse_caa_issuer(text);
  // The input as a relevant set, one record per line.
  std::vector<std::string> records;
  size_t begin = 0;
  while (begin <= text.size() && records.size() < 300) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos)
      end = text.size();
    records.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  auto policy = lg::analyze::judge_caa(records);
  (void)policy.nobody_may_issue();
  (void)policy.blocks_all();
  return 0;
}
