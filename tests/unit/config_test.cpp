// The config contract: interpolation, unknown keys with file:line, shapes, defaults.

#include "core/config.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fmt/format.h>

namespace lg {
namespace {

const char* k_minimal = R"(target:
  base_url: https://staging.portal.example.com
accounts:
  - name: alice
    org: acme
    role: admin
    login: {method: post, path: /api/login, json: {email: a@acme.test, password: "${LG_TEST_PW}"}, token: $.token}
api:
  openapi: openapi.json
  public: ["/api/health", "POST /api/login"]
)";

TEST(Config, LoadsTheContractAndInterpolatesTheEnvironment) {
  setenv("LG_TEST_PW", "s3cret-value", 1);
  auto c = parse_config(k_minimal, "lg.yaml", "/etc/portal");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->target.base_url, "https://staging.portal.example.com");
  EXPECT_EQ(c->target.scope, std::vector<std::string>{"staging.portal.example.com"});
  ASSERT_EQ(c->accounts.size(), 1u);
  EXPECT_EQ(c->accounts[0].login.method, "POST");
  EXPECT_EQ(c->accounts[0].token_path, "$.token");
  EXPECT_EQ((*c->accounts[0].login.json)["password"], "s3cret-value");
  EXPECT_EQ(c->resolve_path(c->api.openapi), "/etc/portal/openapi.json");
  EXPECT_EQ(c->api.public_.size(), 2u);
}

TEST(Config, MissingVariableIsAnErrorNamingItWithItsLine) {
  unsetenv("LG_TEST_PW");
  auto c = parse_config(k_minimal, "lg.yaml", "");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, ErrorKind::config);
  EXPECT_NE(c.error().message.find("lg.yaml:7:"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("LG_TEST_PW is not set"), std::string::npos);
  EXPECT_EQ(c.error().message.find("s3cret"), std::string::npos);
}

TEST(Config, UnknownKeysAreRejectedWithFileLineAndTheExpectedKeys) {
  auto c =
      parse_config("target:\n  base_url: http://x.test\n  max_rsp: 3\nextra: 1\n", "f.yaml", "");
  ASSERT_FALSE(c);
  const auto& m = c.error().message;
  EXPECT_NE(m.find("f.yaml:3:3: unknown key 'max_rsp' in target (expected one of: base_url"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("f.yaml:4:1: unknown key 'extra'"), std::string::npos) << m;
}

TEST(Config, EveryProblemIsReportedNotJustTheFirst) {
  auto c = parse_config("target:\n  max_rps: fast\naccounts: {}\n", "f.yaml", "");
  ASSERT_FALSE(c);
  const auto& m = c.error().message;
  EXPECT_NE(m.find("target.max_rps must be a number"), std::string::npos) << m;
  EXPECT_NE(m.find("accounts must be a list of mappings"), std::string::npos) << m;
  EXPECT_NE(m.find("missing the required key 'base_url'"), std::string::npos) << m;
}

TEST(Config, SyntaxErrorsCarryTheirPosition) {
  auto c = parse_config("target: [1, 2\n", "f.yaml", "");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("f.yaml:2:"), std::string::npos) << c.error().message;
}

TEST(Config, EmptyFileSaysWhatIsExpected) {
  auto c = parse_config("", "f.yaml", "");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("target.base_url"), std::string::npos);
}

TEST(Config, BaseUrlMustBeHttpAndInScope) {
  auto c = parse_config("target:\n  base_url: ftp://x.test\n", "f.yaml", "");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("http:// or https://"), std::string::npos);
  auto d = parse_config("target:\n  base_url: http://a.test\n  scope: [b.test]\n", "f.yaml", "");
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("must include base_url's host 'a.test'"), std::string::npos);
}

TEST(Config, DurationsAndBudgets) {
  auto c =
      parse_config("target:\n  base_url: http://a.test\n  timeout: 1500ms\n  max_requests: 50\n"
                   "  max_response_kb: 64\n",
                   "f.yaml", "");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->target.timeout_ms, 1500);
  EXPECT_EQ(c->target.max_requests, 50);
  EXPECT_EQ(c->target.max_response_bytes, 64 * 1024);
  auto bad = parse_config("target:\n  base_url: http://a.test\n  timeout: soon\n", "f.yaml", "");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("f.yaml:3:"), std::string::npos);
}

TEST(Config, TheWholeDesignExampleValidates) {
  setenv("ALICE_PASSWORD", "pw", 1);
  const char* design = R"yaml(target:
  base_url: https://staging.portal.example.com
  scope: [staging.portal.example.com]
  max_rps: 20
accounts:
  - name: alice
    org: acme
    role: admin
    email: alice@acme.test
    login:
      method: POST
      path: /api/login
      json: {email: alice@acme.test, password: "${ALICE_PASSWORD}"}
      token: $.token
api:
  openapi: openapi.json
  admin_only: ["/api/admin/**", "DELETE /api/users/*"]
  public: ["/api/health", "POST /api/login"]
  shared: ["/api/reference/**"]
auth:
  logout: {method: POST, path: /api/logout}
  reset_request: {method: POST, path: /api/password-reset, json: {email: "{account.email}"}}
  reset_confirm: {method: POST, path: /api/password-reset/confirm,
                  json: {token: "{token}", password: "{new_password}"}}
  reset_token: "token=([A-Za-z0-9_-]+)"
mail: {smtp_sink: 127.0.0.1:2525}
actions:
  - {name: list_records, method: GET, path: /api/records}
pages: [/, /records]
domain:
  names: [portal.example.com, app.portal.example.com, "staging.example.com:8443"]
  http_port: 80
  ca_file: internal-ca.pem
  expect: {portal.example.com: {a: [203.0.113.10]}, app.portal.example.com: {cname: portal.example.com}}
  nameservers: [ns1.provider.example, ns2.provider.example]
email: {domain: example.com, dkim_selectors: [s1]}
dns: {server: 127.0.0.1:5353}
secrets: {paths: [.], history: true, build: [dist/], logs: [logs/]}
logs: {files: [/var/log/portal/*.log*], command: "journalctl -u portal -o cat --since -10min"}
monitor:
  interval: 60s
  checks:
    - {name: home, url: /, expect: "status == 200 && latency < 800ms"}
    - {name: dashboard, as: alice, url: /records, expect: "status == 200"}
  alerts:
    failure_threshold: 3
    success_threshold: 2
    webhook: https://hooks.example.com/portal
    email: {smtp: "smtp.example.com:587", from: monitor@example.com, to: [ops@example.com]}
  store: monitor.db
  listen: 127.0.0.1:8099
deploy: {repo: ., build: "make build", test: "make test", rollback: "make rollback DRY_RUN=1"}
handover: {owners: [ops@example.com], approver: cto@example.com, support: support@example.com}
)yaml";
  auto c = parse_config(design, "design.yaml", "");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_TRUE(c->auth.reset_confirm);
  EXPECT_EQ(c->auth.reset_confirm->path, "/api/password-reset/confirm");
  EXPECT_EQ(c->raw["monitor"]["alerts"]["failure_threshold"], 3);
  EXPECT_EQ(c->pages.size(), 2u);
}

TEST(Config, LoadConfigReportsAMissingFile) {
  auto c = load_config("/nonexistent/launchgate.yaml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("cannot open"), std::string::npos);
}

TEST(Config, InterpolationLeavesTextWithoutVariablesAlone) {
  std::vector<std::string> missing;
  setenv("LG_A", "1", 1);
  EXPECT_EQ(interpolate_env("a${LG_A}b${", missing), "a1b${");
  EXPECT_TRUE(missing.empty());
  EXPECT_EQ(interpolate_env("${LG_NOT_SET_EVER}", missing), "");
  EXPECT_EQ(missing, std::vector<std::string>{"LG_NOT_SET_EVER"});
}

} // namespace
} // namespace lg

namespace lg {
namespace {

TEST(Config, AliasesAreRefusedSoABombCannotExpand) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a]\n"
                     "c: &c [*b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c]\n";
  auto c = parse_config(bomb, "f.yaml", "");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("f.yaml:2:"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("aliases"), std::string::npos);
  auto cyclic = parse_config("target: &t {base_url: http://a.test, scope: *t}\n", "f.yaml", "");
  ASSERT_FALSE(cyclic);
  EXPECT_FALSE(parse_yaml_document("x: &a [1]\ny: *a\n"));
}

TEST(Config, DuplicateKeysAreErrors) {
  auto c =
      parse_config("target:\n  base_url: http://a.test\n  base_url: http://b.test\n", "f.yaml", "");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("f.yaml:3:3: duplicate key 'base_url'"), std::string::npos)
      << c.error().message;
}

TEST(Config, DeepNestingIsRefused) {
  std::string deep(100, '[');
  deep += std::string(100, ']');
  EXPECT_FALSE(parse_config("x: " + deep + "\n", "f.yaml", ""));
  EXPECT_FALSE(parse_yaml_document(deep));
}

TEST(Config, ValuesFromTheEnvironmentStayStrings) {
  setenv("LG_NUMERIC_PW", "123456", 1);
  auto c = parse_config("target:\n  base_url: http://a.test\naccounts:\n  - name: a\n    org: o\n"
                        "    role: r\n    login:\n      path: /l\n      json:\n        password: "
                        "${LG_NUMERIC_PW}\n        n: 5\n",
                        "f.yaml", "");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ((*c->accounts[0].login.json)["password"], "123456");
  EXPECT_EQ((*c->accounts[0].login.json)["n"], 5);
}

TEST(Config, MalformedEndpointsAreCaughtAtLoad) {
  auto c = parse_config(
      "target:\n  base_url: http://a.test\napi:\n  endpoints: [GET /ok, /api/x]\n", "f.yaml", "");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("f.yaml:4:"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("'/api/x' must be 'METHOD /path'"), std::string::npos);
}

TEST(Config, ErrorsNeverEchoAnInterpolatedValue) {
  setenv("LG_SECRET_URL", "ftp://user:verysecretpassword@h.test/", 1);
  auto c = parse_config("target:\n  base_url: ${LG_SECRET_URL}\n", "f.yaml", "");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message.find("verysecretpassword"), std::string::npos) << c.error().message;
}

TEST(Config, ScopeMayNamePorts) {
  auto c = parse_config("target:\n  base_url: http://a.test:8080\n  scope: [a.test:8080]\n",
                        "f.yaml", "");
  EXPECT_TRUE(c) << c.error().message;
  auto d = parse_config("target:\n  base_url: http://a.test:8080\n  scope: [a.test:9090]\n",
                        "f.yaml", "");
  EXPECT_FALSE(d);
}

// ---- login styles -----------------------------------------------------------------------------

/// A config whose account alice logs in by `login` (flow YAML), on line 4.
Expected<Config> with_login(const std::string& login) {
  return parse_config(fmt::format("target:\n  base_url: http://a.test\naccounts:\n"
                                  "  - {{name: alice, org: acme, role: admin, login: {}}}\n",
                                  login),
                      "f.yaml", "");
}

TEST(ConfigLogin, ACsrfFormLogin) {
  auto c = with_login("{method: POST, path: /login, form: {email: a@acme.test, password: pw}, "
                      "csrf: {page: /signin, field: csrf_token, header: X-CSRF-Token}}");
  ASSERT_TRUE(c) << c.error().message;
  const auto& a = c->accounts[0];
  EXPECT_EQ(a.login_style, LoginStyle::recipe);
  EXPECT_EQ(a.login.path, "/login");
  ASSERT_TRUE(a.csrf);
  EXPECT_EQ(a.csrf->page, "/signin");
  EXPECT_EQ(a.csrf->field, "csrf_token");
  EXPECT_EQ(a.csrf->header, "X-CSRF-Token");
  // The page defaults to the login path; the field to the common names.
  auto d = with_login("{path: /login, form: {u: a}, csrf: {}}");
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->accounts[0].csrf->page, "/login");
  EXPECT_EQ(d->accounts[0].csrf->field, "");
}

TEST(ConfigLogin, BasicAndApiKeyLogins) {
  setenv("LG_TEST_BASIC", "b-secret", 1);
  auto b = with_login("{basic: {username: alice, password: \"${LG_TEST_BASIC}\"}, check: /api/me}");
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->accounts[0].login_style, LoginStyle::basic);
  EXPECT_EQ(b->accounts[0].basic_username, "alice");
  EXPECT_EQ(b->accounts[0].basic_password, "b-secret");
  EXPECT_EQ(b->accounts[0].login.method, "GET");
  EXPECT_EQ(b->accounts[0].login.path, "/api/me");
  auto h = with_login("{api_key: {header: X-Api-Key, value: k1}}");
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_EQ(h->accounts[0].login_style, LoginStyle::api_key);
  EXPECT_EQ(h->accounts[0].api_key_header, "X-Api-Key");
  EXPECT_EQ(h->accounts[0].api_key, "k1");
  EXPECT_EQ(h->accounts[0].login.path, "");
  auto q = with_login("{api_key: {query: access_token, value: k2}}");
  ASSERT_TRUE(q) << q.error().message;
  EXPECT_EQ(q->accounts[0].api_key_query, "access_token");
}

TEST(ConfigLogin, MixturesAndMissingStylesAreErrorsWithFileLine) {
  auto mixed = with_login("{path: /login, json: {}, basic: {username: a, password: b}}");
  ASSERT_FALSE(mixed);
  EXPECT_NE(mixed.error().message.find("f.yaml:4:"), std::string::npos) << mixed.error().message;
  EXPECT_NE(mixed.error().message.find("login mixes 'path' (a login request) and 'basic'"),
            std::string::npos)
      << mixed.error().message;
  auto both = with_login("{basic: {username: a, password: b}, api_key: {header: X-K, value: v}}");
  ASSERT_FALSE(both);
  EXPECT_NE(both.error().message.find("login mixes 'basic' and 'api_key'"), std::string::npos)
      << both.error().message;
  auto none = with_login("{check: /api/me}");
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("f.yaml:4:"), std::string::npos);
  EXPECT_NE(none.error().message.find("login needs one of"), std::string::npos)
      << none.error().message;
  auto no_path = with_login("{form: {u: a}, csrf: {page: /login}}");
  ASSERT_FALSE(no_path);
  EXPECT_NE(no_path.error().message.find("login is missing the required key 'path'"),
            std::string::npos)
      << no_path.error().message;
}

TEST(ConfigLogin, EachStyleNeedsItsFields) {
  struct Case {
    const char* login;
    const char* message;
  };
  for (const auto& [login, message] : std::initializer_list<Case>{
           {"{basic: {username: a}}", "login.basic is missing the required key 'password'"},
           {"{basic: {username: 'a:b', password: p}}", "cannot contain ':'"},
           {"{basic: {username: a, password: ''}}", "login.basic.password is empty"},
           {"{api_key: {value: v}}", "exactly one of header"},
           {"{api_key: {header: X-K, query: key, value: v}}", "exactly one of header"},
           {"{api_key: {header: X-K}}", "login.api_key is missing the required key 'value'"},
           {"{api_key: {header: 'X K', value: v}}", "must be a header name"},
           {"{api_key: {query: appid, value: v}}", "'appid' would show the key in request logs"},
           {"{api_key: {header: X-K, value: v}, check: ''}", "login.check must be a path"},
           {"{path: /login, json: {}, check: /api/me}", "login.check is for basic and api_key"},
           {"{path: /login, json: {a: 1}, form: {b: 2}}", "both json and form"},
           {"{path: /login, json: {}, csrf: {page: /login}}", "login.csrf needs login.form"},
           {"{path: /login, form: {}, csrf: {field: ''}}", "login.csrf.field must not be empty"},
           {"{path: /login, form: {}, csrf: {header: 'a b'}}", "must be a header name"},
           {"{path: /login, form: {}, csrf: {tokn: x}}",
            "unknown key 'tokn' in accounts[0].login.csrf"},
       }) {
    auto c = with_login(login);
    ASSERT_FALSE(c) << login;
    EXPECT_NE(c.error().message.find("f.yaml:4:"), std::string::npos) << c.error().message;
    EXPECT_NE(c.error().message.find(message), std::string::npos) << c.error().message;
  }
}

TEST(ConfigLogin, ErrorsNeverEchoASecret) {
  setenv("LG_TEST_KEY", "super-secret-key-value", 1);
  for (const char* login : {"{api_key: {query: appid, value: \"${LG_TEST_KEY}\"}}",
                            "{basic: {username: 'a:b', password: \"${LG_TEST_KEY}\"}}",
                            "{api_key: {value: \"${LG_TEST_KEY}\"}}",
                            "{path: /l, form: {p: \"${LG_TEST_KEY}\"}, basic: {username: u, "
                            "password: \"${LG_TEST_KEY}\"}}"}) {
    auto c = with_login(login);
    ASSERT_FALSE(c) << login;
    EXPECT_EQ(c.error().message.find("super-secret"), std::string::npos) << c.error().message;
  }
}

} // namespace
} // namespace lg

namespace lg {
namespace {

TEST(ConfigDns, OneSourceWithItsShape) {
  setenv("LG_TEST_PW", "s3cret-value", 1);
  auto zone =
      parse_config(std::string(k_minimal) + "dns: {zone_file: export.zone, origin: example.com}\n",
                   "lg.yaml", "/etc/portal");
  ASSERT_TRUE(zone) << zone.error().message;
  EXPECT_EQ(zone->resolve_path(zone->dns.zone_file), "/etc/portal/export.zone");
  EXPECT_EQ(zone->dns.origin, "example.com");
  auto both = parse_config(std::string(k_minimal) +
                               "dns: {server: \"127.0.0.1:5353\", zone_file: export.zone}\n",
                           "lg.yaml", "");
  ASSERT_FALSE(both);
  EXPECT_NE(both.error().message.find("give server or zone_file, not both"), std::string::npos);
  auto named = parse_config(std::string(k_minimal) + "dns: {server: \"ns1.example.net:53\"}\n",
                            "lg.yaml", "");
  ASSERT_FALSE(named);
  EXPECT_NE(named.error().message.find("lg.yaml:11:"), std::string::npos) << named.error().message;
}

TEST(ConfigEmailDomain, NamesPortsExpectationsAndSelectors) {
  setenv("LG_TEST_PW", "s3cret-value", 1);
  auto ok = parse_config(
      std::string(k_minimal) +
          "domain:\n  names: [Portal.Example.com., \"app.example.com:8443\"]\n  http_port: 8080\n"
          "  ca_file: ca.pem\n  nameservers: [NS1.provider.example]\n"
          "  expect: {portal.example.com: {a: [203.0.113.10]}, app.example.com: {cname: "
          "portal.example.com.}}\nemail: {domain: Example.COM, dkim_selectors: [s1, google]}\n",
      "lg.yaml", "/etc/portal");
  ASSERT_TRUE(ok) << ok.error().message;
  ASSERT_EQ(ok->domain.names.size(), 2u);
  EXPECT_EQ(ok->domain.names[0].host, "portal.example.com");
  EXPECT_EQ(ok->domain.names[0].https_port, 443);
  EXPECT_EQ(ok->domain.names[1].https_port, 8443);
  EXPECT_EQ(ok->domain.http_port, 8080);
  EXPECT_EQ(ok->resolve_path(ok->domain.ca_file), "/etc/portal/ca.pem");
  EXPECT_EQ(ok->domain.nameservers, std::vector<std::string>{"ns1.provider.example"});
  EXPECT_EQ(ok->domain.expect.at("portal.example.com").a, std::vector<std::string>{"203.0.113.10"});
  EXPECT_EQ(ok->domain.expect.at("app.example.com").cname, "portal.example.com");
  EXPECT_EQ(ok->email.domain, "example.com");
  EXPECT_EQ(ok->email.dkim_selectors, (std::vector<std::string>{"s1", "google"}));

  auto bad = parse_config(std::string(k_minimal) +
                              "domain:\n  names: [\"bad name\", \"x.example:99999\"]\n"
                              "  expect: {a.example: {a: [not-an-ip], mx: x}}\n"
                              "email: {domain: \"exa mple\"}\n",
                          "lg.yaml", "");
  ASSERT_FALSE(bad);
  const auto& m = bad.error().message;
  EXPECT_NE(m.find("'bad name' is not a host name"), std::string::npos) << m;
  EXPECT_NE(m.find("'x.example:99999' must be host or host:port"), std::string::npos) << m;
  EXPECT_NE(m.find("'not-an-ip' is not an IPv4 address"), std::string::npos) << m;
  EXPECT_NE(m.find("unknown key 'mx'"), std::string::npos) << m;
  EXPECT_NE(m.find("email.domain must be a domain name"), std::string::npos) << m;
}

TEST(ConfigAuth, DurationsRegexesAndTheInviter) {
  setenv("LG_TEST_PW", "s3cret-value", 1);
  auto ok = parse_config(std::string(k_minimal) +
                             "auth:\n  reset_expiry: 2m\n  session_max: 8h\n  invite_expiry: 3d\n"
                             "  invite: {path: /api/invites}\n  invite_as: alice\n"
                             "  login_burst: 12\nmail: {smtp_sink: \"[::1]:2525\", wait: 5s}\n",
                         "lg.yaml", "");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->auth.reset_expiry_ms, 120000);
  EXPECT_EQ(ok->auth.session_max_ms, 8LL * 3600 * 1000);
  EXPECT_EQ(ok->auth.invite_expiry_ms, 3LL * 86400 * 1000);
  EXPECT_EQ(ok->auth.login_burst, 12);
  EXPECT_EQ(ok->mail.smtp_sink, "[::1]:2525");
  EXPECT_EQ(ok->mail.wait_ms, 5000);
  auto bad = parse_config(std::string(k_minimal) +
                              "auth:\n  reset_token: \"token=[a-z]+\"\n  invite_as: nobody\n"
                              "  session_max: forever\nmail: {smtp_sink: localhost, command: x}\n",
                          "lg.yaml", "");
  ASSERT_FALSE(bad);
  const auto& m = bad.error().message;
  EXPECT_NE(m.find("one capture group"), std::string::npos) << m;
  EXPECT_NE(m.find("names no configured account 'nobody'"), std::string::npos) << m;
  EXPECT_NE(m.find("auth.session_max must be a duration"), std::string::npos) << m;
  EXPECT_NE(m.find("give smtp_sink or command, not both"), std::string::npos) << m;
  EXPECT_NE(m.find("mail.smtp_sink must be host:port"), std::string::npos) << m;
}

} // namespace
} // namespace lg

namespace lg {
namespace {

const char* k_actions_head = R"(target:
  base_url: http://127.0.0.1:8080
accounts:
  - {name: alice, org: acme, role: admin, login: {method: POST, path: /login, json: {p: x}}}
actions:
)";

TEST(Config, ActionsTakeALoginAWeightAndTemplateValues) {
  auto c = parse_config(std::string(k_actions_head) +
                            "  - {name: login, login: true, weight: 0.5}\n"
                            "  - {name: find, path: \"/s?q={term}\", vars: {term: [a, b]}}\n"
                            "  - {name: one, path: \"/r/{id}\", vars: {id: 7}}\n",
                        "f.yaml", "");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->actions.size(), 3u);
  EXPECT_TRUE(c->actions[0].login);
  EXPECT_DOUBLE_EQ(c->actions[0].weight, 0.5);
  EXPECT_FALSE(c->actions[1].login);
  EXPECT_DOUBLE_EQ(c->actions[1].weight, 1.0);
  EXPECT_EQ(c->actions[1].vars.at("term"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c->actions[2].vars.at("id"), (std::vector<std::string>{"7"}));
}

TEST(Config, BadActionsAreNamedWithTheirLine) {
  const std::pair<const char*, const char*> cases[] = {
      {"  - {name: a}\n", "'a' needs a path starting with /"},
      {"  - {name: a, login: true, path: /x}\n", "'a' is the account's login"},
      {"  - {name: a, path: /x, weight: 0}\n", "'a' needs a weight above 0"},
      {"  - {name: a, path: /x, weight: lots}\n", "f.yaml:6:"},
      {"  - {name: a, path: /x, vars: [1, 2]}\n", "vars must map template names"},
      {"  - {name: a, path: /x, vars: {id: {k: v}}}\n", "vars.id needs one value or a list"},
      {"  - {name: a, path: /x}\n  - {name: a, path: /y}\n", "action name 'a' is used twice"},
      {"  - {name: a, path: /x, as: mallory}\n", "runs as 'mallory', which is no configured"},
  };
  for (const auto& [yaml, expected] : cases) {
    auto c = parse_config(std::string(k_actions_head) + yaml, "f.yaml", "");
    ASSERT_FALSE(c) << yaml;
    EXPECT_NE(c.error().message.find(expected), std::string::npos)
        << yaml << " -> " << c.error().message;
  }
}

} // namespace
} // namespace lg

namespace lg {
namespace {

TEST(Config, DeployAndHandoverAreReadWithTheirDefaults) {
  auto c = parse_config(R"(target: {base_url: "http://127.0.0.1:8080"}
deploy:
  repo: ../portal
  build: make build
  test: make test
  migrate: npm run migrate
  rollback: make rollback DRY_RUN=1
  run_rollback: true
  env: [DATABASE_URL, STRIPE_KEY]
  env_example: config/.env.example
  staging_env: deploy/staging.env
  production_env: deploy/production.env
  timeout: 10m
handover: {owners: [ops@example.com], approver: cto@example.com, support: help@example.com,
           secrets: "1Password vault Portal"}
)",
                        "lg.yaml", "/srv/ops");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->deploy.present);
  EXPECT_EQ(c->resolve_path(c->deploy.repo), "/srv/portal");
  EXPECT_EQ(c->deploy.migrate, "npm run migrate");
  EXPECT_TRUE(c->deploy.run_rollback);
  EXPECT_EQ(c->deploy.env, (std::vector<std::string>{"DATABASE_URL", "STRIPE_KEY"}));
  EXPECT_EQ(c->deploy.timeout_ms, 600000);
  EXPECT_EQ(c->handover.owners, std::vector<std::string>{"ops@example.com"});
  EXPECT_EQ(c->handover.secrets, "1Password vault Portal");

  auto bare = parse_config("target: {base_url: \"http://x.test\"}\n", "lg.yaml", "");
  ASSERT_TRUE(bare);
  EXPECT_FALSE(bare->deploy.present);
  EXPECT_EQ(bare->deploy.repo, ".");
  EXPECT_EQ(bare->deploy.timeout_ms, 20 * 60 * 1000);
}

TEST(Config, DeployMistakesAreReported) {
  auto c = parse_config("target: {base_url: \"http://x.test\"}\n"
                        "deploy: {build: \"\", run_rollback: true, env: [\"NOT A NAME\"], "
                        "timeout: 1ms}\n",
                        "lg.yaml", "");
  ASSERT_FALSE(c);
  const auto& text = c.error().message;
  EXPECT_NE(text.find("deploy.build must be a command"), std::string::npos) << text;
  EXPECT_NE(text.find("deploy.run_rollback needs deploy.rollback"), std::string::npos) << text;
  EXPECT_NE(text.find("'NOT A NAME' is no environment variable name"), std::string::npos) << text;
  EXPECT_NE(text.find("deploy.timeout must be"), std::string::npos) << text;
}

} // namespace
} // namespace lg
