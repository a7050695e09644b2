// The run context of the checks: one guarded client per run, sessions per account, the API
// description loaded once from a file or from the target, and result constructors.

#include "engine/context.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace lg::engine {

Context::Context(const Config& config, Services services, RunOptions options)
    : m_config(config), m_options(std::move(options)),
      m_http(
          services.http, services.clock,
          GuardLimits{config.target.scope, config.target.max_rps, config.target.max_requests, 5}) {
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

Expected<std::vector<analyze::Operation>> Context::load_operations() {
  std::vector<analyze::Operation> ops;
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
      std::string path = m_config.resolve_path(api.openapi);
      std::ifstream in(path, std::ios::binary);
      if (!in)
        return unexpected(ErrorKind::io, fmt::format("cannot read api.openapi file {}", path));
      std::stringstream ss;
      ss << in.rdbuf();
      text = ss.str();
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
  for (const auto& text : api.endpoints) {
    auto op = LG_TRY(analyze::parse_endpoint(text));
    bool known = std::any_of(ops.begin(), ops.end(), [&](const analyze::Operation& o) {
      return o.method == op.method && o.path == op.path;
    });
    if (!known)
      ops.push_back(std::move(op));
  }
  if (ops.empty())
    return unexpected(ErrorKind::config, "no API description: set api.openapi or api.endpoints");
  return ops;
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
