// Schema-driven sample bodies for write probes (access.cross-tenant-write, access.mass-assignment,
// access.role-escalation, the input gate): the smallest valid value of an OpenAPI schema, with
// strings carrying a marker that a read-back can find.

#include "analyze/samples.hpp"

#include "analyze/openapi.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace lg::analyze {
namespace {

std::string type_of(const nlohmann::json& schema) {
  auto t = schema.find("type");
  if (t == schema.end())
    return schema.contains("properties") ? "object" : "";
  if (t->is_string())
    return t->get<std::string>();
  if (t->is_array()) // OpenAPI 3.1: ["string", "null"]
    for (const auto& item : *t)
      if (item.is_string() && item.get<std::string>() != "null")
        return item.get<std::string>();
  return "";
}

long long number_member(const nlohmann::json& schema, const char* key, long long fallback) {
  auto it = schema.find(key);
  if (it == schema.end())
    return fallback;
  if (it->is_number_integer())
    return it->get<long long>();
  if (it->is_number_float()) { // clamped before the cast: 1e300 would overflow it
    double d = std::clamp(it->get<double>(), -1e15, 1e15);
    return static_cast<long long>(d);
  }
  return fallback;
}

nlohmann::json sample(const nlohmann::json& schema, std::string_view marker, int depth) {
  if (!schema.is_object() || depth > 16)
    return std::string(marker);
  if (auto e = schema.find("example");
      e != schema.end() && !e->is_structured() && !e->is_null() && !e->is_string())
    return *e;
  if (auto e = schema.find("enum"); e != schema.end() && e->is_array() && !e->empty())
    return e->front();
  if (auto c = schema.find("const"); c != schema.end())
    return *c;
  std::string type = type_of(schema);
  if (type == "object") {
    nlohmann::json out = nlohmann::json::object();
    auto props = schema.find("properties");
    if (props == schema.end() || !props->is_object())
      return out;
    std::vector<std::string> wanted;
    if (auto req = schema.find("required"); req != schema.end() && req->is_array())
      for (const auto& r : *req)
        if (r.is_string() && props->contains(r.get<std::string>()))
          wanted.push_back(r.get<std::string>());
    if (wanted.empty())
      for (const auto& [key, value] : props->items())
        wanted.push_back(key);
    for (const auto& key : wanted) {
      const auto& prop = (*props)[key];
      auto read_only = prop.is_object() ? prop.find("readOnly") : prop.end();
      if (prop.is_object() && read_only != prop.end() && read_only->is_boolean() &&
          read_only->get<bool>())
        continue;
      out[key] = sample(prop, marker, depth + 1);
    }
    return out;
  }
  if (type == "array") {
    nlohmann::json out = nlohmann::json::array();
    long long n = std::clamp(number_member(schema, "minItems", 0), 0LL, 4LL);
    nlohmann::json item = schema.contains("items") ? schema["items"] : nlohmann::json::object();
    for (long long i = 0; i < n; ++i)
      out.push_back(sample(item, marker, depth + 1));
    return out;
  }
  if (type == "integer" || type == "number")
    return std::max(number_member(schema, "minimum", 1), 1LL);
  if (type == "boolean")
    return false;
  auto format_member = schema.find("format"); // any JSON type: a document may say format: 6
  std::string format = format_member != schema.end() && format_member->is_string()
                           ? format_member->get<std::string>()
                           : "";
  std::string m(marker);
  if (format == "email")
    return m + "@example.invalid";
  if (format == "uri" || format == "url")
    return "https://example.invalid/" + m;
  if (format == "date")
    return "2030-01-01";
  if (format == "date-time")
    return "2030-01-01T00:00:00Z";
  if (format == "uuid")
    return "00000000-0000-4000-8000-000000000000";
  auto min_len =
      static_cast<size_t>(std::clamp(number_member(schema, "minLength", 0), 0LL, 4096LL));
  auto max_len =
      static_cast<size_t>(std::clamp(number_member(schema, "maxLength", 4096), 1LL, 4096LL));
  while (m.size() < min_len)
    m += 'x';
  if (m.size() > max_len)
    m.resize(max_len);
  return m;
}

} // namespace

bool is_free_text(std::string_view name) {
  std::string n(name);
  std::transform(n.begin(), n.end(), n.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* word : {"name", "title", "description", "body", "text", "comment", "note",
                           "summary", "label", "subject", "message", "content"})
    if (n.find(word) != std::string::npos)
      return true;
  return false;
}

nlohmann::json sample_value(const nlohmann::json& schema, std::string_view marker) {
  return sample(schema, marker, 0);
}

nlohmann::json sample_body(const nlohmann::json& schema, const nlohmann::json& example,
                           std::string_view marker) {
  if (example.is_object()) {
    nlohmann::json out = example;
    for (auto& [key, value] : out.items())
      if (value.is_string() && is_free_text(key))
        value = std::string(marker);
    return out;
  }
  if (schema.is_object() && !schema.empty()) {
    auto out = sample(schema, marker, 0);
    if (out.is_object())
      return out;
  }
  return {{"name", std::string(marker)}};
}

} // namespace lg::analyze
