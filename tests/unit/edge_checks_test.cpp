// The edge gate (edge.cdn, edge.rate-limit, edge.origin-exposure) over a zone file and a scripted
// HTTP server, and the shipped CDN/WAF data (rules/edge.json) with its matcher.

#include "analyze/edge.hpp"
#include "analyze/zonefile.hpp"
#include "checks/catalog.hpp"
#include "checks/registry.hpp"
#include "net/impl/zone_resolver.hpp"
#include "unit/fakes.hpp"

#include <gtest/gtest.h>

#include <map>

namespace lg::checks {
namespace {

using test::respond;

constexpr const char* k_zone = "@ IN A 192.0.2.10\n"
                               "www IN CNAME d111abc.cloudfront.net.\n"
                               "app IN A 192.0.2.11\n";

/// An HTTP client that answers like FakeHttp, or fails with a chosen message (a TLS error, a
/// refused connection) for the requests `error_for` names.
class ScriptedHttp final : public net::HttpClient {
public:
  std::function<net::HttpResponse(const net::HttpRequest&)> handler;
  std::function<std::string(const net::HttpRequest&)> error_for; ///< "" answers normally
  std::vector<net::HttpRequest> seen;

  Expected<net::HttpResponse> send(const net::HttpRequest& request) override {
    seen.push_back(request);
    if (error_for) {
      auto message = error_for(request);
      if (!message.empty())
        return unexpected(ErrorKind::network, request.method + " " + request.url + ": " + message);
    }
    auto response = handler ? handler(request) : respond(404);
    response.url = request.url;
    return response;
  }
};

/// Runs check `id` with the config `target + extra`; `pages` answered by URL (others: 404).
struct EdgeRun {
  std::map<std::string, net::HttpResponse> pages;
  ScriptedHttp http;
  test::FakeClock clock;
  bool with_dns = true;

  CheckResult check(const std::string& id, const std::string& extra) {
    auto config =
        parse_config("target:\n  base_url: https://example.com\n  max_rps: 10\n" + extra, "t", "");
    EXPECT_TRUE(config) << config.error().message;
    if (!config)
      return {};
    auto zone = analyze::parse_zone(k_zone, "example.com");
    EXPECT_TRUE(zone) << zone.error().message;
    net::ZoneResolver dns(std::move(*zone));
    if (!http.handler)
      http.handler = [this](const net::HttpRequest& r) {
        auto it = pages.find(r.url);
        return it == pages.end() ? respond(404) : it->second;
      };
    engine::Context context(*config, {http, clock, nullptr, with_dns ? &dns : nullptr}, {});
    for (const auto& impl : implementations())
      if (impl.id == id)
        return impl.run(context, *find_check(id));
    ADD_FAILURE() << id << " is not implemented";
    return {};
  }
};

net::HttpResponse page(std::vector<net::Header> headers = {}) {
  headers.push_back({"Content-Type", "text/html; charset=utf-8"});
  return respond(200, "<p>hi</p>", std::move(headers));
}

// ---- rules/edge.json
// ------------------------------------------------------------------------------

TEST(EdgeRules, TheShippedFileLoadsAndRecognisesTheMajorProviders) {
  const auto& rules = analyze::builtin_edge_rules();
  ASSERT_TRUE(rules) << rules.error().message;
  EXPECT_GE(rules->size(), 12u);
  auto by_header = [&](std::vector<net::Header> headers) {
    auto m = analyze::match_edge_headers(*rules, headers);
    return m.empty() ? std::string() : m.front().provider;
  };
  EXPECT_EQ(by_header({{"CF-RAY", "8a1b2c3d4e5f-AMS"}}), "Cloudflare");
  EXPECT_EQ(by_header({{"Server", "cloudflare"}}), "Cloudflare");
  EXPECT_EQ(by_header({{"Via", "1.1 abc.cloudfront.net (CloudFront)"}}), "Amazon CloudFront");
  EXPECT_EQ(by_header({{"X-Served-By", "cache-ams21050-AMS"}}), "Fastly");
  EXPECT_EQ(by_header({{"Server", "AkamaiGHost"}}), "Akamai");
  EXPECT_EQ(by_header({{"x-azure-ref", "0abc"}}), "Azure Front Door / Azure CDN");
  EXPECT_EQ(by_header({{"Via", "1.1 google"}}), "Google Cloud CDN / Load Balancing");
  EXPECT_EQ(by_header({{"X-Iinfo", "1-2-3"}}), "Imperva (Incapsula)");
  EXPECT_EQ(by_header({{"Server", "nginx"}, {"Via", "1.1 varnish"}, {"X-Served-By", "web1"}}), "");

  auto by_cname = [&](std::vector<std::string> chain) {
    auto m = analyze::match_edge_cname(*rules, chain);
    return m ? m->provider : std::string();
  };
  EXPECT_EQ(by_cname({"d1.cloudfront.net"}), "Amazon CloudFront");
  EXPECT_EQ(by_cname({"www.example.com.edgekey.net", "e1.a.akamaiedge.net"}), "Akamai");
  EXPECT_EQ(by_cname({"site.netlify.app"}), "Netlify");
  EXPECT_EQ(by_cname({"x.azurefd.net"}), "Azure Front Door / Azure CDN");
  EXPECT_EQ(by_cname({"cloudfront.net", "lb.example.net"}), "");
}

TEST(EdgeRules, BrokenEntriesAreRefusedWithTheirPlace) {
  EXPECT_FALSE(analyze::parse_edge_rules("[]"));
  EXPECT_FALSE(analyze::parse_edge_rules(R"({"providers": []})"));
  auto bad = analyze::parse_edge_rules(
      R"({"providers": [{"provider": "X", "headers": [{"name": "a b"}], "cnames": ["cdn.net"]},
                        {"provider": "Y", "headers": [], "cnames": []},
                        {"headers": [{"name": "x", "contains": 3}], "cnames": []}]})");
  ASSERT_FALSE(bad);
  for (const char* part :
       {"providers[0] (X): header 'a b'", "pattern 'cdn.net'",
        "providers[1] (Y): needs at least one", "'provider' must be", "'contains' must be"})
    EXPECT_NE(bad.error().message.find(part), std::string::npos) << part << bad.error().message;
}

// ---- edge.cdn
// ---------------------------------------------------------------------------------------

TEST(EdgeCdn, AProviderRecognisedByHeaderOrCnamePasses) {
  EdgeRun run;
  run.pages["https://example.com/"] = page({{"Server", "cloudflare"}, {"CF-RAY", "8a1b-AMS"}});
  auto r = run.check("edge.cdn", "domain:\n  names: [example.com, www.example.com]\n");
  EXPECT_EQ(r.status, Status::pass) << r.reason;
  EXPECT_NE(r.reason.find("example.com: Cloudflare (header"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("www.example.com: Amazon CloudFront (CNAME d111abc.cloudfront.net)"),
            std::string::npos)
      << r.reason;
}

TEST(EdgeCdn, ANameWithNoneRecognisedFails) {
  EdgeRun run;
  run.pages["https://app.example.com/"] = page({{"Server", "nginx"}, {"Set-Cookie", "sid=secret"}});
  auto r = run.check("edge.cdn", "domain:\n  names: [app.example.com]\n");
  ASSERT_EQ(r.status, Status::fail) << r.reason;
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_NE(r.findings[0].message.find("no CDN or WAF recognised in front of app.example.com"),
            std::string::npos);
  EXPECT_EQ(r.findings[0].evidence["host"], "app.example.com");
  auto headers = r.findings[0].evidence["headers"].dump();
  EXPECT_NE(headers.find("set-cookie"), std::string::npos);
  EXPECT_EQ(headers.find("secret"), std::string::npos) << "header names only";
  EXPECT_EQ(run.http.seen.front().connect_address, "192.0.2.11");
}

TEST(EdgeCdn, AnUnreachableNameWithoutACnameIsAnError) {
  EdgeRun run;
  run.http.error_for = [](const net::HttpRequest&) { return std::string("timed out"); };
  auto r = run.check("edge.cdn", "domain:\n  names: [app.example.com]\n");
  EXPECT_EQ(r.status, Status::error) << r.reason;
}

TEST(EdgeCdn, WithoutNamesOrDnsItSkips) {
  EdgeRun none;
  auto r = none.check("edge.cdn", "");
  EXPECT_EQ(r.status, Status::skip);
  EXPECT_EQ(r.skip_kind, SkipKind::not_configured);
  EdgeRun no_dns;
  no_dns.with_dns = false;
  EXPECT_EQ(no_dns.check("edge.cdn", "domain:\n  names: [example.com]\n").status, Status::skip);
  EXPECT_TRUE(none.http.seen.empty());
  EXPECT_TRUE(no_dns.http.seen.empty());
}

// ---- edge.rate-limit
// --------------------------------------------------------------------------------

constexpr const char* k_login_burst =
    "edge:\n  rate_limit: {method: POST, path: /api/login, burst: 40, rps: 20,\n"
    "               json: {email: a@example.com, password: wrong}}\n";

TEST(EdgeRateLimit, A429WithinTheBurstPassesAndTheRateIsTheConfiguredOne) {
  EdgeRun run;
  int n = 0;
  run.http.handler = [&](const net::HttpRequest&) {
    return ++n >= 12 ? respond(429, "", {{"Retry-After", "60"}}) : respond(401, "{}");
  };
  auto r = run.check("edge.rate-limit", k_login_burst);
  ASSERT_EQ(r.status, Status::pass) << r.reason;
  EXPECT_NE(r.reason.find("limited after 12 requests (429, Retry-After: 60)"), std::string::npos)
      << r.reason;
  ASSERT_EQ(run.http.seen.size(), 12u);
  const auto& first = run.http.seen.front();
  EXPECT_EQ(first.method, "POST");
  EXPECT_EQ(first.url, "https://example.com/api/login");
  EXPECT_NE(first.body.find("\"password\":\"wrong\""), std::string::npos) << first.body;
  for (const auto& h : first.headers)
    EXPECT_FALSE(h.name == "Cookie" || h.name == "Authorization") << h.name;
  // 12 requests at 20 rps: 11 gaps of 50 ms (not target.max_rps's 100 ms).
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(run.clock.slept).count(), 550);
}

TEST(EdgeRateLimit, AChallengePagePasses) {
  EdgeRun header;
  int n = 0;
  header.http.handler = [&](const net::HttpRequest&) {
    return ++n >= 5 ? respond(403, "", {{"cf-mitigated", "challenge"}}) : respond(401);
  };
  auto r = header.check("edge.rate-limit", k_login_burst);
  EXPECT_EQ(r.status, Status::pass) << r.reason;
  EXPECT_NE(r.reason.find("403 with cf-mitigated: challenge"), std::string::npos) << r.reason;

  EdgeRun body;
  int m = 0;
  body.http.handler = [&](const net::HttpRequest&) {
    return ++m >= 7
               ? respond(503, "<title>Just a moment...</title>", {{"Content-Type", "text/html"}})
               : respond(401);
  };
  auto b = body.check("edge.rate-limit", k_login_burst);
  EXPECT_EQ(b.status, Status::pass) << b.reason;
  EXPECT_NE(b.reason.find("limited after 7 requests (503, a challenge page"), std::string::npos)
      << b.reason;
}

TEST(EdgeRateLimit, NoLimitWithinTheBurstFails) {
  EdgeRun run;
  // A login page that always shows a CAPTCHA widget is no sign of a limit.
  run.http.handler = [](const net::HttpRequest&) {
    return respond(200, "<div class=g-recaptcha>captcha</div>", {{"Content-Type", "text/html"}});
  };
  auto r = run.check("edge.rate-limit", k_login_burst);
  ASSERT_EQ(r.status, Status::fail) << r.reason;
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_NE(r.findings[0].message.find("POST /api/login: 40 requests in 1.9 seconds met no limit"),
            std::string::npos)
      << r.findings[0].message;
  EXPECT_EQ(r.findings[0].evidence["statuses"]["200"], 40);
  EXPECT_EQ(r.findings[0].evidence["requests"], 40);
  EXPECT_EQ(run.http.seen.size(), 40u);
}

TEST(EdgeRateLimit, ThreeNetworkErrorsInARowAreAnError) {
  EdgeRun run;
  run.http.error_for = [](const net::HttpRequest&) { return std::string("timed out"); };
  auto r = run.check("edge.rate-limit", k_login_burst);
  EXPECT_EQ(r.status, Status::error) << r.reason;
  EXPECT_NE(r.reason.find("3 requests in a row got no answer"), std::string::npos) << r.reason;
  EXPECT_EQ(run.http.seen.size(), 3u);
}

TEST(EdgeRateLimit, WithoutARecipeItSkips) {
  EdgeRun run;
  auto r = run.check("edge.rate-limit", "edge:\n  origin: 203.0.113.7\n");
  EXPECT_EQ(r.status, Status::skip);
  EXPECT_EQ(r.skip_kind, SkipKind::not_configured);
  EXPECT_TRUE(run.http.seen.empty());
}

// ---- edge.origin-exposure
// ---------------------------------------------------------------------------

constexpr const char* k_origin = "domain:\n  names: [example.com]\nedge:\n  origin: 203.0.113.7\n";

TEST(EdgeOrigin, AnOriginThatServesTheSiteFails) {
  EdgeRun run;
  run.pages["https://example.com/"] = page();
  auto r = run.check("edge.origin-exposure", k_origin);
  ASSERT_EQ(r.status, Status::fail) << r.reason;
  ASSERT_EQ(r.findings.size(), 2u); // https answers 200, http answers 404: both are answers
  EXPECT_NE(r.findings[0].message.find("the origin 203.0.113.7 serves example.com directly"),
            std::string::npos);
  EXPECT_EQ(r.findings[0].evidence["status"], 200);
  ASSERT_EQ(run.http.seen.size(), 2u);
  EXPECT_EQ(run.http.seen[0].url, "https://example.com/");
  EXPECT_EQ(run.http.seen[1].url, "http://example.com/");
  for (const auto& seen : run.http.seen)
    EXPECT_EQ(seen.connect_address, "203.0.113.7") << "pinned to the origin, not DNS";
}

TEST(EdgeOrigin, AnOriginThatRefusesPasses) {
  EdgeRun run;
  run.http.error_for = [](const net::HttpRequest&) {
    return std::string("Couldn't connect to server");
  };
  auto r =
      run.check("edge.origin-exposure", "domain:\n  names: [example.com, app.example.com:8443]\n"
                                        "edge:\n  origin: [203.0.113.7, '2001:db8::7']\n");
  EXPECT_EQ(r.status, Status::pass) << r.reason;
  EXPECT_NE(r.reason.find("not reachable from here"), std::string::npos);
  // Per origin: three refusals, then the guard sends no more to it; the next origin is tried.
  ASSERT_EQ(run.http.seen.size(), 6u);
  EXPECT_EQ(run.http.seen[3].connect_address, "2001:db8::7");
  EXPECT_NE(r.reason.find("not sent"), std::string::npos) << r.reason;
}

TEST(EdgeOrigin, ATlsHandshakeWithTheOriginWarns) {
  EdgeRun run;
  run.http.error_for = [](const net::HttpRequest& req) {
    return req.url.starts_with("https://")
               ? std::string("SSL peer certificate or SSH remote key was not OK")
               : std::string("Timeout was reached");
  };
  auto r = run.check("edge.origin-exposure", k_origin);
  ASSERT_EQ(r.status, Status::warn) << r.reason;
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_NE(r.findings[0].message.find("accepts TLS connections for example.com"),
            std::string::npos);
}

TEST(EdgeOrigin, WithoutAnOriginOrNamesItSkips) {
  EdgeRun no_origin;
  EXPECT_EQ(no_origin.check("edge.origin-exposure", "domain:\n  names: [example.com]\n").status,
            Status::skip);
  EdgeRun no_names;
  auto r = no_names.check("edge.origin-exposure", "edge:\n  origin: 203.0.113.7\n");
  EXPECT_EQ(r.status, Status::skip);
  EXPECT_EQ(r.skip_kind, SkipKind::not_configured);
  EXPECT_TRUE(no_origin.http.seen.empty());
  EXPECT_TRUE(no_names.http.seen.empty());
}

} // namespace
} // namespace lg::checks
