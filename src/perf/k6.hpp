#pragma once
// `launchgate perf --export k6 FILE`: perf.api-latency's scenario — the config's actions, each
// with its account's login, at perf.users / perf.think_time on a constant-arrival-rate schedule
// after the warm-up, judged by the same thresholds — written as a k6 script, for teams who need
// more load than one machine gives and run k6 on a cluster. Credentials are never written: a
// ${NAME} of the config (loaded with EnvReferences::keep) becomes __ENV.NAME in the script.

#include "core/config.hpp"
#include "util/expected.hpp"

#include <string>
#include <vector>

namespace lg::perf {

struct K6Options {
  bool allow_writes = false; ///< include actions that write (anything but GET, HEAD, OPTIONS)
  std::string source;        ///< the config file's name, for the script's header
};

struct K6Script {
  std::string text;               ///< the script (an ES module, as k6 runs it)
  std::vector<std::string> notes; ///< what was left out, and why
};

/// The k6 script of `config`'s perf scenario. Errors (kind config) when no action can be
/// exported. A literal credential in the config (not a ${NAME}) is refused too: the script would
/// carry it in clear.
Expected<K6Script> k6_script(const Config& config, const K6Options& options);

/// `text` as a JavaScript template literal in which each ${NAME} (NAME: letters, digits, _)
/// reads the environment variable NAME (${__ENV.NAME}); everything else is literal.
std::string js_template(std::string_view text);

} // namespace lg::perf
