#pragma once
// The perf gate's load engine: one epoll loop per thread over non-blocking sockets, HTTP/1.1
// keep-alive without pipelining, responses parsed by Boost.Beast's basic_parser; the open model
// (latency from each request's due time, coordinated omission corrected) or the closed one.
// Only app and tests construct it; checks reach it through perf::LoadRunner.

#include "perf/load.hpp"

namespace lg::perf {

/// Runs the load. Errors (kind usage) for options out of range or an empty mix, (kind network)
/// when no connection can be made at all; everything after the first connection is measured.
Expected<LoadResult> run_load(const LoadTarget& target, const std::vector<LoadRequest>& mix,
                              const LoadOptions& options);

/// run_load behind the LoadRunner interface; stateless, so one may serve a whole run.
class EpollLoadRunner final : public LoadRunner {
public:
  Expected<LoadResult> run(const LoadTarget& target, const std::vector<LoadRequest>& mix,
                           const LoadOptions& options) override;
};

} // namespace lg::perf
