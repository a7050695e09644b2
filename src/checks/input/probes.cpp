// The input gate's probes (OWASP API8:2023 and API10:2023; CWE-20, CWE-89, CWE-79, CWE-209):
// for each query and path parameter — wrong types, negative and 64-bit-overflowing numbers,
// 16 KiB values, a quote, boolean SQL pairs for LIKE, string and numeric contexts, a NoSQL
// operator, an HTML tag; for each JSON write body (only with --allow-writes) — malformed JSON,
// an array, each required member missing, each member of the wrong type, empty strings, an
// unknown member, a 1 MiB string, huge and negative numbers, a quote and an HTML tag. Injection
// is judged by comparing answers: a boolean pair whose true and false halves differ while the
// false half matches a harmless control (each half sent twice), a quote that alone breaks the
// answer, an operator that alone widens it, a tag that comes back unescaped in HTML.

#include "checks/input/probes.hpp"

#include "analyze/disclosure.hpp"
#include "analyze/objects.hpp"
#include "analyze/samples.hpp"
#include "checks/access/common.hpp"
#include "checks/access/writes.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

#include <fmt/format.h>
#include <optional>
#include <random>

namespace lg::checks::input {
namespace {

using analyze::Operation;

std::string random_tag() {
  std::random_device rd;
  return fmt::format("{:08x}", rd());
}

std::string schema_type(const nlohmann::json& schema) {
  if (!schema.is_object())
    return "";
  auto t = schema.find("type");
  if (t != schema.end() && t->is_string())
    return t->get<std::string>();
  if (t != schema.end() && t->is_array())
    for (const auto& x : *t)
      if (x.is_string() && x.get<std::string>() != "null")
        return x.get<std::string>();
  return "";
}

/// What two answers are compared by: the status and how many data objects came back.
struct Signature {
  int status = 0;
  size_t objects = 0;
  bool operator==(const Signature&) const = default;
};

Signature signature(const ProbeResult& r) {
  Signature s{r.status, 0};
  auto doc = nlohmann::json::parse(r.body, nullptr, false);
  if (!doc.is_discarded())
    s.objects = analyze::collect_objects(doc).size();
  return s;
}

class Prober {
public:
  Prober(engine::Context& context, InputRun& run) : m_context(context), m_run(run) {}

  bool stopped() const { return !m_stopped.empty(); }
  const std::string& why_stopped() const { return m_stopped; }

  /// Sends `request` (url a path) as `account` and records the answer.
  ProbeResult& send(const Operation& op, std::string param, ProbeKind kind, std::string what,
                    bool must_refuse, const std::string& account, net::HttpRequest request) {
    ProbeResult r;
    r.op = &op;
    r.param = std::move(param);
    r.kind = kind;
    r.what = std::move(what);
    r.must_refuse = must_refuse;
    r.account = account;
    if (!stopped()) {
      auto response = access::send_as(m_context, account, request);
      ++m_run.sent;
      if (response) {
        r.answered = true;
        r.status = response->status;
        r.body = std::move(response->body);
        r.content_type = response->header("Content-Type").value_or("");
        r.elapsed_ms = response->elapsed_ms;
      } else if (response.error().kind == ErrorKind::budget ||
                 response.error().kind == ErrorKind::out_of_scope ||
                 response.error().kind == ErrorKind::auth) {
        m_stopped = response.error().message;
        r.answered = true; // not the server's fault: judged by nobody
        r.status = -1;
      } else {
        r.failure = response.error().message;
      }
    } else {
      r.answered = true;
      r.status = -1;
    }
    r.request = std::move(request);
    m_run.results.push_back(std::move(r));
    return m_run.results.back();
  }

  void sign(const ProbeResult& r, std::string technique, std::string detail) {
    m_run.signs.push_back({r.op, r.param, std::move(technique), std::move(detail), r.account,
                           r.request, r.status, r.body});
  }

private:
  engine::Context& m_context;
  InputRun& m_run;
  std::string m_stopped;
};

// ---- query and path parameters -------------------------------------------------------------

struct QueryTarget {
  const Operation* op;
  std::string path;                                      ///< concrete path, no query
  std::vector<std::pair<std::string, std::string>> base; ///< required parameters with values
  std::string account;
};

std::string with_query(const QueryTarget& t, const std::string& name, const std::string& value,
                       bool omit = false) {
  std::string q;
  bool set = false;
  for (const auto& [k, v] : t.base) {
    if (k == name) {
      set = true;
      if (omit)
        continue;
      q += fmt::format("{}{}={}", q.empty() ? "?" : "&", url_encode(k), url_encode(value));
    } else {
      q += fmt::format("{}{}={}", q.empty() ? "?" : "&", url_encode(k), url_encode(v));
    }
  }
  if (!set && !omit && !name.empty())
    q += fmt::format("{}{}={}", q.empty() ? "?" : "&", url_encode(name), url_encode(value));
  return t.path + q;
}

net::HttpRequest get(const std::string& url) {
  net::HttpRequest r;
  r.url = url;
  r.headers.push_back({"Accept", "application/json, text/html;q=0.9"});
  return r;
}

/// Error and boolean comparisons; returns how long the harmless control value took.
double probe_injection(Prober& p, const QueryTarget& t, const std::string& name, bool numeric,
                       const std::function<net::HttpRequest(const std::string&)>& make) {
  const auto& op = *t.op;
  std::string control_value = "lgq" + random_tag();
  auto& control = p.send(op, name, ProbeKind::injection, "a harmless control value", false,
                         t.account, make(control_value));
  Signature base = signature(control);
  bool control_broken = control.status >= 500 || analyze::has_database_error(control.body);
  double control_ms = control.elapsed_ms;

  // A quote alone breaks the answer.
  for (const char* quote : {"'", "\""}) {
    auto& r = p.send(op, name, ProbeKind::injection, fmt::format("a {} quote", quote), false,
                     t.account, make(control_value + quote));
    if (control_broken || !r.answered || r.status < 0)
      continue;
    if (analyze::has_database_error(r.body))
      p.sign(r, "error", fmt::format("a {} quote in {} brought database error text", quote, name));
    else if (r.status >= 500)
      p.sign(r, "error",
             fmt::format("a {} quote in {} answered {} where the control value answered {}", quote,
                         name, r.status, control.status));
  }
  // Boolean pairs: true and false halves differ, the false half looks like the control.
  struct Pair {
    const char* context;
    std::string yes;
    std::string no;
  };
  std::vector<Pair> pairs = {{"LIKE", "%' AND 1=1 AND '%'='", "%' AND 1=2 AND '%'='"},
                             {"string", "x' OR '1'='1", "x' AND '1'='2"}};
  if (numeric)
    pairs.push_back({"number", "1 OR 1=1", "1 AND 1=2"});
  for (const auto& pair : pairs) {
    auto yes = signature(p.send(op, name, ProbeKind::injection,
                                fmt::format("a true SQL condition ({} context)", pair.context),
                                false, t.account, make(pair.yes)));
    auto& no_result = p.send(op, name, ProbeKind::injection,
                             fmt::format("a false SQL condition ({} context)", pair.context), false,
                             t.account, make(pair.no));
    auto no = signature(no_result);
    if (yes == no || !(no == base) || p.stopped())
      continue;
    // Repeat both halves: a difference that does not repeat is noise.
    auto& again = p.send(op, name, ProbeKind::injection,
                         fmt::format("a true SQL condition ({} context), again", pair.context),
                         false, t.account, make(pair.yes));
    auto no_again =
        signature(p.send(op, name, ProbeKind::injection,
                         fmt::format("a false SQL condition ({} context), again", pair.context),
                         false, t.account, make(pair.no)));
    if (signature(again) == yes && no_again == no)
      p.sign(again, "boolean",
             fmt::format("{}={} answered {} with {} object(s) and {}={} answered {} with {}, like "
                         "a harmless value (repeated twice)",
                         name, pair.yes, yes.status, yes.objects, name, pair.no, no.status,
                         no.objects));
  }
  return control_ms;
}

/// Time-based: a payload that makes the database sleep k_sleep_s answers that much slower than
/// the slowest of three harmless controls, twice.
void probe_timing(Prober& p, const QueryTarget& t, const std::string& name, bool numeric,
                  const std::function<net::HttpRequest(const std::string&)>& make,
                  double control_ms) {
  constexpr double k_margin_ms = 1500;
  const auto& op = *t.op;
  double slowest = control_ms;
  for (int i = 0; i < 2; ++i) {
    auto& c = p.send(op, name, ProbeKind::injection, "a harmless control value (timing)", false,
                     t.account, make("lgq" + random_tag()));
    slowest = std::max(slowest, c.elapsed_ms);
  }
  std::vector<std::pair<const char*, std::string>> payloads = {
      {"MySQL", "x' AND (SELECT 1 FROM (SELECT SLEEP(2))lg) AND '1'='1"},
      {"PostgreSQL", "x' AND 1=(SELECT 1 FROM PG_SLEEP(2)) AND '1'='1"},
      {"SQL Server", "x'; WAITFOR DELAY '0:0:2'--"}};
  if (numeric) {
    payloads.emplace_back("MySQL", "1 AND (SELECT 1 FROM (SELECT SLEEP(2))lg)");
    payloads.emplace_back("PostgreSQL", "1 AND 1=(SELECT 1 FROM PG_SLEEP(2))");
  }
  for (const auto& [engine_name, payload] : payloads) {
    auto& first =
        p.send(op, name, ProbeKind::injection, fmt::format("a {} sleep of 2 s", engine_name), false,
               t.account, make(payload));
    if (!first.answered || first.status < 0 || first.elapsed_ms < slowest + k_margin_ms)
      continue;
    auto& again =
        p.send(op, name, ProbeKind::injection, fmt::format("a {} sleep of 2 s, again", engine_name),
               false, t.account, make(payload));
    if (again.answered && again.elapsed_ms >= slowest + k_margin_ms) {
      p.sign(again, "time",
             fmt::format("{}={} answered after {:.0f} ms and {:.0f} ms where the slowest of three "
                         "harmless values took {:.0f} ms",
                         name, payload, first.elapsed_ms, again.elapsed_ms, slowest));
      return;
    }
  }
}

void probe_query_param(Prober& p, const QueryTarget& t, const analyze::Parameter& param) {
  const auto& op = *t.op;
  std::string type = schema_type(param.schema);
  bool numeric = type == "integer" || type == "number";
  auto make = [&](const std::string& v) { return get(with_query(t, param.name, v)); };
  if (numeric || param.object_ref) {
    p.send(op, param.name, ProbeKind::malformed, "a word where a number goes", false, t.account,
           make("abc"));
    p.send(op, param.name, ProbeKind::malformed, "a negative number", false, t.account, make("-1"));
    p.send(op, param.name, ProbeKind::oversize, "a number beyond 64 bits", false, t.account,
           make("99999999999999999999999"));
  }
  p.send(op, param.name, ProbeKind::oversize, "a 16 KiB value", false, t.account,
         make(std::string(16 * 1024, 'A')));
  if (type == "boolean")
    return;
  double control_ms = probe_injection(p, t, param.name, numeric, make);
  probe_timing(p, t, param.name, numeric, make, control_ms);
  // A NoSQL operator in place of the value widens the answer beyond leaving the parameter out.
  auto omitted = signature(p.send(op, param.name, ProbeKind::injection, "the parameter left out",
                                  false, t.account, get(with_query(t, param.name, "", true))));
  auto& op_probe =
      p.send(op, param.name, ProbeKind::injection, "a NoSQL $ne operator", false, t.account,
             get(with_query(t, param.name, "", true) +
                 fmt::format("{}{}%5B%24ne%5D=lgq{}",
                             t.base.size() > (param.required ? 1u : 0u) ? "&" : "?",
                             url_encode(param.name), random_tag())));
  auto widened = signature(op_probe);
  if (op_probe.status >= 200 && op_probe.status < 300 && !(widened == omitted) &&
      widened.objects > omitted.objects)
    p.sign(op_probe, "nosql operator",
           fmt::format("{}[$ne] answered {} object(s) where leaving {} out answered {}", param.name,
                       widened.objects, param.name, omitted.objects));
  // An HTML tag that comes back unescaped in an HTML answer.
  std::string tag = fmt::format("<lgx{}>", random_tag());
  auto& reflected = p.send(op, param.name, ProbeKind::injection, "an HTML tag", false, t.account,
                           make(tag + "\"'"));
  if (to_lower(reflected.content_type).find("html") != std::string::npos &&
      reflected.body.find(tag) != std::string::npos)
    p.sign(reflected, "reflected html",
           fmt::format("{} came back unescaped in a {} answer", tag, reflected.content_type));
}

void probe_path_param(Prober& p, const QueryTarget& t) {
  const auto& op = *t.op;
  // Replace the last path segment (the last parameter's value) in the concrete path.
  auto slash = t.path.rfind('/');
  std::string parent = t.path.substr(0, slash + 1);
  auto make = [&](const std::string& v) { return get(parent + url_encode(v)); };
  std::string name = "{" + op.path_params.back() + "}";
  p.send(op, name, ProbeKind::malformed, "a word where an id goes", false, t.account, make("abc"));
  p.send(op, name, ProbeKind::malformed, "a negative id", false, t.account, make("-1"));
  p.send(op, name, ProbeKind::oversize, "an id beyond 64 bits", false, t.account,
         make("99999999999999999999999"));
  p.send(op, name, ProbeKind::oversize, "a 4 KiB id", false, t.account,
         make(std::string(4096, 'Z')));
  auto& control = p.send(op, name, ProbeKind::injection, "a harmless control id", false, t.account,
                         make("lgq" + random_tag()));
  auto& quote =
      p.send(op, name, ProbeKind::injection, "a quote in the id", false, t.account, make("1'"));
  if (quote.answered && quote.status >= 0 && control.status < 500 &&
      !analyze::has_database_error(control.body) &&
      (quote.status >= 500 || analyze::has_database_error(quote.body)))
    p.sign(quote, "error",
           fmt::format("a quote in {} answered {}{}", name, quote.status,
                       analyze::has_database_error(quote.body) ? " with database error text" : ""));
}

// ---- JSON bodies ------------------------------------------------------------------------------

net::HttpRequest write_request(const Operation& op, const std::string& path, std::string body) {
  net::HttpRequest r;
  r.method = op.method;
  r.url = path;
  r.body = std::move(body);
  r.headers.push_back({"Accept", "application/json"});
  r.headers.push_back({"Content-Type", "application/json"});
  return r;
}

nlohmann::json wrong_type(const std::string& type) {
  if (type == "string")
    return 12345;
  if (type == "integer" || type == "number")
    return "abc";
  if (type == "boolean")
    return "maybe";
  if (type == "array")
    return "abc";
  return 12345;
}

void probe_body(Prober& p, const Operation& op, const std::string& path,
                const std::string& account) {
  std::string marker = "lgq" + random_tag();
  auto base = analyze::sample_body(op.body_schema, op.body_example, marker);
  auto send = [&](ProbeKind kind, std::string what, bool must_refuse, const std::string& body,
                  std::string param = "body") -> ProbeResult& {
    return p.send(op, std::move(param), kind, std::move(what), must_refuse, account,
                  write_request(op, path, body));
  };
  std::string text = base.dump();
  send(ProbeKind::malformed, "malformed JSON", true, text.substr(0, text.size() / 2));
  bool object_schema = schema_type(op.body_schema) == "object" || base.is_object();
  send(ProbeKind::malformed, "a JSON array instead of an object", object_schema, "[]");
  send(ProbeKind::malformed, "an unknown member", false, [&] {
    auto b = base;
    b["lg_unknown_member"] = marker;
    return b.dump();
  }());
  const nlohmann::json props = op.body_schema.is_object() && op.body_schema.contains("properties")
                                   ? op.body_schema["properties"]
                                   : nlohmann::json::object();
  std::vector<std::string> required;
  if (op.body_schema.is_object() && op.body_schema.contains("required") &&
      op.body_schema["required"].is_array())
    for (const auto& r : op.body_schema["required"])
      if (r.is_string())
        required.push_back(r.get<std::string>());
  for (const auto& name : required) {
    auto b = base;
    b.erase(name);
    send(ProbeKind::malformed, fmt::format("required {} missing", name), true, b.dump(),
         "body." + name);
  }
  bool quoted = false;
  bool tagged = false;
  for (const auto& [name, value] : base.items()) {
    nlohmann::json schema =
        props.is_object() && props.contains(name) ? props[name] : nlohmann::json::object();
    std::string type = schema_type(schema);
    if (type.empty())
      type = value.is_string() ? "string" : value.is_number() ? "integer" : "";
    std::string param = "body." + name;
    if (!type.empty()) {
      auto b = base;
      b[name] = wrong_type(type);
      send(ProbeKind::malformed, fmt::format("{} of the wrong type", name), !schema.empty(),
           b.dump(), param);
    }
    if (type == "string") {
      auto b = base;
      b[name] = "";
      send(ProbeKind::malformed, fmt::format("{} empty", name), false, b.dump(), param);
      auto max_member = schema.find("maxLength");
      long long max = max_member != schema.end() && max_member->is_number_integer()
                          ? max_member->get<long long>()
                          : -1;
      b[name] = std::string(1 << 20, 'A');
      send(ProbeKind::oversize, fmt::format("a 1 MiB {}", name), max >= 0 && max < (1 << 20),
           b.dump(), param);
      if (!quoted) {
        quoted = true;
        b[name] = marker;
        auto& control =
            send(ProbeKind::injection, "a harmless control value", false, b.dump(), param);
        b[name] = marker + "'\"";
        auto& quote =
            send(ProbeKind::injection, fmt::format("quotes in {}", name), false, b.dump(), param);
        if (quote.status >= 0 && control.status < 500 &&
            !analyze::has_database_error(control.body) &&
            (quote.status >= 500 || analyze::has_database_error(quote.body)))
          p.sign(quote, "error",
                 fmt::format("quotes in {} answered {} where a harmless value answered {}", name,
                             quote.status, control.status));
      }
      if (!tagged) {
        tagged = true;
        std::string tag = fmt::format("<lgx{}>", random_tag());
        b[name] = tag;
        auto& r = send(ProbeKind::injection, fmt::format("an HTML tag in {}", name), false,
                       b.dump(), param);
        if (to_lower(r.content_type).find("html") != std::string::npos &&
            r.body.find(tag) != std::string::npos)
          p.sign(r, "reflected html",
                 fmt::format("{} came back unescaped in a {} answer", tag, r.content_type));
      }
    } else if (type == "integer" || type == "number") {
      auto b = base;
      b[name] = 1e308;
      send(ProbeKind::oversize, fmt::format("{} = 1e308", name), schema.contains("maximum"),
           b.dump(), param);
      b[name] = -1;
      bool non_negative = schema.contains("minimum") && schema["minimum"].is_number() &&
                          schema["minimum"].get<double>() >= 0;
      send(ProbeKind::malformed, fmt::format("{} negative", name), non_negative, b.dump(), param);
    }
  }
}

/// The account that probes `op`: an admin for admin-only operations, else the first account.
std::string prober_for(engine::Context& context, const engine::Harvest& harvest,
                       const Operation& op) {
  const auto& accounts = context.config().accounts;
  if (harvest.public_op(op) || accounts.empty())
    return "";
  if (harvest.admin_only(op))
    for (const auto& a : accounts)
      if (engine::is_admin(a))
        return a.name;
  return accounts.front().name;
}

InputRun run_probes(engine::Context& context) {
  InputRun run;
  auto ops = context.operations();
  if (!ops) {
    run.notes.push_back(ops.error().message);
    return run;
  }
  const auto& harvest = context.harvest();
  Prober p(context, run);
  std::vector<access::Created> created;
  auto kinds = access::creatables(harvest, **ops);
  for (const auto& op : **ops) {
    if (p.stopped())
      break;
    if (op.method == "OPTIONS" || op.method == "HEAD" || op.method == "TRACE" ||
        op.method == "DELETE")
      continue;
    std::string account = prober_for(context, harvest, op);
    // Where the operation is: its own path, or a path the account read (path parameters).
    std::string path = op.path;
    std::vector<std::string> parents; // the path parameters' values of `path`
    if (!op.path_params.empty()) {
      path.clear();
      const analyze::Operation* reader = &op;
      if (op.method != "GET") { // writes go to the account's own list or an object it created
        for (const auto& g : **ops)
          if (g.method == "GET" && g.path == op.path)
            reader = &g;
      }
      for (const auto* seen : harvest.of(account, reader))
        if (seen->ok() && path.empty()) {
          path = seen->path.substr(0, seen->path.find('?'));
          parents = seen->values;
        }
    }
    if (op.method == "GET") {
      if (path.empty()) {
        run.notes.push_back(fmt::format("GET {}: no id its account could read", op.path));
        continue;
      }
      ++run.operations;
      QueryTarget t{&op, path, {}, account};
      for (const auto& param : op.params)
        if (param.in == "query" && param.required)
          t.base.emplace_back(param.name,
                              param.example.empty()
                                  ? analyze::sample_value(param.schema, "lgq" + random_tag()).dump()
                                  : param.example);
      for (auto& [k, v] : t.base)
        if (v.size() >= 2 && v.front() == '"' && v.back() == '"')
          v = v.substr(1, v.size() - 2);
      for (const auto& param : op.params)
        if (param.in == "query")
          probe_query_param(p, t, param);
      if (op.path.ends_with('}'))
        probe_path_param(p, t);
      continue;
    }
    // A write without a JSON body (logout, actions) has nothing to validate.
    bool has_body =
        (op.body_schema.is_object() && !op.body_schema.empty()) || !op.body_example.is_null();
    if (!has_body)
      continue;
    if (!context.options().allow_writes) {
      ++run.writes_skipped;
      continue;
    }
    // Item writes (PUT/PATCH /x/{id}) go to an object launchgate created for the purpose.
    if (op.path.ends_with('}')) {
      const access::Creatable* kind = nullptr;
      for (const auto& k : kinds)
        if (std::find(k.updates.begin(), k.updates.end(), &op) != k.updates.end())
          kind = &k;
      const auto* who = access::account_named(context, account);
      std::string why = "no collection to create an object in";
      auto object = kind && who ? access::create_object(context, *kind, *who,
                                                        access::write_marker("input"), {}, why)
                                : std::nullopt;
      if (!object) {
        run.notes.push_back(fmt::format("{} {}: {}", op.method, op.path, why));
        continue;
      }
      path = engine::fill_params(op.path, object->values);
      created.push_back(std::move(*object));
    } else if (!op.path_params.empty() && path.empty()) {
      run.notes.push_back(fmt::format("{} {}: no list its account could read", op.method, op.path));
      continue;
    }
    ++run.operations;
    size_t first = run.results.size();
    // A singleton the account owns (PUT/PATCH /api/me) is written back as it was afterwards.
    std::optional<nlohmann::json> before;
    if ((op.method == "PUT" || op.method == "PATCH") && op.path_params.empty()) {
      net::HttpRequest read;
      read.url = op.path;
      read.headers.push_back({"Accept", "application/json"});
      if (auto got = access::send_as(context, account, read);
          got && got->status >= 200 && got->status < 300) {
        auto doc = nlohmann::json::parse(got->body, nullptr, false);
        for (const char* wrapper : {"data", "user", "profile", "result", "item"})
          if (doc.is_object() && doc.contains(wrapper) && doc[wrapper].is_object()) {
            auto inner = doc[wrapper];
            doc = std::move(inner);
            break;
          }
        if (doc.is_object())
          before = std::move(doc);
      }
      if (!before) {
        run.notes.push_back(fmt::format("{} {}: not probed, since GET {} did not show what to "
                                        "write back afterwards",
                                        op.method, op.path, op.path));
        continue;
      }
    }
    probe_body(p, op, path, account);
    if (before) {
      // Only members the GET shows can be written back; members it does not show are left out.
      auto sample = analyze::sample_body(op.body_schema, op.body_example, "lgq");
      nlohmann::json restore = nlohmann::json::object();
      for (const auto& [key, value] : sample.items())
        if (before->contains(key))
          restore[key] = (*before)[key];
      auto request = write_request(op, op.path, restore.dump());
      auto done = access::send_as(context, account, request);
      if (!done || done->status >= 300)
        run.notes.push_back(fmt::format("{} {} of {} could not be written back as it was",
                                        op.method, op.path, account));
    }
    // Objects the probes created by being accepted are deleted at the end; where the API has no
    // way to delete them, the summary says so.
    bool deletable = false;
    for (const auto& kind : kinds) {
      if (kind.create != &op || !kind.remove)
        continue;
      deletable = true;
      for (size_t i = first; i < run.results.size(); ++i) {
        const auto& r = run.results[i];
        if (r.status < 200 || r.status >= 300)
          continue;
        auto doc = nlohmann::json::parse(r.body, nullptr, false);
        for (const auto& o : analyze::collect_objects(doc, 4)) {
          if (o.id.empty())
            continue;
          access::Created c;
          c.kind = &kind;
          c.account = account;
          c.values = parents;
          c.values.push_back(o.id);
          c.path = engine::fill_params(kind.get->path, c.values);
          created.push_back(std::move(c));
          break;
        }
      }
    }
    if (op.method == "POST" && !deletable) {
      size_t accepted = 0;
      for (size_t i = first; i < run.results.size(); ++i)
        if (run.results[i].status >= 200 && run.results[i].status < 300)
          ++accepted;
      if (accepted > 0)
        run.notes.push_back(fmt::format("POST {} accepted {} probe(s) that may have created "
                                        "objects launchgate has no DELETE to remove (their "
                                        "strings start with lgq)",
                                        op.path, accepted));
    }
  }
  auto left = access::delete_created(context, created);
  if (!left.empty())
    run.notes.push_back(fmt::format("{} object(s) the probes created could not be deleted: {}",
                                    left.size(), fmt::join(left, ", ")));
  if (p.stopped()) {
    run.stopped = true;
    run.notes.push_back("stopped: " + p.why_stopped());
  }
  return run;
}

} // namespace

const InputRun& input_run(engine::Context& context) {
  return context.memo<InputRun>("input.probes", [&] { return run_probes(context); });
}

std::string input_auth_hint(engine::Context& context, const std::string& account) {
  return access::auth_hint(context, account);
}

} // namespace lg::checks::input
