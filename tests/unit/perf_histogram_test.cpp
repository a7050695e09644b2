// The perf gate's latency histogram: exact small values, 1% precision from 1 µs to 1 min, the
// percentile rank rule, known distributions, merging, saturation-free huge counts, values above
// the top, reset and mean.

#include "perf/histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <vector>

namespace lg {
namespace {

using perf::Histogram;

constexpr std::int64_t k_ms = 1000;
constexpr std::int64_t k_s = 1000 * k_ms;

// The histogram is 20 KiB: keep it off the stack in tests that hold several.
std::unique_ptr<Histogram> make() {
  return std::make_unique<Histogram>();
}

// |reported - expected| <= 1% of expected.
::testing::AssertionResult within_1pct(std::int64_t reported, std::int64_t expected) {
  const auto diff = std::llabs(reported - expected);
  if (diff * 100 <= expected) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << reported << " is " << 100.0 * static_cast<double>(diff) / static_cast<double>(expected)
         << "% away from " << expected;
}

TEST(PerfHistogram, MemoryIsConstantAndSmall) {
  EXPECT_LT(sizeof(Histogram), 64u * 1024u);
  // Recording a million values allocates nothing: the object is all there is.
  auto h = make();
  for (std::int64_t v = 1; v <= 1'000'000; ++v) {
    h->record(v * 60);
  }
  EXPECT_EQ(h->count(), 1'000'000);
}

TEST(PerfHistogram, EmptyReportsZero) {
  const auto h = make();
  EXPECT_EQ(h->count(), 0);
  EXPECT_EQ(h->min(), 0);
  EXPECT_EQ(h->max(), 0);
  EXPECT_EQ(h->mean(), 0.0);
  EXPECT_EQ(h->percentile(50), 0);
  EXPECT_EQ(h->percentile(100), 0);
}

TEST(PerfHistogram, SmallValuesAreExact) {
  // Below 256 µs every value has its own bucket: with a larger value beside it (so that the cap
  // at max() does not hide the bucket's edge), the median is the value itself.
  auto h = make();
  for (std::int64_t v = 1; v < 256; ++v) {
    h->reset();
    h->record(v);
    h->record(Histogram::k_highest);
    ASSERT_EQ(h->percentile(50), v);
  }
  // 256 starts the first 2-wide bucket: 256 reports 257, the bucket's upper edge.
  h->reset();
  h->record(256);
  h->record(Histogram::k_highest);
  EXPECT_EQ(h->percentile(50), 257);
}

TEST(PerfHistogram, ValuesBelowOneCountAsOne) {
  auto h = make();
  h->record(0);
  h->record(-7, 3);
  EXPECT_EQ(h->count(), 4);
  EXPECT_EQ(h->min(), 1);
  EXPECT_EQ(h->max(), 1);
  EXPECT_EQ(h->mean(), 1.0);
  EXPECT_EQ(h->percentile(50), 1);
}

TEST(PerfHistogram, NonPositiveCountsRecordNothing) {
  auto h = make();
  h->record(500, 0);
  h->record(500, -4);
  EXPECT_EQ(h->count(), 0);
  EXPECT_EQ(h->max(), 0);
  h->record(500, 2);
  EXPECT_EQ(h->count(), 2);
  EXPECT_EQ(h->min(), 500);
}

TEST(PerfHistogram, EveryValueFrom1usTo1minIsWithin1Percent) {
  auto h = make();
  double worst = 0;
  int checked = 0;
  auto check = [&](std::int64_t v) {
    // Alone, a value is reported exactly: percentile(100) is capped at max().
    h->reset();
    h->record(v);
    ASSERT_EQ(h->percentile(100), v);
    // Beside the top value, the median reports the upper edge of v's own bucket: never below v
    // and within 1% above it.
    h->record(Histogram::k_highest);
    const auto got = h->percentile(50);
    ASSERT_GE(got, v);
    ASSERT_TRUE(within_1pct(got, v)) << "for " << v;
    worst = std::max(worst, static_cast<double>(got - v) / static_cast<double>(v));
    ++checked;
  };
  // Every value up to 20000, then steps of 0.05% of the value up to 1 min, plus both
  // sides of every power of two (where a bucket's relative width is largest).
  for (std::int64_t v = 1; v <= 20'000; ++v) {
    check(v);
  }
  for (std::int64_t v = 20'000; v <= Histogram::k_highest;
       v += std::max<std::int64_t>(1, v / 1999)) {
    check(v);
  }
  for (std::int64_t p = 2; p <= Histogram::k_highest; p *= 2) {
    check(p - 1);
    check(p);
    check(p + 1);
  }
  check(Histogram::k_highest);
  EXPECT_GT(checked, 30'000);
  // The sweep reached buckets wider than one value, and none wider than the layout promises.
  EXPECT_GT(worst, 0.005);
  EXPECT_LE(worst, 1.0 / 128);
}

TEST(PerfHistogram, RankIsTheCeilingOfTheShare) {
  auto h = make();
  for (std::int64_t v : {10, 20, 30, 40}) {
    h->record(v);
  }
  EXPECT_EQ(h->percentile(25), 10);     // rank 1
  EXPECT_EQ(h->percentile(25.001), 20); // rank ceil(1.00004) = 2
  EXPECT_EQ(h->percentile(50), 20);
  EXPECT_EQ(h->percentile(75), 30);
  EXPECT_EQ(h->percentile(75.5), 40);
  EXPECT_EQ(h->percentile(100), 40);
  // Out of (0, 100]: clamped to the lowest rank and to the highest.
  EXPECT_EQ(h->percentile(0), 10);
  EXPECT_EQ(h->percentile(-3), 10);
  EXPECT_EQ(h->percentile(std::numeric_limits<double>::quiet_NaN()), 10);
  EXPECT_EQ(h->percentile(1e-9), 10);
  EXPECT_EQ(h->percentile(250), 40);
}

TEST(PerfHistogram, WholeRanksAreNotPushedUpByRounding) {
  // 7% of 100 is rank 7 exactly, but 7 / 100.0 * 100 is 7.000000000000001 in binary floating
  // point, whose ceiling is 8; likewise 14, 28, 55 and 56.
  auto h = make();
  for (std::int64_t v = 1; v <= 100; ++v) {
    h->record(v);
  }
  for (std::int64_t p : {7, 14, 28, 55, 56, 95, 99}) {
    EXPECT_EQ(h->percentile(static_cast<double>(p)), p);
  }
}

TEST(PerfHistogram, UniformDistribution) {
  auto h = make();
  for (std::int64_t v = 1; v <= 100'000; ++v) {
    h->record(v);
  }
  EXPECT_EQ(h->count(), 100'000);
  EXPECT_EQ(h->min(), 1);
  EXPECT_EQ(h->max(), 100'000);
  EXPECT_DOUBLE_EQ(h->mean(), 50'000.5);
  for (double p : {1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.9}) {
    const auto expected = static_cast<std::int64_t>(p * 1000);
    const auto got = h->percentile(p);
    EXPECT_GE(got, expected) << "p" << p;
    EXPECT_TRUE(within_1pct(got, expected)) << "p" << p;
  }
  EXPECT_EQ(h->percentile(100), 100'000);
  EXPECT_EQ(h->percentile(0.001), 1);
}

TEST(PerfHistogram, BimodalDistribution) {
  // 90% of requests at 10 ms and 10% at 300 ms, recorded one by one in random order.
  std::vector<std::int64_t> values(9000, 10 * k_ms);
  values.insert(values.end(), 1000, 300 * k_ms);
  std::mt19937 rng(7);
  std::shuffle(values.begin(), values.end(), rng);
  auto h = make();
  for (auto v : values) {
    h->record(v);
  }
  EXPECT_TRUE(within_1pct(h->percentile(50), 10 * k_ms));
  EXPECT_TRUE(within_1pct(h->percentile(90), 10 * k_ms)); // rank 9000: the last at 10 ms
  EXPECT_TRUE(within_1pct(h->percentile(90.01), 300 * k_ms));
  EXPECT_TRUE(within_1pct(h->percentile(95), 300 * k_ms));
  EXPECT_TRUE(within_1pct(h->percentile(99), 300 * k_ms));
  EXPECT_EQ(h->percentile(100), 300 * k_ms);
  EXPECT_DOUBLE_EQ(h->mean(), 0.9 * 10 * k_ms + 0.1 * 300 * k_ms);

  // The same shape with jitter (10 ms ± 2%, 300 ms ± 2%): still within 1% of the true ranks.
  std::vector<std::int64_t> jittered;
  std::uniform_int_distribution<std::int64_t> fast(9800, 10'200);
  std::uniform_int_distribution<std::int64_t> slow(294'000, 306'000);
  for (int i = 0; i < 9000; ++i) {
    jittered.push_back(fast(rng));
  }
  for (int i = 0; i < 1000; ++i) {
    jittered.push_back(slow(rng));
  }
  h->reset();
  for (auto v : jittered) {
    h->record(v);
  }
  std::sort(jittered.begin(), jittered.end());
  for (double p : {50.0, 90.0, 95.0, 99.0}) {
    const auto rank = static_cast<std::size_t>(std::ceil(p * 10'000 / 100));
    const auto exact = jittered[rank - 1];
    EXPECT_GE(h->percentile(p), exact) << "p" << p;
    EXPECT_TRUE(within_1pct(h->percentile(p), exact)) << "p" << p;
  }
}

TEST(PerfHistogram, MergeEqualsOneHistogramFedBoth) {
  auto a = make();
  auto b = make();
  auto both = make();
  std::mt19937 rng(11);
  std::lognormal_distribution<double> latency(std::log(20'000.0), 1.5);
  for (int i = 0; i < 20'000; ++i) {
    const auto v = static_cast<std::int64_t>(latency(rng)) + (i % 2 == 0 ? 0 : 5000);
    (i % 3 == 0 ? *a : *b).record(v);
    both->record(v);
  }
  b->record(3, 5); // the smallest value in b only
  both->record(3, 5);
  a->record(90 * k_s); // above the top, in a only
  both->record(90 * k_s);
  a->merge(*b);
  EXPECT_EQ(a->count(), both->count());
  EXPECT_EQ(a->min(), 3);
  EXPECT_EQ(a->max(), 90 * k_s);
  EXPECT_DOUBLE_EQ(a->mean(), both->mean());
  for (double p = 0.5; p <= 100; p += 0.5) {
    ASSERT_EQ(a->percentile(p), both->percentile(p)) << "p" << p;
  }
  EXPECT_EQ(a->percentile(99.999), both->percentile(99.999));
}

TEST(PerfHistogram, MergeWithAnEmptyHistogram) {
  auto empty = make();
  auto h = make();
  h->record(40);
  h->record(900);
  h->merge(*empty);
  EXPECT_EQ(h->count(), 2);
  EXPECT_EQ(h->min(), 40);
  EXPECT_EQ(h->max(), 900);
  empty->merge(*h);
  EXPECT_EQ(empty->count(), 2);
  EXPECT_EQ(empty->min(), 40);
  EXPECT_EQ(empty->max(), 900);
  EXPECT_EQ(empty->percentile(50), 40);
  EXPECT_DOUBLE_EQ(empty->mean(), 470.0);
}

TEST(PerfHistogram, HugeCounts) {
  constexpr std::int64_t k_huge = std::int64_t{1} << 50;
  auto h = make();
  h->record(100, k_huge);
  h->record(200 * k_ms, k_huge);
  EXPECT_EQ(h->count(), 2 * k_huge);
  EXPECT_EQ(h->percentile(50), 100);
  EXPECT_TRUE(within_1pct(h->percentile(50.001), 200 * k_ms));
  EXPECT_DOUBLE_EQ(h->mean(), (100.0 + 200'000.0) / 2);

  // One slow request among 2^50 fast ones is the maximum, and only the maximum.
  h->reset();
  h->record(10, k_huge);
  h->record(7 * k_ms);
  EXPECT_EQ(h->count(), k_huge + 1);
  EXPECT_EQ(h->percentile(99.9999), 10);
  EXPECT_EQ(h->percentile(100), 7 * k_ms);

  // Merging 2^50-count histograms into each other, and the largest values, do not overflow.
  auto big = make();
  big->record(std::numeric_limits<std::int64_t>::max(), k_huge);
  for (int i = 0; i < 8; ++i) {
    big->merge(*big);
  }
  EXPECT_EQ(big->count(), k_huge << 8);
  EXPECT_EQ(big->max(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(big->percentile(50), std::numeric_limits<std::int64_t>::max());
  EXPECT_NEAR(big->mean(), 9.223372036854775807e18, 1e4);
}

TEST(PerfHistogram, ValuesAboveTheTop) {
  auto h = make();
  h->record(2 * 3600 * k_s); // 2 hours
  EXPECT_EQ(h->count(), 1);
  EXPECT_EQ(h->max(), 2 * 3600 * k_s);
  EXPECT_EQ(h->min(), 2 * 3600 * k_s);
  EXPECT_EQ(h->percentile(50), 2 * 3600 * k_s);

  // A few timeouts among fast requests: the tail shows the exact maximum, the body stays precise.
  h->reset();
  h->record(1 * k_ms, 990);
  h->record(5 * 60 * k_s, 9);
  h->record(10 * 60 * k_s);
  EXPECT_TRUE(within_1pct(h->percentile(99), 1 * k_ms));
  EXPECT_EQ(h->percentile(100), 10 * 60 * k_s);
  EXPECT_DOUBLE_EQ(h->mean(), (990.0 * 1000 + 9.0 * 300e6 + 600e6) / 1000);

  // Everything above the top shares the top bucket, which has no upper edge: any rank there
  // reports max(), never less than the values it holds.
  h->reset();
  h->record(Histogram::k_highest);
  h->record(200 * k_s);
  h->record(1000 * k_s);
  EXPECT_EQ(h->percentile(1), 1000 * k_s);
  EXPECT_EQ(h->percentile(50), 1000 * k_s);
  // Just under the top still has its own 1% bucket.
  h->reset();
  h->record(40 * k_s);
  h->record(1000 * k_s);
  EXPECT_TRUE(within_1pct(h->percentile(50), 40 * k_s));
}

TEST(PerfHistogram, ResetForgetsEverything) {
  auto h = make();
  h->record(3);
  h->record(70 * k_s);
  h->reset();
  EXPECT_EQ(h->count(), 0);
  EXPECT_EQ(h->min(), 0);
  EXPECT_EQ(h->max(), 0);
  EXPECT_EQ(h->mean(), 0.0);
  EXPECT_EQ(h->percentile(100), 0);
  // The old minimum and the old counts are gone, not merely hidden: with the count of 3 left in
  // its bucket, the rank of 100% would be reached at 200.
  h->record(200);
  h->record(600);
  EXPECT_EQ(h->min(), 200);
  EXPECT_EQ(h->max(), 600);
  EXPECT_EQ(h->percentile(50), 200);
  EXPECT_EQ(h->percentile(100), 600);
  EXPECT_DOUBLE_EQ(h->mean(), 400.0);
}

TEST(PerfHistogram, MeanIsExactNotBucketed) {
  auto h = make();
  h->record(1001);
  h->record(1002);
  h->record(1003, 2);
  EXPECT_DOUBLE_EQ(h->mean(), (1001.0 + 1002.0 + 2 * 1003.0) / 4);
  h->record(123'456'789); // above the top: the mean uses the exact value
  EXPECT_DOUBLE_EQ(h->mean(), (1001.0 + 1002.0 + 2 * 1003.0 + 123'456'789.0) / 5);
}

} // namespace
} // namespace lg
