// secrets-probe: what the launchgate CLI does not report, measured with its own library
// (bench/secrets-tree.sh and bench/secrets-history.sh build it against the Release build's static
// libraries).
//
//   secrets-probe stage1 DIR...   the first stage alone: the shipped rules compiled the way the
//                                 matcher compiles them (prefilter; single match for the rules of
//                                 unbounded width), hs_scan over every text file in memory, one
//                                 thread, CPU time; then Matcher::scan (both stages) the same way.
//   secrets-probe history REPO    scan_history over the repository: blobs, bytes, seconds (to the
//                                 end of the blob scan, wall and CPU with git's, and in all), and
//                                 the time to the first finding, which the JSON report does not
//                                 carry.
//
// Prints `key value` lines for the scripts to read.

#include "secrets/history.hpp"
#include "secrets/matcher.hpp"
#include "secrets/rules.hpp"
#include "secrets/tree.hpp"

#include <hs/hs.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/resource.h>
#include <vector>

namespace {

using namespace lg::secrets;

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

/// CPU time of this process and of its waited-for children (git), user and system.
double process_cpu_seconds() {
  double total = 0;
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage u{};
    getrusage(who, &u);
    for (const timeval& t : {u.ru_utime, u.ru_stime})
      total += static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  }
  return total;
}

std::vector<std::string> read_texts(int argc, char** argv, unsigned long long& bytes) {
  std::vector<std::string> texts;
  for (int i = 2; i < argc; ++i)
    for (const auto& entry : std::filesystem::recursive_directory_iterator(argv[i])) {
      if (!entry.is_regular_file() || entry.is_symlink())
        continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::string text(static_cast<size_t>(entry.file_size()), '\0');
      in.read(text.data(), static_cast<std::streamsize>(text.size()));
      text.resize(static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
      if (looks_binary(text))
        continue;
      bytes += text.size();
      texts.push_back(std::move(text));
    }
  return texts;
}

int stage1(int argc, char** argv) {
  auto rules = builtin_rules();
  if (!rules) {
    std::fprintf(stderr, "%s\n", rules.error().message.c_str());
    return 1;
  }
  unsigned long long bytes = 0;
  auto texts = read_texts(argc, argv, bytes);

  // The database as Matcher::compile builds it (src/secrets/matcher.cpp, compile_database).
  std::vector<const char*> expressions;
  std::vector<unsigned> flags;
  std::vector<unsigned> ids;
  for (const auto& r : rules->rules) {
    unsigned width = UINT_MAX;
    hs_expr_info_t* info = nullptr;
    hs_compile_error_t* error = nullptr;
    if (hs_expression_info(r.regex.c_str(), 0, &info, &error) == HS_SUCCESS) {
      width = info->max_width;
      std::free(info); // NOLINT(cppcoreguidelines-no-malloc)
    } else {
      hs_free_compile_error(error);
    }
    expressions.push_back(r.regex.c_str());
    flags.push_back(HS_FLAG_PREFILTER | (width == UINT_MAX ? HS_FLAG_SINGLEMATCH : 0U));
    ids.push_back(static_cast<unsigned>(ids.size()));
  }
  hs_database_t* db = nullptr;
  while (true) {
    hs_compile_error_t* error = nullptr;
    if (hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                         static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK, nullptr, &db,
                         &error) == HS_SUCCESS)
      break;
    int bad = error != nullptr ? error->expression : -1;
    hs_free_compile_error(error);
    if (bad < 0)
      return 1;
    auto at = static_cast<size_t>(bad); // refused: that rule runs on RE2 alone in the matcher
    expressions.erase(expressions.begin() + bad);
    flags.erase(flags.begin() + bad);
    ids.erase(ids.begin() + static_cast<long>(at));
  }
  hs_scratch_t* scratch = nullptr;
  if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS)
    return 1;
  std::printf("files %zu\nbytes %llu\nhs_expressions %zu\n", texts.size(), bytes,
              expressions.size());
  unsigned long long reports = 0;
  auto on_match = [](unsigned, unsigned long long, unsigned long long, unsigned, void* c) {
    ++*static_cast<unsigned long long*>(c);
    return 0;
  };
  for (int pass = 0; pass < 3; ++pass) { // the first warms the caches
    reports = 0;
    double started = cpu_seconds();
    for (const auto& t : texts)
      hs_scan(db, t.data(), static_cast<unsigned>(t.size()), 0, scratch, on_match, &reports);
    double spent = cpu_seconds() - started;
    if (pass > 0)
      std::printf("stage1_cpu_seconds %.4f\nstage1_mb_per_s_per_core %.0f\n", spent,
                  static_cast<double>(bytes) / spent / 1e6);
  }
  std::printf("stage1_reports %llu\n", reports);
  hs_free_scratch(scratch);
  hs_free_database(db);

  auto matcher = Matcher::compile(*rules, Engine::hyperscan);
  if (!matcher)
    return 1;
  for (int pass = 0; pass < 2; ++pass) {
    size_t found = 0;
    double started = cpu_seconds();
    for (const auto& t : texts)
      found += matcher->scan(t, "").size();
    double spent = cpu_seconds() - started;
    std::printf("matcher_cpu_seconds %.4f\nmatcher_mb_per_s_per_core %.0f\nmatcher_matches %zu\n",
                spent, static_cast<double>(bytes) / spent / 1e6, found);
  }
  return 0;
}

int history(const char* repo) {
  auto started = std::chrono::steady_clock::now();
  auto rules = builtin_rules();
  if (!rules)
    return 1;
  auto matcher = Matcher::compile(std::move(*rules));
  if (!matcher)
    return 1;
  double compile =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  HistoryOptions options;
  options.repo = repo;
  // The last progress call comes when every blob is scanned (and git has exited), before
  // provenance is traced: its time, and the CPU time of this process and of git until then.
  double scanned = 0;
  double scanned_cpu = 0;
  options.progress = [&](const HistoryProgress&) {
    scanned = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    scanned_cpu = process_cpu_seconds();
  };
  auto result = scan_history(*matcher, options);
  if (!result) {
    std::fprintf(stderr, "%s\n", result.error().message.c_str());
    return 1;
  }
  double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("compile_seconds %.3f\nblobs_scanned_seconds %.3f\nblobs_scanned_cpu_seconds %.3f\n"
              "seconds %.3f\n",
              compile, scanned, scanned_cpu, total);
  std::printf("blobs %zu\nbinary %zu\nbytes %llu\n", result->blobs, result->binary, result->bytes);
  // first_finding_seconds counts from the start of scan_history, after the rules compiled.
  std::printf("first_finding_seconds %.3f\nhits %zu\ncommits %zu\n",
              result->first_finding_seconds < 0 ? -1 : compile + result->first_finding_seconds,
              result->hits.size(), result->commits);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  std::string what = argc > 1 ? argv[1] : "";
  if (what == "stage1" && argc > 2)
    return stage1(argc, argv);
  if (what == "history" && argc == 3)
    return history(argv[2]);
  std::fprintf(stderr, "usage: secrets-probe stage1 DIR... | secrets-probe history REPO\n");
  return 2;
}
