// Loads launchgate.yaml (DESIGN.md "Config contract") with yaml-cpp: ${ENV} interpolation on
// every scalar, a declarative key schema that rejects unknown keys and wrong shapes, and every
// problem collected with file:line before the load fails.

#include "core/config.hpp"

#include "core/guard.hpp"
#include "net/resolver.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

namespace lg {
namespace {

// ---- the schema -------------------------------------------------------------------------------

enum class Kind {
  string,      ///< a scalar
  number,      ///< a scalar that parses as a number
  boolean,     ///< true/false
  string_list, ///< a sequence of scalars
  map,         ///< a mapping with the listed children only
  map_list,    ///< a sequence of mappings with the listed children only
  any,         ///< anything (JSON bodies, expectations)
  string_map,  ///< a mapping of free keys to scalars
};

struct Key {
  std::string name;
  Kind kind;
  std::vector<Key> children = {};
  bool required = false;
};

std::vector<Key> recipe_keys(bool with_token) {
  std::vector<Key> keys = {{"method", Kind::string},
                           {"path", Kind::string, {}, true},
                           {"json", Kind::any},
                           {"form", Kind::string_map},
                           {"headers", Kind::string_map}};
  if (with_token)
    keys.push_back({"token", Kind::string});
  return keys;
}

/// `accounts[].login`: a request recipe, `basic` or `api_key`; build_login() checks that exactly
/// one style is given and that a request has its `path`.
std::vector<Key> login_keys() {
  auto keys = recipe_keys(true);
  for (auto& key : keys)
    key.required = false;
  keys.push_back({"csrf",
                  Kind::map,
                  {{"page", Kind::string}, {"field", Kind::string}, {"header", Kind::string}}});
  keys.push_back({"basic",
                  Kind::map,
                  {{"username", Kind::string, {}, true}, {"password", Kind::string, {}, true}}});
  keys.push_back(
      {"api_key",
       Kind::map,
       {{"header", Kind::string}, {"query", Kind::string}, {"value", Kind::string, {}, true}}});
  keys.push_back({"check", Kind::string});
  return keys;
}

const std::vector<Key>& schema() {
  static const std::vector<Key> k_keys = {
      {"target",
       Kind::map,
       {{"base_url", Kind::string, {}, true},
        {"scope", Kind::string_list},
        {"max_rps", Kind::number},
        {"timeout", Kind::string},
        {"max_requests", Kind::number},
        {"max_response_kb", Kind::number}},
       true},
      {"accounts",
       Kind::map_list,
       {{"name", Kind::string, {}, true},
        {"org", Kind::string, {}, true},
        {"role", Kind::string, {}, true},
        {"email", Kind::string},
        {"login", Kind::map, login_keys(), true}}},
      {"api",
       Kind::map,
       {{"openapi", Kind::string},
        {"har", Kind::string},
        {"postman", Kind::string},
        {"endpoints", Kind::string_list},
        {"admin_only", Kind::string_list},
        {"public", Kind::string_list},
        {"shared", Kind::string_list},
        {"object_refs", Kind::string_list}}},
      {"auth",
       Kind::map,
       {{"logout", Kind::map, recipe_keys(false)},
        {"reset_request", Kind::map, recipe_keys(false)},
        {"reset_confirm", Kind::map, recipe_keys(false)},
        {"reset_token", Kind::string},
        {"reset_expiry", Kind::string},
        {"invite", Kind::map, recipe_keys(false)},
        {"invite_as", Kind::string},
        {"invite_accept", Kind::map, recipe_keys(false)},
        {"invite_token", Kind::string},
        {"invite_expiry", Kind::string},
        {"session_max", Kind::string},
        {"idle_timeout", Kind::string},
        {"login_burst", Kind::number}}},
      {"mail",
       Kind::map,
       {{"smtp_sink", Kind::string},
        {"command", Kind::string},
        {"wait", Kind::string},
        {"max_message_kb", Kind::number}}},
      {"actions",
       Kind::map_list,
       {{"name", Kind::string, {}, true},
        {"method", Kind::string},
        {"path", Kind::string},
        {"json", Kind::any},
        {"form", Kind::string_map},
        {"headers", Kind::string_map},
        {"as", Kind::string},
        {"login", Kind::boolean},
        {"weight", Kind::number},
        {"vars", Kind::any}}},
      {"perf",
       Kind::map,
       {{"p95_ms", Kind::number},
        {"users", Kind::number},
        {"think_time", Kind::string},
        {"rate", Kind::number},
        {"duration", Kind::string},
        {"warmup", Kind::string},
        {"threads", Kind::number},
        {"max_requests", Kind::number},
        {"lcp_ms", Kind::number},
        {"lcp_runs", Kind::number},
        {"lcp_as", Kind::string},
        {"cpu_slowdown", Kind::number},
        {"network",
         Kind::map,
         {{"latency", Kind::string},
          {"download_kbps", Kind::number},
          {"upload_kbps", Kind::number}}}}},
      {"pages", Kind::string_list},
      {"domain",
       Kind::map,
       {{"names", Kind::string_list},
        {"http_port", Kind::number},
        {"ca_file", Kind::string},
        {"expect", Kind::any},
        {"nameservers", Kind::string_list},
        {"nameserver_port", Kind::number}}},
      {"email", Kind::map, {{"domain", Kind::string}, {"dkim_selectors", Kind::string_list}}},
      {"edge",
       Kind::map,
       {{"origin", Kind::any},
        {"rate_limit", Kind::map,
         [] {
           auto keys = recipe_keys(false);
           keys.push_back({"burst", Kind::number});
           keys.push_back({"rps", Kind::number});
           return keys;
         }()}}},
      {"dns",
       Kind::map,
       {{"server", Kind::string}, {"zone_file", Kind::string}, {"origin", Kind::string}}},
      {"secrets",
       Kind::map,
       {{"paths", Kind::string_list},
        {"repo", Kind::string},
        {"history", Kind::boolean},
        {"rules", Kind::string},
        {"baseline", Kind::string},
        {"allow_paths", Kind::string_list},
        {"build", Kind::string_list},
        {"logs", Kind::string_list}}},
      {"logs",
       Kind::map,
       {{"files", Kind::string_list},
        {"command", Kind::string},
        {"error_request", Kind::map, recipe_keys(false)},
        {"wait", Kind::string}}},
      {"monitor",
       Kind::map,
       {{"interval", Kind::string},
        {"timeout", Kind::string},
        {"checks",
         Kind::map_list,
         {{"name", Kind::string, {}, true},
          {"url", Kind::string},
          {"method", Kind::string},
          {"as", Kind::string},
          {"headers", Kind::string_map},
          {"dns", Kind::string},
          {"type", Kind::string},
          {"tls", Kind::string},
          {"expect", Kind::string},
          {"interval", Kind::string},
          {"timeout", Kind::string}}},
        {"alerts",
         Kind::map,
         {{"failure_threshold", Kind::number},
          {"success_threshold", Kind::number},
          {"reminder", Kind::string},
          {"slow", Kind::map, {{"latency", Kind::string}, {"count", Kind::number}}},
          {"spike", Kind::map, {{"share", Kind::number}, {"window", Kind::string}}},
          {"webhook", Kind::string},
          {"slack", Kind::string},
          {"email",
           Kind::map,
           {{"smtp", Kind::string, {}, true},
            {"tls", Kind::string},
            {"username", Kind::string},
            {"password", Kind::string},
            {"from", Kind::string, {}, true},
            {"to", Kind::string_list, {}, true}}}}},
        {"maintenance",
         Kind::map_list,
         {{"from", Kind::string, {}, true},
          {"to", Kind::string, {}, true},
          {"weekly", Kind::string}}},
        {"retention", Kind::map, {{"results", Kind::string}, {"incidents", Kind::string}}},
        {"store", Kind::string},
        {"listen", Kind::string},
        {"title", Kind::string},
        {"status_url", Kind::string},
        {"health", Kind::string}}},
      {"deploy",
       Kind::map,
       {{"repo", Kind::string},
        {"build", Kind::string},
        {"test", Kind::string},
        {"migrate", Kind::string},
        {"rollback", Kind::string},
        {"run_rollback", Kind::boolean},
        {"env", Kind::string_list},
        {"env_files", Kind::string_list},
        {"env_example", Kind::string},
        {"staging_env", Kind::string},
        {"production_env", Kind::string},
        {"reads", Kind::string_list},
        {"artifacts", Kind::string_list},
        {"build_twice", Kind::boolean},
        {"timeout", Kind::string}}},
      {"handover",
       Kind::map,
       {{"owners", Kind::string_list},
        {"approver", Kind::string},
        {"support", Kind::string},
        {"secrets", Kind::string},
        {"notes", Kind::string}}},
  };
  return k_keys;
}

// ---- validation -------------------------------------------------------------------------------

class Validator {
public:
  std::vector<ConfigProblem> problems;

  std::vector<ConfigProblem> sorted() const {
    auto out = problems;
    std::stable_sort(out.begin(), out.end(), [](const ConfigProblem& a, const ConfigProblem& b) {
      return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    return out;
  }

  void add(const YAML::Node& node, std::string message) {
    auto mark = node.Mark();
    problems.push_back(
        {std::max(mark.line + 1, 1), std::max(mark.column + 1, 1), std::move(message)});
  }

  void check_map(const YAML::Node& node, const std::vector<Key>& keys, const std::string& where) {
    if (!node.IsMap()) {
      add(node, fmt::format("{} must be a mapping", where));
      return;
    }
    for (const auto& kv : node) {
      std::string name = kv.first.Scalar();
      auto key =
          std::find_if(keys.begin(), keys.end(), [&](const Key& k) { return k.name == name; });
      if (key == keys.end()) {
        std::string known;
        for (const auto& k : keys) {
          if (!known.empty())
            known += ", ";
          known += k.name;
        }
        add(kv.first,
            fmt::format("unknown key '{}' in {} (expected one of: {})", name, where, known));
        continue;
      }
      check_value(kv.second, *key, where == "the file" ? name : fmt::format("{}.{}", where, name));
    }
    for (const auto& k : keys)
      if (k.required && !node[k.name])
        add(node, fmt::format("{} is missing the required key '{}'", where, k.name));
  }

  void check_value(const YAML::Node& node, const Key& key, const std::string& where) {
    switch (key.kind) {
    case Kind::string:
      if (!node.IsScalar())
        add(node, fmt::format("{} must be a string", where));
      break;
    case Kind::number:
      if (!node.IsScalar() || !is_number(node.Scalar()))
        add(node, fmt::format("{} must be a number", where));
      break;
    case Kind::boolean:
      if (!node.IsScalar() || (node.Scalar() != "true" && node.Scalar() != "false"))
        add(node, fmt::format("{} must be true or false", where));
      break;
    case Kind::string_list:
      if (!node.IsSequence()) {
        add(node, fmt::format("{} must be a list of strings", where));
        break;
      }
      for (const auto& item : node)
        if (!item.IsScalar())
          add(item, fmt::format("{} must hold only strings", where));
      break;
    case Kind::map:
      check_map(node, key.children, where);
      break;
    case Kind::map_list:
      if (!node.IsSequence()) {
        add(node, fmt::format("{} must be a list of mappings", where));
        break;
      }
      for (size_t i = 0; i < node.size(); ++i)
        check_map(node[i], key.children, fmt::format("{}[{}]", where, i));
      break;
    case Kind::string_map:
      if (!node.IsMap()) {
        add(node, fmt::format("{} must be a mapping of strings", where));
        break;
      }
      for (const auto& kv : node)
        if (!kv.second.IsScalar())
          add(kv.second, fmt::format("{}.{} must be a string", where, kv.first.Scalar()));
      break;
    case Kind::any:
      break;
    }
  }

  static bool is_number(const std::string& s) {
    if (s.empty())
      return false;
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    return end == s.c_str() + s.size() && std::isfinite(v);
  }
};

// ---- a first pass over the events: aliases, duplicate keys, depth
// --------------------------------

/// Refuses what the tree API would silently accept or expand without bound: aliases (an alias
/// bomb expands to gigabytes; a cyclic one recurses forever), duplicate keys (yaml-cpp keeps one
/// of them silently), and nesting deeper than 64 levels.
class Scanner final : public YAML::EventHandler {
public:
  std::vector<ConfigProblem> problems;

  void OnDocumentStart(const YAML::Mark& /*mark*/) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t /*anchor*/) override { node(mark, ""); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t /*anchor*/) override {
    add(mark, "anchors and aliases (*name) are not supported: write the value out");
    node(mark, "");
  }
  void OnScalar(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                const std::string& value) override {
    node(mark, value);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/,
                       YAML::anchor_t /*anchor*/, YAML::EmitterStyle::value /*style*/) override {
    node(mark, "");
    open(mark, false);
  }
  void OnSequenceEnd() override { m_stack.pop_back(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                  YAML::EmitterStyle::value /*style*/) override {
    node(mark, "");
    open(mark, true);
  }
  void OnMapEnd() override { m_stack.pop_back(); }

private:
  struct Level {
    bool map = false;
    bool expect_key = true;
    std::set<std::string> keys;
  };

  void add(const YAML::Mark& mark, std::string message) {
    if (problems.size() < 50)
      problems.push_back(
          {std::max(mark.line + 1, 1), std::max(mark.column + 1, 1), std::move(message)});
  }
  void open(const YAML::Mark& mark, bool map) {
    if (m_stack.size() == 64)
      add(mark, "nesting deeper than 64 levels");
    m_stack.push_back(Level{map, true, {}});
  }
  void node(const YAML::Mark& mark, const std::string& scalar) {
    if (m_stack.empty() || !m_stack.back().map)
      return;
    auto& level = m_stack.back();
    if (level.expect_key && !level.keys.insert(scalar).second)
      add(mark, fmt::format("duplicate key '{}'", scalar));
    level.expect_key = !level.expect_key;
  }

  std::vector<Level> m_stack;
};

/// Problems of the first pass; syntax errors are left to YAML::Load, which reports them.
std::vector<ConfigProblem> scan_yaml(const std::string& text) {
  std::istringstream in(text);
  Scanner scanner;
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(scanner)) {
    }
  } catch (const YAML::Exception&) {
  }
  return scanner.problems;
}

// ---- interpolation and conversion -------------------------------------------------------------

void interpolate_tree(YAML::Node node, Validator& v) {
  if (node.IsScalar()) {
    std::vector<std::string> missing;
    std::string out = interpolate_env(node.Scalar(), missing);
    for (const auto& name : missing)
      v.add(node, fmt::format("environment variable {} is not set", name));
    if (out != node.Scalar()) {
      node = out;
      node.SetTag("!"); // a value from the environment is a string, whatever it looks like
    }
    return;
  }
  if (node.IsSequence()) {
    for (auto item : node)
      interpolate_tree(item, v);
  } else if (node.IsMap()) {
    for (auto kv : node)
      interpolate_tree(kv.second, v);
  }
}

nlohmann::json to_json(const YAML::Node& node) {
  if (node.IsMap()) {
    auto out = nlohmann::json::object();
    for (const auto& kv : node)
      out[kv.first.Scalar()] = to_json(kv.second);
    return out;
  }
  if (node.IsSequence()) {
    auto out = nlohmann::json::array();
    for (const auto& item : node)
      out.push_back(to_json(item));
    return out;
  }
  if (!node.IsScalar())
    return nullptr;
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") // quoted: always a string
    return s;
  if (s == "true" || s == "false")
    return s == "true";
  if (s == "null" || s == "~")
    return nullptr;
  if (Validator::is_number(s)) {
    char* end = nullptr;
    long long i = std::strtoll(s.c_str(), &end, 10);
    if (end == s.c_str() + s.size())
      return i;
    return std::strtod(s.c_str(), nullptr);
  }
  return s;
}

/// True when the mapping `node` has `key`.
bool has(const YAML::Node& node, const char* key) {
  return node && node.IsMap() && node[key].IsDefined();
}

/// The child `key` of a mapping, or a null node: never the throwing "invalid node".
YAML::Node get(const YAML::Node& node, const char* key) {
  if (!node || !node.IsMap())
    return YAML::Node();
  YAML::Node child = node[key];
  return child ? child : YAML::Node();
}

std::vector<std::string> strings(const YAML::Node& node) {
  std::vector<std::string> out;
  if (node && node.IsSequence())
    for (const auto& item : node)
      out.push_back(item.Scalar());
  return out;
}

std::string scalar(const YAML::Node& node, const std::string& fallback = "") {
  return node && node.IsScalar() ? node.Scalar() : fallback;
}

RequestRecipe recipe(const YAML::Node& node) {
  RequestRecipe r;
  r.method = to_upper(scalar(get(node, "method"), "POST"));
  r.path = scalar(get(node, "path"));
  if (has(node, "json"))
    r.json = to_json(get(node, "json"));
  if (has(node, "form"))
    for (const auto& kv : get(node, "form"))
      r.form[kv.first.Scalar()] = kv.second.Scalar();
  if (has(node, "headers"))
    for (const auto& kv : get(node, "headers"))
      r.headers[kv.first.Scalar()] = kv.second.Scalar();
  return r;
}

/// "10s", "500ms", "2m" or a bare number of seconds, in milliseconds; -1 when malformed.
long long parse_duration_ms(const std::string& s) {
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || !std::isfinite(v) || v < 0)
    return -1;
  std::string unit = std::string(trim(end));
  double factor = unit == "ms"                  ? 1
                  : unit == "s" || unit.empty() ? 1000
                  : unit == "m"                 ? 60000
                  : unit == "h"                 ? 3600000
                  : unit == "d"                 ? 86400000
                                                : -1;
  if (factor < 0)
    return -1;
  return static_cast<long long>(v * factor);
}

/// True when `pattern` is a valid RE (ECMAScript) with at least one capture group.
bool regex_has_group(const std::string& pattern) {
  try {
    return std::regex(pattern).mark_count() >= 1;
  } catch (const std::regex_error&) {
    return false;
  }
}

/// True for "IPv4:port" or "[IPv6]:port" with a port from 0 to 65535.
bool valid_listen_address(const std::string& text) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    return false;
  std::string host = text.substr(0, colon);
  std::string port = text.substr(colon + 1);
  if (port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char ch) { return ch >= '0' && ch <= '9'; }) ||
      std::stol(port) > 65535)
    return false;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    unsigned char buf[16];
    return inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), buf) == 1;
  }
  unsigned char buf[4];
  return inet_pton(AF_INET, host.c_str(), buf) == 1;
}

/// True when `name` is an HTTP header name (RFC 9110 token).
bool is_header_name(std::string_view name) {
  static constexpr std::string_view k_punct = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           k_punct.find(ch) != std::string_view::npos;
  });
}

/// A section that names at most one of two sources: an address (a literal IP and a port) or
/// something else (a command, a file).
struct SourceKeys {
  const char* section;
  const char* address_key;
  const char* other_key;
  const char* example;     ///< addresses for the message
  const char* empty_other; ///< the message for an empty `other_key`
};

void one_source(const YAML::Node& node, const SourceKeys& keys, std::string& address,
                std::string& other, Validator& v) {
  address = std::string(trim(scalar(get(node, keys.address_key))));
  other = std::string(trim(scalar(get(node, keys.other_key))));
  if (!address.empty() && !other.empty())
    v.add(get(node, keys.other_key), fmt::format("{}: give {} or {}, not both", keys.section,
                                                 keys.address_key, keys.other_key));
  if (has(node, keys.address_key) && !valid_listen_address(address))
    v.add(get(node, keys.address_key),
          fmt::format("{}.{} must be host:port with a literal IP, e.g. {}", keys.section,
                      keys.address_key, keys.example));
  if (has(node, keys.other_key) && other.empty())
    v.add(get(node, keys.other_key), keys.empty_other);
}

/// `text` as a DNS host name: lower case, without a trailing dot, labels of letters, digits, '-'
/// and '_' (1 to 63 characters each, 253 in all). Empty when it is not one.
std::string host_name(std::string_view text) {
  std::string name = to_lower(trim(text));
  if (!name.empty() && name.back() == '.')
    name.pop_back();
  if (name.empty() || name.size() > 253)
    return "";
  size_t label = 0;
  for (char ch : name) {
    if (ch == '.') {
      if (label == 0)
        return "";
      label = 0;
      continue;
    }
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
    if (!ok || ++label > 63)
      return "";
  }
  return label == 0 ? "" : name;
}

/// `email:` and `domain:`.
void build_email_domain(const YAML::Node& root, Config& c, Validator& v) {
  const auto& email = get(root, "email");
  if (has(email, "domain")) {
    c.email.domain = host_name(scalar(get(email, "domain")));
    if (c.email.domain.empty())
      v.add(get(email, "domain"), "email.domain must be a domain name, e.g. example.com");
  }
  for (const auto& selector : strings(get(email, "dkim_selectors"))) {
    std::string s = host_name(selector);
    if (s.empty())
      v.add(get(email, "dkim_selectors"),
            fmt::format("email.dkim_selectors: '{}' is not a selector (labels of letters, digits, "
                        "'-' and '_')",
                        selector));
    else
      c.email.dkim_selectors.push_back(s);
  }

  const auto& domain = get(root, "domain");
  for (const auto& entry : strings(get(domain, "names"))) {
    DomainName name;
    std::string host = entry;
    if (auto colon = entry.rfind(':'); colon != std::string::npos) {
      host = entry.substr(0, colon);
      std::string port = entry.substr(colon + 1);
      char* end = nullptr;
      long n = std::strtol(port.c_str(), &end, 10);
      if (port.empty() || *end != '\0' || n < 1 || n > 65535) {
        v.add(get(domain, "names"),
              fmt::format("domain.names: '{}' must be host or host:port (1-65535)", entry));
        continue;
      }
      name.https_port = static_cast<int>(n);
    }
    name.host = host_name(host);
    if (name.host.empty())
      v.add(get(domain, "names"), fmt::format("domain.names: '{}' is not a host name", entry));
    else
      c.domain.names.push_back(name);
  }
  for (auto [key, out] : {std::pair{"http_port", &c.domain.http_port},
                          std::pair{"nameserver_port", &c.domain.nameserver_port}}) {
    if (!has(domain, key))
      continue;
    double n = std::strtod(scalar(get(domain, key)).c_str(), nullptr);
    if (n < 1 || n > 65535 || n != std::floor(n))
      v.add(get(domain, key), fmt::format("domain.{} must be a port (1-65535)", key));
    else
      *out = static_cast<int>(n);
  }
  c.domain.ca_file = std::string(trim(scalar(get(domain, "ca_file"))));
  if (has(domain, "ca_file") && c.domain.ca_file.empty())
    v.add(get(domain, "ca_file"), "domain.ca_file must name a PEM file (relative to the config)");
  for (const auto& ns : strings(get(domain, "nameservers"))) {
    std::string n = host_name(ns);
    if (n.empty())
      v.add(get(domain, "nameservers"),
            fmt::format("domain.nameservers: '{}' is not a host name", ns));
    else
      c.domain.nameservers.push_back(n);
  }
  if (!has(domain, "expect"))
    return;
  const auto& expect = get(domain, "expect");
  if (!expect.IsMap()) {
    v.add(expect, "domain.expect must map names to {a: [...], aaaa: [...], cname: name}");
    return;
  }
  for (const auto& kv : expect) {
    std::string host = host_name(kv.first.Scalar());
    const auto& spec = kv.second;
    if (host.empty()) {
      v.add(kv.first, fmt::format("domain.expect: '{}' is not a host name", kv.first.Scalar()));
      continue;
    }
    if (!spec.IsMap()) {
      v.add(spec, fmt::format("domain.expect.{} must be a map with a, aaaa or cname", host));
      continue;
    }
    DomainExpectation e;
    for (const auto& item : spec) {
      std::string key = item.first.Scalar();
      if (key == "a" || key == "aaaa") {
        std::vector<std::string> list = item.second.IsScalar()
                                            ? std::vector<std::string>{item.second.Scalar()}
                                            : strings(item.second);
        unsigned char buf[16];
        for (const auto& address : list) {
          if (inet_pton(key == "a" ? AF_INET : AF_INET6, address.c_str(), buf) != 1)
            v.add(item.second, fmt::format("domain.expect.{}.{}: '{}' is not an {} address", host,
                                           key, address, key == "a" ? "IPv4" : "IPv6"));
          (key == "a" ? e.a : e.aaaa).push_back(address);
        }
      } else if (key == "cname") {
        e.cname = host_name(scalar(item.second));
        if (e.cname.empty())
          v.add(item.second, fmt::format("domain.expect.{}.cname must be a host name", host));
      } else {
        v.add(item.first,
              fmt::format("domain.expect.{}: unknown key '{}' (a, aaaa, cname)", host, key));
      }
    }
    if (!e.cname.empty() && (!e.a.empty() || !e.aaaa.empty()))
      v.add(spec, fmt::format("domain.expect.{}: a CNAME excludes addresses; give one or the "
                              "other",
                              host));
    c.domain.expect[host] = std::move(e);
  }
}

/// `edge:`: the origin's literal addresses and the rate-limit burst (a recipe plus burst and rps).
void build_edge(const YAML::Node& root, Config& c, Validator& v) {
  const auto& edge = get(root, "edge");
  if (has(edge, "origin")) {
    const auto& origin = get(edge, "origin");
    std::vector<std::string> list =
        origin.IsScalar() ? std::vector<std::string>{origin.Scalar()} : strings(origin);
    if (!origin.IsScalar() && (!origin.IsSequence() || list.empty()))
      v.add(origin, "edge.origin must be an IP address or a list of them, e.g. 203.0.113.7");
    if (list.size() > 16)
      v.add(origin, "edge.origin lists more than 16 addresses");
    for (const auto& entry : list) {
      std::string address(trim(entry));
      unsigned char buf[16];
      if (inet_pton(AF_INET, address.c_str(), buf) != 1 &&
          inet_pton(AF_INET6, address.c_str(), buf) != 1)
        v.add(origin, fmt::format("edge.origin: '{}' is not a literal IPv4 or IPv6 address (the "
                                  "origin server's own address, not a name)",
                                  entry));
      else if (c.edge.origins.size() < 16)
        c.edge.origins.push_back(address);
    }
  }
  if (!has(edge, "rate_limit"))
    return;
  const auto& node = get(edge, "rate_limit");
  EdgeRateLimit limit;
  limit.request = recipe(node);
  limit.rps = std::min(c.target.max_rps, 100.0);
  if (has(node, "burst")) {
    double n = std::strtod(scalar(get(node, "burst")).c_str(), nullptr);
    if (n < 5 || n > 500 || n != std::floor(n))
      v.add(get(node, "burst"), "edge.rate_limit.burst must be a whole number from 5 to 500");
    else
      limit.burst = static_cast<int>(n);
  }
  if (has(node, "rps")) {
    double n = std::strtod(scalar(get(node, "rps")).c_str(), nullptr);
    if (!(n > 0) || n > 100)
      v.add(get(node, "rps"), "edge.rate_limit.rps must be above 0 and at most 100");
    else
      limit.rps = n;
  }
  if (!limit.request.path.starts_with("/"))
    v.add(get(node, "path"), "edge.rate_limit.path must be a path on the target, e.g. /api/login");
  c.edge.rate_limit = std::move(limit);
}

/// `login`: exactly one style — a request (method, path, json|form, token, csrf), basic or
/// api_key — with what that style needs. Messages never show a value: it may be a secret.
/// `actions:` and `perf:`.
void build_perf(const YAML::Node& root, Config& c, Validator& v) {
  if (has(root, "actions"))
    for (const auto& a : get(root, "actions")) {
      ActionConfig action;
      action.name = scalar(get(a, "name"));
      action.request = recipe(a);
      action.request.method = to_upper(scalar(get(a, "method"), "GET"));
      action.as = scalar(get(a, "as"));
      action.login = scalar(get(a, "login")) == "true";
      if (action.login) {
        if (has(a, "path") || has(a, "method") || has(a, "json") || has(a, "form"))
          v.add(get(a, "login"), fmt::format("actions: '{}' is the account's login: it takes no "
                                             "method, path or body of its own",
                                             action.name));
      } else if (action.request.path.empty() || action.request.path.front() != '/') {
        v.add(get(a, "path"),
              fmt::format("actions: '{}' needs a path starting with /", action.name));
      }
      if (has(a, "weight")) {
        double w = std::strtod(scalar(get(a, "weight")).c_str(), nullptr);
        if (!(w > 0 && w <= 1000))
          v.add(get(a, "weight"),
                fmt::format("actions: '{}' needs a weight above 0 and at most 1000", action.name));
        else
          action.weight = w;
      }
      if (has(a, "vars")) {
        const auto& vars = get(a, "vars");
        if (!vars.IsMap())
          v.add(vars, fmt::format("actions: '{}': vars must map template names to lists of "
                                  "values, e.g. {{term: [invoice, report]}}",
                                  action.name));
        else
          for (const auto& kv : vars) {
            auto values = kv.second.IsScalar() ? std::vector<std::string>{kv.second.Scalar()}
                                               : strings(kv.second);
            if (values.empty() || !(kv.second.IsScalar() || kv.second.IsSequence()))
              v.add(kv.second, fmt::format("actions: '{}': vars.{} needs one value or a list",
                                           action.name, kv.first.Scalar()));
            else
              action.vars[kv.first.Scalar()] = std::move(values);
          }
      }
      if (!action.as.empty() &&
          std::none_of(c.accounts.begin(), c.accounts.end(),
                       [&](const Account& acc) { return acc.name == action.as; }))
        v.add(get(a, "as"), fmt::format("actions: '{}' runs as '{}', which is no configured "
                                        "account",
                                        action.name, action.as));
      for (const auto& other : c.actions)
        if (other.name == action.name)
          v.add(get(a, "name"), fmt::format("action name '{}' is used twice", action.name));
      c.actions.push_back(std::move(action));
    }
  const auto& perf = get(root, "perf");
  const auto number = [&](const char* key, double low, double high, const char* what) {
    double n = std::strtod(scalar(get(perf, key)).c_str(), nullptr);
    if (n < low || n > high || std::isnan(n)) {
      v.add(get(perf, key), fmt::format("perf.{} must be {}", key, what));
      return std::optional<double>();
    }
    return std::optional<double>(n);
  };
  if (has(perf, "p95_ms"))
    if (auto n = number("p95_ms", 1, 600000, "a number of milliseconds from 1 to 600000"))
      c.perf.p95_ms = *n;
  if (has(perf, "users"))
    if (auto n = number("users", 1, 10000, "a whole number of users from 1 to 10000"))
      c.perf.users = static_cast<int>(*n);
  if (has(perf, "rate"))
    if (auto n = number("rate", 0, 1000000, "requests per second, 0 to 1000000"))
      c.perf.rate = *n;
  if (has(perf, "threads"))
    if (auto n = number("threads", 1, 64, "from 1 to 64"))
      c.perf.threads = static_cast<int>(*n);
  if (has(perf, "max_requests"))
    if (auto n = number("max_requests", 0, 1e12, "a number of requests, 0 for no bound"))
      c.perf.max_requests = static_cast<long long>(*n);
  if (has(perf, "lcp_ms"))
    if (auto n = number("lcp_ms", 1, 600000, "a number of milliseconds from 1 to 600000"))
      c.perf.lcp_ms = *n;
  if (has(perf, "lcp_runs"))
    if (auto n = number("lcp_runs", 3, 50, "a whole number of measured visits from 3 to 50"))
      c.perf.lcp_runs = static_cast<int>(*n);
  if (has(perf, "cpu_slowdown"))
    if (auto n = number("cpu_slowdown", 1, 20, "a CPU slowdown factor from 1 (none) to 20"))
      c.perf.cpu_slowdown = *n;
  c.perf.lcp_as = scalar(get(perf, "lcp_as"));
  if (!c.perf.lcp_as.empty() &&
      std::none_of(c.accounts.begin(), c.accounts.end(),
                   [&](const Account& acc) { return acc.name == c.perf.lcp_as; }))
    v.add(get(perf, "lcp_as"),
          fmt::format("perf.lcp_as: '{}' is no configured account", c.perf.lcp_as));
  const auto& network = get(perf, "network");
  for (auto [key, out] : {std::pair{"download_kbps", &c.perf.network.download_kbps},
                          std::pair{"upload_kbps", &c.perf.network.upload_kbps}})
    if (has(network, key)) {
      double n = std::strtod(scalar(get(network, key)).c_str(), nullptr);
      if (n <= 0 || n > 10e6 || std::isnan(n))
        v.add(get(network, key),
              fmt::format("perf.network.{} must be kilobits per second, above 0", key));
      else
        *out = n;
    }
  for (auto [key, out, low, high] :
       {std::tuple{"think_time", &c.perf.think_time_ms, 1LL, 600000LL},
        std::tuple{"duration", &c.perf.duration_ms, 100LL, 86400000LL},
        std::tuple{"warmup", &c.perf.warmup_ms, 0LL, 3600000LL},
        std::tuple{"network.latency", &c.perf.network.latency_ms, 0LL, 60000LL}}) {
    const bool in_network = std::string_view(key) == "network.latency";
    const auto& parent = in_network ? network : perf;
    const char* name = in_network ? "latency" : key;
    if (!has(parent, name))
      continue;
    const YAML::Node node = get(parent, name);
    long long ms = parse_duration_ms(scalar(node));
    if (ms < low || ms > high)
      v.add(node, fmt::format("perf.{} must be a duration like 30s or 500ms, from {} ms to {} ms",
                              key, low, high));
    else
      *out = ms;
  }
}

void build_login(const YAML::Node& login, Account& acc, Validator& v) {
  std::string request_key;
  for (const char* key : {"path", "method", "json", "form", "headers", "token", "csrf"})
    if (request_key.empty() && has(login, key))
      request_key = key;
  std::vector<std::string> styles;
  if (!request_key.empty())
    styles.push_back(fmt::format("'{}' (a login request)", request_key));
  for (const char* key : {"basic", "api_key"})
    if (has(login, key))
      styles.push_back(fmt::format("'{}'", key));
  if (styles.size() != 1) {
    v.add(login, styles.empty()
                     ? std::string("login needs one of: a request (path, with json or form), "
                                   "basic: {username, password}, or api_key: {header|query, value}")
                     : fmt::format("login mixes {} and {}: give exactly one of a request (path), "
                                   "basic or api_key",
                                   styles[0], styles[1]));
    return;
  }

  if (!request_key.empty()) {
    acc.login_style = LoginStyle::recipe;
    acc.login = recipe(login);
    if (!has(login, "path"))
      v.add(login, "login is missing the required key 'path' (or give basic: or api_key:)");
    if (has(login, "json") && has(login, "form"))
      v.add(get(login, "form"), "login has both json and form: give one body");
    if (has(login, "check"))
      v.add(get(login, "check"), "login.check is for basic and api_key logins; a login request "
                                 "is judged by its answer");
    acc.token_path = scalar(get(login, "token"));
    if (!acc.token_path.empty() && !acc.token_path.starts_with('$'))
      v.add(get(login, "token"), "login.token must be a JSON path starting with $, like $.token");
    if (has(login, "csrf")) {
      const auto csrf = get(login, "csrf");
      CsrfSource source{scalar(get(csrf, "page"), acc.login.path), scalar(get(csrf, "field")),
                        scalar(get(csrf, "header"))};
      for (const char* key : {"page", "field", "header"})
        if (has(csrf, key) && trim(scalar(get(csrf, key))).empty())
          v.add(get(csrf, key), fmt::format("login.csrf.{} must not be empty", key));
      if (!source.header.empty() && !is_header_name(source.header))
        v.add(get(csrf, "header"), "login.csrf.header must be a header name, like X-CSRF-Token");
      if (!has(login, "form") && source.header.empty())
        v.add(csrf, "login.csrf needs login.form (the token is posted as a form field) or "
                    "csrf.header (the token is sent in that header)");
      acc.csrf = std::move(source);
    }
    return;
  }

  // basic and api_key send nothing to log in; `login` becomes the optional check, a GET.
  acc.login = RequestRecipe{};
  acc.login.method = "GET";
  acc.login.path = scalar(get(login, "check"));
  if (has(login, "check") && trim(acc.login.path).empty())
    v.add(get(login, "check"), "login.check must be a path on the target, like /api/me");
  if (has(login, "basic")) {
    acc.login_style = LoginStyle::basic;
    const auto basic = get(login, "basic");
    acc.basic_username = scalar(get(basic, "username"));
    acc.basic_password = scalar(get(basic, "password"));
    if (acc.basic_username.empty())
      v.add(get(basic, "username"), "login.basic.username is empty");
    else if (acc.basic_username.find(':') != std::string::npos)
      v.add(get(basic, "username"), "login.basic.username cannot contain ':' (RFC 7617)");
    if (acc.basic_password.empty())
      v.add(get(basic, "password"), "login.basic.password is empty");
    return;
  }
  acc.login_style = LoginStyle::api_key;
  const auto key = get(login, "api_key");
  acc.api_key_header = scalar(get(key, "header"));
  acc.api_key_query = scalar(get(key, "query"));
  acc.api_key = scalar(get(key, "value"));
  if (has(key, "header") == has(key, "query"))
    v.add(key, "login.api_key needs exactly one of header (a header name) or query (a query "
               "parameter name)");
  else if (has(key, "header") && !is_header_name(acc.api_key_header))
    v.add(get(key, "header"), "login.api_key.header must be a header name, like X-Api-Key");
  else if (has(key, "query")) {
    // The request log and the evidence show URLs through redact_url(), which hides the values
    // of credential-like parameter names only: any other name would show the key.
    const std::string probe = "launchgate-probe-value";
    if (acc.api_key_query.empty())
      v.add(get(key, "query"), "login.api_key.query must not be empty");
    else if (redact_url(fmt::format("http://h/?{}={}", url_encode(acc.api_key_query), probe))
                 .find(probe) != std::string::npos)
      v.add(get(key, "query"),
            fmt::format("login.api_key.query '{}' would show the key in request logs: launchgate "
                        "redacts only query parameters whose names contain key, token, secret, "
                        "auth, sig, jwt, credential (…); send the key in a header instead",
                        acc.api_key_query));
  }
  if (acc.api_key.empty())
    v.add(get(key, "value"), "login.api_key.value is empty");
}

/// "02:30" as minutes of the day (0..1440, "24:00" allowed); -1 when malformed.
int parse_clock_minutes(std::string_view text) {
  int h = 0, m = 0, consumed = 0;
  std::string t(trim(text));
  if (std::sscanf(t.c_str(), "%2d:%2d%n", &h, &m, &consumed) != 2 ||
      static_cast<size_t>(consumed) != t.size() || h < 0 || m < 0 || m > 59 || h > 24 ||
      (h == 24 && m != 0))
    return -1;
  return h * 60 + m;
}

/// 0 (Sunday) .. 6 for "sun", "sunday", "Mon" …; -1 otherwise.
int parse_weekday(std::string_view text) {
  static constexpr std::array<std::string_view, 7> k_days = {
      "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
  std::string t = to_lower(std::string(trim(text)));
  for (size_t i = 0; i < k_days.size(); ++i)
    if (t.size() >= 3 && k_days[i].starts_with(t))
      return static_cast<int>(i);
  return -1;
}

/// A check name fit for URLs, metric labels and alert subjects.
bool valid_check_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || !std::isalnum(static_cast<unsigned char>(name[0])))
    return false;
  return std::all_of(name.begin(), name.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.';
  });
}

void build_monitor_check(const YAML::Node& node, Config& c, Validator& v) {
  MonitorCheckConfig check;
  check.name = std::string(trim(scalar(get(node, "name"))));
  check.line = node.Mark().line + 1;
  const std::string where = fmt::format("monitor.checks '{}'", check.name);
  if (!valid_check_name(check.name))
    v.add(get(node, "name"), fmt::format("{}: a check's name is 1 to 64 letters, digits, '-', "
                                         "'_' or '.', starting with a letter or digit",
                                         where));
  for (const auto& other : c.monitor.checks)
    if (other.name == check.name)
      v.add(get(node, "name"), fmt::format("monitor check name '{}' is used twice", check.name));
  int kinds = has(node, "url") + has(node, "dns") + has(node, "tls");
  if (kinds != 1)
    v.add(node, fmt::format("{} needs exactly one of url (an HTTP check), dns (a DNS question) "
                            "and tls (a certificate)",
                            where));
  // target.scope, and the names of domain: (the domain gate checks them by name already).
  const auto in_scope = [&](const Url& url) {
    return std::any_of(c.target.scope.begin(), c.target.scope.end(),
                       [&](const std::string& e) { return scope_entry_matches(e, url); }) ||
           std::any_of(c.domain.names.begin(), c.domain.names.end(),
                       [&](const DomainName& n) { return n.host == url.host; });
  };
  if (has(node, "url")) {
    check.type = MonitorCheckType::http;
    std::string url = std::string(trim(scalar(get(node, "url"))));
    if (url.starts_with("/")) {
      auto joined = resolve_url(c.target.base_url, url);
      check.url = joined ? *joined : url;
    } else {
      auto parsed = parse_url(url);
      if (!parsed || (parsed->scheme != "http" && parsed->scheme != "https"))
        v.add(get(node, "url"), fmt::format("{}: url must be a path on the target (/health) or "
                                            "an http:// or https:// URL",
                                            where));
      else if (!in_scope(*parsed))
        v.add(get(node, "url"),
              fmt::format("{}: host '{}' is outside target.scope", where, parsed->host));
      check.url = url;
    }
    check.method = to_upper(scalar(get(node, "method"), "GET"));
    if (check.method != "GET" && check.method != "HEAD")
      v.add(get(node, "method"), fmt::format("{}: a monitor check repeats its request every "
                                             "interval, so it only reads: GET or HEAD",
                                             where));
    check.as = scalar(get(node, "as"));
    if (!check.as.empty() && std::none_of(c.accounts.begin(), c.accounts.end(),
                                          [&](const Account& acc) { return acc.name == check.as; }))
      v.add(get(node, "as"), fmt::format("{}: as '{}' is no configured account", where, check.as));
    for (const auto& kv : get(node, "headers"))
      check.headers[kv.first.Scalar()] = kv.second.Scalar();
  } else {
    for (const char* key : {"method", "as", "headers"})
      if (has(node, key))
        v.add(get(node, key), fmt::format("{}: {} belongs to url checks only", where, key));
  }
  if (has(node, "dns")) {
    check.type = MonitorCheckType::dns;
    check.dns_name = host_name(scalar(get(node, "dns")));
    if (check.dns_name.empty())
      v.add(get(node, "dns"), fmt::format("{}: dns must be a host name", where));
    check.dns_type = to_upper(scalar(get(node, "type"), "A"));
    net::RrType type{};
    if (!net::parse_rr_type(check.dns_type, type))
      v.add(get(node, "type"), fmt::format("{}: type '{}' is no DNS record type this tool asks "
                                           "for (A, AAAA, CNAME, MX, TXT, NS, CAA, SOA)",
                                           where, check.dns_type));
  } else if (has(node, "type")) {
    v.add(get(node, "type"), fmt::format("{}: type belongs to dns checks only", where));
  }
  if (has(node, "tls")) {
    check.type = MonitorCheckType::tls;
    std::string text = std::string(trim(scalar(get(node, "tls"))));
    size_t colon = text.rfind(':');
    std::string host = colon == std::string::npos ? text : text.substr(0, colon);
    if (colon != std::string::npos) {
      std::string port = text.substr(colon + 1);
      char* end = nullptr;
      long n = std::strtol(port.c_str(), &end, 10);
      if (port.empty() || *end != '\0' || n < 1 || n > 65535)
        host.clear();
      else
        check.tls_port = static_cast<int>(n);
    }
    check.tls_host = host_name(host);
    auto parsed = parse_url("https://" + check.tls_host + ":" + std::to_string(check.tls_port));
    if (check.tls_host.empty() || !parsed)
      v.add(get(node, "tls"), fmt::format("{}: tls must be host or host:port", where));
    else if (!in_scope(*parsed))
      v.add(get(node, "tls"),
            fmt::format("{}: host '{}' is outside target.scope", where, check.tls_host));
  }
  if (has(node, "expect")) {
    const auto& e = get(node, "expect");
    check.expect = scalar(e);
    check.expect_line = e.Mark().line + 1;
    check.expect_column = e.Mark().column + 1;
  }
  for (auto [key, out, low, high] : {std::tuple{"interval", &check.interval_ms, 1000LL, 86400000LL},
                                     std::tuple{"timeout", &check.timeout_ms, 100LL, 120000LL}}) {
    if (!has(node, key))
      continue;
    long long ms = parse_duration_ms(scalar(get(node, key)));
    if (ms < low || ms > high)
      v.add(get(node, key),
            fmt::format("{}: {} must be a duration from {} to {}", where, key,
                        low == 1000 ? "1s" : "100ms", high == 86400000 ? "24h" : "2m"));
    else
      *out = ms;
  }
  c.monitor.checks.push_back(std::move(check));
}

void build_monitor(const YAML::Node& root, Config& c, Validator& v) {
  if (!has(root, "monitor"))
    return;
  const auto& m = get(root, "monitor");
  auto& mc = c.monitor;
  mc.present = true;
  const auto duration = [&](const YAML::Node& parent, const char* key, const char* what,
                            long long low, long long high, long long& out) {
    if (!has(parent, key))
      return;
    long long ms = parse_duration_ms(scalar(get(parent, key)));
    if (ms < low || ms > high)
      v.add(get(parent, key), fmt::format("{} must be a duration from {} ms to {} ms, e.g. 60s "
                                          "or 5m",
                                          what, low, high));
    else
      out = ms;
  };
  duration(m, "interval", "monitor.interval", 1000, 86400000, mc.interval_ms);
  duration(m, "timeout", "monitor.timeout", 100, 120000, mc.timeout_ms);
  if (has(m, "checks"))
    for (const auto& node : get(m, "checks"))
      build_monitor_check(node, c, v);

  const auto& a = get(m, "alerts");
  auto& al = mc.alerts;
  for (auto [key, out] : {std::pair{"failure_threshold", &al.failure_threshold},
                          std::pair{"success_threshold", &al.success_threshold}})
    if (has(a, key)) {
      double n = std::strtod(scalar(get(a, key)).c_str(), nullptr);
      if (n < 1 || n > 100 || n != std::floor(n))
        v.add(get(a, key),
              fmt::format("monitor.alerts.{} must be a whole number from 1 to 100", key));
      else
        *out = static_cast<int>(n);
    }
  if (has(a, "reminder") && scalar(get(a, "reminder")) != "0")
    duration(a, "reminder", "monitor.alerts.reminder", 60000, 7LL * 86400000, al.reminder_ms);
  const auto& slow = get(a, "slow");
  if (has(a, "slow")) {
    long long ms = 0;
    duration(slow, "latency", "monitor.alerts.slow.latency", 1, 600000, ms);
    al.slow_ms = static_cast<double>(ms);
    if (!has(slow, "latency"))
      v.add(slow, "monitor.alerts.slow needs latency: the time over which a check is slow");
    if (has(slow, "count")) {
      double n = std::strtod(scalar(get(slow, "count")).c_str(), nullptr);
      if (n < 1 || n > 100 || n != std::floor(n))
        v.add(get(slow, "count"), "monitor.alerts.slow.count must be a whole number from 1 to 100");
      else
        al.slow_count = static_cast<int>(n);
    }
  }
  const auto& spike = get(a, "spike");
  if (has(a, "spike")) {
    if (!has(spike, "share"))
      v.add(spike, "monitor.alerts.spike needs share: the part of failing checks, e.g. 0.5");
    else {
      double share = std::strtod(scalar(get(spike, "share")).c_str(), nullptr);
      if (!(share > 0 && share <= 1))
        v.add(get(spike, "share"), "monitor.alerts.spike.share must be above 0 and at most 1");
      else
        al.spike_share = share;
    }
    duration(spike, "window", "monitor.alerts.spike.window", 10000, 86400000, al.spike_window_ms);
  }
  for (auto [key, out] : {std::pair{"webhook", &al.webhook}, std::pair{"slack", &al.slack}})
    if (has(a, key)) {
      *out = std::string(trim(scalar(get(a, key))));
      auto url = parse_url(*out);
      if (!url || (url->scheme != "http" && url->scheme != "https"))
        v.add(get(a, key), fmt::format("monitor.alerts.{} must be an http:// or https:// URL (the "
                                       "value is not shown: it may hold a credential)",
                                       key));
    }
  if (has(a, "email")) {
    const auto& e = get(a, "email");
    MonitorEmailConfig email;
    email.smtp = std::string(trim(scalar(get(e, "smtp"))));
    size_t colon = email.smtp.rfind(':');
    if (colon == std::string::npos || colon == 0 ||
        std::strtol(email.smtp.c_str() + colon + 1, nullptr, 10) <= 0 ||
        std::strtol(email.smtp.c_str() + colon + 1, nullptr, 10) > 65535)
      v.add(get(e, "smtp"), "monitor.alerts.email.smtp must be host:port, e.g. "
                            "smtp.example.com:587");
    email.tls = to_lower(scalar(get(e, "tls"), "starttls"));
    if (email.tls != "starttls" && email.tls != "implicit" && email.tls != "none")
      v.add(get(e, "tls"), "monitor.alerts.email.tls must be starttls, implicit or none");
    email.username = scalar(get(e, "username"));
    email.password = scalar(get(e, "password"));
    if (email.username.empty() != email.password.empty())
      v.add(e, "monitor.alerts.email needs both username and password, or neither");
    email.from = std::string(trim(scalar(get(e, "from"))));
    email.to = strings(get(e, "to"));
    for (const auto& address : email.to)
      if (address.find('@') == std::string::npos)
        v.add(get(e, "to"),
              fmt::format("monitor.alerts.email.to: '{}' is no e-mail address", address));
    if (has(e, "to") && email.to.empty())
      v.add(get(e, "to"), "monitor.alerts.email.to needs at least one address");
    if (has(e, "from") && email.from.find('@') == std::string::npos)
      v.add(get(e, "from"), "monitor.alerts.email.from must be an e-mail address");
    al.email = std::move(email);
  }

  if (has(m, "maintenance"))
    for (const auto& node : get(m, "maintenance")) {
      MonitorMaintenanceConfig w;
      if (has(node, "weekly")) {
        w.weekly = true;
        w.weekday = parse_weekday(scalar(get(node, "weekly")));
        if (w.weekday < 0)
          v.add(get(node, "weekly"), "monitor.maintenance.weekly must be a day: sun, mon … sat");
        w.start_minute = parse_clock_minutes(scalar(get(node, "from")));
        w.end_minute = parse_clock_minutes(scalar(get(node, "to")));
        for (auto [key, minute] :
             {std::pair{"from", w.start_minute}, std::pair{"to", w.end_minute}})
          if (has(node, key) && minute < 0)
            v.add(get(node, key), fmt::format("monitor.maintenance.{} of a weekly window is a time "
                                              "of day in UTC, HH:MM",
                                              key));
      } else {
        auto from = parse_rfc3339_ms(scalar(get(node, "from")));
        auto to = parse_rfc3339_ms(scalar(get(node, "to")));
        for (auto [key, value] : {std::pair{"from", from}, std::pair{"to", to}})
          if (has(node, key) && !value)
            v.add(get(node, key), fmt::format("monitor.maintenance.{} must be a time like "
                                              "2026-12-01T02:00:00Z (or weekly: with HH:MM)",
                                              key));
        if (from && to) {
          w.start_ms = *from;
          w.end_ms = *to;
          if (*to <= *from)
            v.add(get(node, "to"), "monitor.maintenance: to must come after from");
        }
      }
      mc.maintenance.push_back(w);
    }

  const auto& r = get(m, "retention");
  duration(r, "results", "monitor.retention.results", 3600000LL, 3650LL * 86400000,
           mc.keep_results_ms);
  duration(r, "incidents", "monitor.retention.incidents", 3600000LL, 3650LL * 86400000,
           mc.keep_incidents_ms);
  if (has(m, "store")) {
    mc.store = std::string(trim(scalar(get(m, "store"))));
    if (mc.store.empty())
      v.add(get(m, "store"), "monitor.store must name a file (relative to the config)");
  }
  if (has(m, "listen")) {
    mc.listen = std::string(trim(scalar(get(m, "listen"))));
    if (!valid_listen_address(mc.listen))
      v.add(get(m, "listen"), "monitor.listen must be an address and port, e.g. 127.0.0.1:8099 or "
                              "[::1]:8099");
  }
  mc.title = std::string(trim(scalar(get(m, "title"))));
  if (has(m, "status_url")) {
    mc.status_url = std::string(trim(scalar(get(m, "status_url"))));
    auto url = parse_url(mc.status_url);
    if (!url || (url->scheme != "http" && url->scheme != "https"))
      v.add(get(m, "status_url"), "monitor.status_url must be an http:// or https:// URL");
  }
  if (has(m, "health")) {
    mc.health = std::string(trim(scalar(get(m, "health"))));
    if (!mc.health.starts_with("/"))
      v.add(get(m, "health"), "monitor.health must be a path on the target, e.g. /api/health");
  }
}

void build_deploy(const YAML::Node& root, Config& c, Validator& v) {
  const auto& d = get(root, "deploy");
  auto& dc = c.deploy;
  dc.present = has(root, "deploy");
  dc.repo = std::string(trim(scalar(get(d, "repo"), ".")));
  for (auto [key, out] : {std::pair{"build", &dc.build}, std::pair{"test", &dc.test},
                          std::pair{"migrate", &dc.migrate}, std::pair{"rollback", &dc.rollback}})
    if (has(d, key)) {
      *out = std::string(trim(scalar(get(d, key))));
      if (out->empty())
        v.add(get(d, key), fmt::format("deploy.{} must be a command, or be left out", key));
    }
  dc.run_rollback = scalar(get(d, "run_rollback")) == "true";
  if (dc.run_rollback && dc.rollback.empty())
    v.add(get(d, "run_rollback"), "deploy.run_rollback needs deploy.rollback: the command to run "
                                  "(in its dry-run form)");
  dc.env = strings(get(d, "env"));
  if (has(d, "env"))
    for (const auto& item : get(d, "env")) {
      const std::string name = item.Scalar();
      if (name.empty() || !std::all_of(name.begin(), name.end(), [](char ch) {
            return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_';
          }))
        v.add(item, fmt::format("deploy.env: '{}' is no environment variable name", name));
    }
  dc.env_files = strings(get(d, "env_files"));
  dc.env_example = std::string(trim(scalar(get(d, "env_example"))));
  dc.staging_env = std::string(trim(scalar(get(d, "staging_env"))));
  dc.production_env = std::string(trim(scalar(get(d, "production_env"))));
  if (has(d, "timeout")) {
    long long ms = parse_duration_ms(scalar(get(d, "timeout")));
    if (ms < 1000 || ms > 6LL * 3600 * 1000)
      v.add(get(d, "timeout"), "deploy.timeout must be a duration from 1s to 6h, e.g. 15m");
    else
      dc.timeout_ms = ms;
  }
  dc.reads = strings(get(d, "reads"));
  for (const auto& read : dc.reads)
    if (!read.starts_with("/") && !read.starts_with("~/"))
      v.add(get(d, "reads"), fmt::format("deploy.reads: '{}' must be an absolute path (or start "
                                         "with ~/)",
                                         read));
  dc.artifacts = strings(get(d, "artifacts"));
  for (const auto& artifact : dc.artifacts)
    if (artifact.starts_with("/") || artifact.find("..") != std::string::npos)
      v.add(get(d, "artifacts"), fmt::format("deploy.artifacts: '{}' must be a path inside the "
                                             "repository",
                                             artifact));
  dc.build_twice = scalar(get(d, "build_twice"), "true") != "false";
  const auto& h = get(root, "handover");
  c.handover.owners = strings(get(h, "owners"));
  c.handover.approver = std::string(trim(scalar(get(h, "approver"))));
  c.handover.support = std::string(trim(scalar(get(h, "support"))));
  c.handover.secrets = std::string(trim(scalar(get(h, "secrets"))));
  c.handover.notes = std::string(trim(scalar(get(h, "notes"))));
}

void build(const YAML::Node& root, Config& c, Validator& v) {
  const auto& t = get(root, "target");
  c.target.base_url = scalar(get(t, "base_url"));
  auto url = parse_url(c.target.base_url);
  if (!url || (url->scheme != "http" && url->scheme != "https"))
    v.add(get(t, "base_url"), "target.base_url must be an http:// or https:// URL with a host "
                              "(the value is not shown: it may hold a credential)");
  c.target.scope = strings(get(t, "scope"));
  for (auto& host : c.target.scope)
    host = to_lower(host);
  if (c.target.scope.empty() && url)
    c.target.scope.push_back(url->host);
  if (url && std::none_of(c.target.scope.begin(), c.target.scope.end(),
                          [&](const std::string& e) { return scope_entry_matches(e, *url); }))
    v.add(get(t, "scope"),
          fmt::format("target.scope must include base_url's host '{}'", url->host));
  if (has(t, "max_rps")) {
    c.target.max_rps = std::strtod(scalar(get(t, "max_rps")).c_str(), nullptr);
    if (c.target.max_rps <= 0 || c.target.max_rps > 10000)
      v.add(get(t, "max_rps"), "target.max_rps must be between 0 and 10000");
  }
  if (has(t, "timeout")) {
    long long ms = parse_duration_ms(scalar(get(t, "timeout")));
    if (ms <= 0 || ms > 600000)
      v.add(get(t, "timeout"), "target.timeout must be a duration like 10s or 500ms, at most 10m");
    else
      c.target.timeout_ms = static_cast<int>(ms);
  }
  if (has(t, "max_requests")) {
    double n = std::strtod(scalar(get(t, "max_requests")).c_str(), nullptr);
    if (n < 1 || n > 1e7)
      v.add(get(t, "max_requests"), "target.max_requests must be between 1 and 10000000");
    else
      c.target.max_requests = static_cast<int>(n);
  }
  if (has(t, "max_response_kb")) {
    double n = std::strtod(scalar(get(t, "max_response_kb")).c_str(), nullptr);
    if (n < 1 || n > 1e7)
      v.add(get(t, "max_response_kb"), "target.max_response_kb must be between 1 and 10000000");
    else
      c.target.max_response_bytes = static_cast<long long>(n) * 1024;
  }

  if (has(root, "accounts")) {
    const auto accounts = get(root, "accounts");
    for (const auto& a : accounts) {
      Account acc;
      acc.name = scalar(get(a, "name"));
      acc.org = scalar(get(a, "org"));
      acc.role = scalar(get(a, "role"));
      acc.email = scalar(get(a, "email"));
      acc.line = a.Mark().line + 1;
      if (has(a, "login"))
        build_login(get(a, "login"), acc, v);
      for (const auto& other : c.accounts)
        if (other.name == acc.name)
          v.add(get(a, "name"), fmt::format("account name '{}' is used twice", acc.name));
      c.accounts.push_back(std::move(acc));
    }
  }

  const auto& api = get(root, "api");
  c.api.openapi = scalar(get(api, "openapi"));
  c.api.endpoints = strings(get(api, "endpoints"));
  if (has(api, "endpoints"))
    for (const auto& item : get(api, "endpoints")) {
      auto text = trim(item.Scalar());
      size_t space = text.find(' ');
      if (space == std::string_view::npos || trim(text.substr(space)).substr(0, 1) != "/")
        v.add(item, fmt::format("api.endpoints entry '{}' must be 'METHOD /path', e.g. "
                                "'GET /api/records/{{id}}'",
                                text));
    }
  c.api.admin_only = strings(get(api, "admin_only"));
  c.api.public_ = strings(get(api, "public"));
  c.api.shared = strings(get(api, "shared"));
  c.api.har = scalar(get(api, "har"));
  c.api.postman = scalar(get(api, "postman"));
  for (const char* file : {"har", "postman"})
    if (has(api, file) && trim(scalar(get(api, file))).empty())
      v.add(get(api, file), fmt::format("api.{} must name a file (relative to the config)", file));
  c.api.object_refs = strings(get(api, "object_refs"));
  if (has(api, "object_refs"))
    for (const auto& item : get(api, "object_refs"))
      if (trim(item.Scalar()).empty())
        v.add(item, "api.object_refs entries must be parameter or field names, not empty");
  for (auto& name : c.api.object_refs)
    name = std::string(trim(name));

  const auto& auth = get(root, "auth");
  if (has(auth, "logout"))
    c.auth.logout = recipe(get(auth, "logout"));
  if (has(auth, "reset_request"))
    c.auth.reset_request = recipe(get(auth, "reset_request"));
  if (has(auth, "reset_confirm"))
    c.auth.reset_confirm = recipe(get(auth, "reset_confirm"));
  if (has(auth, "reset_token"))
    c.auth.reset_token = scalar(get(auth, "reset_token"));
  if (has(auth, "invite"))
    c.auth.invite = recipe(get(auth, "invite"));
  if (has(auth, "invite_accept"))
    c.auth.invite_accept = recipe(get(auth, "invite_accept"));
  if (has(auth, "invite_token"))
    c.auth.invite_token = scalar(get(auth, "invite_token"));
  c.auth.invite_as = scalar(get(auth, "invite_as"));
  if (!c.auth.invite_as.empty() &&
      std::none_of(c.accounts.begin(), c.accounts.end(),
                   [&](const Account& a) { return a.name == c.auth.invite_as; }))
    v.add(get(auth, "invite_as"),
          fmt::format("auth.invite_as names no configured account '{}'", c.auth.invite_as));
  if (c.auth.invite && c.auth.invite_as.empty())
    v.add(get(auth, "invite"), "auth.invite needs auth.invite_as: the account that sends invites");
  for (const char* key : {"reset_token", "invite_token"})
    if (has(auth, key) && !regex_has_group(scalar(get(auth, key))))
      v.add(get(auth, key), fmt::format("auth.{} must be a regular expression with one capture "
                                        "group around the token, e.g. \"token=([A-Za-z0-9_-]+)\"",
                                        key));
  const auto duration = [&](const YAML::Node& parent, const char* key, const char* what,
                            long long max_ms, long long& out) {
    if (!has(parent, key))
      return;
    const auto& node = get(parent, key);
    long long ms = parse_duration_ms(scalar(node));
    if (ms <= 0 || ms > max_ms)
      v.add(node, fmt::format("{} must be a duration like 30m, 12h or 7d", what));
    else
      out = ms;
  };
  constexpr long long k_year_ms = 366LL * 24 * 3600 * 1000;
  duration(auth, "reset_expiry", "auth.reset_expiry", k_year_ms, c.auth.reset_expiry_ms);
  duration(auth, "invite_expiry", "auth.invite_expiry", k_year_ms, c.auth.invite_expiry_ms);
  duration(auth, "session_max", "auth.session_max", k_year_ms, c.auth.session_max_ms);
  duration(auth, "idle_timeout", "auth.idle_timeout", k_year_ms, c.auth.idle_timeout_ms);
  if (has(auth, "login_burst")) {
    double n = std::strtod(scalar(get(auth, "login_burst")).c_str(), nullptr);
    if (n < 3 || n > 1000)
      v.add(get(auth, "login_burst"), "auth.login_burst must be between 3 and 1000");
    else
      c.auth.login_burst = static_cast<int>(n);
  }

  const auto& mail = get(root, "mail");
  one_source(mail,
             {"mail", "smtp_sink", "command", "127.0.0.1:2525 or [::1]:2525",
              "mail.command must not be empty"},
             c.mail.smtp_sink, c.mail.command, v);
  duration(mail, "wait", "mail.wait", 600000, c.mail.wait_ms);
  if (has(mail, "max_message_kb")) {
    double kb = std::strtod(scalar(get(mail, "max_message_kb")).c_str(), nullptr);
    if (kb < 1 || kb > 1024 * 1024)
      v.add(get(mail, "max_message_kb"), "mail.max_message_kb must be between 1 and 1048576");
    else
      c.mail.max_message_bytes = static_cast<long long>(kb * 1024);
  }

  const auto& logs = get(root, "logs");
  if (has(logs, "error_request")) {
    c.logs.error_request = recipe(get(logs, "error_request"));
    c.logs.error_request->method =
        to_upper(scalar(get(get(logs, "error_request"), "method"), "GET"));
    if (!c.logs.error_request->path.starts_with("/"))
      v.add(get(logs, "error_request"),
            "logs.error_request needs a path on the target, e.g. /api/reports/export");
  }
  duration(logs, "wait", "logs.wait", 600000, c.logs.wait_ms);
  if (has(logs, "command") && trim(scalar(get(logs, "command"))).empty())
    v.add(get(logs, "command"), "logs.command must not be empty");

  const auto& dns = get(root, "dns");
  one_source(dns,
             {"dns", "server", "zone_file", "127.0.0.1:5353 or [::1]:53",
              "dns.zone_file must name a file (relative to the config)"},
             c.dns.server, c.dns.zone_file, v);
  c.dns.origin = std::string(trim(scalar(get(dns, "origin"))));

  build_email_domain(root, c, v);
  build_edge(root, c, v);
  build_perf(root, c, v);
  build_monitor(root, c, v);
  build_deploy(root, c, v);

  c.pages = strings(get(root, "pages"));
  c.raw = to_json(root);
}

} // namespace

std::string interpolate_env(const std::string& text, std::vector<std::string>& missing) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = text.find("${", i);
    if (start == std::string::npos) {
      out.append(text, i, std::string::npos);
      break;
    }
    size_t end = text.find('}', start + 2);
    if (end == std::string::npos) {
      out.append(text, i, std::string::npos);
      break;
    }
    out.append(text, i, start - i);
    std::string name = text.substr(start + 2, end - start - 2);
    const char* value = name.empty() ? nullptr : std::getenv(name.c_str());
    if (value != nullptr)
      out += value;
    else
      missing.push_back(name);
    i = end + 1;
  }
  return out;
}

Expected<nlohmann::json> parse_yaml_document(const std::string& text) {
  if (auto problems = scan_yaml(text); !problems.empty())
    return unexpected(ErrorKind::parse, fmt::format("{}:{}: {}", problems[0].line,
                                                    problems[0].column, problems[0].message));
  try {
    return to_json(YAML::Load(text));
  } catch (const YAML::Exception& e) {
    return unexpected(ErrorKind::parse,
                      fmt::format("{}:{}: {}", e.mark.line + 1, e.mark.column + 1, e.msg));
  }
}

std::string Config::resolve_path(const std::string& path) const {
  std::filesystem::path p(path);
  if (p.is_absolute() || dir.empty())
    return path;
  return (std::filesystem::path(dir) / p).lexically_normal().string();
}

std::string format_problems(const std::string& file, const std::vector<ConfigProblem>& problems) {
  std::string out;
  for (const auto& p : problems)
    out +=
        fmt::format("{}{}:{}:{}: {}", out.empty() ? "" : "\n", file, p.line, p.column, p.message);
  return out;
}

Expected<Config> parse_config(const std::string& text, const std::string& name,
                              const std::string& dir, EnvReferences env) {
  if (auto problems = scan_yaml(text); !problems.empty())
    return unexpected(ErrorKind::config, format_problems(name, problems));
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return unexpected(ErrorKind::config,
                      format_problems(name, {{e.mark.line + 1, e.mark.column + 1, e.msg}}));
  }
  Validator v;
  if (!root || root.IsNull()) {
    return unexpected(ErrorKind::config,
                      format_problems(name, {{1, 1,
                                              "the file is empty; expected a mapping with "
                                              "at least target.base_url"}}));
  }
  if (env == EnvReferences::interpolate)
    interpolate_tree(root, v);
  v.check_map(root, schema(), "the file");
  if (!v.problems.empty())
    return unexpected(ErrorKind::config, format_problems(name, v.sorted()));
  Config c;
  c.file = name;
  c.dir = dir;
  build(root, c, v);
  if (!v.problems.empty())
    return unexpected(ErrorKind::config, format_problems(name, v.sorted()));
  return c;
}

Expected<Config> load_config(const std::string& path, EnvReferences env) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return unexpected(ErrorKind::config, fmt::format("{}: cannot open the config file ({}); "
                                                     "`launchgate init` writes a starter one",
                                                     path, std::strerror(errno)));
  std::stringstream ss;
  ss << in.rdbuf();
  auto dir = std::filesystem::absolute(path).parent_path().string();
  return parse_config(ss.str(), path, dir, env);
}

} // namespace lg
