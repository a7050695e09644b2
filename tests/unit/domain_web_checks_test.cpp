// The domain gate's HTTP checks (domain.https-redirect, domain.hsts, domain.mixed-content) over a
// zone file and a scripted HTTP server, and their analyzers (parse_hsts, find_mixed_content).

#include "analyze/headers.hpp"
#include "analyze/mixed_content.hpp"
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

constexpr const char* k_zone = "@ IN A 192.0.2.10\nwww IN A 192.0.2.10\napp IN A 192.0.2.11\n";

/// Runs check `id` for `names` of example.com with `pages` answered by URL (others: 404).
struct DomainRun {
  std::map<std::string, net::HttpResponse> pages;
  test::FakeHttp http;

  CheckResult check(const std::string& id, const std::string& names = "[example.com]",
                    const std::string& extra = "") {
    auto config = parse_config(
        "target:\n  base_url: https://example.com\ndomain:\n  names: " + names + "\n" + extra, "t",
        "");
    EXPECT_TRUE(config) << config.error().message;
    auto zone = analyze::parse_zone(k_zone, "example.com");
    EXPECT_TRUE(zone) << zone.error().message;
    net::ZoneResolver dns(std::move(*zone));
    http.handler = [this](const net::HttpRequest& r) {
      EXPECT_FALSE(r.connect_address.empty()) << r.url << " must go by the resolver's address";
      auto it = pages.find(r.url);
      return it == pages.end() ? respond(404) : it->second;
    };
    test::FakeClock clock;
    engine::Context context(*config, {http, clock, nullptr, &dns}, {});
    for (const auto& impl : implementations())
      if (impl.id == id)
        return impl.run(context, *find_check(id));
    ADD_FAILURE() << id << " is not implemented";
    return {};
  }
};

net::HttpResponse redirect(int status, const std::string& to) {
  return respond(status, "", {{"Location", to}});
}

net::HttpResponse page(std::string body = "<p>hi</p>", std::vector<net::Header> headers = {}) {
  headers.push_back({"Content-Type", "text/html; charset=utf-8"});
  return respond(200, std::move(body), std::move(headers));
}

TEST(HttpsRedirect, APermanentRedirectToTheSameHostPasses) {
  DomainRun run;
  run.pages["http://example.com/"] = redirect(301, "https://example.com/");
  run.pages["https://example.com/"] = page();
  auto r = run.check("domain.https-redirect");
  EXPECT_EQ(r.status, Status::pass) << r.reason;
  EXPECT_NE(r.reason.find("http://example.com/ -> https://example.com/"), std::string::npos);
  EXPECT_EQ(run.http.seen.front().connect_address, "192.0.2.10");
}

TEST(HttpsRedirect, PlainHttpContentOrNoAnswerFails) {
  DomainRun served;
  served.pages["http://example.com/"] = page();
  auto r = served.check("domain.https-redirect");
  EXPECT_EQ(r.status, Status::fail);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_NE(r.findings[0].message.find("without redirecting"), std::string::npos);

  DomainRun silent;
  silent.http.fail_when = [](const net::HttpRequest& req) {
    return req.url.starts_with("http://");
  };
  auto dead = silent.check("domain.https-redirect");
  EXPECT_EQ(dead.status, Status::fail);
  EXPECT_NE(dead.findings[0].message.find("does not answer"), std::string::npos);
}

TEST(HttpsRedirect, TemporaryRedirectsAndLongChainsWarnAPlainFirstHopFails) {
  DomainRun temporary;
  temporary.pages["http://example.com/"] = redirect(302, "https://example.com/");
  temporary.pages["https://example.com/"] = page();
  EXPECT_EQ(temporary.check("domain.https-redirect").status, Status::warn);

  DomainRun chain;
  chain.pages["http://example.com/"] = redirect(301, "https://example.com/");
  chain.pages["https://example.com/"] = redirect(301, "https://example.com/a");
  chain.pages["https://example.com/a"] = redirect(301, "https://example.com/b");
  chain.pages["https://example.com/b"] = page();
  auto c = chain.check("domain.https-redirect");
  EXPECT_EQ(c.status, Status::warn) << c.reason;
  EXPECT_NE(c.findings[0].message.find("takes 3 redirects"), std::string::npos);

  DomainRun plain;
  plain.pages["http://example.com/"] = redirect(301, "http://www.example.com/");
  plain.pages["http://www.example.com/"] = redirect(301, "https://www.example.com/");
  plain.pages["https://www.example.com/"] = page();
  plain.pages["https://example.com/"] = redirect(301, "https://www.example.com/");
  auto p = plain.check("domain.https-redirect", "[example.com, www.example.com]");
  EXPECT_EQ(p.status, Status::fail);
  EXPECT_NE(p.findings[0].message.find("still plain HTTP"), std::string::npos);
}

TEST(HttpsRedirect, AnApexAndItsWwwMustSettleOnOneHost) {
  DomainRun run;
  for (std::string host : {"example.com", "www.example.com"}) {
    run.pages["http://" + host + "/"] = redirect(301, "https://" + host + "/");
    run.pages["https://" + host + "/"] = page();
  }
  auto split = run.check("domain.https-redirect", "[example.com, www.example.com]");
  EXPECT_EQ(split.status, Status::warn);
  ASSERT_EQ(split.findings.size(), 1u);
  EXPECT_NE(split.findings[0].message.find("both serve the portal"), std::string::npos);

  run.pages["https://www.example.com/"] = redirect(301, "https://example.com/");
  auto one = run.check("domain.https-redirect", "[example.com, www.example.com]");
  EXPECT_EQ(one.status, Status::pass) << one.reason;
  EXPECT_NE(one.reason.find("settle on example.com"), std::string::npos) << one.reason;
}

TEST(HttpsRedirect, WithoutNamesOrDnsItSkips) {
  auto config = parse_config("target:\n  base_url: https://example.com\n", "t", "");
  ASSERT_TRUE(config);
  test::FakeHttp http;
  test::FakeClock clock;
  engine::Context context(*config, {http, clock, nullptr, nullptr}, {});
  auto r = run_domain_https_redirect(context, *find_check("domain.https-redirect"));
  EXPECT_EQ(r.status, Status::skip);
  EXPECT_TRUE(http.seen.empty());
}

TEST(Hsts, ParsesDirectivesAsRfc6797Says) {
  auto h = analyze::parse_hsts("max-age=\"31536000\"; includeSubDomains; PRELOAD");
  EXPECT_TRUE(h.valid);
  EXPECT_EQ(h.max_age, 31536000);
  EXPECT_TRUE(h.include_subdomains);
  EXPECT_TRUE(h.preload);
  EXPECT_FALSE(analyze::parse_hsts("max-age=1; max-age=2").valid);
  EXPECT_FALSE(analyze::parse_hsts("includeSubDomains").valid);
  EXPECT_FALSE(analyze::parse_hsts("max-age=-5").valid);
  EXPECT_FALSE(analyze::parse_hsts("max-age=1e9").valid);
}

TEST(Hsts, AYearWithSubdomainsPassesShortOrMissingFails) {
  DomainRun good;
  good.pages["https://example.com/"] =
      page("", {{"Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload"}});
  auto g = good.check("domain.hsts");
  EXPECT_EQ(g.status, Status::pass) << g.reason;
  EXPECT_NE(g.reason.find("preload"), std::string::npos);

  DomainRun weak;
  weak.pages["https://example.com/"] = page("", {{"Strict-Transport-Security", "max-age=86400"}});
  auto w = weak.check("domain.hsts");
  EXPECT_EQ(w.status, Status::fail);
  EXPECT_EQ(w.findings.size(), 2u); // under 180 days, no includeSubDomains

  DomainRun missing;
  missing.pages["https://example.com/"] = page();
  EXPECT_EQ(missing.check("domain.hsts").status, Status::fail);

  DomainRun lax;
  lax.pages["https://example.com/"] = page("", {{"Strict-Transport-Security", "max-age=31536000"}});
  EXPECT_EQ(lax.check("domain.hsts").status, Status::warn);
}

TEST(MixedContent, FindsFetchedHttpReferencesOnly) {
  auto refs = analyze::find_mixed_content(
      "<!-- <script src=\"http://old/x.js\"></script> -->"
      "<SCRIPT SRC='http://cdn.example/a.js'>var s = '<img src=\"http://not/a/tag\">';</SCRIPT>"
      "<img src=//cdn.example/protocol-relative.png>"
      "<img srcset=\"/a.png 1x, http://cdn.example/b.png 2x\">"
      "<link rel=\"icon\" href=\"http://cdn.example/favicon.ico\">"
      "<link rel=stylesheet href=http://cdn.example/s.css>"
      "<a href=\"http://elsewhere.example/\">a link is no subresource</a>"
      "<form action=\"http://example.com/login\"></form>");
  ASSERT_EQ(refs.size(), 5u);
  EXPECT_EQ(refs[0].url, "http://cdn.example/a.js");
  EXPECT_EQ(refs[0].element, "script src");
  EXPECT_TRUE(refs[0].blockable);
  EXPECT_EQ(refs[1].element, "img srcset");
  EXPECT_FALSE(refs[1].blockable);
  EXPECT_EQ(refs[2].element, "link[icon] href");
  EXPECT_FALSE(refs[2].blockable);
  EXPECT_EQ(refs[3].element, "link[stylesheet] href");
  EXPECT_EQ(refs[4].element, "form action");
  EXPECT_TRUE(analyze::find_mixed_content("<img src=\"http://x").size() == 1u);
  EXPECT_TRUE(analyze::find_mixed_content("<<<<<>>>><").empty());
}

TEST(MixedContent, ScriptsFailImagesWarnCleanPagesPass) {
  DomainRun script;
  script.pages["https://example.com/"] = page("<script src=\"http://cdn.example/a.js\"></script>");
  auto s = script.check("domain.mixed-content");
  EXPECT_EQ(s.status, Status::fail);
  EXPECT_EQ(s.findings[0].evidence["reference"], "http://cdn.example/a.js");

  DomainRun image;
  image.pages["https://example.com/"] = page("<img src=\"http://cdn.example/a.png\">");
  EXPECT_EQ(image.check("domain.mixed-content").status, Status::warn);

  DomainRun upgraded;
  upgraded.pages["https://example.com/"] =
      page("<script src=\"http://cdn.example/a.js\"></script>",
           {{"Content-Security-Policy", "upgrade-insecure-requests; default-src 'self'"}});
  EXPECT_EQ(upgraded.check("domain.mixed-content").status, Status::warn);

  DomainRun clean;
  clean.pages["https://example.com/"] = page("<script src=\"/a.js\"></script>");
  clean.pages["https://example.com/records"] = page("<img src=\"https://cdn.example/a.png\">");
  auto c = clean.check("domain.mixed-content", "[example.com]", "pages: [/records]\n");
  EXPECT_EQ(c.status, Status::pass) << c.reason;
  EXPECT_NE(c.reason.find("2 HTTPS page(s)"), std::string::npos);
}

} // namespace
} // namespace lg::checks
