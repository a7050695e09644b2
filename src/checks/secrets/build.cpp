// secrets.build (CWE-798, CWE-538, CWE-540): the build output a portal publishes — bundles, their
// source maps and the original sources those maps embed — scanned like the tree. Two sources:
// the build folders on disk (secrets.build, or the toolchains' default output folders), and the
// JavaScript and source maps the key pages (`pages:`) actually load in the browser, fetched
// through the guarded client, so that what is deployed is scanned even when the build is not at
// hand. A key in a bundle is public the moment it is deployed; the finding names the bundle line
// (a file, or the URL it was served from) and, through the map, the original file and line.

#include "checks/registry.hpp"
#include "checks/secrets/scan.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <set>

#include <stdlib.h>

namespace lg::checks {
namespace {

namespace fs = std::filesystem;

/// Where JavaScript toolchains put their output by default.
constexpr std::array<std::string_view, 8> k_build_dirs = {
    "dist", "build", ".next", "out", ".output", ".nuxt", ".svelte-kit", "storybook-static"};

/// At most this many served files are fetched per run.
constexpr size_t k_max_served_files = 200;

/// A scratch folder, removed with everything in it when it goes out of scope.
class ScratchDir {
public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "launchgate-served-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr)
      m_path = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!m_path.empty())
      fs::remove_all(m_path, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return m_path; }

private:
  fs::path m_path;
};

/// The served files, saved under the scratch folder as <origin folder>/<url path> so that a
/// bundle's relative sourceMappingURL finds its map, and which origin each folder stands for.
struct Served {
  std::map<std::string, std::string> origins; ///< folder name -> scheme://host[:port]
  size_t pages = 0, files = 0;
  std::vector<std::string> notes;
};

/// A URL path as a relative file path: no "..", no empty or hidden-making segments; a path
/// ending in / becomes index.js.
std::string file_path_of(std::string_view url_path) {
  std::string path(url_path.substr(0, url_path.find_first_of("?#")));
  std::string out;
  for (auto segment : split(path, '/')) {
    if (segment.empty() || segment == "." || segment == "..")
      continue;
    out += (out.empty() ? "" : "/") + std::string(segment);
  }
  if (out.empty() || path.ends_with('/'))
    out += out.empty() ? "index.js" : "/index.js";
  return out;
}

/// Visits each key page once and fetches every script and source map it loaded.
Served fetch_served(engine::Context& context, const fs::path& dir) {
  Served served;
  auto* browser = context.browser();
  if (browser == nullptr)
    return served;
  auto seen = engine::page_session(context);
  if (!seen) {
    served.notes.push_back("served bundles not scanned: the pages are loaded " +
                           seen.error().message);
    return served;
  }
  std::vector<std::string> urls;
  std::set<std::string> listed;
  net::PageVisit visit;
  visit.cookies = seen->cookies;
  visit.timeout =
      std::chrono::milliseconds(std::max<long long>(15000, context.config().target.timeout_ms));
  for (const auto& page : context.config().pages) {
    visit.url = context.url(page);
    auto timing = browser->visit(visit);
    if (!timing) {
      served.notes.push_back(
          fmt::format("served bundles of {} not scanned: {}", page, timing.error().message));
      if (timing.error().kind == ErrorKind::config) // no browser installed
        break;
      continue;
    }
    ++served.pages;
    for (const auto* list : {&timing->scripts, &timing->source_maps})
      for (const auto& url : *list)
        if (listed.insert(url).second)
          urls.push_back(url);
  }
  if (urls.size() > k_max_served_files) {
    served.notes.push_back(fmt::format("{} served files found; the first {} scanned", urls.size(),
                                       k_max_served_files));
    urls.resize(k_max_served_files);
  }
  for (const auto& url : urls) {
    auto parsed = parse_url(url);
    if (!parsed)
      continue;
    auto answer = context.http().send_following(net::HttpRequest("GET", url));
    if (!answer || answer->status != 200) {
      served.notes.push_back(fmt::format("{}: {}", url,
                                         answer ? fmt::format("answered {}", answer->status)
                                                : answer.error().message));
      continue;
    }
    if (answer->truncated)
      served.notes.push_back(url + ": cut at the response size cap; its start was scanned");
    std::string origin = parsed->origin();
    std::string folder = parsed->host + "_" + std::to_string(parsed->port);
    served.origins[folder] = origin;
    fs::path file = dir / folder / file_path_of(parsed->path);
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(answer->body.data(), static_cast<std::streamsize>(answer->body.size()));
    if (!out) {
      served.notes.push_back(fmt::format("{}: could not be saved for the scan", url));
      continue;
    }
    ++served.files;
  }
  return served;
}

/// `text` with the scratch folder's paths turned back into the URLs they were fetched from.
std::string as_urls(std::string text, const fs::path& dir, const Served& served) {
  for (const auto& [folder, origin] : served.origins) {
    const std::string prefix = (dir / folder).string();
    for (size_t at = text.find(prefix); at != std::string::npos;
         at = text.find(prefix, at + origin.size()))
      text.replace(at, prefix.size(), origin);
  }
  return text;
}

} // namespace

CheckResult run_secrets_build(engine::Context& context, const CheckMeta& meta) {
  const auto& config = context.config();
  const bool pages = !config.pages.empty() && context.browser() != nullptr;
  if (!config.raw.contains("secrets") && !pages)
    return engine::skipped(meta, SkipKind::not_configured,
                           "no secrets section and no pages: set secrets.build, e.g. [dist/], "
                           "or list the key pages under pages: to scan the bundles they load");
  const auto section =
      config.raw.contains("secrets") ? config.raw["secrets"] : nlohmann::json::object();
  secrets::TreeOptions options;
  std::string looked;
  if (section.contains("build")) {
    for (const auto& p : section["build"])
      options.roots.push_back(config.resolve_path(p.get<std::string>()));
  } else {
    fs::path base = config.resolve_path(
        section.contains("repo") ? section["repo"].get<std::string>() : std::string("."));
    for (auto dir : k_build_dirs) {
      std::error_code ec;
      if (fs::is_directory(base / dir, ec))
        options.roots.push_back((base / dir).string());
    }
    looked = fmt::format("no build output under {} (looked for {})", base.string(),
                         fmt::join(k_build_dirs, ", "));
  }

  ScratchDir scratch;
  Served served;
  if (pages && !scratch.path().empty()) {
    served = fetch_served(context, scratch.path());
    if (served.files > 0)
      options.roots.push_back(scratch.path().string());
  }
  if (options.roots.empty()) {
    std::string why = looked.empty() ? "nothing to scan" : looked;
    if (pages)
      why += served.notes.empty()
                 ? fmt::format("; the {} key page(s) loaded no script", served.pages)
                 : "; " + join(served.notes, "; ");
    return engine::skipped(meta, SkipKind::not_configured,
                           why + ": build the portal first, or set secrets.build");
  }

  auto scan = scan_from_config(config);
  if (!scan)
    return engine::errored(meta, scan.error().message);
  auto checked = scan_tree_check(meta, options, *scan);
  if (served.files == 0 && served.notes.empty())
    return checked;
  // Served files are named by their URLs, not by the scratch folder they were scanned in.
  checked.reason = as_urls(checked.reason, scratch.path(), served);
  for (auto& f : checked.findings) {
    f.message = as_urls(f.message, scratch.path(), served);
    if (f.location)
      f.location->file = as_urls(f.location->file, scratch.path(), served);
    for (auto& where : f.locations)
      where.file = as_urls(where.file, scratch.path(), served);
    if (f.evidence.contains("origin"))
      f.evidence["origin"] =
          as_urls(f.evidence["origin"].get<std::string>(), scratch.path(), served);
  }
  std::string note =
      fmt::format("{} file(s) served to {} key page(s) included", served.files, served.pages);
  if (!served.notes.empty())
    note += " (" + join(served.notes, "; ") + ")";
  checked.reason = checked.reason.empty() ? note : checked.reason + "; " + note;
  return checked;
}

} // namespace lg::checks
