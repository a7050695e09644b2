// `launchgate email verify` on the RFC 8463 example message with its DNS records in a zone file:
// both signatures verify and DMARC passes (exit 0); a tampered body fails (exit 1).

#include "support/test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace lg {
namespace {

using test::run_command;

const std::string k_bin = LG_LAUNCHGATE_BIN;
const std::string k_dir = LG_SHARED_DIR "/testdata/dkim/rfc8463/";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

/// dns.json as a zone for example.com, plus a DMARC policy for football.example.com.
std::string zone_from_dns_json() {
  std::string zone = "$ORIGIN example.com.\n@ IN SOA ns hostmaster 1 7200 3600 1209600 300\n";
  auto json = nlohmann::json::parse(read_file(k_dir + "dns.json"));
  for (const auto& [name, types] : json.items())
    for (const auto& record : types.at("TXT")) {
      zone += name + ". IN TXT";
      for (const auto& part : record)
        zone += " \"" + part.get<std::string>() + "\"";
      zone += "\n";
    }
  zone += "_dmarc.football IN TXT \"v=DMARC1; p=reject\"\n";
  return zone;
}

TEST(CliEmailVerify, TheRfc8463MessagePassesDkimSpfAndDmarc) {
  test::TempDir dir;
  auto zone = dir.write("zone.txt", zone_from_dns_json());
  auto r = run_command({k_bin, "email", "verify", k_dir + "signed.eml", "--zone-file", zone, "--ip",
                        "213.165.64.12", "--mail-from", "joe@football.example.com"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "d=football.example.com s=brisbane a=ed25519-sha256: pass")) << r.out;
  EXPECT_TRUE(contains(r.out, "d=football.example.com s=test a=rsa-sha256: pass")) << r.out;
  EXPECT_TRUE(contains(r.out, "SPF: pass")) << r.out;
  EXPECT_TRUE(contains(r.out, "DMARC: pass (_dmarc.football.example.com: p=reject)")) << r.out;
  EXPECT_FALSE(contains(r.out, "We lost the game")) << "never the body";
}

TEST(CliEmailVerify, ATamperedBodyFails) {
  test::TempDir dir;
  auto zone = dir.write("zone.txt", zone_from_dns_json());
  auto message = read_file(k_dir + "signed.eml");
  message.replace(message.find("We lost"), 7, "We won");
  auto path = dir.write("tampered.eml", message);
  auto r = run_command({k_bin, "email", "verify", path, "--zone-file", zone});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "fail (body hash mismatch")) << r.out;
  EXPECT_TRUE(contains(r.out, "SPF: not evaluated: no connecting IP")) << r.out;
  EXPECT_TRUE(contains(r.out, "result: fail: receivers apply p=reject")) << r.out;
}

TEST(CliEmailVerify, AMissingMessageIsAUsageError) {
  test::TempDir dir;
  auto zone = dir.write("zone.txt", zone_from_dns_json());
  auto r = run_command(
      {k_bin, "email", "verify", (dir.path() / "nope.eml").string(), "--zone-file", zone});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "nope.eml")) << r.err;
}

} // namespace
} // namespace lg
