#pragma once
// Time as a service, so that rate limits and durations are testable with a fake clock.

#include <chrono>

namespace lg::net {

class Clock {
public:
  virtual ~Clock() = default;
  virtual std::chrono::steady_clock::time_point now() = 0;
  virtual void sleep_until(std::chrono::steady_clock::time_point t) = 0;
};

/// The real steady clock.
class SystemClock final : public Clock {
public:
  std::chrono::steady_clock::time_point now() override;
  void sleep_until(std::chrono::steady_clock::time_point t) override;
};

} // namespace lg::net
