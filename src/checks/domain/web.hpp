#pragma once
// What the domain gate's HTTP checks share (domain.https-redirect, domain.hsts,
// domain.mixed-content): each configured name resolved through the context's Resolver, and
// requests sent by name to that address, so that a zone file, a test DNS server or live DNS
// decide where they go, exactly as they do for the DNS and TLS checks.

#include "checks/registry.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lg::checks::web {

/// One configured name and the address its requests go to.
struct Site {
  DomainName name;
  std::string address; ///< empty when it does not resolve (see `problem`)
  std::string problem; ///< NXDOMAIN, no A/AAAA, SERVFAIL …
};

/// The first address of `host` (A, else AAAA), or why there is none. Errors only when the
/// resolver itself fails.
Expected<Site> resolve(engine::Context& context, const DomainName& name);

/// "https://host[:port]`path`" (the port only when it is not 443).
std::string https_url(const DomainName& name, const std::string& path = "/");
/// "http://host[:port]`path`" at domain.http_port (the port only when it is not 80).
std::string http_url(const DomainName& name, int http_port, const std::string& path = "/");

/// One GET of `url` without credentials, connecting to its host's address from the resolver
/// (the host must resolve); never follows redirects.
Expected<net::HttpResponse> get(engine::Context& context, const std::string& url);

/// One hop of a redirect chain.
struct Hop {
  std::string url;
  int status = 0;       ///< 0 when the request failed
  std::string location; ///< the Location, resolved against `url`
  std::string error;    ///< why the request failed
};

/// GETs `url` and follows redirects through the resolver while they stay within the run's
/// scope, at most `max_hops` redirects. The last hop is the final answer (or the failure).
std::vector<Hop> follow(engine::Context& context, const std::string& url, int max_hops = 5);

} // namespace lg::checks::web
