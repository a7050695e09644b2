// The `expect` conditions of monitor checks: parsing of every operand, operator and value kind,
// precedence, errors with columns, and evaluation with the exact texts of failed clauses.

#include "analyze/condition.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

namespace lg {
namespace {

using analyze::ConditionNode;
using analyze::ConditionOp;
using analyze::ConditionOperand;
using analyze::ConditionValueKind;
using analyze::evaluate;
using analyze::MonitorObservation;
using analyze::parse_condition;

analyze::Condition parsed(std::string_view text) {
  auto c = parse_condition(text);
  EXPECT_TRUE(c.has_value()) << text << ": " << (c ? "" : c.error().message);
  return c ? std::move(c).value() : analyze::Condition{};
}

std::string error_of(std::string_view text) {
  auto c = parse_condition(text);
  EXPECT_FALSE(c.has_value()) << text;
  if (c)
    return "";
  EXPECT_EQ(c.error().kind, ErrorKind::parse);
  return c.error().message;
}

MonitorObservation healthy() {
  MonitorObservation o;
  o.connected = true;
  o.status = 200;
  o.latency_ms = 120;
  o.body = R"({"db":"ok","version":3,"ready":true,"gone":null,"roles":["admin","staff"],)"
           R"("items":[{"id":7}],"a-b":"dash"})";
  o.headers = {
      {"Content-Type", "application/json"}, {"X-Request-Id", "r-1"}, {"Content-Length", "120"}};
  o.cert_days_left = 30.5;
  o.dns_rcode = "NOERROR";
  o.dns_answers = {"203.0.113.10", "portal.example.com."};
  return o;
}

std::vector<std::string> failures(std::string_view text, const MonitorObservation& o) {
  auto r = evaluate(parsed(text), o);
  EXPECT_EQ(r.ok, r.failed.empty()) << text;
  return r.failed;
}

using Failures = std::vector<std::string>;

// ---- parsing ------------------------------------------------------------------------------------

TEST(Condition, ParsesEachOperandWithItsValueKind) {
  auto c = parsed("status == 200 && latency < 800ms && body contains \"ok\" && json $.db == "
                  "\"ok\" && header X-Frame-Options == DENY && cert_expiry > 14d && "
                  "dns.rcode == NOERROR && dns.answer == 203.0.113.10 && connected");
  ASSERT_EQ(c.clauses.size(), 9u);
  EXPECT_EQ(c.clauses[0].operand, ConditionOperand::status);
  EXPECT_EQ(c.clauses[0].number, 200);
  EXPECT_EQ(c.clauses[1].operand, ConditionOperand::latency);
  EXPECT_EQ(c.clauses[1].op, ConditionOp::lt);
  EXPECT_EQ(c.clauses[1].number, 800);
  EXPECT_EQ(c.clauses[2].operand, ConditionOperand::body);
  EXPECT_EQ(c.clauses[2].op, ConditionOp::contains);
  EXPECT_EQ(c.clauses[2].text, "ok");
  EXPECT_EQ(c.clauses[3].operand, ConditionOperand::json);
  EXPECT_EQ(c.clauses[3].argument, "$.db");
  EXPECT_EQ(c.clauses[3].kind, ConditionValueKind::string);
  EXPECT_EQ(c.clauses[4].operand, ConditionOperand::header);
  EXPECT_EQ(c.clauses[4].argument, "X-Frame-Options");
  EXPECT_EQ(c.clauses[4].text, "DENY");
  EXPECT_EQ(c.clauses[5].operand, ConditionOperand::cert_expiry);
  EXPECT_EQ(c.clauses[5].number, 14);
  EXPECT_EQ(c.clauses[6].operand, ConditionOperand::dns_rcode);
  EXPECT_EQ(c.clauses[7].operand, ConditionOperand::dns_answer);
  EXPECT_EQ(c.clauses[7].text, "203.0.113.10");
  EXPECT_EQ(c.clauses[8].operand, ConditionOperand::connected);
  EXPECT_TRUE(c.clauses[8].boolean);
  EXPECT_EQ(c.clauses[8].column, 189u);
  EXPECT_TRUE(c.uses_json());
  EXPECT_TRUE(c.uses_body());
  EXPECT_FALSE(parsed("status == 200").uses_body());
}

TEST(Condition, ParsesEveryOperator) {
  const std::pair<const char*, ConditionOp> cases[] = {
      {"status == 200", ConditionOp::eq},
      {"status != 500", ConditionOp::ne},
      {"status < 400", ConditionOp::lt},
      {"status <= 399", ConditionOp::le},
      {"status > 199", ConditionOp::gt},
      {"status >= 200", ConditionOp::ge},
      {"body contains ok", ConditionOp::contains},
      {"body !contains error", ConditionOp::not_contains},
      {"status==200", ConditionOp::eq},
      {"latency<=2s", ConditionOp::le}};
  for (const auto& [text, op] : cases) {
    auto c = parsed(text);
    ASSERT_EQ(c.clauses.size(), 1u) << text;
    EXPECT_EQ(c.clauses[0].op, op) << text;
  }
}

TEST(Condition, DurationsScaleToMillisecondsOrDays) {
  EXPECT_EQ(parsed("latency < 800ms").clauses[0].number, 800);
  EXPECT_EQ(parsed("latency < 800").clauses[0].number, 800);
  EXPECT_EQ(parsed("latency < 2s").clauses[0].number, 2000);
  EXPECT_EQ(parsed("latency < 1.5s").clauses[0].number, 1500);
  EXPECT_EQ(parsed("latency < 1m").clauses[0].number, 60000);
  EXPECT_EQ(parsed("latency < 800 ms").clauses[0].number, 800);
  EXPECT_EQ(parsed("cert_expiry > 14").clauses[0].number, 14);
  EXPECT_EQ(parsed("cert_expiry > 14d").clauses[0].number, 14);
  EXPECT_EQ(parsed("cert_expiry > 36h").clauses[0].number, 1.5);
}

TEST(Condition, ParsesStringsJsonValuesAndConnected) {
  auto s = parsed(R"(body == "say \"hi\" \\ bye")");
  EXPECT_EQ(s.clauses[0].text, R"(say "hi" \ bye)");
  auto j = parsed("json $.n == 3.5 && json $.ok == true && json $.x == null && json $.s == word "
                  "&& json $.q == \"3\" && json $['a-b'] != x && json $.items[0].id >= 7");
  ASSERT_EQ(j.clauses.size(), 7u);
  EXPECT_EQ(j.clauses[0].kind, ConditionValueKind::number);
  EXPECT_EQ(j.clauses[0].number, 3.5);
  EXPECT_EQ(j.clauses[1].kind, ConditionValueKind::boolean);
  EXPECT_EQ(j.clauses[2].kind, ConditionValueKind::null);
  EXPECT_EQ(j.clauses[3].kind, ConditionValueKind::string);
  EXPECT_EQ(j.clauses[4].kind, ConditionValueKind::string) << "a quoted number is a string";
  EXPECT_EQ(j.clauses[5].argument, "$['a-b']");
  EXPECT_EQ(j.clauses[6].argument, "$.items[0].id");
  auto k = parsed("connected == false");
  EXPECT_FALSE(k.clauses[0].boolean);
  EXPECT_EQ(parsed("CONNECTED && Status == 200").clauses.size(), 2u);
}

TEST(Condition, AndBindsTighterThanOr) {
  auto c = parsed("status == 200 || status == 204 && latency < 100");
  ASSERT_EQ(c.nodes[c.root].kind, ConditionNode::Kind::any);
  ASSERT_EQ(c.nodes[c.root].children.size(), 2u);
  EXPECT_EQ(c.nodes[c.nodes[c.root].children[0]].kind, ConditionNode::Kind::clause);
  EXPECT_EQ(c.nodes[c.nodes[c.root].children[1]].kind, ConditionNode::Kind::all);

  auto o = healthy();
  o.status = 200;
  o.latency_ms = 500;
  EXPECT_TRUE(evaluate(c, o).ok) << "200 passes whatever the latency";
  o.status = 204;
  EXPECT_FALSE(evaluate(c, o).ok) << "204 must also be fast";
  o.latency_ms = 50;
  EXPECT_TRUE(evaluate(c, o).ok);
}

TEST(Condition, ParenthesesGroup) {
  auto c = parsed("(status == 200 || status == 204) && latency < 100");
  ASSERT_EQ(c.nodes[c.root].kind, ConditionNode::Kind::all);
  auto o = healthy();
  o.latency_ms = 500;
  EXPECT_EQ(evaluate(c, o).failed, Failures{"latency 500 ms is not < 100 ms"});
  o.latency_ms = 50;
  o.status = 503;
  EXPECT_EQ(evaluate(c, o).failed,
            (Failures{"status 503 is not == 200", "status 503 is not == 204"}));
  EXPECT_TRUE(parsed("((((((((connected))))))))").clauses.size() == 1);
}

// ---- errors -------------------------------------------------------------------------------------

TEST(Condition, ErrorsNameTheColumnAndWhatWasExpected) {
  EXPECT_EQ(error_of(""), "expect: column 1: expected a clause");
  EXPECT_EQ(error_of("   "), "expect: column 4: expected a clause");
  EXPECT_EQ(error_of("status == 200 &&"), "expect: column 17: expected a clause after \"&&\"");
  EXPECT_EQ(error_of("status == 200 && || connected"),
            "expect: column 18: expected a clause after \"&&\", found \"|\"");
  EXPECT_EQ(error_of("status == 200 && latency <"),
            "expect: column 27: expected a number or duration after \"<\"");
  EXPECT_EQ(error_of("status == 200 && latency < fast"),
            "expect: column 28: expected a number or duration after \"<\", found \"fast\"");
  EXPECT_EQ(
      error_of("uptime > 5"),
      "expect: column 1: unknown operand \"uptime\" (use status, latency, body, json, header, "
      "cert_expiry, dns.rcode, dns.answer or connected)");
  EXPECT_EQ(error_of("latency < 800xs"),
            "expect: column 11: unknown unit \"xs\" in \"800xs\" (use ms, s, m, h or d)");
  EXPECT_EQ(error_of("body contains \"ok"),
            "expect: column 15: unterminated string (a '\"' is missing)");
  EXPECT_EQ(error_of("body == \"a\\nb\""),
            "expect: column 11: unknown escape in a string (use \\\" or \\\\)");
  EXPECT_EQ(error_of("body < 3"),
            "expect: column 6: body cannot use \"<\" (use ==, !=, contains or !contains)");
  EXPECT_EQ(error_of("status contains \"x\""),
            "expect: column 8: status cannot use \"contains\" (use ==, !=, <, <=, > or >=)");
  EXPECT_EQ(error_of("status == \"200\""),
            "expect: column 11: expected a whole number after \"==\", found the string \"200\"");
  EXPECT_EQ(error_of("status == 200ms"),
            "expect: column 11: expected a whole number after \"==\", found \"200ms\"");
  EXPECT_EQ(error_of("json $.n > \"5\""),
            "expect: column 12: expected a number after \">\", found the string \"5\"");
  EXPECT_EQ(error_of("dns.rcode contains NO"),
            "expect: column 11: dns.rcode cannot use \"contains\" (use == or !=)");
  EXPECT_EQ(error_of("connected == maybe"),
            "expect: column 14: expected true or false after \"==\", found \"maybe\"");
  EXPECT_EQ(error_of("connected < 1"),
            "expect: column 11: connected stands alone or takes == or != with true or false");
  EXPECT_EQ(error_of("(((((((((connected)))))))))"),
            "expect: column 9: parentheses nested deeper than 8");
  EXPECT_EQ(error_of(std::string(4097, ' ')),
            "expect: column 4097: the condition is longer than 4096 bytes");
  EXPECT_EQ(error_of("(status == 200"),
            "expect: column 15: expected \")\" to close the \"(\" of column 1");
  EXPECT_EQ(error_of("status == 200)"),
            "expect: column 14: unexpected \")\" without a matching \"(\"");
  EXPECT_EQ(error_of("status == 200 latency < 5"),
            "expect: column 15: expected \"&&\", \"||\" or the end, found \"latency\"");
  EXPECT_EQ(error_of("status 200"),
            "expect: column 8: expected an operator after \"status\", found \"200\"");
  EXPECT_EQ(error_of("status = 200"), "expect: column 8: unknown operator \"=\" (use ==)");
  EXPECT_EQ(error_of("body matches \"o+k\""),
            "expect: column 6: \"matches\" is not supported (conditions have no regular "
            "expressions); use contains");
  EXPECT_EQ(error_of("json db == ok"),
            "expect: column 6: expected a JSON path like $.a.b[0] after \"json\", found \"db\"");
  EXPECT_EQ(error_of("json $.a..b == ok"),
            "expect: column 6: malformed JSON path \"$.a..b\" (use $.a.b[0] or $['a-b'])");
  EXPECT_EQ(error_of("header == x"),
            "expect: column 8: expected a header name after \"header\", found \"=\"");
  EXPECT_EQ(error_of("latency < 1e3"),
            "expect: column 11: unknown unit \"e3\" in \"1e3\" (use ms, s, m, h or d)");
  std::string huge = "1" + std::string(400, '0');
  EXPECT_EQ(error_of("json $.n > " + huge),
            "expect: column 12: the number \"" + huge + "\" is out of range");
}

TEST(Condition, AtMost64Clauses) {
  std::string text = "connected";
  for (int i = 1; i < 64; ++i)
    text += " && connected";
  EXPECT_EQ(parsed(text).clauses.size(), 64u);
  text += " && status == 200";
  EXPECT_EQ(error_of(text), fmt::format("expect: column {}: more than 64 clauses",
                                        text.size() - std::string("status == 200").size() + 1));
}

// ---- evaluation ---------------------------------------------------------------------------------

TEST(Condition, PassingClausesLeaveNoFailures) {
  auto r = evaluate(parsed("connected && status == 200 && latency < 800ms && body contains "
                           "\"ok\" && json $.db == \"ok\" && json $.version >= 3 && json $.ready "
                           "== true && json $.gone == null && json $.roles contains admin && "
                           "json $.items[0].id == 7 && json $['a-b'] == dash && header "
                           "content-type contains json && header Content-Length < 1000 && "
                           "cert_expiry > 14d && dns.rcode == noerror && dns.answer == "
                           "portal.example.com && dns.answer != 198.51.100.1"),
                    healthy());
  EXPECT_TRUE(r.ok);
  EXPECT_TRUE(r.failed.empty()) << r.failed.front();
}

TEST(Condition, FailedClausesSayWhatWasSeen) {
  auto o = healthy();
  o.status = 503;
  o.latency_ms = 912.4;
  o.body = R"({"db":"down","version":2,"ready":"yes","roles":["staff"]})";
  o.cert_days_left = 3;
  o.dns_rcode = "NXDOMAIN";
  o.dns_answers.clear();
  EXPECT_EQ(failures("status == 200", o), Failures{"status 503 is not == 200"});
  EXPECT_EQ(failures("latency < 800ms", o), Failures{"latency 912.4 ms is not < 800 ms"});
  EXPECT_EQ(failures("json $.db == \"ok\"", o), Failures{"json $.db is \"down\", not \"ok\""});
  EXPECT_EQ(failures("json $.db != down", o),
            Failures{"json $.db is \"down\", expected != \"down\""});
  EXPECT_EQ(failures("json $.version > 2", o), Failures{"json $.version is 2, not > 2"});
  EXPECT_EQ(failures("json $.ready == true", o), Failures{"json $.ready is \"yes\", not true"});
  EXPECT_EQ(failures("json $.ready >= 1", o), Failures{"json $.ready is \"yes\", not a number"});
  EXPECT_EQ(failures("json $.version == \"2\"", o), Failures{"json $.version is 2, not \"2\""});
  EXPECT_EQ(failures("json $.roles contains admin", o),
            Failures{"json $.roles is [\"staff\"], which does not contain \"admin\""});
  EXPECT_EQ(failures("json $.db.x == 1", o), Failures{"json $.db.x is missing"});
  EXPECT_EQ(failures("body contains \"ok\"", o),
            Failures{"body (57 bytes) does not contain \"ok\""});
  EXPECT_EQ(failures("body !contains down", o), Failures{"body (57 bytes) contains \"down\""});
  EXPECT_EQ(
      failures("body == up", o),
      Failures{"body is \"{\\\"db\\\":\\\"down\\\",\\\"version\\\":2,\\\"ready\\\":\\\"yes\\\","
               "\\\"roles\\\":[\\\"staff\\\"]}\", not \"up\""});
  EXPECT_EQ(failures("cert_expiry > 14d", o), Failures{"cert_expiry 3 days is not > 14 days"});
  EXPECT_EQ(failures("dns.rcode == NOERROR", o), Failures{"dns.rcode is NXDOMAIN, not NOERROR"});
  EXPECT_EQ(failures("dns.answer == 203.0.113.10", o),
            Failures{"dns.answer has no answers, expected == 203.0.113.10"});
  o.connected = false;
  o.status = 0;
  EXPECT_EQ(failures("connected && status == 200", o),
            (Failures{"not connected", "status: no HTTP answer, expected == 200"}));
  EXPECT_EQ(failures("connected == false", healthy()),
            Failures{"connected, expected not connected"});
  EXPECT_TRUE(failures("connected != true", o).empty());
}

TEST(Condition, EveryFailureIsListedInOrder) {
  auto o = healthy();
  o.status = 500;
  o.latency_ms = 2000;
  EXPECT_EQ(failures("status == 200 && latency < 800ms && json $.db == \"ok\"", o),
            (Failures{"status 500 is not == 200", "latency 2000 ms is not < 800 ms"}));
}

TEST(Condition, JsonOnABodyThatIsNotJson) {
  auto o = healthy();
  o.body = "<html>ok</html>";
  EXPECT_EQ(failures("json $.db == ok && body contains ok", o),
            Failures{"json $.db: the body is not JSON"});
  o.body.clear();
  EXPECT_EQ(failures("json $ == null", o), Failures{"json $: the body is not JSON"});
}

TEST(Condition, HeadersAreFoundIgnoringCase) {
  auto o = healthy();
  EXPECT_TRUE(failures("header x-request-id == r-1 && header X-REQUEST-ID != r-2", o).empty());
  EXPECT_EQ(failures("header X-Frame-Options == DENY", o),
            Failures{"header X-Frame-Options is missing"});
  EXPECT_TRUE(failures("header X-Powered-By !contains PHP && header Server != x", o).empty())
      << "an absent header equals and contains nothing";
  EXPECT_EQ(failures("header Content-Type == text/html", o),
            Failures{"header Content-Type is \"application/json\", not \"text/html\""});
  EXPECT_EQ(failures("header Content-Type contains html", o),
            Failures{"header Content-Type is \"application/json\", which does not contain "
                     "\"html\""});
  EXPECT_EQ(failures("header Content-Length < 100", o),
            Failures{"header Content-Length is 120, not < 100"});
  EXPECT_EQ(failures("header X-Request-Id > 1", o),
            Failures{"header X-Request-Id is \"r-1\", not a number"});
  o.headers.emplace_back("cache-control", "no-store");
  o.headers.emplace_back("Cache-Control", "private");
  EXPECT_TRUE(failures("header Cache-Control == \"no-store, private\"", o).empty());
}

TEST(Condition, CertExpiryWithoutACertificateFailsClearly) {
  auto o = healthy();
  o.cert_days_left.reset();
  EXPECT_EQ(failures("cert_expiry > 14d", o),
            Failures{"cert_expiry: no certificate was seen (not a TLS check, or no handshake)"});
}

TEST(Condition, DnsAnswersMatchAnyIgnoringCaseAndTheFinalDot) {
  auto o = healthy();
  EXPECT_TRUE(failures("dns.answer == PORTAL.example.com. && dns.answer contains 113", o).empty());
  EXPECT_EQ(failures("dns.answer == 198.51.100.1", o),
            Failures{"dns.answer [203.0.113.10, portal.example.com.] has no 198.51.100.1"});
  EXPECT_EQ(failures("dns.answer != 203.0.113.10", o),
            Failures{"dns.answer [203.0.113.10, portal.example.com.] has 203.0.113.10"});
  EXPECT_EQ(failures("dns.answer !contains example", o),
            Failures{"dns.answer [203.0.113.10, portal.example.com.] has one containing "
                     "\"example\""});
}

TEST(Condition, LongAndControlValuesAreCutAndEscaped) {
  auto o = healthy();
  o.body = std::string(200, 'a') + "\x01";
  auto f = failures("body == b", o);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0], "body is \"" + std::string(80, 'a') + "\"…, not \"b\"");
  o.headers = {{"X-A", "a\nb\x01"}};
  EXPECT_EQ(failures("header X-A == c", o), Failures{"header X-A is \"a\\nb\\x01\", not \"c\""});
  o.body = R"({"a":[1,{"b":"c"}],"d":null})";
  EXPECT_EQ(failures("json $ == 1", o),
            Failures{R"(json $ is {"a":[1,{"b":"c"}],"d":null}, not 1)"});
  o.body = "[";
  for (int i = 0; i < 10000; ++i)
    o.body += "1,";
  o.body += "1]";
  std::string shown = "[";
  for (int i = 0; i < 39; ++i)
    shown += "1,";
  EXPECT_EQ(failures("json $ contains 5", o),
            Failures{"json $ is " + shown + "1…, which does not contain 5"});
  // A long needle takes the linear search.
  o.body = std::string(5000, 'a');
  EXPECT_EQ(failures("body contains \"aaaaaaaaaaaaaaaaaaaab\"", o),
            Failures{"body (5000 bytes) does not contain \"aaaaaaaaaaaaaaaaaaaab\""});
  o.body += "aaaaaaaaaaaaaaaaaaaab";
  EXPECT_TRUE(failures("body contains \"aaaaaaaaaaaaaaaaaaaab\"", o).empty());
}

TEST(Condition, TheDefaultConditions) {
  using analyze::MonitorCheckKind;
  EXPECT_EQ(analyze::default_condition_text(MonitorCheckKind::http), "connected && status < 400");
  auto http = analyze::default_condition(MonitorCheckKind::http);
  ASSERT_EQ(http.clauses.size(), 2u);
  auto o = healthy();
  o.status = 302;
  EXPECT_TRUE(evaluate(http, o).ok);
  o.status = 404;
  EXPECT_EQ(evaluate(http, o).failed, Failures{"status 404 is not < 400"});
  o.connected = false;
  o.status = 0;
  EXPECT_EQ(evaluate(http, o).failed,
            (Failures{"not connected", "status: no HTTP answer, expected < 400"}));
  EXPECT_EQ(evaluate(analyze::default_condition(MonitorCheckKind::tcp), o).failed,
            Failures{"not connected"});
  auto dns = analyze::default_condition(MonitorCheckKind::dns);
  o.dns_rcode = "SERVFAIL";
  EXPECT_EQ(evaluate(dns, o).failed, Failures{"dns.rcode is SERVFAIL, not NOERROR"});
  EXPECT_FALSE(evaluate(analyze::Condition{}, o).ok) << "an empty condition never passes";
}

} // namespace
} // namespace lg
