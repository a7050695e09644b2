// The DKIM verifier against published test material: the 27 messages of the Mail::DKIM corpus
// that use today's DKIM (manifest.json, rfc6376_relevant) with the key records of FAKE_DNS.dat,
// and the RFC 8463 Appendix A message signed with Ed25519 and RSA.
//
// How a message's results map to the manifest's `expected` (Mail::DKIM's overall result):
//   pass    - at least one signature passes;
//   fail    - none passes and at least one fails (body hash or signature mismatch);
//   invalid - none passes or fails: every signature is a permerror or temperror;
//   none    - no DKIM-Signature field.
// The corpus predates RFC 8301: most of it is rsa-sha1 with 512-bit keys, so it runs under the
// legacy policy (rsa-sha1 accepted, RSA keys from 512 bits); the default policy refuses those
// signatures, which a separate test shows.

#include "analyze/dkim.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>

namespace lg::analyze {
namespace {

const std::string k_corpus = LG_SHARED_DIR "/testdata/dkim/mail-dkim-corpus/";
const std::string k_rfc8463 = LG_SHARED_DIR "/testdata/dkim/rfc8463/";
constexpr long long k_now = 1700000000; // 2023-11-14: after every t=, after ignore_7's x=

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Answers from a table; names not in it do not exist.
class TableResolver final : public net::Resolver {
public:
  struct Entry {
    net::DnsStatus status = net::DnsStatus::ok;
    std::vector<std::string> txt;
  };
  std::map<std::string, Entry> entries;
  int queries = 0;

  Expected<net::DnsAnswer> query(const std::string& name, net::RrType type) override {
    ++queries;
    net::DnsAnswer answer;
    auto it = entries.find(name);
    if (it == entries.end()) {
      answer.status = net::DnsStatus::nxdomain;
      return answer;
    }
    answer.status = it->second.status;
    if (type == net::RrType::txt)
      for (const auto& data : it->second.txt)
        answer.records.push_back({name, net::RrType::txt, 300, data, {data}});
    return answer;
  }
};

/// FAKE_DNS.dat: "name  txt-data" lines; NXDOMAIN, ~~Query timed out~~ and ~~SERVFAIL~~ as
/// statuses; `""` as an empty string.
TableResolver corpus_dns() {
  TableResolver dns;
  std::istringstream in(read_file(k_corpus + "FAKE_DNS.dat"));
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (line.empty() || line[0] == '#')
      continue;
    auto space = line.find_first_of(" \t");
    if (space == std::string::npos)
      continue;
    std::string name = line.substr(0, space);
    std::string data = line.substr(line.find_first_not_of(" \t", space));
    TableResolver::Entry entry;
    if (data == "NXDOMAIN")
      continue; // absent names are NXDOMAIN
    if (data == "~~Query timed out~~")
      entry.status = net::DnsStatus::timeout;
    else if (data == "~~SERVFAIL~~")
      entry.status = net::DnsStatus::servfail;
    else
      entry.txt.push_back(data == "\"\"" ? "" : data);
    dns.entries[name] = entry;
  }
  return dns;
}

/// dns.json: {name: {"TXT": [[string, …], …]}}, each record's strings concatenated.
TableResolver rfc8463_dns() {
  TableResolver dns;
  auto json = nlohmann::json::parse(read_file(k_rfc8463 + "dns.json"));
  for (const auto& [name, types] : json.items()) {
    auto txt = types.find("TXT");
    if (txt == types.end() || !txt->is_array())
      continue;
    TableResolver::Entry entry;
    for (const auto& record : *txt) {
      std::string data;
      for (const auto& part : record)
        data += part.get<std::string>();
      entry.txt.push_back(data);
    }
    dns.entries[name] = entry;
  }
  return dns;
}

std::string overall(const std::vector<DkimResult>& results) {
  if (results.empty())
    return "none";
  auto any = [&](DkimStatus s) {
    return std::any_of(results.begin(), results.end(),
                       [&](const DkimResult& r) { return r.status == s; });
  };
  if (any(DkimStatus::pass))
    return "pass";
  if (any(DkimStatus::fail))
    return "fail";
  return "invalid";
}

std::string describe(const std::vector<DkimResult>& results) {
  std::string out;
  for (const auto& r : results)
    out += "\n  d=" + r.domain + " s=" + r.selector + " a=" + r.algorithm + ": " +
           std::string(dkim_status_name(r.status)) + " (" + r.reason + ")";
  return out;
}

const DkimPolicy k_legacy{.allow_rsa_sha1 = true, .min_rsa_bits = 512};

TEST(DkimCorpus, MailDkimCurrentStandardMessagesGiveTheirExpectedResult) {
  auto manifest = nlohmann::json::parse(read_file(k_corpus + "manifest.json"));
  ASSERT_TRUE(manifest.is_array());
  auto dns = corpus_dns();
  int relevant = 0;
  int matched = 0;
  std::string misses;
  auto start = std::chrono::steady_clock::now();
  for (const auto& entry : manifest) {
    auto flag = entry.find("rfc6376_relevant");
    if (flag == entry.end() || !flag->is_boolean() || !flag->get<bool>())
      continue;
    ++relevant;
    std::string file = entry.at("file").get<std::string>();
    std::string expected = entry.at("expected").get<std::string>();
    auto results = verify_dkim(read_file(k_corpus + file), dns, k_now, k_legacy);
    std::string got = overall(results);
    if (got == expected)
      ++matched;
    else
      misses += "\n" + file + ": expected " + expected + ", got " + got + describe(results);
  }
  auto elapsed =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
  ASSERT_EQ(relevant, 27);
  std::printf("Mail::DKIM corpus: %d/%d as expected, %.1f ms for all\n", matched, relevant,
              elapsed.count());
  EXPECT_EQ(matched, relevant) << misses;
}

TEST(DkimCorpus, TheDefaultPolicyRefusesRsaSha1AndSmallKeys) {
  auto dns = corpus_dns();
  auto sha1 = verify_dkim(read_file(k_corpus + "goodkey_1.txt"), dns, k_now);
  ASSERT_EQ(sha1.size(), 1u);
  EXPECT_EQ(sha1[0].status, DkimStatus::permerror);
  EXPECT_NE(sha1[0].reason.find("RFC 8301"), std::string::npos) << sha1[0].reason;

  // badkey_11 is rsa-sha256 under a 512-bit key whose h= allows only md5:sha1.
  auto small = verify_dkim(read_file(k_corpus + "badkey_11.txt"), dns, k_now);
  ASSERT_EQ(small.size(), 1u);
  EXPECT_EQ(small[0].status, DkimStatus::permerror);
}

TEST(DkimCorpus, BothRfc8463SignaturesVerify) {
  auto dns = rfc8463_dns();
  auto message = read_file(k_rfc8463 + "signed.eml");
  auto start = std::chrono::steady_clock::now();
  auto results = verify_dkim(message, dns, k_now);
  auto elapsed =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start);
  std::printf("RFC 8463 message: verified in %.0f us\n", elapsed.count());
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].algorithm, "ed25519-sha256");
  EXPECT_EQ(results[0].status, DkimStatus::pass) << results[0].reason;
  EXPECT_EQ(results[0].key_bits, 256);
  EXPECT_EQ(results[1].algorithm, "rsa-sha256");
  EXPECT_EQ(results[1].status, DkimStatus::pass) << results[1].reason;
  EXPECT_EQ(results[1].key_bits, 1024);
  EXPECT_EQ(results[1].domain, "football.example.com");
}

TEST(DkimCorpus, ATamperedRfc8463MessageFailsBothSignatures) {
  auto dns = rfc8463_dns();
  auto message = read_file(k_rfc8463 + "signed.eml");
  auto body = message;
  body.replace(body.find("Are you hungry"), 3, "Who");
  for (const auto& r : verify_dkim(body, dns, k_now)) {
    EXPECT_EQ(r.status, DkimStatus::fail);
    EXPECT_NE(r.reason.find("body hash"), std::string::npos) << r.reason;
  }
  auto header = message;
  header.replace(header.find("Subject: Is dinner"), 18, "Subject: Is supper");
  for (const auto& r : verify_dkim(header, dns, k_now)) {
    EXPECT_EQ(r.status, DkimStatus::fail);
    EXPECT_NE(r.reason.find("signature mismatch"), std::string::npos) << r.reason;
  }
  // Bare LF line ends are the same message.
  std::string lf;
  for (char c : message)
    if (c != '\r')
      lf.push_back(c);
  for (const auto& r : verify_dkim(lf, dns, k_now))
    EXPECT_EQ(r.status, DkimStatus::pass) << r.reason;
}

} // namespace
} // namespace lg::analyze
