// Walks the roots (no symlinks followed, `.git` directories skipped), memory-maps each regular
// file, skips binaries (a NUL byte in the first 8 KiB, as git decides) and scans the rest with the
// matcher on a pool of threads that take files from one shared index.

#include "secrets/tree.hpp"

#include "secrets/readers.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <mutex>
#include <optional>
#include <sys/mman.h>
#include <sys/stat.h>
#include <thread>
#include <tuple>
#include <unistd.h>

namespace lg::secrets {
namespace {

namespace fs = std::filesystem;

/// A read-only mapping of a whole file.
class MappedFile {
public:
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  MappedFile(MappedFile&&) = delete;
  MappedFile& operator=(MappedFile&&) = delete;
  ~MappedFile() {
    if (m_data != nullptr)
      munmap(m_data, m_size);
  }

  /// Maps `path`; on failure `error()` says why.
  explicit MappedFile(const std::string& path) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
      m_error = std::strerror(errno);
      return;
    }
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      m_error = "not a regular file";
      close(fd);
      return;
    }
    m_size = static_cast<size_t>(st.st_size);
    if (m_size > 0) {
      void* p = mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED)
        m_error = std::strerror(errno);
      else
        m_data = p;
    }
    close(fd);
  }

  const std::string& error() const { return m_error; }
  std::string_view view() const { return {static_cast<const char*>(m_data), m_size}; }

private:
  void* m_data = nullptr;
  size_t m_size = 0;
  std::string m_error;
};

constexpr unsigned long long k_read_limit = 1ULL << 20;

/// Reads a whole small file into `out`; false with `error` set when it cannot.
bool read_small(const std::string& path, std::string& out, std::string& error) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    error = std::strerror(errno);
    return false;
  }
  out.resize(k_read_limit + 1);
  size_t got = 0;
  while (got < out.size()) {
    ssize_t n = read(fd, out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      error = std::strerror(errno);
      close(fd);
      return false;
    }
    if (n == 0)
      break;
    got += static_cast<size_t>(n);
  }
  close(fd);
  out.resize(std::min<size_t>(got, k_read_limit)); // a file that grew since the walk: its start
  return true;
}

struct Candidate {
  std::string path;
  unsigned long long size = 0;
};

void collect(const std::string& root, const TreeOptions& options, std::vector<Candidate>& files,
             std::vector<std::string>& notes) {
  std::error_code ec;
  auto status = fs::symlink_status(root, ec);
  if (ec || !fs::exists(status)) {
    notes.push_back(fmt::format("{}: does not exist", root));
    return;
  }
  auto consider = [&](const fs::path& p, const fs::file_status& st, unsigned long long size) {
    if (!fs::is_regular_file(st))
      return;
    if (size > options.max_file_bytes) {
      notes.push_back(fmt::format("{}: skipped, {} bytes is over the {} byte limit", p.string(),
                                  size, options.max_file_bytes));
      return;
    }
    files.push_back({p.string(), size});
  };
  if (!fs::is_directory(status)) {
    consider(root, status, fs::file_size(root, ec));
    return;
  }
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    notes.push_back(fmt::format("{}: {}", root, ec.message()));
    return;
  }
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) {
      notes.push_back(fmt::format("{}: {}", it->path().string(), ec.message()));
      ec.clear();
      continue;
    }
    const auto& entry = *it;
    auto st = entry.symlink_status(ec);
    if (ec)
      continue;
    if (fs::is_directory(st) && entry.path().filename() == ".git") {
      it.disable_recursion_pending(); // history is the history source's job
      continue;
    }
    if (fs::is_regular_file(st))
      consider(entry.path(), st, entry.file_size(ec));
  }
}

} // namespace

bool looks_binary(std::string_view bytes) {
  return bytes.substr(0, 8000).find('\0') != std::string_view::npos;
}

TreeResult scan_tree(const Matcher& matcher, const TreeOptions& options) {
  TreeResult result;
  std::vector<Candidate> files;
  for (const auto& root : options.roots)
    collect(root, options, files, result.notes);
  std::sort(files.begin(), files.end(),
            [](const Candidate& a, const Candidate& b) { return a.path < b.path; });

  std::atomic<size_t> next{0};
  std::atomic<size_t> done_files{0};
  std::atomic<unsigned long long> done_bytes{0};
  std::atomic<size_t> matches{0};
  std::mutex progress_lock;
  unsigned long long last_report = 0;
  auto report = [&](size_t files_now, unsigned long long bytes_now) {
    if (!options.progress)
      return;
    std::unique_lock<std::mutex> guard(progress_lock, std::try_to_lock);
    if (!guard.owns_lock() || bytes_now + files_now * 65536 < last_report + (64ULL << 20))
      return;
    last_report = bytes_now + files_now * 65536;
    options.progress(files_now, bytes_now, matches.load());
  };
  std::mutex lock;
  auto worker = [&] {
    std::vector<Hit> hits;
    std::vector<std::string> notes;
    size_t scanned = 0;
    size_t binary = 0;
    unsigned long long bytes = 0;
    std::string small; // reused: small files are read, not mapped
    for (size_t i = next++; i < files.size(); i = next++) {
      // Unmapping is a TLB shootdown on every other core running a scanner: for small files a
      // read() into a reused buffer is cheaper than a mapping.
      std::optional<MappedFile> mapped;
      std::string_view view;
      std::string error;
      if (files[i].size <= k_read_limit) {
        if (!read_small(files[i].path, small, error))
          small.clear();
        view = small;
      } else {
        mapped.emplace(files[i].path);
        error = mapped->error();
        view = mapped->view();
      }
      if (!error.empty()) {
        notes.push_back(fmt::format("{}: unreadable: {}", files[i].path, error));
        continue;
      }
      auto scanned_file = scan_file(matcher, files[i].path, view, options);
      if (scanned_file.binary) {
        ++binary;
        continue;
      }
      ++scanned;
      bytes += scanned_file.bytes;
      matches += scanned_file.hits.size();
      report(++done_files, done_bytes += scanned_file.bytes);
      std::move(scanned_file.hits.begin(), scanned_file.hits.end(), std::back_inserter(hits));
      std::move(scanned_file.notes.begin(), scanned_file.notes.end(), std::back_inserter(notes));
    }
    std::lock_guard<std::mutex> guard(lock);
    std::move(hits.begin(), hits.end(), std::back_inserter(result.hits));
    std::move(notes.begin(), notes.end(), std::back_inserter(result.notes));
    result.files += scanned;
    result.binary += binary;
    result.bytes += bytes;
  };
  unsigned threads =
      options.threads != 0 ? options.threads : std::max(1U, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(files.size(), 1)));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t)
    pool.emplace_back(worker);
  worker();
  for (auto& t : pool)
    t.join();
  std::sort(result.hits.begin(), result.hits.end(), [](const Hit& a, const Hit& b) {
    return std::tie(a.path, a.match.offset, a.match.rule) <
           std::tie(b.path, b.match.offset, b.match.rule);
  });
  std::sort(result.notes.begin(), result.notes.end());
  return result;
}

} // namespace lg::secrets
