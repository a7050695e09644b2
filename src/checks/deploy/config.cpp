// deploy.config (ASVS 14.3.2, CWE-798): the environment variables the code of deploy.repo reads
// (analyze/envvars) against those documented in the env example (.env.example, .env.sample,
// .env.template, example.env or deploy.env_example) and in Markdown code formatting (README*,
// docs/): every read documented, nothing in the example unused, no real secret in the example
// (the secrets engine), and deploy.staging_env and deploy.production_env defining the same keys.

#include "analyze/envvars.hpp"
#include "checks/deploy/repo.hpp"
#include "checks/preconditions.hpp"
#include "checks/registry.hpp"
#include "checks/secrets/scan.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace lg::checks {
namespace {

namespace fs = std::filesystem;

constexpr size_t k_max_files = 20000;
constexpr std::uintmax_t k_max_file_bytes = 2U << 20;
constexpr size_t k_max_locations = 100;

using deploy::skipped_dir;

std::optional<std::string> read_text(const fs::path& path) {
  return deploy::read_text_file(path, k_max_file_bytes);
}

struct Uses {
  std::map<std::string, std::vector<Location>> reads; ///< name -> every place it is read
  std::set<std::string> build_defaults;               ///< Dockerfile ENV / ARG with a value
  std::set<std::string> files;                        ///< files that read at least one variable
  std::set<std::string> docs;                         ///< names in Markdown code formatting
  size_t dynamic = 0;
  size_t scanned = 0;
  bool truncated = false;
};

/// Test code is not the deployed app: the variables it reads are not the app's configuration.
bool test_dir(const std::string& name) {
  return name == "tests" || name == "test" || name == "spec" || name == "__tests__" ||
         name == "e2e";
}

bool test_file(const std::string& name) {
  auto dot = name.find('.');
  std::string stem = name.substr(0, dot);
  return name.find(".test.") != std::string::npos || name.find(".spec.") != std::string::npos ||
         stem.ends_with("_test") || stem.ends_with("_spec") || stem.rfind("test_", 0) == 0;
}

bool is_markdown_doc(const std::string& rel) {
  auto slash = rel.rfind('/');
  std::string name = slash == std::string::npos ? rel : rel.substr(slash + 1);
  bool md = name.size() > 3 && name.substr(name.size() - 3) == ".md";
  if (name.rfind("README", 0) == 0) // a folder's README documents that folder
    return true;
  return md && rel.rfind("docs/", 0) == 0;
}

Uses collect(const fs::path& repo) {
  Uses out;
  std::error_code ec;
  fs::recursive_directory_iterator it(repo, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const auto& entry = *it;
    std::string name = entry.path().filename().string();
    if (entry.is_directory(ec)) {
      if (skipped_dir(name) || test_dir(name))
        it.disable_recursion_pending();
      continue;
    }
    if (!entry.is_regular_file(ec) || entry.is_symlink(ec) || test_file(name))
      continue;
    std::string rel = entry.path().lexically_relative(repo).generic_string();
    auto source = analyze::env_source_for(name);
    bool doc = is_markdown_doc(rel);
    if (source == analyze::EnvSource::none && !doc)
      continue;
    if (++out.scanned > k_max_files) {
      out.truncated = true;
      break;
    }
    auto text = read_text(entry.path());
    if (!text)
      continue;
    if (doc) {
      for (auto& n : analyze::env_names_in_markdown(*text))
        out.docs.insert(std::move(n));
      continue;
    }
    auto scan = analyze::scan_env_uses(*text, source);
    out.dynamic += scan.dynamic;
    for (const auto& d : scan.defined)
      if (d.has_default)
        out.build_defaults.insert(d.name);
    for (const auto& u : scan.uses) {
      auto& places = out.reads[u.name];
      if (places.size() < k_max_locations)
        places.push_back({rel, static_cast<int>(u.line), ""});
      out.files.insert(rel);
    }
  }
  return out;
}

std::string join_names(const std::vector<std::string>& names) {
  return names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "));
}

std::vector<std::string> keys_of(const analyze::EnvFile& file) {
  std::set<std::string> keys;
  for (const auto& e : file.entries)
    keys.insert(e.key);
  return {keys.begin(), keys.end()};
}

} // namespace

CheckResult run_deploy_config(engine::Context& context, const CheckMeta& meta) {
  const auto& config = context.config();
  const auto& deploy = config.deploy;
  if (auto missing = needs_deploy_repo(context, meta))
    return *missing;
  const fs::path repo = config.resolve_path(deploy.repo);
  std::error_code ec;

  // 1. What the code reads and what the docs name.
  Uses uses = collect(repo);

  // 2. The env example: configured, or the first of the usual names.
  std::string example_rel = deploy.env_example;
  if (example_rel.empty())
    for (const char* candidate : {".env.example", ".env.sample", ".env.template", "example.env"})
      if (fs::is_regular_file(repo / candidate, ec)) {
        example_rel = candidate;
        break;
      }
  std::optional<std::string> example_text;
  if (!example_rel.empty()) {
    example_text = read_text(repo / example_rel);
    if (!example_text && !deploy.env_example.empty())
      return engine::errored(meta, fmt::format("cannot read deploy.env_example {} (missing or "
                                               "over 2 MiB)",
                                               (repo / example_rel).string()));
  }
  analyze::EnvFile example;
  if (example_text)
    example = analyze::parse_env_file(*example_text);

  // 3. Staging and production, when both are given.
  const bool compare = !deploy.staging_env.empty() && !deploy.production_env.empty();
  analyze::EnvFile staging;
  analyze::EnvFile production;
  if (compare) {
    for (auto [rel, out] : {std::pair{&deploy.staging_env, &staging},
                            std::pair{&deploy.production_env, &production}}) {
      auto text = read_text(repo / *rel);
      if (!text)
        return engine::errored(
            meta, fmt::format("cannot read {} (missing or over 2 MiB)", (repo / *rel).string()));
      *out = analyze::parse_env_file(*text);
    }
  }

  if (uses.reads.empty() && !example_text && !compare)
    return engine::skipped(meta, SkipKind::not_applicable,
                           fmt::format("no environment variable read in {} file(s) of {} and no "
                                       "env example or staging/production env files",
                                       uses.scanned, repo.string()));

  std::vector<Finding> findings;
  bool serious = false;
  const std::string example_name = example_rel.empty() ? ".env.example" : example_rel;
  std::set<std::string> documented;
  for (const auto& e : example.entries)
    documented.insert(e.key);

  // 4. Read but documented nowhere (build defaults from a Dockerfile excepted).
  for (const auto& [name, places] : uses.reads) {
    if (documented.count(name) || uses.docs.count(name) || uses.build_defaults.count(name))
      continue;
    Finding f;
    f.message = fmt::format("{} is read by the code ({} place(s)) but documented neither in {} "
                            "nor in the docs",
                            name, places.size(), example_name);
    f.evidence = {{"variable", name}, {"reads", places.size()}, {"example", example_name}};
    f.location = places.front();
    f.locations.assign(places.begin() + 1, places.end());
    f.fingerprint = make_fingerprint(meta.id, {"undocumented", name});
    findings.push_back(std::move(f));
    serious = true;
  }

  // 5. Real secrets in the example, through the secrets engine.
  if (example_text) {
    auto scan = scan_from_config(config);
    if (!scan)
      return engine::errored(meta, scan.error().message);
    for (const auto& match : scan->matcher->scan(*example_text, example_rel)) {
      const auto& rule = scan->matcher->rules().rules.at(match.rule);
      std::string variable;
      for (const auto& e : example.entries)
        if (e.line == match.line)
          variable = e.key;
      Finding f;
      f.message = fmt::format("{} in {} holds a real-looking secret: {} ({})",
                              variable.empty() ? "a value" : variable, example_name,
                              rule.description.empty() ? rule.id : rule.description, rule.id);
      f.rule = rule.id;
      f.evidence = {
          {"variable", variable}, {"secret", redact(match.secret)}, {"file", example_name}};
      f.location = Location{example_rel, static_cast<int>(match.line), ""};
      f.fingerprint = make_fingerprint(meta.id, {"secret", rule.id, sha256_hex(match.secret)});
      findings.push_back(std::move(f));
      serious = true;
    }
  }

  // 6. Staging and production key sets.
  std::vector<std::string> staging_keys = keys_of(staging);
  std::vector<std::string> production_keys = keys_of(production);
  if (compare && staging_keys != production_keys) {
    std::vector<std::string> missing_in_production;
    std::vector<std::string> missing_in_staging;
    std::set_difference(staging_keys.begin(), staging_keys.end(), production_keys.begin(),
                        production_keys.end(), std::back_inserter(missing_in_production));
    std::set_difference(production_keys.begin(), production_keys.end(), staging_keys.begin(),
                        staging_keys.end(), std::back_inserter(missing_in_staging));
    Finding f;
    f.message = fmt::format("{} and {} define different variables: missing in production: {}; "
                            "missing in staging: {}",
                            deploy.staging_env, deploy.production_env,
                            join_names(missing_in_production), join_names(missing_in_staging));
    f.evidence = {{"staging", deploy.staging_env},
                  {"production", deploy.production_env},
                  {"missing_in_production", missing_in_production},
                  {"missing_in_staging", missing_in_staging}};
    f.location = Location{deploy.production_env, 0, ""};
    std::vector<std::string> parts = {"env-sets"};
    for (const auto& k : missing_in_production)
      parts.push_back("p:" + k);
    for (const auto& k : missing_in_staging)
      parts.push_back("s:" + k);
    f.fingerprint = make_fingerprint(meta.id, parts);
    findings.push_back(std::move(f));
    serious = true;
  }

  // 7. Documented in the example but read nowhere (platform variables excepted): a warning.
  for (const auto& e : example.entries) {
    if (uses.reads.count(e.key) || analyze::is_platform_env(e.key))
      continue;
    bool first = std::none_of(findings.begin(), findings.end(), [&](const Finding& f) {
      return f.fingerprint == make_fingerprint(meta.id, {"unused", e.key});
    });
    if (!first)
      continue;
    Finding f;
    f.message = fmt::format("{} is documented in {} but no code reads it", e.key, example_name);
    f.evidence = {{"variable", e.key}, {"example", example_name}};
    f.location = Location{example_rel, static_cast<int>(e.line), ""};
    f.fingerprint = make_fingerprint(meta.id, {"unused", e.key});
    findings.push_back(std::move(f));
  }

  std::string summary = fmt::format(
      "{} variable(s) read in {} file(s) ({} file(s) scanned{}); {} documented in {}, {} name(s) "
      "in the docs' code formatting; {} dynamic name(s) ignored",
      uses.reads.size(), uses.files.size(), uses.scanned,
      uses.truncated ? ", stopped at 20000" : "", documented.size(),
      example_text ? example_name : "no env example", uses.docs.size(), uses.dynamic);
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), serious, summary);
  std::string envs =
      compare ? fmt::format("staging and production define the same {} keys", staging_keys.size())
              : "staging and production env files not both configured (deploy.staging_env, "
                "deploy.production_env)";
  return engine::passed(meta, fmt::format("{} variables used in {} files, all documented in {}; {}",
                                          uses.reads.size(), uses.files.size(),
                                          example_text ? example_name : "the docs", envs));
}

} // namespace lg::checks
