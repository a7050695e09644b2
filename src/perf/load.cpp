// The parts of perf/load.hpp that need no sockets.

#include "perf/load.hpp"

namespace lg::perf {

std::int64_t ActionStats::errors() const {
  std::int64_t n = 0;
  for (const auto& [status, count] : statuses)
    if (status >= 400)
      n += count;
  for (const auto& [kind, count] : failures)
    n += count;
  return n;
}

} // namespace lg::perf
