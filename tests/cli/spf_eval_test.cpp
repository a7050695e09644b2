// `launchgate email spf-eval` over a zone file: the result word on the first line, the
// explanation or the problem on the second; exit 0 once evaluated, 2 for usage errors.

#include "support/test_support.hpp"

#include <gtest/gtest.h>

namespace lg {
namespace {

using test::run_command;

const std::string k_bin = LG_LAUNCHGATE_BIN;

const char* k_zone = R"($ORIGIN example.com.
@       IN SOA ns hostmaster 1 7200 900 1209600 300
@       IN TXT "v=spf1 ip4:192.0.2.0/24 include:_spf.example.com -all exp=why.example.com"
_spf    IN TXT "v=spf1 ip6:2001:db8::/32 ~all"
why     IN TXT "%{i} is not allowed to send mail as %{d}"
broken  IN TXT "v=spf1 ip4:192.0.2.1/40 -all"
)";

std::vector<std::string> eval_args(const std::string& zone, const std::string& ip,
                                   const std::string& from) {
  return {k_bin, "email", "spf-eval", "--ip", ip, "--mail-from", from, "--zone-file", zone};
}

TEST(CliSpfEval, APermittedAddressPasses) {
  test::TempDir dir;
  auto zone = dir.write("example.com.zone", k_zone);
  auto r = run_command(eval_args(zone, "192.0.2.25", "alice@example.com"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "pass\n");
  auto v6 = run_command(eval_args(zone, "2001:db8::25", "alice@example.com"));
  EXPECT_EQ(v6.code, 0) << v6.err;
  EXPECT_EQ(v6.out, "pass\n");
}

TEST(CliSpfEval, AFailPrintsTheExpExplanation) {
  test::TempDir dir;
  auto zone = dir.write("example.com.zone", k_zone);
  auto r = run_command(eval_args(zone, "203.0.113.9", "alice@example.com"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "fail\n203.0.113.9 is not allowed to send mail as example.com\n");
}

TEST(CliSpfEval, ABrokenRecordIsAPermerrorWithItsReason) {
  test::TempDir dir;
  auto zone = dir.write("example.com.zone", k_zone);
  auto r = run_command(eval_args(zone, "192.0.2.1", "bob@broken.example.com"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("permerror\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("not an IPv4 CIDR length"), std::string::npos) << r.out;
}

TEST(CliSpfEval, UsageErrorsExitTwo) {
  test::TempDir dir;
  auto zone = dir.write("example.com.zone", k_zone);
  auto bad_ip = run_command(eval_args(zone, "300.1.1.1", "alice@example.com"));
  EXPECT_EQ(bad_ip.code, 2);
  EXPECT_NE(bad_ip.err.find("not an IPv4 or IPv6 address"), std::string::npos) << bad_ip.err;
  auto no_ip = run_command(
      {k_bin, "email", "spf-eval", "--mail-from", "a@example.com", "--zone-file", zone});
  EXPECT_EQ(no_ip.code, 2);
  auto both = run_command({k_bin, "email", "spf-eval", "--ip", "192.0.2.1", "--mail-from",
                           "a@example.com", "--zone-file", zone, "--dns-server", "127.0.0.1:53"});
  EXPECT_EQ(both.code, 2);
  auto broken = dir.write("broken.zone", "$ORIGIN example.com.\n@ IN TXT \"unterminated\n");
  auto bad_zone = run_command(eval_args(broken, "192.0.2.1", "a@example.com"));
  EXPECT_EQ(bad_zone.code, 2);
  EXPECT_NE(bad_zone.err.find("broken.zone"), std::string::npos) << bad_zone.err;
}

TEST(CliSpfEval, ABounceChecksTheHeloName) {
  test::TempDir dir;
  auto zone = dir.write("example.com.zone", k_zone);
  auto args = eval_args(zone, "192.0.2.25", "");
  args.insert(args.end(), {"--helo", "example.com"});
  auto r = run_command(args);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "pass\n");
  auto no_helo = run_command(eval_args(zone, "192.0.2.25", ""));
  EXPECT_EQ(no_helo.code, 2);
}

} // namespace
} // namespace lg
