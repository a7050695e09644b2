// The check catalog: one static table with every check id of DESIGN.md ("The ten gates"), in fix
// order (the gates of k_gates, then the order of the design's table). Each entry gives the severity
// a reviewer would assign for a portal launching to its first 100 users, what pass means, the fix
// path, a rough effort and references (OWASP API Security Top 10 2023, OWASP ASVS 4.0.3, CWE, RFCs,
// NIST). Checks emit findings under these ids; reporters read titles and fixes from here.

#include "checks/catalog.hpp"

namespace lg::checks {
namespace {

std::vector<CheckMeta> build_catalog() {
  return {
      // ---- access: users see only their own org's data; admin actions refused to staff.
      {
          .id = "access.unauthenticated",
          .gate = "access",
          .severity = Severity::critical,
          .title = "Every non-public API endpoint refuses requests without a session",
          .summary = "Calls each non-public operation of the API description with no "
                     "credentials and with a garbage token and expects 401, 403 or a redirect to "
                     "sign-in, and no data (writes only with --allow-writes)",
          .fix = "Enforce authentication in one server-side middleware that runs before every "
                 "route and denies by default; list the few public routes explicitly instead of "
                 "protecting routes one by one.",
          .effort_hours = 4,
          .references = {"OWASP API2:2023", "ASVS 4.1.1", "CWE-306"},
      },
      {
          .id = "access.cross-tenant-read",
          .gate = "access",
          .severity = Severity::critical,
          .title = "No account can read another org's objects",
          .summary = "Requests every item one org's accounts read, as each account of another "
                     "org (at the owner's URL, under the caller's own parent ids, through id query "
                     "parameters), and fails a success answer that carries the owner's object",
          .fix = "Scope every object lookup by the caller's org on the server (WHERE id = ? AND "
                 "org_id = <org of the session>) in the data-access layer and answer 404 for "
                 "another org's object; never take the org from the request.",
          .effort_hours = 6,
          .references = {"OWASP API1:2023", "ASVS 4.2.1", "CWE-639"},
      },
      {
          .id = "access.cross-tenant-write",
          .gate = "access",
          .severity = Severity::critical,
          .title = "No account can change or delete another org's objects",
          .summary = "Updates and deletes objects the tool created in one org while signed in as "
                     "another org (needs --allow-writes) and checks they are unchanged",
          .fix = "Apply the same org-scoped lookup to every update and delete as to reads, inside "
                 "the write statement itself, and refuse the request when no row of the caller's "
                 "org matched.",
          .effort_hours = 4,
          .references = {"OWASP API1:2023", "ASVS 4.2.1", "CWE-639"},
      },
      {
          .id = "access.filter-tampering",
          .gate = "access",
          .severity = Severity::critical,
          .title = "List and search results stay within the caller's org whatever the query says",
          .summary = "Replays list and search calls with another org's id in query parameters and "
                     "filters and looks for foreign records in the results",
          .fix = "Derive the tenant filter from the session on the server and add it to every list "
                 "and search query; reject or ignore client-supplied org and owner parameters "
                 "instead of merging them into the query.",
          .effort_hours = 3,
          .references = {"OWASP API1:2023", "ASVS 4.1.2", "CWE-639"},
      },
      {
          .id = "access.role-escalation",
          .gate = "access",
          .severity = Severity::critical,
          .title = "Admin-only actions are refused to staff accounts on the server",
          .summary = "Calls every admin-only operation as each non-admin account (POST only with "
                     "--allow-writes) and fails a 2xx with data or an accepted write; a 403 is not "
                     "required, a 200 with an error body or an empty list is a refusal",
          .fix = "Check the caller's role on the server, in the route or handler of each admin "
                 "action, denying by default; hiding buttons in the UI is not access control.",
          .effort_hours = 3,
          .references = {"OWASP API5:2023", "ASVS 4.1.1", "ASVS 4.1.3", "CWE-285"},
      },
      {
          .id = "access.mass-assignment",
          .gate = "access",
          .severity = Severity::high,
          .title = "Clients cannot set protected fields such as role, org or owner",
          .summary = "Sends create and update bodies with extra protected fields (role, org_id, "
                     "owner_id, is_admin) and checks whether the stored object took them",
          .fix = "Bind request bodies to an explicit allow-list of writable fields per endpoint (a "
                 "DTO or schema) and set role, org and owner on the server from the session.",
          .effort_hours = 3,
          .references = {"OWASP API3:2023", "ASVS 5.1.2", "CWE-915"},
      },

      // ---- session: secure cookies or tokens; logout, reset and login abuse handled.
      {
          .id = "session.cookie-flags",
          .gate = "session",
          .severity = Severity::high,
          .title = "Session cookies are HttpOnly, Secure and SameSite",
          .summary = "Logs in every account and inspects each cookie set at login",
          .fix = "Set the session cookie with HttpOnly, Secure, SameSite=Lax (or Strict) and "
                 "Path=/, without a Domain attribute; prefer the __Host- name prefix.",
          .effort_hours = 1,
          .references = {"ASVS 3.4.1", "ASVS 3.4.2", "ASVS 3.4.3", "CWE-614", "CWE-1004",
                         "RFC 6265"},
      },
      {
          .id = "session.lifetime",
          .gate = "session",
          .severity = Severity::medium,
          .title = "Sessions expire after an idle timeout and an absolute maximum",
          .summary = "Reads the expiry of each session cookie and token after login and compares "
                     "it with idle and absolute limits",
          .fix = "Expire sessions on the server after an idle timeout (30 minutes to a few hours) "
                 "and an absolute lifetime (12 to 24 hours), and give cookies and tokens a "
                 "matching Max-Age or exp.",
          .effort_hours = 2,
          .references = {"ASVS 3.3.2", "CWE-613", "NIST SP 800-63B 7.2"},
      },
      {
          .id = "session.logout",
          .gate = "session",
          .severity = Severity::high,
          .title = "Logout ends the session on the server",
          .summary = "Logs in, logs out, then replays the old cookie or token and expects 401",
          .fix = "Delete or revoke the session on the server at logout (for JWTs, revoke the "
                 "refresh token and keep access tokens short or on a denylist) and clear the "
                 "cookie with an expired Set-Cookie.",
          .effort_hours = 2,
          .references = {"OWASP API2:2023", "ASVS 3.3.1", "CWE-613"},
      },
      {
          .id = "session.fixation",
          .gate = "session",
          .severity = Severity::high,
          .title = "A new session id is issued at login",
          .summary = "Plants a session cookie before login, logs in and checks whether the same "
                     "id is still accepted",
          .fix = "Regenerate the session id on every login and privilege change and invalidate "
                 "the pre-login id; never accept session ids from URLs.",
          .effort_hours = 1,
          .references = {"ASVS 3.2.1", "CWE-384"},
      },
      {
          .id = "session.reset-token",
          .gate = "session",
          .severity = Severity::high,
          .title = "Password reset tokens are unguessable, single-use and expiring",
          .summary = "Requests a reset, takes the token from the captured mail, uses it, tries it "
                     "again and checks its length and expiry",
          .fix = "Generate at least 128 random bits per token, store only its hash, expire it "
                 "within an hour, invalidate it and older tokens on first use, and end the "
                 "account's other sessions after the reset.",
          .effort_hours = 3,
          .references = {"OWASP API2:2023", "CWE-640"},
      },
      {
          .id = "session.login-rate-limit",
          .gate = "session",
          .severity = Severity::high,
          .title = "Repeated failed logins are throttled",
          .summary = "Sends a burst of wrong passwords for one test account and expects 429, a "
                     "delay or a lockout before the burst ends",
          .fix = "Limit failed attempts per account and per source IP at the login endpoint (a "
                 "handful per 15 minutes with growing backoff), answer 429 with Retry-After, and "
                 "alert on spikes.",
          .effort_hours = 2,
          .references = {"OWASP API2:2023", "ASVS 2.2.1", "CWE-307", "NIST SP 800-63B 5.2.2"},
      },
      {
          .id = "session.user-enumeration",
          .gate = "session",
          .severity = Severity::medium,
          .title = "Login and reset responses do not reveal which accounts exist",
          .summary = "Compares status, body and timing of login and reset requests for a known "
                     "and an unknown email",
          .fix = "Return the same status and message for an unknown account and a wrong password, "
                 "answer every reset request alike, and keep timing equal by hashing a dummy "
                 "password when the account does not exist.",
          .effort_hours = 1.5,
          .references = {"OWASP API2:2023", "CWE-204", "CWE-208"},
      },
      {
          .id = "session.jwt",
          .gate = "session",
          .severity = Severity::high,
          .title = "Bearer tokens are signed, verified and expiring",
          .summary = "Decodes any JWT the login returns, checks alg and exp, and replays tampered "
                     "and alg=none variants",
          .fix = "Verify the signature of every token against a fixed allow-list of algorithms "
                 "and keys, reject alg none, require a short exp and check iss and aud; use the "
                 "library's verify call, never decode only.",
          .effort_hours = 2,
          .references = {"ASVS 3.5.3", "CWE-347", "RFC 7519", "RFC 8725"},
      },
      {
          .id = "session.csrf",
          .gate = "session",
          .severity = Severity::high,
          .title = "Cookie-authenticated state changes are protected against CSRF",
          .summary = "Replays state-changing requests with a cross-site Origin and without the "
                     "anti-CSRF token and expects a refusal",
          .fix = "Require an anti-CSRF token or check the Origin (or Sec-Fetch-Site) header on "
                 "every state-changing request, keep SameSite on the session cookie, and never "
                 "change state on GET.",
          .effort_hours = 2,
          .references = {"ASVS 4.2.2", "ASVS 13.2.3", "CWE-352"},
      },
      {
          .id = "session.cors",
          .gate = "session",
          .severity = Severity::high,
          .title = "CORS trusts only listed origins and never reflects arbitrary ones",
          .summary = "Sends API requests with foreign and null Origin headers and inspects "
                     "Access-Control-Allow-Origin and Access-Control-Allow-Credentials",
          .fix = "Match Origin against a fixed allow-list of the portal's own front-end origins, "
                 "never echo the request's Origin or allow null, and send "
                 "Access-Control-Allow-Credentials only for allowed origins.",
          .effort_hours = 1,
          .references = {"OWASP API8:2023", "ASVS 14.5.3", "CWE-942"},
      },
      {
          .id = "session.invite",
          .gate = "session",
          .severity = Severity::medium,
          .title = "Invite links arrive, work once and expire",
          .summary = "Invites a new address as an admin, reads the invite mail, accepts it, "
                     "tries the link again and, when the expiry is short, after it",
          .fix = "Mail invites with a single-use token of at least 128 random bits, store only "
                 "its hash, expire it within days, and invalidate it on acceptance.",
          .effort_hours = 2,
          .references = {"ASVS 2.5.1", "CWE-640", "CWE-613"},
      },

      // ---- input: every API input validated on the server.
      {
          .id = "input.malformed",
          .gate = "input",
          .severity = Severity::medium,
          .title = "Malformed API input is rejected with a 4xx, never a 5xx",
          .summary = "Sends words and negative numbers for ids and numbers and, with "
                     "--allow-writes, broken JSON, arrays, missing and unknown members, wrong "
                     "types and empty strings in bodies; fails a 5xx, a hang or a dropped "
                     "connection, and a 2xx to input the description rules out",
          .fix = "Validate every body, query and path parameter against a schema (types, required "
                 "fields, lengths, formats) at the API boundary and answer 400 or 422 with a "
                 "field-level message.",
          .effort_hours = 4,
          .references = {"ASVS 5.1.3", "ASVS 5.1.4", "ASVS 13.2.2", "CWE-20"},
      },
      {
          .id = "input.injection",
          .gate = "input",
          .severity = Severity::critical,
          .title = "No API input reaches a query or command unparameterized",
          .summary = "Sends a SQL quote, boolean SQL pairs, time-based SLEEP-style payloads, a "
                     "NoSQL operator and an HTML tag and compares the answers with harmless "
                     "controls: database errors, true and false answers that differ, delays, wider "
                     "results, unescaped tags",
          .fix = "Use parameterized queries or the ORM's bound parameters for every database "
                 "call, never build SQL or shell commands by concatenation, and check identifiers "
                 "such as sort columns against an allow-list.",
          .effort_hours = 4,
          .references = {"OWASP Top 10 A03:2021", "ASVS 5.3.4", "ASVS 5.3.8", "CWE-89", "CWE-78"},
      },
      {
          .id = "input.error-disclosure",
          .gate = "input",
          .severity = Severity::medium,
          .title = "Error responses reveal no stack traces, database errors, source paths or debug "
                   "pages",
          .summary = "Scans the answers to every input probe for stack traces, database error "
                     "text, source paths with line numbers and framework debug pages",
          .fix = "Install one error handler that logs the detail on the server under a request id "
                 "and returns a generic message with that id; turn framework debug pages off in "
                 "every deployed environment.",
          .effort_hours = 1.5,
          .references = {"OWASP API8:2023", "ASVS 7.4.1", "ASVS 14.3.2", "CWE-209"},
      },
      {
          .id = "input.oversize",
          .gate = "input",
          .severity = Severity::medium,
          .title = "Oversized bodies, fields and page sizes are refused",
          .summary = "Sends 16 KiB query values, 4 KiB ids, numbers beyond 64 bits and, with "
                     "--allow-writes, 1 MiB body strings; fails a 5xx, a hang or a dropped "
                     "connection, and a 2xx where the description declares a limit",
          .fix = "Cap the request body size at the proxy and in the app (about 1 MB for JSON), "
                 "limit field lengths in the schema, and clamp page-size parameters to a maximum "
                 "on the server.",
          .effort_hours = 1.5,
          .references = {"OWASP API4:2023", "CWE-770", "CWE-400"},
      },

      // ---- secrets: none in the repo, its history, build output, bundles or logs.
      {
          .id = "secrets.tree",
          .gate = "secrets",
          .severity = Severity::critical,
          .title = "The working tree holds no secrets",
          .summary = "Scans every file under the configured paths with the secret rules (keys, "
                     "tokens, passwords, private keys)",
          .fix = "Rotate the secret at its issuer (treat it as leaked), remove it from the code "
                 "and load it at runtime from the environment or a secrets manager; add a secret "
                 "scan to pre-commit and CI.",
          .effort_hours = 2,
          .references = {"ASVS 2.10.4", "ASVS 6.4.1", "CWE-798", "CWE-540"},
      },
      {
          .id = "secrets.history",
          .gate = "secrets",
          .severity = Severity::critical,
          .title = "No commit in the repository's history holds a secret",
          .summary = "Scans every blob reachable from any ref of the git history with the secret "
                     "rules",
          .fix = "Rotate every secret found, since deleting it does not un-leak it; then purge it "
                 "from history (git filter-repo) if the repository is or will be shared, and have "
                 "everyone re-clone.",
          .effort_hours = 3,
          .references = {"ASVS 2.10.4", "CWE-798", "CWE-540"},
      },
      {
          .id = "secrets.build",
          .gate = "secrets",
          .severity = Severity::critical,
          .title = "Build output, bundles and source maps hold no secrets",
          .summary = "Scans build directories and the JavaScript bundles and source maps the key "
                     "pages actually load, including embedded sources, with the secret rules",
          .fix = "Rotate what was found, expose only explicitly public variables to the front-end "
                 "build so server secrets never enter a bundle, and do not publish source maps "
                 "with embedded sources.",
          .effort_hours = 2,
          .references = {"CWE-798", "CWE-538", "CWE-540"},
      },
      {
          .id = "secrets.logs",
          .gate = "secrets",
          .severity = Severity::high,
          .title = "Logs hold no credentials, tokens or keys",
          .summary = "Scans the configured log files and log command output with the secret rules",
          .fix = "Redact passwords, tokens, cookies and Authorization headers in the logger itself "
                 "(a filter on known field names and patterns), rotate what was logged and purge "
                 "the affected log files.",
          .effort_hours = 2,
          .references = {"ASVS 7.1.1", "CWE-532"},
      },

      // ---- deploy: clean builds, pinned dependencies, migrations, rollback, handover.
      {
          .id = "deploy.clean-build",
          .gate = "deploy",
          .severity = Severity::high,
          .title = "The app builds and its tests pass from a clean checkout",
          .summary = "Checks out the repository into an empty directory and runs the configured "
                     "build and test commands",
          .fix = "Make the build self-contained: commit lock files and build scripts, read nothing "
                 "outside the checkout or undeclared, and run the same build and test commands in "
                 "CI on every commit.",
          .effort_hours = 4,
          .references = {"ASVS 14.1.1", "NIST SP 800-218"},
      },
      {
          .id = "deploy.pinned-deps",
          .gate = "deploy",
          .severity = Severity::medium,
          .title = "Every dependency is pinned by a committed lock file",
          .summary = "Reads the package manifests and checks for committed lock files and for "
                     "floating versions, branches and latest tags",
          .fix = "Commit the package manager's lock file and install with its frozen mode (npm "
                 "ci and the like) in CI and deploys; replace ranges, branches and latest tags "
                 "with exact versions and pin container images by digest.",
          .effort_hours = 1.5,
          .references = {"OWASP Top 10 A08:2021", "ASVS 14.2.4", "CWE-1357", "NIST SP 800-218"},
      },
      {
          .id = "deploy.migrations",
          .gate = "deploy",
          .severity = Severity::medium,
          .title = "Schema changes are versioned migrations applied by the deploy",
          .summary = "Looks for the migration tool and directory, checks the migrations are "
                     "committed, ordered and reversible and that a command applies them, and "
                     "that the docs ask for no manual database edit",
          .fix = "Put every schema change in a numbered, committed migration that the deploy "
                 "applies (never by hand), keep each compatible with the previous release, and "
                 "write its down step or restore path.",
          .effort_hours = 3,
          .references = {"ASVS 14.1.1"},
      },
      {
          .id = "deploy.rollback",
          .gate = "deploy",
          .severity = Severity::medium,
          .title = "A rollback procedure is written and has been tried",
          .summary = "Finds and quotes the rollback procedure written in the README, a runbook "
                     "or docs/, checks that deploy.rollback is configured and, with "
                     "deploy.run_rollback, runs it in its dry-run form: it must succeed and name "
                     "the release it would restore",
          .fix = "Script the rollback (redeploy the previous build artifact and, where needed, "
                 "revert its migration) with a dry-run mode that names the release it would "
                 "restore, describe it under a Rollback heading of the README or runbook, set "
                 "deploy.rollback to the dry run, and rehearse the real rollback on staging "
                 "before launch.",
          .effort_hours = 3,
          .references = {"ASVS 14.1.4", "NIST SP 800-34 Rev. 1"},
      },
      {
          .id = "deploy.config",
          .gate = "deploy",
          .severity = Severity::high,
          .title = "Every environment variable the code reads is documented, and staging and "
                   "production set the same ones",
          .summary = "Compares the variables the code reads (process.env, os.environ, getenv, "
                     "ENV[...], Spring and Compose ${X}) with .env.example and the docs, scans "
                     "the example for real secrets and compares the staging and production keys",
          .fix = "List every variable the code reads in .env.example with a placeholder value "
                 "(never a real key: rotate any that was committed), drop the ones nothing reads, "
                 "and give staging and production the same set of keys.",
          .effort_hours = 2,
          .references = {"OWASP API8:2023", "ASVS 2.10.4", "CWE-798"},
      },
      {
          .id = "deploy.handover",
          .gate = "deploy",
          .severity = Severity::medium,
          .title = "A handover names owners, an approver, a support contact and the rollback "
                   "steps",
          .summary = "Builds the handover checklist from the run and the handover section "
                     "(owners or CODEOWNERS, approver, support, secrets, commands, the written "
                     "rollback procedure, monitors and alert routes, runbooks) and checks that "
                     "nothing the next person needs is missing",
          .fix = "Name the owners (or commit a CODEOWNERS file), the approver of production "
                 "changes, the support contact and where the secrets live under handover in "
                 "launchgate.yaml; write the rollback steps in the README or a runbook; give the "
                 "monitor checks and an alert route.",
          .effort_hours = 2,
          .references = {"ASVS 14.1.4"},
      },

      // ---- email: invites and resets land (SPF, DKIM, DMARC pass).
      {
          .id = "email.spf",
          .gate = "email",
          .severity = Severity::high,
          .title = "The mail domain publishes one valid SPF record ending in -all or ~all",
          .summary = "Resolves the domain's TXT records, parses SPF and follows includes within "
                     "the 10-lookup limit",
          .fix = "Publish exactly one TXT record such as v=spf1 include:<mail provider> -all on "
                 "the sending domain, authorizing every service that sends its mail, with 10 DNS "
                 "lookups or fewer.",
          .effort_hours = 1,
          .references = {"RFC 7208"},
      },
      {
          .id = "email.dkim",
          .gate = "email",
          .severity = Severity::high,
          .title = "Each DKIM selector publishes a valid key of adequate strength",
          .summary = "Resolves <selector>._domainkey for each configured selector (without any, "
                     "about 20 common ones) and judges the key record: type, size, revocation, "
                     "testing mode",
          .fix = "Turn on DKIM signing at the mail provider and publish its record at "
                 "<selector>._domainkey.<domain> with a 2048-bit RSA key; drop the testing flag "
                 "(t=y) once mail verifies.",
          .effort_hours = 1,
          .references = {"RFC 6376", "RFC 8301"},
      },
      {
          .id = "email.dmarc",
          .gate = "email",
          .severity = Severity::medium,
          .title = "A DMARC policy of quarantine or reject is published with reporting",
          .summary = "Resolves _dmarc.<domain>, parses the record and checks policy, alignment and "
                     "report addresses",
          .fix = "Publish a TXT record at _dmarc.<domain> such as v=DMARC1; p=quarantine; "
                 "rua=mailto:dmarc@<domain>, read the aggregate reports, then move to p=reject "
                 "once all legitimate mail aligns.",
          .effort_hours = 1,
          .references = {"RFC 7489"},
      },
      {
          .id = "email.mx",
          .gate = "email",
          .severity = Severity::medium,
          .title = "The mail domain's MX records point to resolvable mail hosts",
          .summary = "Resolves the domain's MX records and the addresses of each exchanger",
          .fix = "Publish MX records naming the mail provider's host names (not IP addresses or "
                 "CNAMEs) so replies and bounces arrive, or a null MX (0 .) if the domain must "
                 "never receive mail.",
          .effort_hours = 0.5,
          .references = {"RFC 5321", "RFC 7505", "RFC 2181"},
      },
      {
          .id = "email.mta-sts",
          .gate = "email",
          .severity = Severity::low,
          .title = "MTA-STS is published with a policy that covers every MX host",
          .summary = "Resolves _mta-sts.<domain>, fetches the policy it announces and matches the "
                     "MX hosts against it; the _smtp._tls (TLS-RPT) record is reported as "
                     "information",
          .fix = "Serve a policy at https://mta-sts.<domain>/.well-known/mta-sts.txt listing the "
                 "MX hosts (mode testing, then enforce), publish _mta-sts TXT v=STSv1; id=<n> and "
                 "a _smtp._tls TXT with a rua address.",
          .effort_hours = 2,
          .references = {"RFC 8461", "RFC 8460"},
      },

      // ---- domain: DNS, certificates, redirects, headers and subdomains right.
      {
          .id = "domain.dns",
          .gate = "domain",
          .severity = Severity::high,
          .title = "Every configured name resolves to the expected records",
          .summary = "Resolves A, AAAA and the CNAME chain of each configured name, compares them "
                     "with domain.expect, flags private addresses, compares the zone's NS set "
                     "with domain.nameservers, and asks each listed server directly for the "
                     "zone's SOA: it must answer authoritatively, all with one serial",
          .fix = "Correct the records at the DNS provider to match the hosting (A/AAAA at the "
                 "apex, CNAME for subdomains), lower TTLs ahead of the launch switch, and check "
                 "the delegation names your name servers; load the zone on every listed "
                 "server and let secondaries transfer it before the launch.",
          .effort_hours = 1,
          .references = {"RFC 1034", "RFC 1035", "RFC 1912"},
      },
      {
          .id = "domain.tls-cert",
          .gate = "domain",
          .severity = Severity::high,
          .title = "Each host serves a trusted, unexpired certificate that matches its name",
          .summary = "Connects to each name over TLS and verifies the chain, the host name and "
                     "the days left before expiry",
          .fix = "Issue certificates that cover every name with automatic renewal (ACME), serve "
                 "the full chain including intermediates, and alert well before expiry.",
          .effort_hours = 1,
          .references = {"RFC 5280", "RFC 9525", "RFC 8555"},
      },
      {
          .id = "domain.tls-protocols",
          .gate = "domain",
          .severity = Severity::medium,
          .title = "Only TLS 1.2 and 1.3 with strong cipher suites are accepted",
          .summary = "Attempts handshakes with each protocol version from SSLv3 to TLS 1.3 and "
                     "with weak cipher suites on each host",
          .fix = "Disable SSLv3, TLS 1.0 and 1.1 and legacy suites (RC4, 3DES, NULL, export, "
                 "static RSA) in the TLS terminator, following a current profile such as "
                 "Mozilla's intermediate configuration.",
          .effort_hours = 1,
          .references = {"ASVS 9.1.2", "ASVS 9.1.3", "RFC 8996", "NIST SP 800-52 Rev. 2",
                         "CWE-327"},
      },
      {
          .id = "domain.https-redirect",
          .gate = "domain",
          .severity = Severity::medium,
          .title = "Plain HTTP redirects permanently to HTTPS on the same host",
          .summary = "Requests each name over plain HTTP on the configured port and checks for a "
                     "301 or 308 to the https:// form of the same URL",
          .fix = "Answer every plain-HTTP request at the edge or web server with a 301 (or 308) "
                 "to the same host and path over https://, and serve no content on port 80.",
          .effort_hours = 0.5,
          .references = {"ASVS 9.1.1", "CWE-319"},
      },
      {
          .id = "domain.hsts",
          .gate = "domain",
          .severity = Severity::medium,
          .title = "HTTPS responses send Strict-Transport-Security with a long max-age",
          .summary = "Reads the Strict-Transport-Security header of each host over HTTPS and "
                     "checks max-age and includeSubDomains",
          .fix = "Send Strict-Transport-Security: max-age=31536000; includeSubDomains on every "
                 "HTTPS response; start with a short max-age if some subdomain is not on HTTPS "
                 "yet, then raise it.",
          .effort_hours = 0.5,
          .references = {"ASVS 14.4.5", "RFC 6797", "CWE-319"},
      },
      {
          .id = "domain.headers",
          .gate = "domain",
          .severity = Severity::medium,
          .title = "The home page and key pages send the baseline security headers",
          .summary = "Fetches / and the configured pages without credentials and checks CSP with "
                     "frame-ancestors (or X-Frame-Options), X-Content-Type-Options, "
                     "Referrer-Policy, and HSTS on HTTPS; scores each page the way Mozilla's HTTP "
                     "Observatory does (score and grade in the summary, a D or F grade fails)",
          .fix = "Add at the edge or in one middleware a Content-Security-Policy with "
                 "frame-ancestors, X-Content-Type-Options: nosniff, Referrer-Policy: "
                 "strict-origin-when-cross-origin and, on HTTPS, Strict-Transport-Security.",
          .effort_hours = 2,
          .references = {"OWASP API8:2023", "ASVS 14.4.3", "ASVS 14.4.4", "ASVS 14.4.6",
                         "ASVS 14.4.7", "ASVS 14.4.5", "CWE-1021"},
      },
      {
          .id = "domain.mixed-content",
          .gate = "domain",
          .severity = Severity::medium,
          .title = "HTTPS pages load no subresources over plain HTTP",
          .summary = "Loads the key pages and lists every script, style, image, frame and fetch "
                     "requested over http://",
          .fix = "Change the referenced URLs to https:// or relative ones in the templates or "
                 "content that emit them, and add upgrade-insecure-requests to the "
                 "Content-Security-Policy as a safety net.",
          .effort_hours = 1,
          .references = {"W3C Mixed Content", "ASVS 9.1.1", "CWE-319"},
      },
      {
          .id = "domain.caa",
          .gate = "domain",
          .severity = Severity::low,
          .title = "CAA records limit which certificate authorities may issue for the domain",
          .summary = "Finds the relevant CAA set of each name (the name, then its parents up to "
                     "the registrable domain), parses it and reports the CAs allowed to issue",
          .fix = "Publish CAA records at the registered domain naming only the CAs in use (for "
                 "example 0 issue \"letsencrypt.org\") and an iodef contact.",
          .effort_hours = 0.5,
          .references = {"RFC 8659"},
      },
      {
          .id = "domain.dangling-cname",
          .gate = "domain",
          .severity = Severity::high,
          .title = "No name points at a deprovisioned or claimable resource",
          .summary = "Follows the CNAME chain of each configured name, fails where it ends in "
                     "NXDOMAIN, and matches the targets against known hosting providers (DNS "
                     "only)",
          .fix = "Delete DNS records for services no longer in use or reclaim the resource they "
                 "point to; when decommissioning a cloud resource, remove its DNS record first.",
          .effort_hours = 1,
          .references = {"ASVS 10.3.3"},
      },

      // ---- edge: protected from basic abuse and spikes.
      {
          .id = "edge.cdn",
          .gate = "edge",
          .severity = Severity::low,
          .title = "The portal is served through a CDN or WAF that absorbs spikes and attacks",
          .summary = "Recognises a CDN or WAF in front of each domain name from its response "
                     "headers and CNAME chain (rules/edge.json)",
          .fix = "Put the portal behind a CDN or managed reverse proxy, cache hashed static assets "
                 "with a long Cache-Control max-age, and mark API responses private or no-store.",
          .effort_hours = 3,
          .references = {"OWASP API4:2023", "RFC 9111"},
      },
      {
          .id = "edge.rate-limit",
          .gate = "edge",
          .severity = Severity::medium,
          .title = "The API throttles a single client that sends too many requests",
          .summary = "Sends the configured request (edge.rate_limit) as a bounded burst without "
                     "credentials and looks for a 429, a 503 with Retry-After or a challenge",
          .fix = "Rate-limit per session and per IP at the edge or API gateway (a token bucket, "
                 "tighter on login, reset and search) and answer 429 with Retry-After.",
          .effort_hours = 2,
          .references = {"OWASP API4:2023", "ASVS 11.1.4", "CWE-770", "RFC 6585"},
      },
      {
          .id = "edge.origin-exposure",
          .gate = "edge",
          .severity = Severity::medium,
          .title = "The origin server cannot be reached around the edge",
          .summary = "Requests each domain name over HTTPS and HTTP connected straight to the "
                     "configured origin addresses (edge.origin) and checks whether they answer",
          .fix = "Accept HTTP(S) on the origin only from the CDN's address ranges or through an "
                 "authenticated tunnel (or require mTLS or a secret header from the edge), and "
                 "keep the origin's address out of public DNS.",
          .effort_hours = 2,
          .references = {"OWASP API8:2023", "CWE-668"},
      },

      // ---- perf: core API p95 < 500 ms; key pages LCP < 2.5 s.
      {
          .id = "perf.api-latency",
          .gate = "perf",
          .severity = Severity::medium,
          .title = "Core API actions answer within 500 ms at the 95th percentile",
          .summary = "Puts the core actions (actions:, or login, list, read, search and save "
                     "found in the API description) under the load of 100 users at a constant "
                     "rate, each as its account, and measures latency percentiles and errors",
          .fix = "Profile the slowest action: add missing database indexes, remove N+1 queries, "
                 "paginate large lists and cache expensive reads; then measure again.",
          .effort_hours = 4,
          .references = {"https://sre.google/sre-book/service-level-objectives/"},
      },
      {
          .id = "perf.lcp",
          .gate = "perf",
          .severity = Severity::medium,
          .title = "Key pages reach Largest Contentful Paint within 2.5 s",
          .summary = "Loads each key page in a headless browser and records its Largest "
                     "Contentful Paint",
          .fix = "Make the largest above-the-fold element arrive early: compress and size images, "
                 "preload the hero resource and fonts, cut render-blocking scripts and styles, and "
                 "serve static assets from a CDN.",
          .effort_hours = 4,
          .references = {"W3C Largest Contentful Paint", "https://web.dev/articles/lcp"},
      },

      // ---- observability: uptime monitored; failures logged in detail, without customer data.
      {
          .id = "observability.uptime",
          .gate = "observability",
          .severity = Severity::high,
          .title = "An external uptime monitor with alerting watches the portal",
          .summary = "Reads the monitor's history (monitor.store, or an external /status.json): "
                     "the home page and a signed-in route checked in the last 10 minutes, an "
                     "alert channel set; and finds a health endpoint that answers within 1 s "
                     "without a session and reports the database",
          .fix = "Run `launchgate monitor` (or another monitor) from outside the hosting network "
                 "on the home page, a signed-in page and a health route that checks the "
                 "database, every 1 to 5 minutes, alerting a person after a few consecutive "
                 "failures; test the alert once.",
          .effort_hours = 1,
          .references = {"https://sre.google/sre-book/monitoring-distributed-systems/"},
      },
      {
          .id = "observability.error-logging",
          .gate = "observability",
          .severity = Severity::medium,
          .title = "Failed requests are logged with enough detail to debug them",
          .summary = "Provokes failing requests (unknown route, no session, malformed body, a "
                     "configured 5xx), each with its own X-Request-Id, and checks that the logs "
                     "record each with its id, time, method, path and status",
          .fix = "Log every 4xx/5xx and unhandled exception in one middleware as a structured "
                 "line with timestamp, request id, method, route template, status, user id and "
                 "cause, and return the request id to the client.",
          .effort_hours = 2,
          .references = {"OWASP Top 10 A09:2021", "ASVS 7.1.3", "ASVS 7.1.4", "CWE-778"},
      },
      {
          .id = "observability.log-leaks",
          .gate = "observability",
          .severity = Severity::high,
          .title = "Logs hold no customer data such as emails, names or record contents",
          .summary = "Sends canary credentials, an email and a card number in failed requests "
                     "and looks for them, the test accounts' passwords, personal data (emails, "
                     "phones, Luhn-valid cards, IBANs) and secrets in the logs",
          .fix = "Log identifiers instead of content (user id, not email; record id, not body), "
                 "leave request and response bodies out of logs, and mask personal fields in "
                 "the logger.",
          .effort_hours = 2,
          .references = {"ASVS 7.1.1", "ASVS 7.1.2", "CWE-532"},
      },
  };
}

} // namespace

const std::vector<CheckMeta>& catalog() {
  static const std::vector<CheckMeta> k_table = build_catalog();
  return k_table;
}

const CheckMeta* find_check(std::string_view id) {
  for (const auto& meta : catalog()) {
    if (meta.id == id) {
      return &meta;
    }
  }
  return nullptr;
}

} // namespace lg::checks
