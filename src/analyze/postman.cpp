// Reads Postman collections (format v2.1.0, schema.getpostman.com/json/collection/v2.1.0) into
// operations: folders walked, :name and {{name}} path variables made template parameters, the
// host variable dropped, then the templating and merging shared with HAR (analyze/har.hpp).

#include "analyze/postman.hpp"

#include "analyze/har.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <string>

namespace lg::analyze {
namespace {

constexpr int k_max_folder_depth = 64;

using Variables = std::map<std::string, std::string>;

const nlohmann::json* member(const nlohmann::json& node, const char* key) {
  if (!node.is_object())
    return nullptr;
  auto it = node.find(key);
  return it == node.end() ? nullptr : &*it;
}

std::string string_member(const nlohmann::json& node, const char* key) {
  const auto* v = member(node, key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

/// A value that may serve as an example: a string without {{variables}}, a number, a boolean.
std::string example_value(const nlohmann::json* v) {
  if (v == nullptr)
    return "";
  if (v->is_string()) {
    const auto& s = v->get_ref<const std::string&>();
    return s.find("{{") == std::string::npos ? s : "";
  }
  if (v->is_number() || v->is_boolean())
    return v->dump();
  return "";
}

/// `variable` lists ([{key, value}]) into `out`; credential-named ones are left out.
void read_variables(const nlohmann::json* list, Variables& out) {
  if (list == nullptr || !list->is_array())
    return;
  for (const auto& v : *list) {
    std::string key = string_member(v, "key");
    if (key.empty() || is_credential_name(key))
      continue;
    std::string value = example_value(member(v, "value"));
    if (!value.empty())
      out.emplace(key, value);
  }
}

/// The name inside "{{name}}" when `s` is exactly one variable, else "".
std::string whole_variable(std::string_view s) {
  if (s.size() > 4 && s.starts_with("{{") && s.ends_with("}}") &&
      s.substr(2, s.size() - 4).find_first_of("{}") == std::string_view::npos)
    return std::string(trim(s.substr(2, s.size() - 4)));
  return "";
}

/// A variable that stands for where the API lives rather than for a value: baseUrl, host, ...
bool is_location_variable(std::string_view name) {
  static constexpr auto k_parts = std::to_array<std::string_view>(
      {"url", "host", "base", "prefix", "server", "domain", "origin", "endpoint"});
  std::string n = to_lower(name);
  return std::any_of(k_parts.begin(), k_parts.end(),
                     [&](std::string_view p) { return n.find(p) != std::string::npos; });
}

/// The path of a raw URL: without scheme and host (or a leading {{host}} variable), query and
/// fragment.
std::string_view raw_path(std::string_view raw) {
  raw = trim(raw);
  raw = raw.substr(0, raw.find('#'));
  raw = raw.substr(0, raw.find('?'));
  if (size_t scheme = raw.find("://"); scheme != std::string_view::npos) {
    raw.remove_prefix(scheme + 3);
  } else if (raw.starts_with('/')) {
    return raw;
  }
  size_t slash = raw.find('/');
  return slash == std::string_view::npos ? std::string_view() : raw.substr(slash);
}

/// The query parameters of a raw URL.
std::vector<std::pair<std::string, std::string>> raw_query(std::string_view raw) {
  std::vector<std::pair<std::string, std::string>> out;
  raw = raw.substr(0, raw.find('#'));
  size_t q = raw.find('?');
  if (q == std::string_view::npos)
    return out;
  for (auto pair : split(raw.substr(q + 1), '&')) {
    size_t eq = pair.find('=');
    std::string name(pair.substr(0, eq));
    if (!name.empty())
      out.emplace_back(name, eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1)));
  }
  return out;
}

/// A query or header value: as written, a variable's value for "{{name}}", or "" when unknown.
std::string query_value(const std::string& value, const Variables& variables) {
  if (auto name = whole_variable(value); !name.empty()) {
    auto it = variables.find(name);
    return it == variables.end() ? "" : it->second;
  }
  return value.find("{{") == std::string::npos ? value : "";
}

void add_query(RecordedRequest& r, const std::string& name, const std::string& value,
               const Variables& variables) {
  auto p = recorded_query(name, query_value(value, variables));
  bool known = std::any_of(r.params.begin(), r.params.end(),
                           [&](const Parameter& q) { return q.in == "query" && q.name == p.name; });
  if (!known)
    r.params.push_back(std::move(p));
}

std::optional<RecordedRequest> read_request(const nlohmann::json& request,
                                            const Variables& collection) {
  RecordedRequest r;
  const nlohmann::json* url = &request;
  if (request.is_object()) {
    r.method = to_upper(string_member(request, "method"));
    url = member(request, "url");
  }
  if (r.method.empty())
    r.method = "GET";
  bool token = std::all_of(r.method.begin(), r.method.end(),
                           [](char c) { return (c >= 'A' && c <= 'Z') || c == '-'; });
  if (!token || r.method.size() > 16 || r.method == "OPTIONS" || r.method == "HEAD" ||
      r.method == "CONNECT" || url == nullptr || !(url->is_string() || url->is_object()))
    return std::nullopt;

  // the path segments, as written
  std::string raw = url->is_string() ? url->get<std::string>() : string_member(*url, "raw");
  std::vector<std::string> segments;
  const auto* path = member(*url, "path");
  if (path != nullptr && path->is_array()) {
    for (const auto& s : *path) {
      if (s.is_string())
        segments.push_back(s.get<std::string>());
      else if (const auto* v = member(s, "value"); v != nullptr && v->is_string())
        segments.push_back(v->get<std::string>());
    }
    r.trailing_slash = !segments.empty() && segments.back().empty();
  } else {
    std::string_view p =
        path != nullptr && path->is_string() ? path->get_ref<const std::string&>() : raw_path(raw);
    for (auto s : split(p, '/'))
      segments.emplace_back(s);
    r.trailing_slash = p.size() > 1 && p.ends_with('/');
  }
  std::erase_if(segments, [](const std::string& s) { return s.empty(); });
  if (!segments.empty()) {
    auto name = whole_variable(segments.front());
    if (!name.empty() && is_location_variable(name))
      segments.erase(segments.begin());
  }

  // variables: the URL's own, then the collection's
  Variables variables;
  read_variables(member(*url, "variable"), variables);
  for (const auto& [key, value] : collection)
    variables.emplace(key, value);

  for (auto& s : segments) {
    std::string name;
    if (s.size() > 1 && s.front() == ':')
      name = s.substr(1);
    else
      name = whole_variable(s);
    if (name.empty() || name.find_first_of("{}/") != std::string::npos) {
      // a variable inside a segment ("v{{version}}") stays visible as {version}
      for (size_t at; (at = s.find("{{")) != std::string::npos;)
        s.replace(at, 2, "{");
      for (size_t at; (at = s.find("}}")) != std::string::npos;)
        s.replace(at, 2, "}");
      continue;
    }
    s = "{" + name + "}";
    if (auto it = variables.find(name); it != variables.end())
      r.examples.emplace(name, it->second);
  }
  r.segments = std::move(segments);

  // query, headers, body
  if (const auto* query = member(*url, "query"); query != nullptr && query->is_array()) {
    for (const auto& q : *query) {
      const auto* disabled = member(q, "disabled");
      if (disabled != nullptr && disabled->is_boolean() && disabled->get<bool>())
        continue;
      std::string key = string_member(q, "key");
      if (!key.empty())
        add_query(r, key, string_member(q, "value"), variables);
    }
  } else {
    for (const auto& [key, value] : raw_query(raw))
      add_query(r, key, value, variables);
  }
  if (const auto* headers = member(request, "header"); headers != nullptr && headers->is_array())
    for (const auto& h : *headers) {
      const auto* disabled = member(h, "disabled");
      if (disabled != nullptr && disabled->is_boolean() && disabled->get<bool>())
        continue;
      auto value = query_value(string_member(h, "value"), variables); // {{orgId}} -> its value
      if (auto p = recorded_header(string_member(h, "key"), value))
        r.params.push_back(std::move(*p));
    }
  if (const auto* body = member(request, "body");
      body != nullptr && string_member(*body, "mode") == "raw") {
    const auto* options = member(*body, "options");
    const auto* raw_options = options == nullptr ? nullptr : member(*options, "raw");
    std::string language = raw_options == nullptr ? "" : string_member(*raw_options, "language");
    if (language.empty() || language == "json")
      r.body_example = recorded_json_body(string_member(*body, "raw"));
  }
  return r;
}

void walk(const nlohmann::json& items, const Variables& variables, int depth,
          std::vector<RecordedRequest>& out) {
  if (!items.is_array() || depth > k_max_folder_depth)
    return;
  for (const auto& item : items) {
    if (const auto* request = member(item, "request"); request != nullptr)
      if (auto r = read_request(*request, variables))
        out.push_back(std::move(*r));
    if (const auto* children = member(item, "item"); children != nullptr)
      walk(*children, variables, depth + 1, out);
  }
}

} // namespace

Expected<std::vector<Operation>> parse_postman(const nlohmann::json& doc) {
  const auto* info = member(doc, "info");
  const auto* item = member(doc, "item");
  if (info == nullptr || !info->is_object() || item == nullptr || !item->is_array())
    return unexpected(ErrorKind::parse,
                      "not a Postman collection: there is no \"info\" object and \"item\" list");
  Variables variables;
  read_variables(member(doc, "variable"), variables);
  std::vector<RecordedRequest> requests;
  walk(*item, variables, 0, requests);
  return operations_from_recordings(requests, "postman");
}

} // namespace lg::analyze
