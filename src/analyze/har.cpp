// Reads HAR 1.2 recordings (W3C Web Performance WG draft, "HTTP Archive (HAR) format") into
// operations, and templates the concrete paths of any recording: ids become {parameters} named
// after the collection before them, and requests with the same method and template merge.
// Credential values (Authorization, Cookie, API keys, password fields) are dropped or masked here.

#include "analyze/har.hpp"

#include "util/text.hpp"
#include "util/url.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <utility>

namespace lg::analyze {
namespace {

constexpr int k_max_body_depth = 64;
constexpr std::string_view k_redacted = "<redacted>";

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

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

/// "{name}" with a non-empty name and no other braces.
bool is_named_param(std::string_view s) {
  return s.size() > 2 && s.front() == '{' && s.back() == '}' &&
         s.substr(1, s.size() - 2).find_first_of("{}") == std::string_view::npos;
}

/// An integer, a UUID or a hex string of 16+ characters: an id whatever else is recorded.
bool is_strong_id(std::string_view s) {
  if (s.empty())
    return false;
  if (std::all_of(s.begin(), s.end(), is_digit))
    return true;
  if (is_uuid(s))
    return true;
  return s.size() >= 16 && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c)) != 0;
         });
}

/// A token that may be an id when it varies: at least half digits ("2024-05-01", "a1"), or
/// letters and digits and 6+ characters ("inv20240017", "ord_8f3kq"). Not a version ("v2").
bool is_weak_id(std::string_view s) {
  auto digits = static_cast<size_t>(std::count_if(s.begin(), s.end(), is_digit));
  auto letters = static_cast<size_t>(std::count_if(s.begin(), s.end(), is_letter));
  if (digits == 0)
    return false;
  bool version =
      s.size() >= 2 && (s[0] == 'v' || s[0] == 'V') &&
      std::all_of(s.begin() + 1, s.end(), [](char c) { return is_digit(c) || c == '.'; });
  if (version)
    return false;
  return digits * 2 >= s.size() || (letters > 0 && s.size() >= 6);
}

/// The parameter name a literal segment gives the id after it: letters, digits and _ only,
/// singular.
std::string name_after(std::string_view segment) {
  std::string clean;
  for (char c : segment)
    clean += is_letter(c) || is_digit(c) || c == '_' ? c : '_';
  while (!clean.empty() && clean.back() == '_')
    clean.pop_back();
  std::string name = singular(clean);
  if (name.empty() || is_digit(name.front()))
    return "id";
  return name;
}

std::string unique_name(const std::string& base, std::set<std::string>& used) {
  std::string name = base;
  for (int n = 2; used.count(name) != 0; ++n)
    name = base + std::to_string(n);
  used.insert(name);
  return name;
}

enum class Kind { literal, named, strong, weak };

Kind classify(std::string_view s) {
  if (is_named_param(s))
    return Kind::named;
  if (is_strong_id(s))
    return Kind::strong;
  if (is_weak_id(s))
    return Kind::weak;
  return Kind::literal;
}

/// Where a weak id sits: its position and its neighbours, ids among them shown as {}.
std::string position_key(const std::vector<std::string>& segments, const std::vector<Kind>& kinds,
                         size_t i) {
  auto norm = [&](size_t j) -> std::string {
    return kinds[j] == Kind::named || kinds[j] == Kind::strong ? "{}" : segments[j];
  };
  std::string key = std::to_string(i);
  key += '\n';
  key += i == 0 ? std::string("^") : norm(i - 1);
  key += '\n';
  key += i + 1 == segments.size() ? std::string("$") : norm(i + 1);
  return key;
}

/// The nesting depth of `v` exceeds `limit`, measured without recursion.
bool deeper_than(const nlohmann::json& v, int limit) {
  std::vector<std::pair<const nlohmann::json*, int>> stack{{&v, 0}};
  while (!stack.empty()) {
    auto [node, depth] = stack.back();
    stack.pop_back();
    if (depth > limit)
      return true;
    if (node->is_structured())
      for (const auto& child : *node)
        stack.emplace_back(&child, depth + 1);
  }
  return false;
}

void mask_credentials(nlohmann::json& v, bool masked) {
  if (v.is_object()) {
    for (auto& [key, value] : v.items())
      mask_credentials(value, masked || is_credential_name(key));
  } else if (v.is_array()) {
    for (auto& item : v)
      mask_credentials(item, masked);
  } else if (masked && !v.is_null()) {
    v = k_redacted;
  }
}

void merge_param(std::vector<Parameter>& into, const Parameter& p) {
  auto same = std::find_if(into.begin(), into.end(),
                           [&](const Parameter& q) { return q.name == p.name && q.in == p.in; });
  if (same == into.end()) {
    into.push_back(p);
  } else if (same->example.empty() && !p.example.empty()) {
    same->example = p.example;
    same->object_ref = same->object_ref || p.object_ref;
  }
}

// ---- HAR
// ------------------------------------------------------------------------------------------

bool is_asset_path(std::string_view path) {
  static constexpr auto k_extensions = std::to_array<std::string_view>(
      {".js", ".mjs", ".css", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg", ".ico",
       ".woff", ".woff2", ".ttf", ".otf", ".eot", ".map", ".html", ".htm"});
  std::string last = to_lower(path.substr(path.rfind('/') + 1));
  return std::any_of(k_extensions.begin(), k_extensions.end(),
                     [&](std::string_view ext) { return ends_with(last, ext); });
}

bool is_asset_type(std::string_view mime) {
  std::string m = to_lower(trim(mime.substr(0, mime.find(';'))));
  return m == "text/html" || m.starts_with("image/") || m.starts_with("font/") || m == "text/css" ||
         m == "text/javascript" || m == "application/javascript";
}

bool is_method_token(std::string_view method) {
  return !method.empty() && method.size() <= 16 &&
         std::all_of(method.begin(), method.end(), [](char c) { return is_letter(c) || c == '-'; });
}

/// The query parameters of `query` ("a=1&b=2"), values as recorded.
std::vector<Parameter> query_params(std::string_view query) {
  std::vector<Parameter> out;
  for (auto pair : split(query, '&')) {
    if (pair.empty())
      continue;
    size_t eq = pair.find('=');
    std::string name(pair.substr(0, eq));
    std::string value(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!name.empty())
      merge_param(out, recorded_query(name, value));
  }
  return out;
}

struct Candidate {
  std::string origin;
  RecordedRequest request;
};

std::optional<Candidate> read_entry(const nlohmann::json& entry) {
  const auto* request = member(entry, "request");
  if (request == nullptr || !request->is_object())
    return std::nullopt;
  std::string method = to_upper(string_member(*request, "method"));
  if (!is_method_token(method) || method == "OPTIONS" || method == "HEAD" || method == "CONNECT")
    return std::nullopt;
  auto url = parse_url(string_member(*request, "url"));
  if (!url || (url->scheme != "http" && url->scheme != "https"))
    return std::nullopt;
  std::string_view target = url->path;
  target = target.substr(0, target.find('#'));
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  if (is_asset_path(path))
    return std::nullopt;
  const auto* response = member(entry, "response");
  const auto* content = response == nullptr ? nullptr : member(*response, "content");
  if (method == "GET" && content != nullptr && is_asset_type(string_member(*content, "mimeType")))
    return std::nullopt;

  Candidate c;
  c.origin = url->origin();
  RecordedRequest& r = c.request;
  r.method = method;
  for (auto s : split(path, '/'))
    if (!s.empty())
      r.segments.emplace_back(s);
  r.trailing_slash = path.size() > 1 && path.back() == '/';
  if (const auto* qs = member(*request, "queryString"); qs != nullptr && qs->is_array()) {
    for (const auto& item : *qs) {
      std::string name = string_member(item, "name");
      if (!name.empty())
        merge_param(r.params, recorded_query(name, string_member(item, "value")));
    }
  } else {
    r.params = query_params(query);
  }
  if (const auto* headers = member(*request, "headers"); headers != nullptr && headers->is_array())
    for (const auto& h : *headers)
      if (auto p = recorded_header(string_member(h, "name"), string_member(h, "value")))
        merge_param(r.params, *p);
  if (const auto* post = member(*request, "postData"); post != nullptr && post->is_object()) {
    std::string mime = to_lower(string_member(*post, "mimeType"));
    std::string text = string_member(*post, "text");
    std::string_view body = trim(text);
    bool json_like = contains(mime, "json") || (mime.empty() && !body.empty() &&
                                                (body.front() == '{' || body.front() == '['));
    if (json_like)
      r.body_example = recorded_json_body(body);
  }
  return c;
}

} // namespace

std::string singular(std::string_view word) {
  std::string w(word);
  std::string lower = to_lower(w);
  auto drop = [&](size_t n) { return w.substr(0, w.size() - n); };
  auto is_vowel = [](char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; };
  if (lower.size() > 3 && ends_with(lower, "ies"))
    return drop(3) + "y";                           // companies
  if (lower.size() > 4 && ends_with(lower, "uses")) // statuses, but houses
    return is_vowel(lower[lower.size() - 5]) ? drop(1) : drop(2);
  for (std::string_view es : {"sses", "xes", "ches", "shes", "zzes"})
    if (lower.size() > es.size() && ends_with(lower, es))
      return drop(2); // addresses, boxes, batches
  if (lower.size() < 3 || ends_with(lower, "ss") || ends_with(lower, "us") ||
      ends_with(lower, "is"))
    return w; // access, status, analysis
  if (ends_with(lower, "s"))
    return drop(1);
  return w;
}

bool is_credential_name(std::string_view name) {
  static constexpr auto k_exact =
      std::to_array<std::string_view>({"pwd", "pin", "otp", "sig", "key", "jwt", "auth", "sid"});
  static constexpr auto k_parts = std::to_array<std::string_view>(
      {"password", "passwd", "passphrase", "secret", "token", "apikey", "api_key", "api-key",
       "access_key", "accesskey", "private_key", "privatekey", "authorization", "cookie", "session",
       "credential", "signature", "bearer", "x-auth"});
  std::string n = to_lower(trim(name));
  return std::find(k_exact.begin(), k_exact.end(), n) != k_exact.end() ||
         std::any_of(k_parts.begin(), k_parts.end(),
                     [&](std::string_view part) { return contains(n, part); });
}

nlohmann::json recorded_json_body(std::string_view text) {
  auto t = trim(text);
  if (t.empty() || (t.front() != '{' && t.front() != '['))
    return nullptr;
  auto body = nlohmann::json::parse(t.begin(), t.end(), nullptr, false);
  if (body.is_discarded() || !body.is_structured() || deeper_than(body, k_max_body_depth))
    return nullptr;
  mask_credentials(body, false);
  return body;
}

Parameter recorded_query(const std::string& name, const std::string& value) {
  Parameter p;
  p.name = name;
  p.in = "query";
  if (!is_credential_name(name))
    p.example = value;
  p.object_ref = is_object_ref_name(name) || is_uuid(p.example);
  return p;
}

std::optional<Parameter> recorded_header(std::string_view name, std::string_view value) {
  static constexpr auto k_noise = std::to_array<std::string_view>(
      {"request-id", "requested-with", "trace", "correlation", "span", "forwarded", "real-ip",
       "csrf", "xsrf", "client-ip", "amzn", "b3-"});
  static constexpr auto k_objects = std::to_array<std::string_view>(
      {"tenant", "org", "account", "workspace", "project", "team", "company", "customer"});
  std::string n = to_lower(trim(name));
  if (!n.starts_with("x-") || is_credential_name(n))
    return std::nullopt;
  if (std::any_of(k_noise.begin(), k_noise.end(),
                  [&](std::string_view p) { return contains(n, p); }))
    return std::nullopt;
  bool names_object =
      ends_with(n, "id") || std::any_of(k_objects.begin(), k_objects.end(),
                                        [&](std::string_view p) { return contains(n, p); });
  auto v = trim(value);
  if (!names_object || istarts_with(v, "bearer ") || istarts_with(v, "basic ") ||
      v.starts_with("eyJ"))
    return std::nullopt;
  return Parameter{std::string(trim(name)), "header", false, nullptr, std::string(v), true};
}

std::vector<Operation> operations_from_recordings(const std::vector<RecordedRequest>& requests,
                                                  const std::string& source) {
  // 1. what each segment is, and the values weak ids take at each place
  std::vector<std::vector<Kind>> kinds;
  std::map<std::string, std::set<std::string>> values;
  for (const auto& r : requests) {
    auto& k = kinds.emplace_back();
    for (const auto& s : r.segments)
      k.push_back(classify(s));
  }
  for (size_t n = 0; n < requests.size(); ++n)
    for (size_t i = 0; i < requests[n].segments.size(); ++i)
      if (kinds[n][i] == Kind::weak)
        values[position_key(requests[n].segments, kinds[n], i)].insert(requests[n].segments[i]);

  // 2. templates, merged by method + template
  std::vector<Operation> out;
  std::map<std::string, size_t> index;
  for (size_t n = 0; n < requests.size(); ++n) {
    const auto& r = requests[n];
    const auto& k = kinds[n];
    std::vector<bool> param(r.segments.size());
    std::set<std::string> used;
    for (size_t i = 0; i < r.segments.size(); ++i) {
      param[i] = k[i] == Kind::named || k[i] == Kind::strong ||
                 (k[i] == Kind::weak && values[position_key(r.segments, k, i)].size() >= 2);
      if (k[i] == Kind::named)
        used.insert(r.segments[i].substr(1, r.segments[i].size() - 2));
    }
    std::string path;
    std::vector<Parameter> path_params;
    for (size_t i = 0; i < r.segments.size(); ++i) {
      const auto& s = r.segments[i];
      path += '/';
      if (!param[i]) {
        path += s;
        continue;
      }
      Parameter p;
      p.in = "path";
      p.required = true;
      p.object_ref = true;
      if (k[i] == Kind::named) {
        p.name = s.substr(1, s.size() - 2);
        if (auto e = r.examples.find(p.name); e != r.examples.end())
          p.example = e->second;
      } else {
        p.name = unique_name(i > 0 && !param[i - 1] ? name_after(r.segments[i - 1]) : "id", used);
        p.example = s;
      }
      path += '{';
      path += p.name;
      path += '}';
      path_params.push_back(std::move(p));
    }
    if (path.empty() || r.trailing_slash)
      path += '/';

    std::string key = r.method;
    key += ' ';
    key += path;
    auto [it, fresh] = index.emplace(key, out.size());
    if (fresh) {
      Operation o;
      o.method = r.method;
      o.path = path;
      o.source = source;
      for (const auto& p : path_params)
        o.path_params.push_back(p.name);
      o.params = std::move(path_params);
      out.push_back(std::move(o));
    } else {
      for (size_t i = 0; i < path_params.size(); ++i)
        merge_param(out[it->second].params, path_params[i]);
    }
    auto& o = out[it->second];
    for (const auto& p : r.params)
      merge_param(o.params, p);
    if (o.body_example.is_null() && !r.body_example.is_null())
      o.body_example = r.body_example;
  }
  sort_operations(out);
  return out;
}

Expected<std::vector<Operation>> parse_har(const nlohmann::json& doc, const std::string& base_url) {
  const auto* log = member(doc, "log");
  const auto* entries = log == nullptr ? nullptr : member(*log, "entries");
  if (entries == nullptr || !entries->is_array())
    return unexpected(ErrorKind::parse, "not a HAR file: there is no log.entries array");
  std::vector<Candidate> candidates;
  std::map<std::string, size_t> counts;
  std::vector<std::string> origins; // in the order first seen, for ties
  for (const auto& entry : *entries) {
    auto c = read_entry(entry);
    if (!c)
      continue;
    if (counts[c->origin]++ == 0)
      origins.push_back(c->origin);
    candidates.push_back(std::move(*c));
  }
  std::string chosen;
  if (auto base = parse_url(base_url); base && counts.count(base->origin()) != 0) {
    chosen = base->origin();
  } else {
    size_t best = 0;
    for (const auto& o : origins)
      if (counts[o] > best) {
        best = counts[o];
        chosen = o;
      }
  }
  std::vector<RecordedRequest> requests;
  for (auto& c : candidates)
    if (c.origin == chosen)
      requests.push_back(std::move(c.request));
  return operations_from_recordings(requests, "har");
}

} // namespace lg::analyze
