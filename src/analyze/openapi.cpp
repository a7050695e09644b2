// Reads the operations of an OpenAPI 3.0/3.1 document (paths, methods, parameters, the effective
// `security`, the JSON request body with its local $refs inlined, readOnly properties) and matches
// the endpoint patterns of the config. Local references are JSON pointers (RFC 6901) in a URI
// fragment; anything of the wrong type is skipped rather than trusted.

#include "analyze/openapi.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fmt/format.h>
#include <optional>
#include <set>

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

// ---- references and schemas ------------------------------------------------------------------

constexpr int k_max_schema_depth = 32;
constexpr int k_max_data_depth = 32;
constexpr int k_schema_budget = 20000; ///< JSON nodes one inlined schema may produce
constexpr int k_read_only_depth = 8;   ///< enough to reach a property's readOnly through $ref/allOf
constexpr int k_max_ref_hops = 16;

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// One reference token of a JSON pointer in a URI fragment: percent-decoded, then ~1 and ~0.
std::string pointer_token(std::string_view raw) {
  std::string decoded;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '%' && i + 2 < raw.size()) {
      int hi = hex_value(raw[i + 1]);
      int lo = hex_value(raw[i + 2]);
      if (hi >= 0 && lo >= 0) {
        decoded += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    decoded += raw[i];
  }
  std::string out;
  for (size_t i = 0; i < decoded.size(); ++i) {
    if (decoded[i] == '~' && i + 1 < decoded.size() &&
        (decoded[i + 1] == '0' || decoded[i + 1] == '1')) {
      out += decoded[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += decoded[i];
    }
  }
  return out;
}

/// The node a local reference ("#/components/schemas/Record") points at, or nullptr.
const nlohmann::json* resolve_pointer(const nlohmann::json& doc, std::string_view ref) {
  if (ref.empty() || ref.front() != '#')
    return nullptr; // another document: not followed
  ref.remove_prefix(1);
  const nlohmann::json* node = &doc;
  if (ref.empty())
    return node;
  if (ref.front() != '/')
    return nullptr;
  ref.remove_prefix(1);
  for (auto raw : split(ref, '/')) {
    std::string token = pointer_token(raw);
    if (node->is_object()) {
      auto it = node->find(token);
      if (it == node->end())
        return nullptr;
      node = &*it;
    } else if (node->is_array()) {
      if (token.empty() || token.size() > 9 ||
          !std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return nullptr;
      size_t index = std::stoul(token);
      if (index >= node->size())
        return nullptr;
      node = &(*node)[index];
    } else {
      return nullptr;
    }
  }
  return node;
}

/// `node` itself, or what its chain of `$ref`s leads to; nullptr when a reference is broken.
const nlohmann::json* follow_refs(const nlohmann::json& doc, const nlohmann::json& node) {
  const nlohmann::json* at = &node;
  for (int hop = 0; hop <= k_max_ref_hops; ++hop) {
    if (!at->is_object())
      return at;
    auto ref = at->find("$ref");
    if (ref == at->end() || !ref->is_string())
      return at;
    at = resolve_pointer(doc, ref->get_ref<const std::string&>());
    if (at == nullptr)
      return nullptr;
  }
  return nullptr;
}

/// The member `key` of `node` when `node` is an object and has it, else nullptr.
const nlohmann::json* member(const nlohmann::json& node, const char* key) {
  if (!node.is_object())
    return nullptr;
  auto it = node.find(key);
  return it == node.end() ? nullptr : &*it;
}

bool has_type(const nlohmann::json& schema, std::string_view type) {
  const auto* t = member(schema, "type");
  if (t == nullptr)
    return false;
  if (t->is_string())
    return t->get_ref<const std::string&>() == type;
  if (t->is_array()) // OpenAPI 3.1: "type": ["object", "null"]
    return std::any_of(t->begin(), t->end(), [&](const nlohmann::json& x) {
      return x.is_string() && x.get_ref<const std::string&>() == type;
    });
  return false;
}

bool is_true(const nlohmann::json* value) {
  return value != nullptr && value->is_boolean() && value->get<bool>();
}

/// Copies schemas out of the document with every local `$ref` replaced by what it points at,
/// within a depth and a node budget; a reference already being expanded (a cycle) becomes {}.
class Inliner {
public:
  explicit Inliner(const nlohmann::json& doc, int max_depth = k_max_schema_depth)
      : m_doc(doc), m_max_depth(max_depth) {}

  nlohmann::json schema(const nlohmann::json& s, int depth = 0) {
    if (depth > m_max_depth || !spend())
      return nlohmann::json::object();
    if (s.is_boolean()) // JSON Schema: true/false
      return s.get<bool>();
    if (!s.is_object())
      return nlohmann::json::object();
    auto out = nlohmann::json::object();
    for (const auto& [key, value] : s.items())
      if (key != "$ref")
        out[key] = keyword(key, value, depth);
    if (const auto* ref = member(s, "$ref"); ref != nullptr && ref->is_string()) {
      const auto& name = ref->get_ref<const std::string&>();
      const nlohmann::json* target = resolve_pointer(m_doc, name);
      bool cycle = std::find(m_stack.begin(), m_stack.end(), name) != m_stack.end();
      if (target != nullptr && !cycle) {
        m_stack.push_back(name);
        auto resolved = schema(*target, depth + 1);
        m_stack.pop_back();
        if (resolved.is_object())
          for (auto& [key, value] : resolved.items())
            if (!out.contains(key)) // 3.1: keywords beside $ref win over the target's
              out[key] = std::move(value);
      }
    }
    return merge_all_of(std::move(out));
  }

  /// A copy of a value that is data, not a schema (examples, enums, defaults): null when it is
  /// nested too deeply or the budget is spent.
  nlohmann::json data(const nlohmann::json& v, int depth = 0) {
    if (depth > k_max_data_depth || !spend())
      return nullptr;
    if (v.is_object()) {
      auto out = nlohmann::json::object();
      for (const auto& [key, value] : v.items())
        out[key] = data(value, depth + 1);
      return out;
    }
    if (v.is_array()) {
      auto out = nlohmann::json::array();
      for (const auto& item : v)
        out.push_back(data(item, depth + 1));
      return out;
    }
    return v;
  }

private:
  bool spend() { return m_budget-- > 0; }

  nlohmann::json keyword(const std::string& key, const nlohmann::json& value, int depth) {
    static constexpr auto k_schema_maps = std::to_array<std::string_view>(
        {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"});
    static constexpr auto k_schema_lists =
        std::to_array<std::string_view>({"allOf", "anyOf", "oneOf", "prefixItems"});
    static constexpr auto k_schemas = std::to_array<std::string_view>(
        {"items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else",
         "unevaluatedItems", "unevaluatedProperties", "additionalItems"});
    auto in = [&](const auto& list) {
      return std::find(list.begin(), list.end(), key) != list.end();
    };
    if (in(k_schema_maps) && value.is_object()) {
      auto out = nlohmann::json::object();
      for (const auto& [name, sub] : value.items())
        out[name] = schema(sub, depth + 1);
      return out;
    }
    if ((in(k_schema_lists) || in(k_schemas)) && value.is_array()) {
      auto out = nlohmann::json::array();
      for (const auto& sub : value)
        out.push_back(schema(sub, depth + 1));
      return out;
    }
    if (in(k_schemas) && value.is_object())
      return schema(value, depth + 1);
    return data(value, depth + 1);
  }

  /// {allOf: [A, B], ...} -> one object schema, when every member is an object.
  static nlohmann::json merge_all_of(nlohmann::json s) {
    auto all_of = s.find("allOf");
    if (all_of == s.end() || !all_of->is_array() ||
        !std::all_of(all_of->begin(), all_of->end(),
                     [](const nlohmann::json& m) { return m.is_object(); }))
      return s;
    nlohmann::json members = std::move(*all_of);
    s.erase("allOf");
    for (auto& m : members) {
      for (auto& [key, value] : m.items()) {
        if (key == "properties" && value.is_object()) {
          auto& props = s["properties"];
          if (!props.is_object())
            props = nlohmann::json::object();
          for (auto& [name, prop] : value.items()) {
            auto existing = props.find(name);
            if (existing == props.end())
              props[name] = std::move(prop);
            else if (existing->is_object() && prop.is_object())
              for (auto& [k, v] : prop.items())
                if (!existing->contains(k))
                  (*existing)[k] = std::move(v);
          }
        } else if (key == "required" && value.is_array()) {
          auto& required = s["required"];
          if (!required.is_array())
            required = nlohmann::json::array();
          for (auto& name : value)
            if (name.is_string() &&
                std::find(required.begin(), required.end(), name) == required.end())
              required.push_back(std::move(name));
        } else if (!s.contains(key)) {
          s[key] = std::move(value);
        }
      }
    }
    return s;
  }

  const nlohmann::json& m_doc;
  std::vector<std::string> m_stack;
  int m_max_depth;
  int m_budget = k_schema_budget;
};

/// "application/json", "application/vnd.api+json; charset=utf-8", ...
bool is_json_media_type(std::string_view type) {
  auto t = trim(type.substr(0, type.find(';')));
  return iequals(t, "application/json") ||
         (t.size() > 5 && iequals(t.substr(t.size() - 5), "+json"));
}

/// The media type object for JSON in a `content` map: application/json first, then any *+json.
const nlohmann::json* json_media(const nlohmann::json& doc, const nlohmann::json* content) {
  if (content == nullptr || !content->is_object())
    return nullptr;
  const nlohmann::json* found = nullptr;
  for (const auto& [type, media] : content->items()) {
    if (!is_json_media_type(type))
      continue;
    const nlohmann::json* m = follow_refs(doc, media);
    if (m == nullptr || !m->is_object())
      continue;
    if (iequals(trim(type), "application/json"))
      return m;
    if (found == nullptr)
      found = m;
  }
  return found;
}

/// A scalar example as text: strings as they are, numbers and booleans as JSON; else "".
std::string example_text(const nlohmann::json* value) {
  if (value == nullptr)
    return "";
  if (value->is_string())
    return value->get<std::string>();
  if (value->is_number() || value->is_boolean())
    return value->dump();
  return "";
}

/// The first value of an OpenAPI `examples` map ({name: {value}}) or of a JSON Schema
/// `examples` array; nullptr when there is none.
const nlohmann::json* first_example(const nlohmann::json& doc, const nlohmann::json* examples) {
  if (examples == nullptr)
    return nullptr;
  if (examples->is_array())
    return examples->empty() ? nullptr : &examples->front();
  if (!examples->is_object())
    return nullptr;
  for (const auto& [name, example] : examples->items()) {
    const nlohmann::json* e = follow_refs(doc, example);
    if (const auto* v = e == nullptr ? nullptr : member(*e, "value"); v != nullptr)
      return v;
  }
  return nullptr;
}

std::optional<Parameter> read_parameter(const nlohmann::json& doc, const nlohmann::json& raw) {
  const nlohmann::json* p = follow_refs(doc, raw);
  if (p == nullptr || !p->is_object())
    return std::nullopt;
  const auto* name = member(*p, "name");
  const auto* in = member(*p, "in");
  if (name == nullptr || !name->is_string() || name->get_ref<const std::string&>().empty() ||
      in == nullptr || !in->is_string())
    return std::nullopt;
  Parameter out;
  out.name = name->get<std::string>();
  out.in = in->get<std::string>();
  if (out.in != "path" && out.in != "query" && out.in != "header")
    return std::nullopt; // cookie parameters have no place in Parameter
  if (out.in == "header" && (iequals(out.name, "Accept") || iequals(out.name, "Content-Type") ||
                             iequals(out.name, "Authorization")))
    return std::nullopt; // OpenAPI: such definitions SHALL be ignored
  out.required = out.in == "path" || is_true(member(*p, "required"));
  Inliner inliner(doc);
  const nlohmann::json* media = nullptr;
  if (const auto* schema = member(*p, "schema"); schema != nullptr) {
    out.schema = inliner.schema(*schema);
  } else if (const auto* content = member(*p, "content");
             content != nullptr && content->is_object() && !content->empty()) {
    media = follow_refs(doc, content->begin().value());
    if (const auto* media_schema = media == nullptr ? nullptr : member(*media, "schema"))
      out.schema = inliner.schema(*media_schema);
  }
  const nlohmann::json* example = member(*p, "example");
  if (example == nullptr || example->is_null())
    example = member(out.schema, "example");
  if (example == nullptr || example->is_null())
    example = first_example(doc, member(*p, "examples"));
  if ((example == nullptr || example->is_null()) && media != nullptr)
    example = member(*media, "example");
  if (example == nullptr || example->is_null())
    example = first_example(doc, member(out.schema, "examples"));
  out.example = example_text(example);
  const auto* format = member(out.schema, "format");
  bool uuid_format = format != nullptr && format->is_string() && *format == "uuid";
  out.object_ref =
      out.in == "path" || is_object_ref_name(out.name) || is_uuid(out.example) || uuid_format;
  return out;
}

/// Adds the parameters of `list` to `params`, replacing one with the same name and location.
void add_parameters(const nlohmann::json& doc, const nlohmann::json* list,
                    std::vector<Parameter>& params) {
  if (list == nullptr || !list->is_array())
    return;
  for (const auto& raw : *list) {
    auto p = read_parameter(doc, raw);
    if (!p)
      continue;
    auto same = std::find_if(params.begin(), params.end(), [&](const Parameter& q) {
      return q.name == p->name && q.in == p->in;
    });
    if (same != params.end())
      *same = std::move(*p);
    else
      params.push_back(std::move(*p));
  }
}

/// The schema of the JSON content of the 200 (else 201) response of `op`, inlined as deep as
/// reading its readOnly properties needs; null if none.
nlohmann::json response_schema(const nlohmann::json& doc, const nlohmann::json* op) {
  const auto* responses = op == nullptr ? nullptr : member(*op, "responses");
  for (const char* status : {"200", "201"}) {
    const auto* raw = responses == nullptr ? nullptr : member(*responses, status);
    const nlohmann::json* response = raw == nullptr ? nullptr : follow_refs(doc, *raw);
    const auto* media =
        response == nullptr ? nullptr : json_media(doc, member(*response, "content"));
    if (const auto* schema = media == nullptr ? nullptr : member(*media, "schema"))
      return Inliner(doc, k_read_only_depth).schema(*schema);
  }
  return nullptr;
}

/// Adds the names of the top-level properties of `schema` (or of its array items) marked
/// readOnly: true.
void collect_read_only(const nlohmann::json& schema, std::set<std::string>& out) {
  const nlohmann::json* s = &schema;
  if (member(*s, "properties") == nullptr || has_type(*s, "array"))
    if (const auto* items = member(*s, "items"); items != nullptr && items->is_object())
      s = items;
  const auto* props = member(*s, "properties");
  if (props == nullptr || !props->is_object())
    return;
  for (const auto& [name, prop] : props->items())
    if (is_true(member(prop, "readOnly")))
      out.insert(name);
}

/// Fills params, body_schema, body_example and read_only of `o` from the operation object `op`
/// of the path item `item`.
void read_operation_details(const nlohmann::json& doc, const nlohmann::json& item,
                            const nlohmann::json& op, Operation& o) {
  add_parameters(doc, member(item, "parameters"), o.params);
  add_parameters(doc, member(op, "parameters"), o.params);
  for (const auto& name : o.path_params) {
    bool declared = std::any_of(o.params.begin(), o.params.end(), [&](const Parameter& p) {
      return p.in == "path" && p.name == name;
    });
    if (!declared)
      o.params.push_back(Parameter{name, "path", true, nullptr, "", true});
  }

  std::set<std::string> read_only;
  const auto* raw_body = member(op, "requestBody");
  const nlohmann::json* body = raw_body == nullptr ? nullptr : follow_refs(doc, *raw_body);
  if (const auto* media = body == nullptr ? nullptr : json_media(doc, member(*body, "content"))) {
    Inliner inliner(doc);
    if (const auto* schema = member(*media, "schema"))
      o.body_schema = inliner.schema(*schema);
    const nlohmann::json* example = member(*media, "example");
    if (example == nullptr || example->is_null())
      example = member(o.body_schema, "example");
    if (example == nullptr || example->is_null())
      example = first_example(doc, member(*media, "examples"));
    if (example == nullptr || example->is_null())
      example = first_example(doc, member(o.body_schema, "examples"));
    if (example != nullptr)
      o.body_example = inliner.data(*example);
    collect_read_only(o.body_schema, read_only);
  }
  collect_read_only(response_schema(doc, &op), read_only);
  if (const auto* get = member(item, "get"); get != nullptr && get != &op && get->is_object())
    collect_read_only(response_schema(doc, get), read_only);
  o.read_only.assign(read_only.begin(), read_only.end());
}

size_t method_rank(std::string_view method) {
  for (size_t i = 0; i < k_methods.size(); ++i)
    if (iequals(method, k_methods[i]))
      return i;
  return k_methods.size();
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
  for (const auto& [path, raw_item] : paths->items()) {
    const nlohmann::json* resolved = follow_refs(doc, raw_item);
    if (resolved == nullptr || !resolved->is_object() || path.empty() || path.front() != '/')
      continue;
    const auto& item = *resolved;
    for (const char* m : k_methods) {
      auto op = item.find(m);
      if (op == item.end() || !op->is_object())
        continue;
      Operation o;
      o.method = to_upper(m);
      o.path = path;
      o.path_params = params_of(path);
      o.source = "openapi";
      const auto& security = op->contains("security") ? (*op)["security"] : root_security;
      o.spec_public = security_is_public(security);
      auto admin = op->find("x-admin-only");
      o.spec_admin = admin != op->end() && admin->is_boolean() && admin->get<bool>();
      if (auto s = op->find("summary"); s != op->end() && s->is_string())
        o.summary = s->get<std::string>();
      try {
        read_operation_details(doc, item, *op, o);
      } catch (const nlohmann::json::exception&) {
        // a shape this reader did not foresee: the operation stays, without its details
        o.params.clear();
        o.body_schema = nullptr;
        o.body_example = nullptr;
        o.read_only.clear();
      }
      out.push_back(std::move(o));
    }
  }
  return out;
}

void sort_operations(std::vector<Operation>& ops) {
  std::stable_sort(ops.begin(), ops.end(), [](const Operation& a, const Operation& b) {
    if (a.path != b.path)
      return a.path < b.path;
    size_t ra = method_rank(a.method);
    size_t rb = method_rank(b.method);
    return ra != rb ? ra < rb : a.method < b.method;
  });
}

bool same_shape(std::string_view a, std::string_view b) {
  auto sa = segments(a);
  auto sb = segments(b);
  if (sa.size() != sb.size())
    return false;
  auto is_param = [](std::string_view s) {
    return s.size() >= 2 && s.front() == '{' && s.back() == '}';
  };
  for (size_t i = 0; i < sa.size(); ++i) {
    bool pa = is_param(sa[i]);
    if (pa != is_param(sb[i]) || (!pa && sa[i] != sb[i]))
      return false;
  }
  return true;
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
  for (const auto& name : o.path_params)
    o.params.push_back(Parameter{name, "path", true, nullptr, "", true});
  o.source = "config";
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
