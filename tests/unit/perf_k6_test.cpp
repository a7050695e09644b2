// The k6 export of perf.api-latency's scenario: the schedule and thresholds of the config's
// perf section, each action with its account's login, and no credential in the file — ${NAME}
// references become __ENV reads, and literal secrets become __ENV.<ACCOUNT>_<KEY>.

#include "perf/k6.hpp"

#include <gtest/gtest.h>

namespace lg::perf {
namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const char* k_config = R"(target:
  base_url: https://staging.portal.example
accounts:
  - name: alice
    org: acme
    role: admin
    login: {method: POST, path: /api/login, json: {email: alice@acme.test, password: "${ALICE_PASSWORD}"}, token: $.session.token}
  - name: bob
    org: acme
    role: staff
    login: {method: POST, path: /login, form: {email: bob@acme.test, password: literal-hunter2}}
  - name: ops
    org: acme
    role: admin
    login: {basic: {username: ops, password: "${OPS_PASSWORD}"}}
actions:
  - {name: list_records, path: /api/records}
  - {name: search, path: "/api/search?q=`x`", as: bob}
  - {name: save, method: PUT, path: /api/records/7, json: {title: t}}
  - {name: read, path: "/api/records/{id}"}
  - {name: health, path: /api/health, as: ops}
  - {name: login, login: true, as: bob, weight: 0.5}
  - {name: find, path: "/api/search?q={term}", vars: {term: [a b, c]}, weight: 2}
perf: {users: 50, think_time: 500ms, duration: 20s, warmup: 2s, p95_ms: 300}
)";

Config load(const std::string& yaml) {
  auto parsed = parse_config(yaml, "launchgate.yaml", "", EnvReferences::keep);
  EXPECT_TRUE(parsed) << parsed.error().message;
  return parsed ? *parsed : Config{};
}

TEST(PerfK6, ScheduleAndThresholdsAreTheChecks) {
  auto script = k6_script(load(k_config), {});
  ASSERT_TRUE(script) << script.error().message;
  const auto& t = script->text;
  // 50 users every 500 ms: 100 requests/s, 20 s measured after 2 s of warm-up.
  EXPECT_TRUE(has(t, "measured: {executor: 'constant-arrival-rate', rate: 100, timeUnit: '1s', "
                     "duration: '20s', startTime: '2s'"))
      << t;
  EXPECT_TRUE(has(t, "warmup: {executor: 'constant-arrival-rate', rate: 100, timeUnit: '1s', "
                     "duration: '2s'"))
      << t;
  EXPECT_TRUE(has(t, "preAllocatedVUs: 50, maxVUs: 50")) << t;
  EXPECT_TRUE(
      has(t, R"("http_req_duration{scenario:measured,action:list_records}": ['p(95)<300'])"))
      << t;
  EXPECT_TRUE(has(t, "'http_req_failed{scenario:measured}': ['rate<0.01']")) << t;
  EXPECT_TRUE(has(t, "const BASE = __ENV.BASE_URL || `https://staging.portal.example`;")) << t;
}

TEST(PerfK6, WritesAndTemplatesAreLeftOutWithAReason) {
  auto script = k6_script(load(k_config), {});
  ASSERT_TRUE(script);
  EXPECT_FALSE(has(script->text, "name: \"save\"")) << script->text;
  EXPECT_FALSE(has(script->text, "name: \"read\""));
  ASSERT_EQ(script->notes.size(), 2u);
  EXPECT_TRUE(has(script->notes[0], "save (PUT writes: export with --allow-writes)"));
  EXPECT_TRUE(has(script->notes[1], "nothing fills {id} in /api/records/{id}"));
  EXPECT_TRUE(has(script->text, "// Left out:\n//   save"));
  K6Options writes;
  writes.allow_writes = true;
  auto with = k6_script(load(k_config), writes);
  ASSERT_TRUE(with);
  EXPECT_TRUE(
      has(with->text, R"(name: "save", as: "alice", login: false, weight: 1, method: "PUT")"))
      << with->text;
  EXPECT_TRUE(has(with->text, R"(body: JSON.stringify({"title": `t`}))")) << with->text;
}

TEST(PerfK6, EachAccountLogsInOnceAndNoCredentialIsWritten) {
  auto script = k6_script(load(k_config), {});
  ASSERT_TRUE(script);
  const auto& t = script->text;
  EXPECT_TRUE(has(t, "function login_alice()")) << t;
  EXPECT_TRUE(has(t, R"("password": __ENV.ALICE_PASSWORD)")) << t;
  EXPECT_TRUE(has(t, "session.authorization = 'Bearer ' + res.json(\"session.token\");")) << t;
  // bob's literal password is not copied: the script reads BOB_PASSWORD instead.
  EXPECT_FALSE(has(t, "hunter2")) << t;
  EXPECT_TRUE(has(t, R"("password": __ENV.BOB_PASSWORD)")) << t;
  EXPECT_TRUE(has(t, "encoding.b64encode(`ops` + ':' + __ENV.OPS_PASSWORD)")) << t;
  EXPECT_TRUE(has(t, R"("alice": login_alice(),)")) << t;
  EXPECT_TRUE(has(t, "//   ALICE_PASSWORD=… BOB_PASSWORD=… OPS_PASSWORD=… k6 run")) << t;
  // A backquote in a path is escaped inside its template literal.
  EXPECT_TRUE(has(t, "url: BASE + `/api/search?q=\\`x\\``")) << t;
}

TEST(PerfK6, LoginsWeightsAndVarsAreExported) {
  auto script = k6_script(load(k_config), {});
  ASSERT_TRUE(script);
  const auto& t = script->text;
  // The login action is bob's own login request, sent without a session, half as often.
  EXPECT_TRUE(has(
      t,
      R"(name: "login", as: "bob", login: true, weight: 0.5, method: "POST", url: BASE + `/login`)"))
      << t;
  EXPECT_TRUE(has(t, R"(vars: {"term":["a b","c"]})")) << t;
  EXPECT_TRUE(has(t, R"(name: "find", as: "alice", login: false, weight: 2,)")) << t;
  EXPECT_TRUE(has(t, "const s = a.login ? {} : sessions[a.as] || {};")) << t;
  EXPECT_TRUE(has(t, "encodeURIComponent(values[Math.floor(Math.random() * values.length)])")) << t;
}

TEST(PerfK6, FractionalRatesUseAMinuteAndNoActionIsAConfigError) {
  auto cfg = load(std::string(k_config) + "");
  cfg.perf.users = 7;
  cfg.perf.think_time_ms = 3000; // 2.33 requests/s: 140 a minute
  auto script = k6_script(cfg, {});
  ASSERT_TRUE(script);
  EXPECT_TRUE(has(script->text, "rate: 140, timeUnit: '1m'")) << script->text;
  cfg.actions.clear();
  auto none = k6_script(cfg, {});
  ASSERT_FALSE(none);
  EXPECT_TRUE(has(none.error().message, "no actions"));
}

TEST(PerfK6, TemplateLiteralsEscapeAndReadTheEnvironment) {
  EXPECT_EQ(js_template("plain"), "`plain`");
  EXPECT_EQ(js_template("a${TOKEN}b"), "`a${__ENV.TOKEN}b`");
  EXPECT_EQ(js_template("${not valid}"), "`\\${not valid}`");
  EXPECT_EQ(js_template("back`tick\\"), "`back\\`tick\\\\`");
  EXPECT_EQ(js_template("line\n"), "`line\\x0a`");
  EXPECT_EQ(js_template("${unclosed"), "`\\${unclosed`");
}

} // namespace
} // namespace lg::perf
