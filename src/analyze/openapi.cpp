// Reads the operations of an OpenAPI 3.0/3.1 document (paths, methods, path parameters, the
// effective `security` of each operation) and matches the endpoint patterns of the config.

#include "analyze/openapi.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fmt/format.h>

namespace lg::analyze {
namespace {

constexpr auto k_methods = std::to_array<const char*>(
    {"get", "put", "post", "delete", "options", "head", "patch", "trace"});

bool security_is_public(const nlohmann::json& security) {
  if (!security.is_array())
    return false;
  if (security.empty())
    return true;
  return std::any_of(security.begin(), security.end(),
                     [](const nlohmann::json& req) { return req.is_object() && req.empty(); });
}

std::vector<std::string> params_of(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while ((i = path.find('{', i)) != std::string_view::npos) {
    size_t end = path.find('}', i);
    if (end == std::string_view::npos)
      break;
    out.emplace_back(path.substr(i + 1, end - i - 1));
    i = end + 1;
  }
  return out;
}

bool match_segments(const std::vector<std::string_view>& pat, size_t pi,
                    const std::vector<std::string_view>& path, size_t si, int depth) {
  if (depth > 64)
    return false;
  if (pi == pat.size())
    return si == path.size();
  if (pat[pi] == "**") {
    for (size_t k = si; k <= path.size(); ++k)
      if (match_segments(pat, pi + 1, path, k, depth + 1))
        return true;
    return false;
  }
  if (si == path.size())
    return false;
  bool ok = pat[pi] == "*" || pat[pi] == path[si];
  return ok && match_segments(pat, pi + 1, path, si + 1, depth + 1);
}

std::vector<std::string_view> segments(std::string_view path) {
  size_t q = path.find('?');
  if (q != std::string_view::npos)
    path = path.substr(0, q);
  std::vector<std::string_view> out;
  for (auto s : split(path, '/'))
    if (!s.empty())
      out.push_back(s);
  return out;
}

} // namespace

Expected<std::vector<Operation>> parse_openapi(const nlohmann::json& doc) {
  if (!doc.is_object())
    return unexpected(ErrorKind::parse, "the API description is not a JSON/YAML object");
  auto version = doc.find("openapi");
  if (version == doc.end() || !version->is_string() ||
      !version->get<std::string>().starts_with("3"))
    return unexpected(ErrorKind::parse,
                      "not an OpenAPI 3 document (no \"openapi\": \"3.x\" field); Swagger 2 "
                      "documents are not supported");
  auto paths = doc.find("paths");
  if (paths == doc.end() || !paths->is_object())
    return unexpected(ErrorKind::parse, "the OpenAPI document has no \"paths\" object");
  nlohmann::json root_security = doc.contains("security") ? doc["security"] : nlohmann::json();
  std::vector<Operation> out;
  for (const auto& [path, item] : paths->items()) {
    if (!item.is_object() || path.empty() || path.front() != '/')
      continue;
    for (const char* m : k_methods) {
      auto op = item.find(m);
      if (op == item.end() || !op->is_object())
        continue;
      Operation o;
      o.method = to_upper(m);
      o.path = path;
      o.path_params = params_of(path);
      const auto& security = op->contains("security") ? (*op)["security"] : root_security;
      o.spec_public = security_is_public(security);
      auto admin = op->find("x-admin-only");
      o.spec_admin = admin != op->end() && admin->is_boolean() && admin->get<bool>();
      if (auto s = op->find("summary"); s != op->end() && s->is_string())
        o.summary = s->get<std::string>();
      out.push_back(std::move(o));
    }
  }
  return out;
}

Expected<Operation> parse_endpoint(std::string_view text) {
  auto t = trim(text);
  size_t space = t.find(' ');
  if (space == std::string_view::npos)
    return unexpected(
        ErrorKind::parse,
        fmt::format("endpoint '{}' must be 'METHOD /path', e.g. 'GET /api/records'", t));
  Operation o;
  o.method = to_upper(t.substr(0, space));
  o.path = std::string(trim(t.substr(space + 1)));
  if (o.path.empty() || o.path.front() != '/')
    return unexpected(ErrorKind::parse,
                      fmt::format("endpoint '{}': the path must start with /", t));
  o.path_params = params_of(o.path);
  return o;
}

bool pattern_matches(std::string_view pattern, std::string_view method, std::string_view path) {
  auto p = trim(pattern);
  if (!p.empty() && p.front() != '/') {
    size_t space = p.find(' ');
    if (space == std::string_view::npos || !iequals(p.substr(0, space), method))
      return false;
    p = trim(p.substr(space + 1));
  }
  return match_segments(segments(p), 0, segments(path), 0, 0);
}

bool any_pattern_matches(const std::vector<std::string>& patterns, std::string_view method,
                         std::string_view path) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return pattern_matches(p, method, path); });
}

bool is_object_ref_name(std::string_view name) {
  if (iequals(name, "id") || iequals(name, "uuid"))
    return true;
  auto ends = [&](std::string_view suffix) {
    return name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  if (ends("_id") || ends("_ID") || ends("-id") || ends("_uuid"))
    return true;
  // camelCase: orgId, ownerID (a lower-case letter before the suffix, so "valid" is no reference)
  if (ends("Id") || ends("ID")) {
    char before = name[name.size() - 3];
    return before >= 'a' && before <= 'z';
  }
  return false;
}

bool is_uuid(std::string_view value) {
  if (value.size() != 36)
    return false;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-')
        return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

std::string fill_path(std::string_view path, std::string_view value) {
  std::string out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '{') {
      size_t end = path.find('}', i);
      if (end != std::string_view::npos) {
        out += value;
        i = end + 1;
        continue;
      }
    }
    out += path[i++];
  }
  return out;
}

} // namespace lg::analyze
