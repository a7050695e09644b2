// The per-gate notes of docs/checks.md: for each gate that has landed, how its checks decide
// (what is sent, as whom, what counts as a violation) and how to run it safely against staging.
// They describe the code under src/checks/<gate>/, src/engine/ and src/analyze/: when a check's
// behaviour changes, change its paragraph here and regenerate docs/checks.md.

#include "checks/gate_notes.hpp"

namespace lg::checks {
namespace {

constexpr std::string_view k_access = R"md(### How the checks decide

The checks start from one **harvest** (`access.unauthenticated` only for its URLs), made once per run
(`src/engine/harvest.cpp`). Each account logs in and GETs every operation of the API description
that is not public, not a search (a path containing `search`, or a required `q`, `query`,
`search`, `term` … parameter) and has no required query parameter without an example; admin-only
operations are read only by admins (a role containing `admin`, `owner` or `superuser`). Path
parameters are filled level by level from the account's own list answers (`/orgs` →
`/orgs/{org}/projects` → `/orgs/{org}/projects/{id}`), at most 3 items per list. The objects of
every answer with data form the **ownership map**: which org saw which value. Answers of
`api.shared` operations are recorded as shared. An account whose login fails, or that is refused
(401/403) on 80 % or more of its own requests (at least 2), ends these checks in `error` ("login
for NAME is broken: …"): a broken login would otherwise look like perfect enforcement.

Responses are judged by their **data, not their status code**. A response leaks when it carries an
object of the victim's org: the same id under the same member (`id`, `uuid`, `_id`, else the first
`*_id`-like member) plus one other victim-only value, or two victim-only values under the same
members. A value is victim-only when the victim's org saw it, the attacker's org never did, no
`api.shared` operation returned it, and it identifies something: 3 or more characters with a
letter, not a date or timestamp. So a 200 with an error body (`error`, `errors`, `ok: false`) or an
empty list is a refusal, and reference data identical for all orgs (countries, plans, roles) is
never a leak. Each direction is tested: every ordered pair of accounts in different orgs.

**`access.unauthenticated`**: every non-public operation (`api.public` when set, else
`security: []` in the description) except OPTIONS and TRACE is sent without credentials, then
with a garbage bearer token and garbage values for the first account's session cookies. Path
parameters take the values of a URL an account read in the harvest (every level its own real id);
without one, every parameter gets the first `id` of the list above the first parameter as read by
the first account (`1` when none). Writes get, as their last id, one of the same shape that no
object has (`0`, the nil UUID, `launchgate-absent-0`), and the body `{}`. Passing answers are
401, 403 or a redirect to a URL containing `login`, `signin`, `sign-in` or `auth`, with no records
(no JSON list of objects) in the body. A 2xx or any answer with records fails; any other status
(404, 500) is a `warn` finding "answered N instead of 401 or 403". One finding per operation.

**`access.cross-tenant-read`**: each account requests every item an account of another org read
with data in the harvest, at the victim's own URL and, when the path has two or more parameters,
with the attacker's own parent ids around the victim's id (`/orgs/{mine}/projects/{theirs}`).
Operations without path parameters but with a query parameter that names objects (`id`, `*_id`,
`api.object_refs`) get up to 3 of the victim's values for it. Shared and public operations are left
out, and admin-only ones unless the attacker is an admin. A violation is a 2xx JSON answer that
leaks; one finding per operation and org pair, further account pairs under `pairs`. With
`--allow-writes`, each account also creates an object marked `launchgate-XXXXXXXX-owned-by-NAME`
in every collection with `POST /x` and `GET /x/{id}`, every account of another org GETs it, and
its marker in a 2xx answer is a violation; the objects are deleted at the end.

**`access.cross-tenant-write`** (only with `--allow-writes`) works on collections with `POST /x`
and `GET /x/{id}` plus PUT, PATCH or DELETE on `/x/{id}`. For every owner, every account of
another org and every such method, the owner first creates a fresh object: the recorded example or
a schema sample whose strings carry `launchgate-XXXXXXXX-owner-NAME`, nested collections under the
owner's own parents. The attacker then sends PUT or PATCH with a body carrying its own marker
`launchgate-XXXXXXXX-by-NAME`, or DELETE, at the owner's URL and, for nested paths, under its own
parent ids; the owner reads the object back. A violation is the attacker's marker in the owner's
2xx read-back, or any member of it that differs from the owner's read-back just before the attempt
(members that change on their own — `*_at`, `updated*`, `modified*`, versions, etags — left
out), or, after DELETE, a read-back answering 404 or 410. The attacker's status never decides: a
200 that writes nothing, or that updates the caller's own object, passes. Each attempt has its own
object, DELETE last, so one attempt never hides another. A create the API refuses an account (a
staff account that may not create) is said in the summary; a spent budget makes the check
`error`.

**`access.filter-tampering`**: every GET whose path does not end in a parameter (lists and
searches; not shared, not public, admin-only ones only as admins) is called by each account, at
its own concrete path for nested lists, once per account of another org. First the list
untampered: a leak there is the one finding for that operation and org pair. Then one request per
candidate parameter: scope members found in the victim's objects (`org_id`, `owner`, `tenant_id`,
`team_id`, `user_id`, `created_by` …) and query parameters the description declares as scope or
object references, each set to up to 2 victim-org values the attacker's org never had; each
search parameter (`q`, `query`, `search`, `term`, `filter`, `s`, `text` … or `name`) set to `%`,
`*`, `a`, `e` and to up to two words of the victim's data; declared optional scope parameters
sent empty. Required query parameters keep their recorded values in every request. A violation is
a 2xx JSON answer that leaks the victim org's objects.

**`access.role-escalation`** needs an admin-only operation (`api.admin_only` or `x-admin-only:
true`) and a non-admin account. Each non-admin account calls every admin-only operation: at its
template when it has no path parameters, else at up to 3 URLs an admin of the same org read with
data. GET always (HEAD is left to the GET of the same path: it has no body to judge); POST only with
`--allow-writes`, with a sample body marked `launchgate-role-probe`; PUT, PATCH and DELETE
never. A read violates when it answers 2xx with data
(a 403 is not required: a 200 with an error body or an empty list is a refusal); a POST violates
when it answers 2xx. One finding per operation and role, accounts listed under `accounts`.

**`access.mass-assignment`** (only with `--allow-writes`) adds privileged members to writes, only
members the object already has: role members (`role`, `user_role`, `access_level`, `level`) set
to `admin`; false flags (`is_admin`, `is_staff`, `is_superuser`, `verified` …) set to true; org,
tenant and owner members and `readOnly` properties (not `id`) set to another org's value that the
account's org never had. Targets: each account's own profile (PUT or PATCH without path
parameters on a path a GET also reads, such as `/api/me`; the body holds only members the GET
showed, with the values it showed, plus the injected ones; a member that took is written back to
its old value at once) and a new object in every creatable collection where the account read an
item. A violation is the injected value in the read-back — a GET of the profile or of the new
object, never the write's own answer (for profiles, a value it did not hold before); a 2xx or 204
that ignores the member passes. A spent budget makes the check `error`.

### Running it safely against staging

- **Read-only by default.** Without `--allow-writes` the gate sends logins and GET or HEAD
  requests only. `access.cross-tenant-write` and `access.mass-assignment` skip (`not_configured`,
  "read-only run: --allow-writes lets launchgate …"), so the verdict is at best `incomplete`;
  `access.unauthenticated` and `access.role-escalation` count the writes they did not send in
  their summaries. GETs are assumed to be safe: a GET that changes state will be called.
- **What `--allow-writes` does.** Objects are created with a `launchgate-XXXXXXXX-…` marker and
  deleted at the end as their owner (or an admin of its org); any left over are listed in the
  summary ("could not be deleted"). Test accounts' profiles are written and restored at once
  ("could not restore …: set them back by hand" when not). Unauthenticated writes go to ids no
  object has, never PUT or DELETE on a whole collection, but an anonymous `POST {}` that a broken
  server accepts creates an object nobody deletes. Role-escalation POSTs that are accepted (an
  invite, a user, which may send mail) are not deleted: search for `launchgate-role-probe`.
- **Where.** Use a staging copy without customer data and dedicated test accounts in orgs made
  for the test, at least two orgs, an admin and a staff account, each org with data of its own.
- **How much.** Each gate has a budget of `target.max_requests` requests (default 2000),
  restarted for each gate; logins and the harvest count in the first gate that needs them. A check
  that reaches it stops and says so ("request budget of N exhausted (target.max_requests)"), and
  a check one of whose requests got no answer (a timeout, a dropped connection) ends in `error`
  unless it found something: what was not answered was not examined.
  `target.max_rps` (default 10) spaces every request. The text and JSON reports give the
  requests each gate sent; `-v` logs each one, redacted.
- **Scope.** Every request and redirect hop outside `target.scope` (default: the host of
  `base_url`) is refused before it is sent.
- **Credentials never appear.** curl commands carry the credential as a shell variable
  (`$TOKEN`; `$BASIC_USER:$PASSWORD` for Basic); excerpts and URLs redact credential-like values.

A finding's evidence: `method`, `path` (the template), `url` (the concrete path sent), `as` (the
account that sent it, `anonymous` or `garbage token`), `owner` (the account whose data or object
it reached), `status`, `excerpt` (the answer, strings cut to 24 characters), and `curl`, which
replays the request as `as` once `$TOKEN` holds that account's credential. Check-specific keys:
`victim_org`, `pairs`, `matched_fields` (the members that matched), `parameter`, `objects`,
`role`, `accounts`, `fields` and `injected`.
)md";

constexpr std::string_view k_session = R"md(### How the checks decide

The session checks log in **fresh sessions** of their own (`src/checks/session/common.cpp`), so
that logging out, planting cookies or resetting a password never disturbs the run's cached
sessions. Whether a credential still works is asked of one **probe**: the first authenticated GET
without path parameters (named like `me`, `profile`, `account`, `session` first; then `pages`)
that the logged-in account reads with a 2xx and an anonymous client cannot; a 2xx that redirects
elsewhere (a login page) counts as refused. Only accounts that log in by a request (JSON or form)
have sessions to test; HTTP Basic and API keys make these checks `skip`.

- **`session.lifetime`** reads each session cookie's Max-Age (or Expires against the response's
  Date) and the `exp − iat` of JWT sessions, against `auth.session_max` (12 h by default). The
  server-side idle (`auth.idle_timeout`) and absolute timeouts are tested by waiting only when they
  are 5 minutes or less; otherwise the summary says they were not verified.
- **`session.logout`** logs in twice (two devices), sends `auth.logout` for one and replays its old
  cookies and token on the probe: any 2xx fails. Whether the other device stays signed in is
  reported, not judged.
- **`session.fixation`** plants a session cookie before login (the value the login page handed out,
  else a random value of the real id's shape), logs in with it and replays the planted value
  alone: accepted fails. Then 12 logins estimate the entropy of the ids: positions that vary ×
  bits per character of the alphabet used; under 64 bits, a repeated id or sequential numbers fail.
- **`session.reset-token`** needs `auth.reset_request`, `auth.reset_confirm` and a mail source
  (`mail.smtp_sink` or `mail.command`). For one account with an email (staff before admins, never
  the last account): tokens T1 and T2 are requested and read from the mail (`auth.reset_token`, a
  regex whose first group is the token, tried on the mail's links, then its text); T1 must be
  refused once T2 exists, T2 must work once and not twice, a token issued before a password change
  must be refused after it; each token needs 64 bits; a third token's page must not send it in
  Referer to other origins (a `Referrer-Policy` of `unsafe-url` or `no-referrer-when-downgrade`
  with foreign resources or links fails); with `auth.reset_expiry` of 2 minutes or less a token is
  tried after it; an unknown address must get the same status. A last reset sets the configured
  password back — if that fails, the summary says so in capitals and the check is not a pass.
- **`session.login-rate-limit`** sends `auth.login_burst` (30) wrong passwords for the last
  account (logins with a scraped CSRF token are not replayed), then as many for unknown logins of
  the same shape (addresses at the same domain, or user names), stopping at the first 429, 423,
  503 with Retry-After, a body newly saying "too many", "locked", "try again later", "rate limit"
  or "temporarily", or a response slower than 1 s and 4× the first three. Then the right password
  is tried: a lockout is reported with its Retry-After. It runs last in the gate, after
  `session.user-enumeration`, since the account (or this client) may be locked out afterwards.
- **`session.user-enumeration`** compares 8 interleaved pairs of failed logins (a configured
  account with a wrong password vs an unknown address) and 6 pairs of reset requests: the most
  common status and body must be equal (the address, runs of 16 or more token characters and
  digits masked; bodies are compared only when each side's answers agree among themselves); timing
  fails (as a warning) when a Mann-Whitney U test gives p < 0.01 and the medians differ by 10 ms and 25 %.
  429 answers are left out. Invites are sent by admins, so they are not compared.
- **`session.jwt`** applies where the bearer token or a session cookie is a JWT: an issued token
  with `alg: none`, no `exp` or an `exp` beyond `auth.session_max` fails; the HMAC key is tried
  offline against 95 common secrets (found: fails, and a token with an added claim, signed with
  it, is replayed as proof); tokens with `alg: none`/`None` and an altered signature are replayed on
  the probe and must be refused.
- **`session.csrf`** needs `auth.logout`: it is replayed with the session cookie only, `Origin`
  and `Referer` of another site and `Sec-Fetch-Site: cross-site`. Refused, or accepted while the
  session cookie is `SameSite=Lax`/`Strict` (current browsers do not send it cross-site; browsers
  before Chrome 80, Firefox 69 and Safari 13 ignore SameSite), passes; accepted with
  `SameSite=None` or no attribute fails.
- **`session.cors`** sends the probe with `Origin` set to an unrelated site, `null`, the portal's
  host followed by another domain (prefix matching) and another name ending in the portal's host
  (suffix matching); an `Access-Control-Allow-Origin` echoing it fails, as a failure with
  `Access-Control-Allow-Credentials: true`, as a warning without.
- **`session.invite`** (with `--allow-writes`, `auth.invite`, `auth.invite_as`,
  `auth.invite_accept`) invites a new address `launchgate-invite-…@` the inviter's domain, reads
  the mail, accepts it, accepts it again (must be refused), and with `auth.invite_expiry` of 2
  minutes or less tries a second invite after it.

### Running it safely against staging

- **Accounts.** Use test accounts: the reset check changes one account's password three times and
  sets it back; the rate-limit check may lock the last account (or this client) for the portal's
  lockout period; invites create users.
- **Mail.** Point the staging portal's SMTP at `mail.smtp_sink` (launchgate listens there during
  the audit), or give `mail.command`, which prints the newest message for `$1` (a provider's test
  inbox API). Tokens and cookies appear in reports only redacted (4 characters, length,
  fingerprint).
- **How much.** About 100 requests and 20 logins for the gate, plus `2 × auth.login_burst` failed
  logins; waits only for timeouts configured at a few minutes or less.
)md";

constexpr std::string_view k_email = R"md(### How the checks decide

The email checks ask DNS through one resolver: with `dns.zone_file` a zone file answers offline
(the records about to be published; names outside the zone are SERVFAIL, so what lives at other
domains — an external report destination, an included SPF record — is reported as not
verified); with `dns.server` (a literal IP and port) that server, and otherwise the system's
servers, through c-ares (absolute names only, TCP when an answer is truncated, a deadline per
query, one cache per run). They need `email.domain`.

- **`email.spf`** finds the one TXT record starting `v=spf1` at the domain (none, or several, fail)
  and walks it with its includes and redirect as receivers would (RFC 7208): a syntax error, an
  include without a record, more than 10 DNS-querying terms (include, a, mx, ptr, exists,
  redirect) or more than 2 void lookups fail, as `+all` does; `?all`, no `all` at all (and no
  redirect) and `ptr` are warnings. The evaluation itself, `check_host()`, passes the RFC 7208 test
  suite and is offered as `launchgate email spf-eval`.
- **`email.dkim`** reads the key record at `<selector>._domainkey.<domain>` for each of
  `email.dkim_selectors`, or, when none are given, for about 20 common selectors (none found
  fails). A record that does not parse, a revoked key (`p=` empty), an RSA key under 1024 bits, an
  `h=` without sha256 or an unknown `k=` fail; a 1024-bit RSA key and `t=y` (testing) are warnings;
  RSA from 2048 bits and Ed25519 pass.
- **`email.dmarc`** looks for TXT records starting `v=DMARC1` at `_dmarc.<email.domain>`, and when
  that name has none (no data or NXDOMAIN), at `_dmarc.<organizational domain>` (the registrable
  domain by the public suffix list, libpsl with Debian's list), as receivers do (RFC 7489 6.6.3).
  A lookup that fails is an `error` (receivers defer too). No record, several records, or a record
  with errors (p missing or not none/quarantine/reject, pct outside 0–100, adkim/aspf not r/s,
  a non-mailto report URI, a tag twice) fail; `p=none` ("monitoring only"), `sp=none`, `pct` under
  100, `t=y` and no `rua` are warnings. Each `rua`/`ruf` address at another organizational domain
  needs `<domain>._report._dmarc.<destination>` TXT `v=DMARC1` (RFC 7489 7.1), else a warning.
  The DMARCbis DNS tree walk (each parent in turn, at most 7 labels kept, the organizational
  domain from `psd=`) is done too: where it finds another record or another organizational domain,
  receivers disagree, and that is a warning.
- **`email.mx`**: the domain needs MX records whose hosts resolve to addresses users can reach
  (no CNAME, no IP literal, no private address); a null MX (RFC 7505) is a warning for a domain
  that sends mail, since bounces and replies cannot come back.
- **`email.mta-sts`**: the `_mta-sts` TXT record (RFC 8461) and, when `mta-sts.<domain>` is within
  the run's scope, the policy file over HTTPS: mode, `max_age` and an `mx` pattern for every MX
  host. TLS-RPT (`_smtp._tls`, RFC 8460) is reported as information.

`launchgate email verify MESSAGE.eml` checks one received message — the invite or reset mail the
portal sent: every DKIM signature (relaxed and simple canonicalization, rsa-sha256 and
ed25519-sha256; rsa-sha1 and keys under 1024 bits refused, RFC 8301), SPF for the envelope sender
and the connecting IP, and DMARC alignment.
)md";

constexpr std::string_view k_domain = R"md(### How the checks decide

The domain checks look at each name of `domain.names` (`host` or `host:https-port`). Names are
resolved through the run's resolver (see the email gate) and every connection goes to the
address it gives — HTTP requests are pinned to it, so a zone file, a test DNS server or live DNS
decide where they go. The names join the run's scope at their HTTPS port and at
`domain.http_port`.

- **`domain.dns`**: every name resolves (its CNAME chain ends in an address) to what
  `domain.expect` says, no address is private, and the NS set matches `domain.nameservers`.
  Each listed server is then asked directly, without recursion, at each of its addresses (port
  53, or `domain.nameserver_port`) for the zone's SOA record: one that refuses, fails, stays
  silent or answers without the AA bit is a lame delegation (fail); servers that give different
  serials warn (a secondary out of sync). Silence over IPv6 alone is a note, since the machine
  running the audit may have no IPv6 route. Over a zone file this part is not verified, and the
  summary says so.
- **`domain.tls-cert`**: the chain validates against the system's CAs and `domain.ca_file`, the
  name is covered, expiry (fail under 7 days, warn under 30), key and signature algorithm.
- **`domain.tls-protocols`**: SSLv3, TLS 1.0 and 1.1 refused, 1.2 offered, the TLS 1.2 and 1.3
  suites enumerated and judged against Mozilla's intermediate profile; RC4, DES, 3DES, EXPORT,
  NULL and anonymous suites are tried with hand-built ClientHellos, since OpenSSL 3 cannot offer
  them. Up to 8 names are probed at once; each name sees one connection at a time.
- **`domain.https-redirect`**: `http://name` answers a 301 or 308 to `https://` on the same host
  (302/307 warn), reaches its page within 2 redirects, and an apex and its `www.` name, when both
  are configured, settle on one host.
- **`domain.hsts`**: `Strict-Transport-Security` on the `https://` answer: a year or more passes,
  under 180 days fails, in between warns; `includeSubDomains` is expected; `preload` is reported.
- **`domain.mixed-content`**: the home page and `pages:` of each name must load no `http://`
  script, frame, style, object or form target (fail) or image and media (warn).
- **`domain.headers`**: `/` and the `pages:` fetched without credentials must send a CSP with
  `frame-ancestors` (or `X-Frame-Options: DENY|SAMEORIGIN`), `X-Content-Type-Options: nosniff`, a
  `Referrer-Policy`, and HSTS when served over HTTPS; each problem is a finding (a missing header
  fails, a weak value warns). Each page is also scored the way Mozilla's HTTP Observatory scores a
  site (`src/analyze/observatory.cpp` holds the table, from its published scoring methodology):
  a baseline of 100, one result per test — CSP, cookies (Secure, HttpOnly on session cookies,
  SameSite), CORS (`Access-Control-Allow-Origin` on this response only), Referrer-Policy, HSTS
  (over plain HTTP it cannot apply: −20), Subresource Integrity (`<script src>` from another origin
  without `integrity=` or over `http://`), X-Content-Type-Options, X-Frame-Options and
  Cross-Origin-Resource-Policy — penalties subtracted first, bonuses added only when the score is
  still 90 or more, never below 0, then graded A+ (100+) … F (under 25). Redirection is not
  judged here (see `domain.https-redirect`), nor is HSTS preload-list membership, so a score
  can differ from Observatory's own by that redirection penalty and the +5 preload bonus. The summary gives the home page's score and
  grade (and any page that differs), the measurements list every test's result and modifier. The
  grade never outranks the concrete problems: only when they do not already fail the check does
  a D or F grade fail it and a C grade warn, naming the biggest penalties.
- **`domain.caa`** and **`domain.dangling-cname`**: the CAA set that applies to each name
  (RFC 8659), and CNAME targets that do not exist or sit at a hosting provider from
  `rules/takeover.json`. Providers' "unclaimed" pages are outside the scope and never fetched.
)md";

constexpr std::string_view k_edge = R"md(### How the checks decide

- **`edge.cdn`**: for each name of `domain.names` (resolved like the domain gate's), the headers
  of its `https://` answer and its CNAME chain are matched against `rules/edge.json` (Cloudflare,
  CloudFront, Fastly, Akamai, Azure Front Door, Google Cloud CDN, Vercel, Netlify, Sucuri,
  Imperva, StackPath, Bunny and others). A name behind a recognised provider passes, with the
  header or CNAME that showed it; a name with none fails. No address ranges are used: a CDN that
  hides every header of its own is not recognised.
- **`edge.rate-limit`**: `edge.rate_limit`'s request is sent up to `burst` times (60) at `rps`
  (`target.max_rps` unless set), without credentials and with the body as configured. It passes
  at the first 429, 503 with Retry-After, or challenge (`cf-mitigated: challenge`, or an HTML
  page with `cf-chl`, "Just a moment…", `challenge-platform`, "captcha", "Attention Required!"
  that the first answer did not already show); it fails when the whole burst is answered normally,
  and ends in `error` after 3 requests in a row without an answer.
- **`edge.origin-exposure`**: each name is requested at `https://name/` and
  `http://name:http_port/` with the connection pinned to each `edge.origin` address (DNS
  bypassed, Host and SNI kept). Any HTTP answer fails; a TLS handshake the origin takes part in
  (a certificate this run does not trust, a handshake failure) warns; refused or timed-out
  connections pass ("not reachable from here" — from where the run is, which may not be where an
  attacker is).

### Running it safely

- **The burst is real traffic.** `burst` requests to one endpoint within seconds: point it at
  staging, or at an endpoint whose effect is harmless (a login with a wrong password for a test
  address, not a real user's: the portal may lock that account). It may trip alerts or ban the
  address the run comes from for a while; tell whoever watches the WAF.
- **The rate.** The burst goes at `edge.rate_limit.rps`, which may exceed `target.max_rps` only
  when the config says so (at most 100), and counts against the gate's `target.max_requests`.
- **The origin** is contacted only at the addresses `edge.origin` names, and only for the
  configured names: 2 requests per name and address, fewer when an address stops answering.
)md";

constexpr std::string_view k_input = R"md(### How the checks decide

The four checks judge one set of probes, sent once per run (`src/checks/input/probes.cpp`).
They need an API description and, like the access gate, end in `error` when a login is broken.
Probes go as nobody for public operations, as an admin (when there is one) for admin-only ones,
else as the first account. Every operation is probed except DELETE, HEAD, OPTIONS and TRACE: a
GET with path parameters at a URL its account read in the harvest, a write only when it has a
JSON body (schema or recorded example) and only with `--allow-writes`. Each probe has a kind,
and the check of that kind judges it (\* marks probes that must be refused):

| where | probe | kind |
|---|---|---|
| query parameter, numeric or object reference | `abc`, `-1` | malformed |
| query parameter, numeric or object reference | `99999999999999999999999` | oversize |
| query parameter | a 16 KiB value | oversize |
| query parameter, not boolean | the comparisons below | injection |
| last path parameter (a path ending in one) | `abc`, `-1` | malformed |
| last path parameter (a path ending in one) | `99999999999999999999999`, a 4 KiB id | oversize |
| last path parameter (a path ending in one) | a control id, then `1'` | injection |
| JSON body | the sample cut in half (malformed JSON)\*, `[]`\* for an object | malformed |
| JSON body | an unknown member, each required member missing\* | malformed |
| body member | wrong type (\* if declared); empty string; `-1` (\* if `minimum` ≥ 0) | malformed |
| body member | a 1 MiB string (\* if `maxLength` is lower); `1e308` (\* if `maximum`) | oversize |
| first string member | a control, then `'"`; an HTML tag | injection |

**`input.malformed`** and **`input.oversize`**: a probe fails when it gets no answer (timeout,
dropped connection) or a 5xx. Probes marked \* must be refused: malformed JSON, an array for an
object, missing required members, wrong types of declared members, values beyond a declared limit;
for them a 2xx is a finding too. Any other answer passes. One finding per operation and parameter.

**`input.injection`** fails on signs found by comparing answers, never on one status alone:

- *error*: a quote (`'` or `"` after a harmless control value; `1'` in a path id; `'"` in a body
  member) brings database error text, or a 5xx where the control answered below 500 without it.
- *boolean*: true and false pairs in a LIKE context (`%' AND 1=1 AND '%'='`), a string context
  (`x' OR '1'='1` / `x' AND '1'='2`) and, for numbers, a number context (`1 OR 1=1` / `1 AND 1=2`).
  Answers are compared by status and number of objects: the halves differ, the false half answers
  like the control, and both halves sent again answer the same.
- *time*: payloads with `SLEEP(2)` (MySQL), `PG_SLEEP(2)` (PostgreSQL) and `WAITFOR DELAY`
  (SQL Server) whose answer is slower than the slowest of three harmless control answers by 1.5 s
  or more, twice.
- *nosql operator*: `name[$ne]=…` answers 2xx with more objects than leaving the parameter out.
- *reflected html*: a `<lgxXXXXXXXX>` tag comes back unescaped in an answer whose Content-Type is
  HTML.

Boolean, time and NoSQL probes go to query parameters only. No command-injection payload is sent.
One finding per operation, parameter and technique.

**`input.error-disclosure`** scans every answered probe, controls included (the first 256 KiB),
for fixed markers, matched case-sensitively: stack traces (`Traceback (most recent call last)`,
`\tat java.`, `at Module._compile`, `goroutine 1 [running]`, `System.NullReferenceException` …),
database errors (`SQLSTATE[`, `You have an error in your SQL syntax`, `syntax error at or near`,
`ORA-00933`, `SQLITE_ERROR`, `MongoServerError` …), source paths `dir/file.ext:LINE` for common
source extensions, and debug pages (Werkzeug, Django `DEBUG = True`, Whoops, Rails, Symfony). One finding per operation, with the kinds found and an excerpt around the
first marker. Version banners and response headers are not examined.

### Running it safely against staging

- **Read-only by default.** Without `--allow-writes` only GETs are sent; their values are odd
  but nothing is written. Writes with a body are not probed and the summaries say "N write
  operation(s) not probed (read-only run; --allow-writes probes their bodies)"; when nothing else
  is left, the checks skip with "no operation with a parameter or a body to probe" — as
  `not_configured` (the verdict is then at best `incomplete`) when writes were left unprobed.
- **Time-based probes** ask the database to sleep 2 s: up to five payloads per query parameter,
  each repeated once when slow. A vulnerable staging database holds a connection for each.
- **What `--allow-writes` does.** Body probes are real writes: any the server accepts (an unknown
  member, an empty string, a control value) may create an object. Those created in a collection
  `/x` (nested ones included) that has `GET /x/{id}` and `DELETE /x/{id}` are deleted at the end;
  for a POST without a DELETE the summary counts the accepted probes.
  PUT and PATCH on `/x/{id}` go to an object created for the purpose
  (`launchgate-XXXXXXXX-input`), deleted at the end. A PUT or PATCH without path parameters (a
  profile such as `/api/me`) is probed in place, as its account, then written back with the
  values a GET read before ("could not be written back as it was" when that fails); when that GET
  fails the operation is not probed at all. Other writes
  stay: POST probes of admin-only operations, sent as an admin, may create invites or users (and
  send mail). Look for values starting with `lgq` or `<lgx`.
- **Where.** A staging copy without customer data and dedicated test accounts: 16 KiB URLs and
  1 MiB bodies end up in access logs and maybe in alerts.
- **How much.** 16 to 23 requests per query parameter (more when a comparison repeats), 6 per
  path parameter, 3 per body member plus 6 per body and one per required member, against the
  gate's budget (`target.max_requests`, default 2000) at `target.max_rps` (default 10). When the
  budget runs out the remaining probes are not sent, the summaries end with "stopped: …", and a
  check without findings is an `error`, not a pass; the text and JSON reports give the requests
  the gate sent.
  Scope and credential rules are the access gate's.

A finding's evidence: `method`, `path` (the template), `parameter` (`q`, `{id}`, `body`,
`body.title`), `as`, `status`, `excerpt`, `curl` (with `$TOKEN` for the credential), and `probe`
(malformed, oversize), `kinds` (error-disclosure) or `technique` (injection).
)md";

} // namespace

std::string_view gate_notes(std::string_view gate) {
  if (gate == "access")
    return k_access;
  if (gate == "input")
    return k_input;
  if (gate == "session")
    return k_session;
  if (gate == "email")
    return k_email;
  if (gate == "domain")
    return k_domain;
  if (gate == "edge")
    return k_edge;
  return {};
}

} // namespace lg::checks
