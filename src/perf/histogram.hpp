#pragma once
// Latency histogram for the perf gate, with HdrHistogram's precision in constant memory: values
// in microseconds from 1 µs to 1 min (larger ones count at the top and raise max()). Values up
// to 255 µs have a bucket each; above, each power of two is split into 128 linear sub-buckets
// (HdrHistogram's layout for 2 significant digits), so every reported value is within 1% of a
// value that was recorded (a bucket's relative width is at most 1/128). 2560 counters, 20 KiB.
// Recording is O(1) without allocation; one histogram per action per thread, merged at the end.
// Counts saturate instead of overflowing.

#include <array>
#include <cstdint>

namespace lg::perf {

class Histogram {
public:
  static constexpr std::int64_t k_lowest = 1;                   ///< µs
  static constexpr std::int64_t k_highest = 60LL * 1000 * 1000; ///< µs: 1 min
  static constexpr int k_sub_bucket_bits = 7; ///< 128 sub-buckets per power of two
  static constexpr int k_sub_buckets = 1 << k_sub_bucket_bits;
  static constexpr int k_magnitudes = 26; ///< 2^26 µs > 1 min
  /// 0..255 one bucket each (two powers of two's worth), then 128 per power of two up to 2^26.
  static constexpr int k_buckets = (k_magnitudes - k_sub_bucket_bits + 1) * k_sub_buckets;

  /// Records `count` values of `micros` (values under 1 µs count as 1 µs); `count` <= 0 records
  /// nothing.
  void record(std::int64_t micros, std::int64_t count = 1);
  /// Adds every count of `other` (min, max and the sum for mean() included).
  void merge(const Histogram& other);
  void reset();

  std::int64_t count() const { return m_count; }
  /// The smallest and largest values recorded, exact (0 when empty).
  std::int64_t min() const { return m_count == 0 ? 0 : m_min; }
  std::int64_t max() const { return m_max; }
  double mean() const;
  /// The value under which `percentile` percent (0 < p <= 100) of the recorded values fall: the
  /// upper edge of the bucket holding rank ceil(p/100 * count()), capped at max() and at least
  /// min(); 0 when empty. `percentile` outside (0, 100] is clamped (NaN counts as the lowest).
  /// The top bucket has no upper edge: a rank there reports max().
  std::int64_t percentile(double percentile) const;

private:
  static int bucket_of(std::int64_t micros);
  static std::int64_t upper_edge(int bucket);

  std::array<std::int64_t, k_buckets> m_counts{};
  std::int64_t m_count = 0;
  std::int64_t m_min = INT64_MAX; ///< so that the first record() lowers it without a branch
  std::int64_t m_max = 0;
  double m_sum = 0; ///< of every value recorded, exact ones above k_highest included
};

} // namespace lg::perf
