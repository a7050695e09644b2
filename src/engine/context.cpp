// The run context of the checks: one guarded client per run, sessions per account, the API
// description loaded once from a file or from the target, and result constructors.

#include "engine/context.hpp"

#include "analyze/har.hpp"
#include "analyze/postman.hpp"
#include "engine/harvest.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace lg::engine {

std::vector<std::string> run_scope(const Config& config) {
  auto scope = config.target.scope;
  for (const auto& name : config.domain.names) {
    scope.push_back(fmt::format("{}:{}", name.host, name.https_port));
    scope.push_back(fmt::format("{}:{}", name.host, config.domain.http_port));
  }
  return scope;
}

Context::Context(const Config& config, Services services, RunOptions options)
    : m_config(config), m_options(std::move(options)), m_clock(services.clock),
      m_mailbox(services.mailbox), m_resolver(services.resolver), m_tls(services.tls),
      m_load(services.load), m_browser(services.browser),
      m_http(services.http, services.clock,
             GuardLimits{run_scope(config), config.target.max_rps, config.target.max_requests, 5}) {
  if (m_options.log)
    m_http.set_logger(m_options.log);
}

Expected<net::HttpResponse> Context::anonymous(const std::string& method, const std::string& path) {
  net::HttpRequest request;
  request.method = method;
  request.url = url(path);
  request.headers.push_back({"Accept", "application/json, text/html;q=0.9"});
  return m_http.send_following(std::move(request));
}

Context::~Context() = default;

const Harvest& Context::harvest() {
  if (!m_harvest)
    m_harvest = std::make_unique<Harvest>(Harvest::run(*this));
  return *m_harvest;
}

Expected<Session*> Context::session(const std::string& name) {
  if (auto it = m_sessions.find(name); it != m_sessions.end())
    return it->second.get();
  if (auto it = m_login_errors.find(name); it != m_login_errors.end())
    return unexpected(it->second);
  auto account = std::find_if(m_config.accounts.begin(), m_config.accounts.end(),
                              [&](const Account& a) { return a.name == name; });
  if (account == m_config.accounts.end())
    return unexpected(ErrorKind::config, fmt::format("no account named '{}'", name));
  auto session = std::make_unique<Session>(m_http, m_config, *account);
  if (auto ok = session->login(); !ok) {
    m_login_errors.emplace(name, ok.error());
    return unexpected(ok.error());
  }
  return m_sessions.emplace(name, std::move(session)).first->second.get();
}

Expected<const std::vector<analyze::Operation>*> Context::operations() {
  if (!m_operations)
    m_operations = load_operations();
  if (!*m_operations)
    return unexpected(m_operations->error());
  return &m_operations->value();
}

namespace {

constexpr std::uintmax_t k_max_api_file_bytes = std::uintmax_t{64} << 20;

/// The text of the file `path` given as api.`key`, at most 64 MiB.
Expected<std::string> read_api_file(const char* key, const std::string& path) {
  std::error_code ec;
  bool regular = std::filesystem::is_regular_file(path, ec);
  auto size = regular ? std::filesystem::file_size(path, ec) : 0;
  if (!regular || ec)
    return unexpected(ErrorKind::io,
                      fmt::format("cannot read api.{} file {}: {}", key, path,
                                  ec ? ec.message() : std::string("not a regular file")));
  if (size > k_max_api_file_bytes)
    return unexpected(ErrorKind::budget,
                      fmt::format("api.{} file {} is {} MiB; launchgate reads at most {} MiB", key,
                                  path, size >> 20, k_max_api_file_bytes >> 20));
  std::ifstream in(path, std::ios::binary);
  std::string text(static_cast<size_t>(size), '\0');
  if (!in || !in.read(text.data(), static_cast<std::streamsize>(text.size())))
    return unexpected(ErrorKind::io, fmt::format("cannot read api.{} file {}", key, path));
  return text;
}

/// The JSON document of the api.`key` file `path`.
Expected<nlohmann::json> read_api_json(const char* key, const std::string& path) {
  auto text = LG_TRY(read_api_file(key, path));
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return unexpected(ErrorKind::parse,
                      fmt::format("api.{} file {} is not valid JSON: {}", key, path, e.what()));
  }
}

/// Copies the examples and body example of the recorded operation `from` into `into` (same
/// method, same shape of path) where `into` has none; `into` keeps its own parameters.
void add_recorded_examples(analyze::Operation& into, const analyze::Operation& from) {
  auto example_of = [&](const std::string& name, const std::string& in) -> std::string {
    for (const auto& p : from.params)
      if (p.in == in && (in == "header" ? iequals(p.name, name) : p.name == name))
        return p.example;
    return "";
  };
  for (auto& p : into.params) {
    if (!p.example.empty())
      continue;
    std::string name = p.name;
    if (p.in == "path") { // the same position may carry another name in the recording
      auto at = std::find(into.path_params.begin(), into.path_params.end(), p.name);
      auto index = static_cast<size_t>(at - into.path_params.begin());
      if (at == into.path_params.end() || index >= from.path_params.size())
        continue;
      name = from.path_params[index];
    }
    p.example = example_of(name, p.in);
    p.object_ref = p.object_ref || analyze::is_uuid(p.example);
  }
  if (into.body_example.is_null() && !from.body_example.is_null())
    into.body_example = from.body_example;
}

/// The operation of `ops` that `method` `path` names: the same template, else the same shape.
analyze::Operation* find_operation(std::vector<analyze::Operation>& ops, const std::string& method,
                                   const std::string& path) {
  auto same = [&](bool exact) {
    return std::find_if(ops.begin(), ops.end(), [&](const analyze::Operation& o) {
      return o.method == method && (exact ? o.path == path : analyze::same_shape(o.path, path));
    });
  };
  auto it = same(true);
  if (it == ops.end())
    it = same(false);
  return it == ops.end() ? nullptr : &*it;
}

/// Adds the operations of a recording: known ones lend their examples, others are appended.
void merge_recorded(std::vector<analyze::Operation>& ops,
                    std::vector<analyze::Operation> recorded) {
  for (auto& r : recorded) {
    if (auto* known = find_operation(ops, r.method, r.path))
      add_recorded_examples(*known, r);
    else
      ops.push_back(std::move(r));
  }
}

} // namespace

Expected<std::vector<analyze::Operation>> Context::load_operations() {
  std::vector<analyze::Operation> ops;
  std::vector<std::string> empty_sources; // named in the error when nothing is found
  const auto& api = m_config.api;
  if (!api.openapi.empty()) {
    std::string text;
    bool remote = api.openapi.starts_with("/") && !std::filesystem::exists(api.openapi);
    remote = remote || api.openapi.starts_with("http://") || api.openapi.starts_with("https://");
    if (remote) {
      auto response = anonymous("GET", api.openapi);
      if (!response)
        return unexpected(ErrorKind::network, fmt::format("cannot fetch the API description {}: {}",
                                                          api.openapi, response.error().message));
      if (response->status != 200)
        return unexpected(ErrorKind::network,
                          fmt::format("cannot fetch the API description {}: HTTP {}", api.openapi,
                                      response->status));
      text = std::move(response->body);
    } else {
      text = LG_TRY(read_api_file("openapi", m_config.resolve_path(api.openapi)));
    }
    auto doc = parse_yaml_document(text);
    if (!doc)
      return unexpected(ErrorKind::parse, fmt::format("the API description {} is not valid "
                                                      "JSON or YAML: {}",
                                                      api.openapi, doc.error().message));
    auto parsed = analyze::parse_openapi(*doc);
    if (!parsed)
      return unexpected(ErrorKind::parse,
                        fmt::format("{}: {}", api.openapi, parsed.error().message));
    ops = std::move(*parsed);
  }
  if (!api.har.empty()) {
    std::string path = m_config.resolve_path(api.har);
    auto doc = LG_TRY(read_api_json("har", path));
    auto recorded = analyze::parse_har(doc, m_config.target.base_url);
    if (!recorded)
      return unexpected(ErrorKind::parse,
                        fmt::format("api.har file {}: {}", path, recorded.error().message));
    if (recorded->empty())
      empty_sources.push_back(fmt::format("api.har file {} holds no API request", path));
    merge_recorded(ops, std::move(*recorded));
  }
  if (!api.postman.empty()) {
    std::string path = m_config.resolve_path(api.postman);
    auto doc = LG_TRY(read_api_json("postman", path));
    auto recorded = analyze::parse_postman(doc);
    if (!recorded)
      return unexpected(ErrorKind::parse,
                        fmt::format("api.postman file {}: {}", path, recorded.error().message));
    if (recorded->empty())
      empty_sources.push_back(fmt::format("api.postman file {} holds no request", path));
    merge_recorded(ops, std::move(*recorded));
  }
  for (const auto& text : api.endpoints) {
    auto op = LG_TRY(analyze::parse_endpoint(text));
    if (find_operation(ops, op.method, op.path) == nullptr)
      ops.push_back(std::move(op));
  }
  for (auto& op : ops)
    for (auto& p : op.params)
      if (std::any_of(api.object_refs.begin(), api.object_refs.end(),
                      [&](const std::string& name) { return iequals(name, p.name); }))
        p.object_ref = true;
  if (ops.empty()) {
    std::string message =
        "no API description: set api.openapi, api.har, api.postman or api.endpoints";
    for (const auto& note : empty_sources)
      message += fmt::format("; {}", note);
    return unexpected(ErrorKind::config, message);
  }
  return ops;
}

Expected<PageSession> page_session(Context& context) {
  const auto& config = context.config();
  PageSession out;
  out.seen_as = "without a session";
  const std::string as = config.perf.lcp_as.empty() && !config.accounts.empty()
                             ? config.accounts.front().name
                             : config.perf.lcp_as;
  if (as.empty())
    return out;
  auto session = context.session(as);
  if (!session)
    return unexpected(session.error().kind, fmt::format("as {}: {}", as, session.error().message));
  const bool https = config.target.base_url.starts_with("https:");
  for (const auto& [name, value] : (*session)->credentials().cookies) {
    net::BrowserCookie cookie;
    cookie.name = name;
    cookie.value = value;
    cookie.secure = https;
    out.cookies.push_back(std::move(cookie));
  }
  out.seen_as = out.cookies.empty() ? fmt::format("without a session ({} signs in with a token, "
                                                  "which a page carries in its own script)",
                                                  as)
                                    : "as " + as;
  return out;
}

CheckResult passed(const CheckMeta& meta, std::string summary, nlohmann::json measurements) {
  CheckResult r;
  r.meta = meta;
  r.status = Status::pass;
  r.reason = std::move(summary);
  r.measurements = std::move(measurements);
  return r;
}

CheckResult failed(const CheckMeta& meta, std::vector<Finding> findings, bool serious,
                   std::string summary) {
  CheckResult r;
  r.meta = meta;
  r.status = serious ? Status::fail : Status::warn;
  r.reason = std::move(summary);
  r.findings = std::move(findings);
  return r;
}

CheckResult skipped(const CheckMeta& meta, SkipKind kind, std::string reason) {
  CheckResult r;
  r.meta = meta;
  r.status = Status::skip;
  r.skip_kind = kind;
  r.reason = std::move(reason);
  return r;
}

CheckResult errored(const CheckMeta& meta, std::string reason) {
  CheckResult r;
  r.meta = meta;
  r.status = Status::error;
  r.reason = std::move(reason);
  return r;
}

} // namespace lg::engine
