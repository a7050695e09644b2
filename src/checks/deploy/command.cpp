#include "checks/deploy/command.hpp"

#include "checks/deploy/procedures.hpp"
#include "checks/deploy/repo.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace lg::checks::deploy {

namespace fs = std::filesystem;

namespace {

constexpr size_t k_tail_bytes = 8192;
constexpr std::uintmax_t k_max_trace_file = 64ULL << 20;
constexpr std::uintmax_t k_max_trace_total = 512ULL << 20;

bool allowed_name(std::string_view name) {
  static const std::vector<std::string_view> k_names = {
      "PATH",  "LANG",       "LANGUAGE",    "TZ",       "TERM",       "USER",        "LOGNAME",
      "SHELL", "http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"};
  return std::find(k_names.begin(), k_names.end(), name) != k_names.end() ||
         name.starts_with("LC_");
}

} // namespace

CleanEnvironment clean_environment(const DeployConfig& deploy, const fs::path& home,
                                   const fs::path& tmp) {
  CleanEnvironment out;
  auto add = [&](const std::string& name, const std::string& value) {
    if (std::find(out.names.begin(), out.names.end(), name) != out.names.end())
      return;
    out.entries.push_back(name + "=" + value);
    out.names.push_back(name);
  };
  add("HOME", home.string());
  add("TMPDIR", tmp.string());
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    if (eq == std::string_view::npos || !allowed_name(entry.substr(0, eq)))
      continue;
    add(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  if (std::find(out.names.begin(), out.names.end(), "PATH") == out.names.end())
    add("PATH", "/usr/local/bin:/usr/bin:/bin");
  for (const auto& name : deploy.env) {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr)
      out.missing.push_back(name);
    else
      add(name, value);
  }
  std::sort(out.names.begin(), out.names.end());
  return out;
}

const std::string& trace_unavailable() {
  static const std::string reason = [] {
    ProcessOptions probe;
    probe.argv = {"strace", "-f", "-qq", "-o", "/dev/null", "--", "/bin/true"};
    probe.timeout_ms = 10000;
    auto run = run_process(probe, [](std::string_view) { return true; });
    if (!run)
      return std::string("strace is not installed (apt-get install strace)");
    if (run->exit_code != 0 || run->timed_out) {
      std::string first = run->stderr_text.substr(0, run->stderr_text.find('\n'));
      return fmt::format("strace cannot trace here ({}): ptrace may not be permitted in this "
                         "container",
                         first.empty() ? fmt::format("exit {}", run->exit_code) : first);
    }
    return std::string();
  }();
  return reason;
}

ScratchDir::ScratchDir(const std::string& what) {
  std::error_code ec;
  fs::path base = fs::temp_directory_path(ec);
  if (ec)
    base = "/tmp";
  std::string pattern = (base / ("launchgate-" + what + "-XXXXXX")).string();
  if (mkdtemp(pattern.data()) != nullptr)
    m_path = pattern;
}

ScratchDir::~ScratchDir() {
  if (m_path.empty())
    return;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(m_path, ec), end; !ec && it != end; it.increment(ec))
    if (!it->is_symlink(ec))
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(m_path, ec);
}

std::string mask_output(const Config& config, const secrets::Matcher& matcher,
                        const std::string& text) {
  std::vector<std::string> secrets;
  for (const auto& name : config.deploy.env)
    if (const char* value = std::getenv(name.c_str()); value != nullptr && std::strlen(value) >= 6)
      secrets.emplace_back(value);
  // Longest first, so that a secret containing another is masked whole.
  std::sort(secrets.begin(), secrets.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  std::string out = mask_secrets(text, matcher);
  for (const auto& secret : secrets) {
    if (secret.empty())
      continue;
    const std::string masked = redact(secret);
    for (size_t at = out.find(secret); at != std::string::npos;
         at = out.find(secret, at + masked.size()))
      out.replace(at, secret.size(), masked);
  }
  return out;
}

std::string last_lines(const std::string& text, size_t lines) {
  size_t at = text.size();
  if (at > 0 && text[at - 1] == '\n')
    --at;
  for (size_t n = 0; n < lines && at != std::string::npos && at > 0; ++n)
    at = text.rfind('\n', at - 1);
  if (at == std::string::npos || at == 0)
    return text;
  return text.substr(at + 1);
}

CommandRun run_command(const CommandSpec& spec) {
  CommandRun run;
  run.command = spec.command;
  const bool trace = spec.trace && trace_unavailable().empty() && !spec.trace_dir.empty();
  std::error_code ec;
  if (trace)
    fs::create_directories(spec.trace_dir, ec);

  ProcessOptions options;
  // stderr joins stdout in the shell so the tail shows both in order.
  std::vector<std::string> shell = {"/bin/sh", "-c", "exec 2>&1\n" + spec.command};
  if (trace) {
    options.argv = {"strace", "-f",
                    "-ff",    "-qq",
                    "-y",     "-s",
                    "4096",   "--seccomp-bpf",
                    "-e",     "trace=execve,execveat,open,openat,openat2,creat",
                    "-e",     "signal=none",
                    "-o",     (spec.trace_dir / "t").string(),
                    "--"};
    options.argv.insert(options.argv.end(), shell.begin(), shell.end());
  } else {
    options.argv = shell;
  }
  options.cwd = spec.cwd.string();
  options.env = spec.env;
  options.clear_env = true;
  options.own_group = true;
  options.timeout_ms = static_cast<int>(std::min<long long>(spec.timeout_ms, 6LL * 3600 * 1000));
  options.stderr_limit = 4096;

  auto started = std::chrono::steady_clock::now();
  auto result = run_process(options, [&](std::string_view chunk) {
    run.output_bytes += chunk.size();
    run.output_tail.append(chunk);
    if (run.output_tail.size() > 2 * k_tail_bytes)
      run.output_tail.erase(0, run.output_tail.size() - k_tail_bytes);
    return true;
  });
  run.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
  if (run.output_tail.size() > k_tail_bytes)
    run.output_tail.erase(0, run.output_tail.size() - k_tail_bytes);
  if (!result) {
    run.error = result.error().message;
    return run;
  }
  run.started = true;
  run.exit_code = result->exit_code;
  run.timed_out = result->timed_out;
  if (!result->stderr_text.empty()) // strace's own complaints
    run.output_tail += "\n" + result->stderr_text;

  if (trace && !run.timed_out) {
    std::uintmax_t total = 0;
    bool complete = true;
    for (fs::directory_iterator it(spec.trace_dir, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
      auto size = it->file_size(ec);
      if (ec || size > k_max_trace_file || total + size > k_max_trace_total) {
        complete = false;
        ec.clear();
        continue;
      }
      total += size;
      if (auto text = read_text_file(it->path(), k_max_trace_file))
        analyze::parse_strace(*text, run.trace);
      else
        complete = false;
    }
    run.traced = complete && !run.trace.truncated;
  }
  return run;
}

} // namespace lg::checks::deploy
