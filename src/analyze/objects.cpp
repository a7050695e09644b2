// The data judge of the access gate (access.cross-tenant-read, access.filter-tampering,
// access.role-escalation): objects are pulled out of JSON responses, every value an org saw while
// reading its own data is indexed, and a response to another org's account is a leak only when it
// carries an object with that org's id and values (OWASP API1:2023, CWE-639). Values every org
// sees — reference lists, roles, shared endpoints — are never evidence.

#include "analyze/objects.hpp"

#include "analyze/openapi.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <deque>

namespace lg::analyze {
namespace {

std::optional<std::string> scalar_text(const nlohmann::json& v) {
  if (v.is_string())
    return v.get<std::string>();
  if (v.is_number_integer())
    return std::to_string(v.get<long long>());
  if (v.is_number_unsigned())
    return std::to_string(v.get<unsigned long long>());
  if (v.is_number_float())
    return v.dump();
  return std::nullopt;
}

bool is_error_key(std::string_view key) {
  return key == "error" || key == "errors" || key == "error_description" || key == "fault";
}

std::string pick_id_key(const nlohmann::json& object) {
  for (const char* key : {"id", "uuid", "_id", "ID", "Id"}) {
    auto it = object.find(key);
    if (it != object.end() && scalar_text(*it))
      return key;
  }
  for (const auto& [key, value] : object.items())
    if (is_object_ref_name(key) && scalar_text(value))
      return key;
  return "";
}

/// Whether `value` can tell one org's data from another's: three or more characters with a
/// letter, and not a date or time (timestamps of seed data and of bulk imports collide).
bool identifying(const std::string& value) {
  if (value.size() < 3 || value == "true" || value == "false" || value == "null")
    return false;
  if (std::none_of(value.begin(), value.end(),
                   [](unsigned char c) { return std::isalpha(c) != 0; }))
    return false;
  auto digit = [&](size_t i) {
    return i < value.size() && std::isdigit(static_cast<unsigned char>(value[i]));
  };
  bool iso_date = digit(0) && digit(1) && digit(2) && digit(3) && value.size() >= 10 &&
                  value[4] == '-' && digit(5) && digit(6) && value[7] == '-';
  return !iso_date;
}

} // namespace

std::vector<DataObject> collect_objects(const nlohmann::json& doc, size_t max_objects) {
  std::vector<DataObject> out;
  std::deque<const nlohmann::json*> queue{&doc};
  size_t visited = 0;
  while (!queue.empty() && out.size() < max_objects && visited < max_objects * 8) {
    const nlohmann::json* node = queue.front();
    queue.pop_front();
    ++visited;
    if (node->is_array()) {
      for (const auto& item : *node)
        if (item.is_structured())
          queue.push_back(&item);
      continue;
    }
    if (!node->is_object())
      continue;
    DataObject object;
    bool error_shaped = false;
    for (const auto& [key, value] : node->items()) {
      if (auto text = scalar_text(value))
        object.fields.emplace(key, std::move(*text));
      else if (value.is_structured())
        queue.push_back(&value);
      error_shaped = error_shaped || is_error_key(key);
    }
    if (object.fields.empty() || error_shaped)
      continue;
    object.id_key = pick_id_key(*node);
    if (!object.id_key.empty())
      object.id = object.fields[object.id_key];
    out.push_back(std::move(object));
  }
  return out;
}

bool carries_data(const nlohmann::json& doc) {
  auto objects = collect_objects(doc, 64);
  return std::any_of(objects.begin(), objects.end(),
                     [](const DataObject& o) { return o.fields.size() >= 2; });
}

bool is_refusal_body(const nlohmann::json& doc) {
  if (doc.is_object()) {
    for (const char* key : {"ok", "success"}) {
      auto it = doc.find(key);
      if (it != doc.end() && it->is_boolean() && !it->get<bool>())
        return true;
    }
    for (const auto& [key, value] : doc.items())
      if (is_error_key(key) && !value.is_null())
        return true;
  }
  return !carries_data(doc);
}

void OwnershipMap::add(const std::string& org, const DataObject& object) {
  auto& ids = m_ids[org];
  if (!object.id.empty() && !ids.insert(object.id_key + '\n' + object.id).second)
    return; // seen before (a list and its item): keep the first
  for (const auto& [key, value] : object.fields)
    m_seen[value].insert(org);
  m_objects[org].push_back(object);
}

void OwnershipMap::add_shared(const DataObject& object) {
  for (const auto& [key, value] : object.fields)
    m_shared.insert(value);
}

bool OwnershipMap::seen_by(const std::string& org, const std::string& value) const {
  auto it = m_seen.find(value);
  return it != m_seen.end() && it->second.contains(org);
}

const std::vector<DataObject>& OwnershipMap::objects_of(const std::string& org) const {
  static const std::vector<DataObject> k_none;
  auto it = m_objects.find(org);
  return it == m_objects.end() ? k_none : it->second;
}

std::vector<std::string> OwnershipMap::values_of(const std::string& org,
                                                 const std::string& field) const {
  std::vector<std::string> out;
  for (const auto& object : objects_of(org)) {
    auto it = object.fields.find(field);
    if (it != object.fields.end() && std::find(out.begin(), out.end(), it->second) == out.end())
      out.push_back(it->second);
  }
  return out;
}

bool OwnershipMap::victim_only(const std::string& value, const std::string& victim,
                               const std::string& attacker) const {
  if (!identifying(value))
    return false;
  if (m_shared.contains(value))
    return false;
  auto it = m_seen.find(value);
  return it != m_seen.end() && it->second.contains(victim) && !it->second.contains(attacker);
}

std::vector<Leak> OwnershipMap::find_leaks(const nlohmann::json& doc, const std::string& victim_org,
                                           const std::string& attacker_org) const {
  std::vector<Leak> leaks;
  const auto& victims = objects_of(victim_org);
  if (victims.empty())
    return leaks;
  std::set<size_t> reported;
  for (const auto& got : collect_objects(doc)) {
    for (size_t i = 0; i < victims.size(); ++i) {
      if (reported.contains(i))
        continue;
      const auto& victim = victims[i];
      bool same_id = !victim.id.empty() && got.id_key == victim.id_key && got.id == victim.id;
      std::vector<std::string> matched;
      for (const auto& [key, value] : victim.fields) {
        if (same_id && key == victim.id_key)
          continue;
        auto it = got.fields.find(key);
        if (it != got.fields.end() && it->second == value &&
            victim_only(value, victim_org, attacker_org))
          matched.push_back(key);
      }
      if ((same_id && !matched.empty()) || matched.size() >= 2) {
        reported.insert(i);
        leaks.push_back({victim.id, std::move(matched)});
      }
    }
  }
  return leaks;
}

bool is_scope_field(std::string_view name) {
  static constexpr auto k_names = std::to_array<std::string_view>(
      {"org",          "org_id",          "orgid",       "organization", "organization_id",
       "organisation", "organisation_id", "tenant",      "tenant_id",    "tenantid",
       "team",         "team_id",         "teamid",      "company",      "company_id",
       "companyid",    "account_id",      "accountid",   "customer_id",  "customerid",
       "workspace",    "workspace_id",    "workspaceid", "owner",        "owner_id",
       "ownerid",      "user_id",         "userid",      "created_by",   "createdby"});
  auto lower = to_lower(name);
  return std::find(k_names.begin(), k_names.end(), lower) != k_names.end();
}

bool is_search_param(std::string_view name) {
  static constexpr auto k_names = std::to_array<std::string_view>(
      {"q", "query", "search", "term", "keyword", "keywords", "filter", "s", "text", "find"});
  auto lower = to_lower(name);
  return std::find(k_names.begin(), k_names.end(), lower) != k_names.end();
}

} // namespace lg::analyze
