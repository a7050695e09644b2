#pragma once
// Objects the tool creates for the write checks (only with --allow-writes): which collections
// can be created in and read back, creating one object as an account, reading it back and
// deleting it at the end. Writes never touch an object the tool did not create.

#include "checks/access/common.hpp"

#include <optional>
#include <string>
#include <vector>

namespace lg::checks::access {

/// A collection the API lets an account create in and read back: POST on `create`, GET (and
/// PUT/PATCH/DELETE when described) on the item template below it.
struct Creatable {
  const analyze::Operation* create = nullptr;
  const analyze::Operation* get = nullptr;
  std::vector<const analyze::Operation*> updates; ///< PUT and PATCH on the item
  const analyze::Operation* remove = nullptr;     ///< DELETE on the item, if any
};

/// Every collection with a POST and a GET on its item template (`/x` and `/x/{id}`), non-admin,
/// non-shared.
std::vector<Creatable> creatables(const engine::Harvest& harvest,
                                  const std::vector<analyze::Operation>& ops);

/// One object the tool created.
struct Created {
  const Creatable* kind = nullptr;
  std::string account;             ///< who created it (its owner)
  std::vector<std::string> values; ///< the item template's path values (parents, then the id)
  std::string path;                ///< the item's concrete path
  nlohmann::json object;           ///< as the create answered
  nlohmann::json sent;             ///< the body the create sent
  bool deleted = false;
};

/// Creates one object in `kind` as `account`, with `extra` members merged into the sample body
/// (for mass assignment), the collection's parents filled from the account's harvest. Nullopt
/// (with `why` set) when it cannot: no parent ids, a refusal, no id in the answer.
std::optional<Created> create_object(engine::Context& context, const Creatable& kind,
                                     const Account& account, const std::string& marker,
                                     const nlohmann::json& extra, std::string& why);

/// GET of `created` as `account`: the answer, or an error.
Expected<net::HttpResponse> read_back(engine::Context& context, const Created& created,
                                      const std::string& account);

/// Deletes every object in `created` that is not deleted yet, as its owner (or, when the owner
/// is refused, as an admin of the same org). Returns the paths it could not delete.
std::vector<std::string> delete_created(engine::Context& context, std::vector<Created>& created);

/// A marker for one run's writes: "launchgate-" + 8 random hex digits + "-" + `tag`.
std::string write_marker(const std::string& tag);

} // namespace lg::checks::access
