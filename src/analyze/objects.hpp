#pragma once
// Judging access by data, not by status code: the objects an API response carries, which org saw
// which identifying value during the harvest (the ownership map), and whether a response given to
// one account carries another org's objects.

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

/// An object of an API response: its id (when it has an id-like member) and its scalar members
/// as text.
struct DataObject {
  std::string id_key; ///< "id", "uuid", "project_id" ...; empty when none
  std::string id;
  std::map<std::string, std::string> fields; ///< top-level strings and numbers, as text
};

/// The objects in `doc`: the document itself when it is an object with scalar members, every
/// object in arrays, and objects nested in members, breadth first, at most `max_objects`.
std::vector<DataObject> collect_objects(const nlohmann::json& doc, size_t max_objects = 5000);

/// True when `doc` says "no": an object with an `error`/`errors`/`message` member and no data, or
/// with `ok`/`success` false, or a list or object whose data lists are all empty.
bool is_refusal_body(const nlohmann::json& doc);

/// True when `doc` carries data: at least one object with two or more scalar members.
bool carries_data(const nlohmann::json& doc);

/// A victim object found in a response to another org's account.
struct Leak {
  std::string id;                  ///< the victim object's id ("" when it has none)
  std::vector<std::string> fields; ///< names of its members found with the victim's values
};

/// Which org saw which value while every account read its own data.
class OwnershipMap {
public:
  /// Records that `org` legitimately saw `object`.
  void add(const std::string& org, const DataObject& object);
  /// Records values every org may see (api.shared endpoints): never evidence of a leak.
  void add_shared(const DataObject& object);

  /// Objects of `victim_org`, never seen by `attacker_org`, that `doc` carries. An object counts
  /// when a response object has its id under the same member and at least one other of its
  /// victim-only values, or at least two victim-only values under the same members. A value is
  /// victim-only when the victim's org saw it, the attacker's org never did, it is not shared,
  /// and it identifies: three or more characters with a letter, not true/false/null, not a date
  /// or timestamp (seed data and bulk imports share those across orgs).
  std::vector<Leak> find_leaks(const nlohmann::json& doc, const std::string& victim_org,
                               const std::string& attacker_org) const;

  /// Whether `org` saw `value` anywhere.
  bool seen_by(const std::string& org, const std::string& value) const;

  /// The objects `org` saw, in the order they were added.
  const std::vector<DataObject>& objects_of(const std::string& org) const;

  /// Values of members named `field` in objects `org` saw (for filter values: org_id, owner ...).
  std::vector<std::string> values_of(const std::string& org, const std::string& field) const;

private:
  bool victim_only(const std::string& value, const std::string& victim,
                   const std::string& attacker) const;

  std::map<std::string, std::set<std::string>> m_seen; ///< value -> orgs
  std::set<std::string> m_shared;
  std::map<std::string, std::vector<DataObject>> m_objects; ///< org -> objects
  std::map<std::string, std::set<std::string>> m_ids;       ///< org -> ids of its objects
};

/// Whether a member called `name` holds an org, tenant or owner (a filter an attacker may
/// change): org, org_id, orgId, organization, tenant, tenant_id, team_id, company_id, account_id,
/// customer_id, owner, owner_id, user_id, created_by.
bool is_scope_field(std::string_view name);

/// Whether a query parameter called `name` is a free-text search (q, query, search, term ...).
bool is_search_param(std::string_view name);

} // namespace lg::analyze
