#pragma once
// perf.api-latency's scenario: the configured `actions:` (or, when none are listed, the core
// actions found in the API description: login, list, read, search and, with --allow-writes,
// save) turned into the concrete requests of the load mix. Path templates are filled from each
// action's `vars` or from ids its account read in the access gate's harvest; a write fills them
// only with an object the tool created for it (deleted after the run); every request carries the
// session of its account, except a login, which sends the account's own login request.

#include "checks/access/writes.hpp"
#include "engine/context.hpp"
#include "perf/load.hpp"

#include <string>
#include <vector>

namespace lg::checks::perf_scenario {

/// At most this many concrete requests are made of one action's template.
inline constexpr size_t k_max_targets = 20;

struct Scenario {
  std::vector<perf::LoadRequest> mix;
  std::vector<std::string> found;       ///< the default actions, as "name (METHOD /path)"; empty
                                        ///< when the config lists its own
  std::vector<std::string> left_out;    ///< actions not measured, each with why
  std::vector<access::Creatable> kinds; ///< what `created` points into
  std::vector<access::Created> created; ///< objects made for writes, deleted after the run
};

/// The core actions of the API description, for a config without `actions:`. `notes` gains why
/// an expected action (list, search, save) was not found.
std::vector<ActionConfig> default_actions(engine::Context& context,
                                          std::vector<std::string>& notes);

/// The load mix of the configured (or default) actions. Errors when an account's login fails
/// (after deleting what it created); an action that cannot be made is in `left_out`.
Expected<Scenario> build(engine::Context& context);

/// The `{name}` templates of `path`, in order.
std::vector<std::string> template_names(std::string_view path);

/// `path` with each `{name}` replaced by its value in `values`, URL-encoded (names without a
/// value stay as they are).
std::string fill_template(std::string_view path, const std::map<std::string, std::string>& values);

} // namespace lg::checks::perf_scenario
