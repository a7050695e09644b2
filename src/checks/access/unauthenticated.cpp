// access.unauthenticated (OWASP API2:2023, CWE-306): every non-public operation of the API
// description is called with no credentials and must answer 401 or 403 (or redirect to a sign-in
// page) and return no data. Path parameters are filled with a real id that a logged-in account can
// see, so a missing check is not hidden behind a 404. Read-only unless --allow-writes: write
// operations are then probed with an empty body and an id of the same shape that no object has.

#include "analyze/openapi.hpp"
#include "checks/registry.hpp"
#include "engine/harvest.hpp"
#include "engine/replay.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace lg::checks {
namespace {

bool is_read(const std::string& method) {
  return method == "GET" || method == "HEAD";
}

/// The first "id" of an object in `body` (a list, or an object holding a list).
std::optional<std::string> first_id(const std::string& body) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded())
    return std::nullopt;
  auto from_array = [](const nlohmann::json& a) -> std::optional<std::string> {
    for (const auto& item : a) {
      if (!item.is_object() || !item.contains("id"))
        continue;
      const auto& id = item["id"];
      if (id.is_string())
        return id.get<std::string>();
      if (id.is_number_integer())
        return std::to_string(id.get<long long>());
    }
    return std::nullopt;
  };
  if (doc.is_array())
    return from_array(doc);
  if (doc.is_object())
    for (const auto& [key, value] : doc.items())
      if (value.is_array())
        if (auto id = from_array(value))
          return id;
  return std::nullopt;
}

/// True when `body` is JSON holding at least one object in a list: data, not an error message.
bool carries_records(const std::string& body) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded())
    return false;
  auto has_objects = [](const nlohmann::json& a) {
    return a.is_array() &&
           std::any_of(a.begin(), a.end(), [](const nlohmann::json& x) { return x.is_object(); });
  };
  if (has_objects(doc))
    return true;
  if (doc.is_object())
    for (const auto& [key, value] : doc.items())
      if (has_objects(value))
        return true;
  return false;
}

/// A real id for {param} in `op`, read as the first configured account from the collection
/// above it (/api/records for /api/records/{id}).
std::string sample_id(engine::Context& context, const analyze::Operation& op,
                      std::map<std::string, std::string>& cache) {
  size_t brace = op.path.find('{');
  std::string parent = op.path.substr(0, brace);
  while (parent.size() > 1 && parent.back() == '/')
    parent.pop_back();
  if (auto it = cache.find(parent); it != cache.end())
    return it->second;
  std::string id = "1";
  if (!context.config().accounts.empty() && parent.find('{') == std::string::npos) {
    if (auto session = context.session(context.config().accounts.front().name)) {
      net::HttpRequest request;
      request.url = parent;
      request.headers.push_back({"Accept", "application/json"});
      if (auto response = (*session)->send(request); response && response->status == 200)
        id = first_id(response->body).value_or("1");
    }
  }
  cache[parent] = id;
  return id;
}

/// A path of `op` (or of the GET on the same template) that an account read in the harvest.
std::string harvested_path(engine::Context& context, const analyze::Operation& op) {
  if (op.path_params.empty())
    return "";
  for (const auto& o : context.harvest().observations())
    if (o.ok() && o.op->method == "GET" && o.op->path == op.path)
      return o.path.substr(0, o.path.find('?'));
  return "";
}

/// An id of the same shape as `sample` that no object has: writes never touch a real object.
std::string absent_id_like(const std::string& sample) {
  bool numeric =
      std::all_of(sample.begin(), sample.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (numeric)
    return "0";
  if (sample.size() == 36 && sample[8] == '-' && sample[13] == '-')
    return "00000000-0000-0000-0000-000000000000";
  return "launchgate-absent-0";
}

} // namespace

CheckResult run_access_unauthenticated(engine::Context& context, const CheckMeta& meta) {
  const auto& api = context.config().api;
  if (api.openapi.empty() && api.endpoints.empty() && api.har.empty() && api.postman.empty())
    return engine::skipped(meta, SkipKind::not_configured,
                           "no API description: set api.openapi, api.har, api.postman or "
                           "api.endpoints");
  auto ops = context.operations();
  if (!ops)
    return engine::errored(meta, ops.error().message);

  std::vector<Finding> findings;
  std::map<std::string, std::string> ids;
  bool serious = false;
  int probed = 0;
  int refused = 0;
  int writes_skipped = 0;
  int public_ops = 0;
  int preflight = 0;
  std::vector<std::string> unexamined; // "GET /x: why", for operations that could not be probed
  bool budget_spent = false;
  struct Variant {
    std::string label; ///< "without credentials"
    std::string as;    ///< evidence "as"
    std::vector<net::Header> headers;
    std::string replay; ///< the curl options that send the same
  };
  std::vector<Variant> variants{{"without credentials", "anonymous", {}, ""}};
  {
    constexpr const char* k_garbage = "launchgate-invalid-credential";
    Variant garbage{"with a garbage token", "garbage token", {}, ""};
    garbage.headers.push_back({"Authorization", fmt::format("Bearer {}", k_garbage)});
    garbage.replay = fmt::format("-H 'Authorization: Bearer {}'", k_garbage);
    // The session cookie names the first account's login sets, each with a garbage value.
    if (!context.config().accounts.empty())
      if (auto session = context.session(context.config().accounts.front().name)) {
        std::string jar;
        for (const auto& [name, value] : (*session)->credentials().cookies)
          jar += fmt::format("{}{}={}", jar.empty() ? "" : "; ", name, k_garbage);
        if (!jar.empty()) {
          garbage.headers.push_back({"Cookie", jar});
          garbage.replay += fmt::format(" -b '{}'", jar);
        }
      }
    variants.push_back(std::move(garbage));
  }
  for (const auto& op : **ops) {
    bool is_public = api.public_.empty()
                         ? op.spec_public
                         : analyze::any_pattern_matches(api.public_, op.method, op.path);
    if (is_public) {
      ++public_ops;
      continue;
    }
    if (op.method == "OPTIONS" || op.method == "TRACE") {
      ++preflight; // CORS preflights answer without credentials by design
      continue;
    }
    bool write = !is_read(op.method);
    // Writes only with --allow-writes, and only where an id that no object has can be given or
    // the body changes nothing: PUT or DELETE on a whole collection could change real data; an
    // empty PATCH cannot.
    bool collection_write = (op.method == "PUT" || op.method == "DELETE") && op.path_params.empty();
    if (write && (!context.options().allow_writes || collection_write)) {
      ++writes_skipped;
      continue;
    }
    if (budget_spent) {
      unexamined.push_back(fmt::format("{} {}: request budget spent", op.method, op.path));
      continue;
    }
    // The concrete path: one an account read in the harvest (each parameter its own real id,
    // nested ones included), else every parameter filled with an id from the list above it.
    std::string concrete = harvested_path(context, op);
    if (concrete.empty()) {
      std::string id = op.path_params.empty() ? "" : sample_id(context, op, ids);
      if (write && !id.empty())
        id = absent_id_like(id);
      concrete = analyze::fill_path(op.path, id);
    } else if (write && op.path.ends_with('}')) {
      auto slash = concrete.rfind('/');
      concrete = concrete.substr(0, slash + 1) + absent_id_like(concrete.substr(slash + 1));
    }
    // Without credentials, then with a garbage bearer token and garbage session cookies: a
    // server that only checks that a credential is present fails the second.
    for (const auto& variant : variants) {
      net::HttpRequest request;
      request.method = op.method;
      request.url = context.url(concrete);
      request.headers.push_back({"Accept", "application/json"});
      for (const auto& h : variant.headers)
        request.headers.push_back(h);
      if (write) {
        request.body = "{}";
        request.headers.push_back({"Content-Type", "application/json"});
      }
      auto response = context.http().send(request);
      if (!response) {
        budget_spent = response.error().kind == ErrorKind::budget;
        unexamined.push_back(
            fmt::format("{} {}: {}", op.method, op.path, response.error().message));
        break;
      }
      ++probed;
      int status = response->status;
      auto location = to_lower(response->header("Location").value_or(""));
      bool to_sign_in = status >= 300 && status < 400 &&
                        (location.find("login") != std::string::npos ||
                         location.find("signin") != std::string::npos ||
                         location.find("sign-in") != std::string::npos ||
                         location.find("auth") != std::string::npos);
      bool denied = status == 401 || status == 403 || to_sign_in;
      bool leaked = carries_records(response->body);
      if (denied && !leaked) {
        ++refused;
        continue;
      }
      Finding f;
      bool bad = (status >= 200 && status < 300) || leaked;
      if (bad)
        f.message = fmt::format("{} {} answered {} with {} bytes to a request {}", op.method,
                                op.path, status, response->body.size(), variant.label);
      else
        f.message = fmt::format("{} {} answered {} instead of 401 or 403 to a request {}",
                                op.method, op.path, status, variant.label);
      if (denied && leaked)
        f.message = fmt::format("{} {} refused with {} but still returned records", op.method,
                                op.path, status);
      f.evidence = {{"method", op.method},
                    {"path", op.path},
                    {"url", concrete},
                    {"as", variant.as},
                    {"status", status},
                    {"bytes", response->body.size()},
                    {"content_type", response->header("Content-Type").value_or("")},
                    {"excerpt", engine::excerpt(response->body)},
                    {"curl", engine::curl_command(request, variant.replay)}};
      f.fingerprint = make_fingerprint(meta.id, {op.method, op.path});
      serious = serious || bad;
      findings.push_back(std::move(f));
      break; // one finding an operation
    }
  }
  std::string summary = fmt::format("{} request(s) without credentials or with a garbage token, "
                                    "{} refused; {} operation(s) public by configuration or "
                                    "description",
                                    probed, refused, public_ops);
  if (preflight > 0)
    summary += fmt::format("; {} OPTIONS/TRACE operation(s) not probed", preflight);
  if (writes_skipped > 0)
    summary += fmt::format("; {} write operation(s) not probed ({})", writes_skipped,
                           context.options().allow_writes
                               ? "PUT and DELETE without an id could change real data"
                               : "read-only run; --allow-writes probes them with an empty body "
                                 "and an id of the same shape that no object has");
  if (!unexamined.empty())
    summary += fmt::format("; {} operation(s) could not be examined: {}", unexamined.size(),
                           fmt::join(unexamined, "; "));
  // A failure stands on its own; otherwise an operation that could not be examined is no pass.
  if (!findings.empty() && (serious || unexamined.empty()))
    return engine::failed(meta, std::move(findings), serious, summary);
  if (!unexamined.empty())
    return engine::errored(meta, summary);
  if (probed == 0)
    return engine::skipped(meta, SkipKind::not_applicable,
                           "no non-public read operation to probe; " + summary);
  return engine::passed(meta, summary);
}

} // namespace lg::checks
