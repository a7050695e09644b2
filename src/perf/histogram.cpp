// The perf gate's latency histogram, laid out the way HdrHistogram lays out 2 significant digits:
// bucket i < 256 holds the value i; above, a value v with its highest bit at position m (m >= 8)
// goes to sub-bucket v >> (m - 7), one of 128, of power-of-two block m - 7, so a bucket is
// 2^(m - 7) wide and at most 1/128 of its lowest value. Values are clamped to k_highest before
// bucketing; the bucket of k_highest is the open-ended top one. Counts saturate at INT64_MAX.

#include "perf/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace lg::perf {

namespace {

constexpr std::int64_t k_saturated = std::numeric_limits<std::int64_t>::max();

/// The bucket of `v` (1 <= v < 2^k_magnitudes).
constexpr int index_of(std::int64_t v) {
  const auto u = static_cast<std::uint64_t>(v);
  // Block 0 covers 0..255 at width 1; block b >= 1 covers [2^(b+7), 2^(b+8)) at width 2^b. Or-ing
  // in the low 8 bits makes every v < 256 land in block 0 without a branch.
  const int block =
      static_cast<int>(std::bit_width(u | 0xffU)) - (Histogram::k_sub_bucket_bits + 1);
  return block * Histogram::k_sub_buckets + static_cast<int>(u >> block);
}

/// The largest value that lands in bucket `index`.
constexpr std::int64_t highest_of(int index) {
  const int block = std::max(0, index / Histogram::k_sub_buckets - 1);
  const std::int64_t sub = index - block * Histogram::k_sub_buckets;
  return ((sub + 1) << block) - 1;
}

constexpr int k_top = index_of(Histogram::k_highest);

static_assert(Histogram::k_highest < (std::int64_t{1} << Histogram::k_magnitudes));
static_assert(index_of((std::int64_t{1} << Histogram::k_magnitudes) - 1) ==
              Histogram::k_buckets - 1);
static_assert(index_of(1) == 1 && index_of(255) == 255 && index_of(256) == 256);
static_assert(highest_of(index_of(256)) == 257 && highest_of(index_of(1000)) == 1003);

std::int64_t add_saturating(std::int64_t a, std::int64_t b) {
  return a > k_saturated - b ? k_saturated : a + b;
}

} // namespace

int Histogram::bucket_of(std::int64_t micros) {
  return index_of(std::clamp(micros, k_lowest, k_highest));
}

std::int64_t Histogram::upper_edge(int bucket) {
  return bucket >= k_top ? k_saturated : highest_of(bucket);
}

void Histogram::record(std::int64_t micros, std::int64_t count) {
  if (count <= 0) {
    return;
  }
  const std::int64_t v = std::max(micros, k_lowest);
  auto& slot = m_counts[static_cast<std::size_t>(bucket_of(v))];
  slot = add_saturating(slot, count);
  m_count = add_saturating(m_count, count);
  m_min = std::min(m_min, v);
  m_max = std::max(m_max, v);
  m_sum += static_cast<double>(v) * static_cast<double>(count);
}

void Histogram::merge(const Histogram& other) {
  for (std::size_t i = 0; i < m_counts.size(); ++i) {
    m_counts[i] = add_saturating(m_counts[i], other.m_counts[i]);
  }
  m_count = add_saturating(m_count, other.m_count);
  m_min = std::min(m_min, other.m_min);
  m_max = std::max(m_max, other.m_max);
  m_sum += other.m_sum;
}

void Histogram::reset() {
  *this = Histogram{};
}

double Histogram::mean() const {
  return m_count == 0 ? 0.0 : m_sum / static_cast<double>(m_count);
}

std::int64_t Histogram::percentile(double percentile) const {
  if (m_count == 0) {
    return 0;
  }
  const double p = percentile > 0 ? std::min(percentile, 100.0) : 0.0; // NaN goes to 0
  // p * count / 100 rather than p / 100 * count: exact for whole p and counts below 2^46, so a
  // rank that is a whole number is not pushed up by one by rounding.
  const double wanted = std::ceil(p * static_cast<double>(m_count) / 100.0);
  const std::int64_t rank = wanted <= 1 ? 1
                            : wanted >= static_cast<double>(m_count)
                                ? m_count
                                : static_cast<std::int64_t>(wanted);
  std::int64_t seen = 0;
  for (int i = 0; i < k_buckets; ++i) {
    seen = add_saturating(seen, m_counts[static_cast<std::size_t>(i)]);
    if (seen >= rank) {
      return std::clamp(upper_edge(i), m_min, m_max);
    }
  }
  return m_max; // only if saturated counts disagree with m_count
}

} // namespace lg::perf
