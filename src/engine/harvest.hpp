#pragma once
// The access gate's harvest: every account reads what it may read (each safe GET of the API
// description, path parameters filled from its own list responses), and the objects each org saw
// become the ownership map that the cross-tenant, filter and role checks judge responses by.

#include "analyze/objects.hpp"
#include "analyze/openapi.hpp"
#include "core/config.hpp"
#include "net/http.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace lg::engine {

class Context;

/// One request sent as one account (or anonymously) and what came back.
struct Observation {
  std::string account; ///< "" when sent without credentials
  const analyze::Operation* op = nullptr;
  std::vector<std::string> values; ///< the path parameters' values, in template order
  std::string path;                ///< the concrete path (and query) sent
  int status = 0;
  nlohmann::json body; ///< the parsed JSON body; discarded (is_discarded) when not JSON
  std::vector<analyze::DataObject> objects;

  bool ok() const { return status >= 200 && status < 300; }
  /// A success that carries data (not an error body, not an empty list).
  bool has_data() const;
};

/// Whether `op` is a search (a path with "search", or a required q/query/search parameter): the
/// harvest leaves searches out, since a search that crosses orgs would blur who owns what; they
/// are access.filter-tampering's to probe.
bool is_search(const analyze::Operation& op);

/// Whether `account` has an admin role ("admin", "owner", "superuser" in its role).
bool is_admin(const Account& account);

class Harvest {
public:
  /// Up to this many items of each list are read back per account.
  static constexpr size_t k_items_per_list = 3;

  const std::vector<Observation>& observations() const { return m_observations; }
  const analyze::OwnershipMap& ownership() const { return m_ownership; }

  /// Observations of `account` for `op` (every op when null), in the order they were made.
  std::vector<const Observation*> of(const std::string& account,
                                     const analyze::Operation* op = nullptr) const;

  /// Accounts whose login failed or whose own requests were nearly all refused, with why.
  const std::vector<std::string>& problems() const { return m_problems; }

  int requests() const { return m_requests; }

  /// Whether `op` serves data shared across orgs on purpose (api.shared).
  bool shared(const analyze::Operation& op) const;

  /// Whether `op` is admin-only (api.admin_only, or x-admin-only in the description).
  bool admin_only(const analyze::Operation& op) const;

  /// Whether `op` needs no session (api.public, or `security: []` in the description).
  bool public_op(const analyze::Operation& op) const;

  /// Runs the harvest for every configured account. Never fails: what went wrong is in
  /// problems() (a failed login) or simply missing from the observations.
  static Harvest run(Context& context);

private:
  void read_as(Context& context, const Account& account,
               const std::vector<analyze::Operation>& ops);
  void add(const Account& account, Observation observation);

  const ApiConfig* m_api = nullptr;
  std::vector<Observation> m_observations;
  analyze::OwnershipMap m_ownership;
  std::vector<std::string> m_problems;
  int m_requests = 0;
};

/// The path prefix of `op` up to (not including) its `index`-th path parameter, without a
/// trailing slash: the list that the parameter's values come from (/orgs for /orgs/{org}/x).
std::string parent_template(const analyze::Operation& op, size_t index);

/// `path` with its parameters filled by `values` in order (missing values stay as templates).
std::string fill_params(std::string_view path, const std::vector<std::string>& values);

/// The parsed JSON body of `response`; discarded when it is not JSON.
nlohmann::json parse_body(const net::HttpResponse& response);

} // namespace lg::engine
