// Judges for deploy.pinned-deps: what a manifest, a lock file, a Dockerfile, a CI file or a build
// script says about how reproducibly dependencies are resolved. Line scanners only (no YAML or
// TOML parser): each line is looked at once, logical lines are capped, and every loop is bounded
// by the text's length or a fixed item count. JSON (package.json, package-lock.json, vcpkg.json)
// goes through nlohmann::json without exceptions.

#include "analyze/deps.hpp"

#include "util/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>
#include <unordered_set>

namespace lg::analyze {

namespace {

constexpr size_t k_max_line = 64 * 1024; // a logical line longer than this is cut
constexpr size_t k_max_items = 10000;    // per file: dependencies, images, steps

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/// Calls `fn(line_number, line)` for each physical line.
void each_line(std::string_view text, const std::function<void(int, std::string_view)>& fn) {
  int number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos)
      end = text.size();
    fn(++number, text.substr(pos, end - pos));
    pos = end + 1;
  }
}

/// Calls `fn(first_line_number, logical_line)` with backslash continuations joined.
void each_logical_line(std::string_view text,
                       const std::function<void(int, const std::string&)>& fn) {
  std::string joined;
  int first = 0;
  each_line(text, [&](int number, std::string_view line) {
    if (joined.empty())
      first = number;
    std::string_view t = line;
    while (!t.empty() && (t.back() == '\r' || t.back() == ' ' || t.back() == '\t'))
      t.remove_suffix(1);
    bool continues = !t.empty() && t.back() == '\\';
    if (continues)
      t.remove_suffix(1);
    if (joined.size() < k_max_line)
      joined.append(t.substr(0, k_max_line - joined.size()));
    if (continues) {
      joined += ' ';
      return;
    }
    fn(first, joined);
    joined.clear();
  });
  if (!joined.empty())
    fn(first, joined);
}

std::string_view strip_yaml_comment(std::string_view v) {
  if (!v.empty() && v.front() == '#')
    return {};
  for (size_t i = 1; i < v.size(); ++i)
    if (v[i] == '#' && is_space(v[i - 1]))
      return trim(v.substr(0, i));
  return trim(v);
}

std::string_view unquote(std::string_view v) {
  v = trim(v);
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
    return v.substr(1, v.size() - 2);
  return v;
}

/// A YAML line's key and value: "- uses: x" gives ("uses", "x"); false when no `key:`.
bool yaml_key_value(std::string_view line, std::string_view& key, std::string_view& value) {
  std::string_view t = trim(line);
  if (t.size() >= 2 && t[0] == '-' && is_space(t[1]))
    t = trim(t.substr(1));
  size_t colon = t.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return false;
  if (colon + 1 < t.size() && !is_space(t[colon + 1]))
    return false;
  key = unquote(t.substr(0, colon));
  value = unquote(strip_yaml_comment(t.substr(colon + 1)));
  return true;
}

size_t indent_of(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
    ++i;
  return i;
}

DepProblem problem(const std::string& file, int line, std::string ecosystem, std::string what,
                   std::string message, bool serious = true) {
  DepProblem p;
  p.file = file;
  p.line = line;
  p.ecosystem = std::move(ecosystem);
  p.what = std::move(what);
  p.message = std::move(message);
  p.serious = serious;
  return p;
}

std::vector<std::string_view> words(std::string_view s, size_t max = 256) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size() && out.size() < max) {
    while (i < s.size() && is_space(s[i]))
      ++i;
    size_t start = i;
    while (i < s.size() && !is_space(s[i]))
      ++i;
    if (i > start)
      out.push_back(s.substr(start, i - start));
  }
  return out;
}

bool has_word(const std::vector<std::string_view>& w, std::initializer_list<std::string_view> any) {
  return std::any_of(w.begin(), w.end(), [&](std::string_view x) {
    return std::find(any.begin(), any.end(), x) != any.end();
  });
}

/// Python package names compare lower case with runs of -_. as one '-' (PEP 503).
std::string normalize_python(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '_' || c == '.' || c == '-') {
      if (out.empty() || out.back() != '-')
        out += '-';
    } else {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

void install_lines(std::string_view text, const std::string& file, const InstallContext& install,
                   DepScan& scan, int first_line);

} // namespace

bool is_commit_id(std::string_view ref) {
  return (ref.size() == 40 || ref.size() == 64) && std::all_of(ref.begin(), ref.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c)) != 0;
         });
}

bool is_version_ref(std::string_view ref) {
  if (!ref.empty() && (ref.front() == 'v' || ref.front() == 'V'))
    ref.remove_prefix(1);
  if (ref.empty() || std::isdigit(static_cast<unsigned char>(ref.front())) == 0)
    return false;
  return std::all_of(ref.begin(), ref.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '+' ||
           c == '_';
  });
}

// ---- container images ---------------------------------------------------------------------------

ImageRef split_image(std::string_view ref) {
  ImageRef out;
  size_t at = ref.find('@');
  if (at != std::string_view::npos) {
    out.digest = std::string(ref.substr(at + 1));
    ref = ref.substr(0, at);
  }
  size_t slash = ref.rfind('/');
  size_t colon = ref.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    out.tag = std::string(ref.substr(colon + 1));
    ref = ref.substr(0, colon);
  }
  out.name = std::string(ref);
  return out;
}

void judge_image(std::string_view ref, const std::string& file, int line,
                 const std::string& ecosystem, DepScan& scan) {
  ref = unquote(ref);
  if (ref.empty() || iequals(ref, "scratch") || scan.items >= k_max_items)
    return;
  ++scan.items;
  if (ref.find('$') != std::string_view::npos || ref.find("{{") != std::string_view::npos) {
    scan.notes.push_back(
        fmt::format("{}:{}: image {} is built from variables, not judged", file, line, ref));
    return;
  }
  auto image = split_image(ref);
  if (!image.digest.empty())
    return;
  if (image.tag.empty())
    scan.problems.push_back(problem(
        file, line, ecosystem, std::string(ref),
        fmt::format("image {} has no tag: every pull may bring another image (pin a version or a "
                    "digest)",
                    ref)));
  else if (iequals(image.tag, "latest"))
    scan.problems.push_back(
        problem(file, line, ecosystem, std::string(ref),
                fmt::format("image {} follows `latest`: pin a version or a digest", ref)));
}

DepScan judge_dockerfile(std::string_view text, const std::string& file,
                         const InstallContext& install) {
  DepScan scan;
  std::map<std::string, std::string> args; // global ARG defaults (before the first FROM)
  std::set<std::string> stages;
  bool seen_from = false;
  each_logical_line(text, [&](int number, const std::string& logical) {
    std::string_view t = trim(logical);
    if (t.empty() || t.front() == '#')
      return;
    auto w = words(t);
    if (w.empty())
      return;
    std::string keyword = to_upper(w[0]);
    if (keyword == "ARG" && !seen_from && w.size() >= 2) {
      std::string_view decl = w[1];
      size_t eq = decl.find('=');
      if (eq != std::string_view::npos && args.size() < 256)
        args[std::string(decl.substr(0, eq))] = std::string(unquote(decl.substr(eq + 1)));
    } else if (keyword == "FROM") {
      seen_from = true;
      size_t i = 1;
      while (i < w.size() && w[i].substr(0, 2) == "--")
        ++i;
      if (i >= w.size())
        return;
      std::string image(w[i]);
      // ${NAME}, ${NAME:-default} and $NAME from the global ARGs.
      for (int round = 0; round < 8 && image.find('$') != std::string::npos; ++round) {
        size_t d = image.find('$');
        size_t end = d + 1;
        std::string name;
        std::string fallback;
        if (end < image.size() && image[end] == '{') {
          size_t close = image.find('}', end);
          if (close == std::string::npos)
            break;
          name = image.substr(end + 1, close - end - 1);
          if (size_t dash = name.find(":-"); dash != std::string::npos) {
            fallback = name.substr(dash + 2);
            name = name.substr(0, dash);
          }
          end = close + 1;
        } else {
          while (end < image.size() &&
                 (std::isalnum(static_cast<unsigned char>(image[end])) != 0 || image[end] == '_'))
            ++end;
          name = image.substr(d + 1, end - d - 1);
        }
        auto it = args.find(name);
        std::string value = it != args.end() && !it->second.empty() ? it->second : fallback;
        if (value.empty() || value.find('$') != std::string::npos)
          break;
        image.replace(d, end - d, value);
      }
      if (i + 2 < w.size() && iequals(w[i + 1], "AS"))
        stages.insert(to_lower(w[i + 2]));
      if (stages.count(to_lower(image)) != 0 && !(i + 2 < w.size() && iequals(w[i + 2], image)))
        return; // an earlier stage
      judge_image(image, file, number, "Docker", scan);
    } else if (keyword == "RUN") {
      install_lines(t.substr(3), file, install, scan, number);
    }
  });
  return scan;
}

void judge_yaml_images(std::string_view text, const std::string& file, const std::string& ecosystem,
                       DepScan& scan) {
  each_line(text, [&](int number, std::string_view line) {
    std::string_view key;
    std::string_view value;
    if (yaml_key_value(line, key, value) && key == "image" && !value.empty())
      judge_image(value, file, number, ecosystem, scan);
  });
}

// ---- CI ---------------------------------------------------------------------------------------

DepScan judge_github_workflow(std::string_view text, const std::string& file,
                              const InstallContext& install) {
  DepScan scan;
  each_line(text, [&](int number, std::string_view line) {
    std::string_view key;
    std::string_view value;
    if (!yaml_key_value(line, key, value) || key != "uses" || value.empty() ||
        scan.items >= k_max_items)
      return;
    if (value.front() == '.') {
      ++scan.items; // a local action: pinned by this very commit
      return;
    }
    if (value.substr(0, 9) == "docker://") {
      judge_image(value.substr(9), file, number, "GitHub Actions", scan);
      return;
    }
    ++scan.items;
    size_t at = value.rfind('@');
    std::string action(value);
    if (at == std::string_view::npos) {
      scan.problems.push_back(problem(
          file, number, "GitHub Actions", action,
          fmt::format("{} has no ref: it runs whatever its default branch holds today", value)));
      return;
    }
    std::string_view ref = value.substr(at + 1);
    if (is_commit_id(ref))
      return;
    if (is_version_ref(ref))
      scan.problems.push_back(problem(
          file, number, "GitHub Actions", action,
          fmt::format("{} is pinned to the version tag {}, which its owner can move: a commit SHA "
                      "is best",
                      value, ref),
          false));
    else
      scan.problems.push_back(problem(
          file, number, "GitHub Actions", action,
          fmt::format("{} follows the branch {}: pin a release tag or a commit SHA", value, ref)));
  });
  judge_yaml_images(text, file, "GitHub Actions", scan);
  InstallContext ci = install;
  ci.ci = true;
  judge_install_commands(text, file, ci, scan);
  return scan;
}

DepScan judge_circleci(std::string_view text, const std::string& file,
                       const InstallContext& install) {
  DepScan scan;
  bool in_orbs = false;
  size_t orbs_indent = 0;
  each_line(text, [&](int number, std::string_view line) {
    std::string_view t = trim(line);
    if (t.empty() || t.front() == '#')
      return;
    size_t indent = indent_of(line);
    if (in_orbs && indent <= orbs_indent)
      in_orbs = false;
    std::string_view key;
    std::string_view value;
    if (!yaml_key_value(line, key, value))
      return;
    if (!in_orbs) {
      if (key == "orbs" && value.empty()) {
        in_orbs = true;
        orbs_indent = indent;
      }
      return;
    }
    if (value.empty() || scan.items >= k_max_items)
      return; // an inline orb definition
    ++scan.items;
    size_t at = value.rfind('@');
    if (at == std::string_view::npos)
      scan.problems.push_back(
          problem(file, number, "CircleCI", std::string(value),
                  fmt::format("orb {} has no version: pin one (ns/orb@1.2.3)", value)));
    else if (value.substr(at + 1) == "volatile")
      scan.problems.push_back(
          problem(file, number, "CircleCI", std::string(value),
                  fmt::format("orb {} is volatile: every build may run another release", value)));
  });
  judge_yaml_images(text, file, "CircleCI", scan);
  InstallContext ci = install;
  ci.ci = true;
  judge_install_commands(text, file, ci, scan);
  return scan;
}

namespace {

/// One simple command (no `&&`, `;` or `|`): leading YAML keys, sudo, env assignments and
/// `python -m` stripped, then judged.
void judge_command(std::vector<std::string_view> w, const std::string& file, int line,
                   const InstallContext& install, DepScan& scan) {
  size_t i = 0;
  while (i < w.size()) {
    std::string_view x = w[i];
    if (x == "-" || x == "run:" || x == "RUN" || x == "command:" || x == "script:" || x == "sudo" ||
        x == "|" || x == ">" || x == "exec" || x == "time" ||
        (x.find('=') != std::string_view::npos && x.front() != '-' && x.find('=') > 0 &&
         std::isupper(static_cast<unsigned char>(x.front())) != 0)) {
      ++i;
      continue;
    }
    if ((x == "python" || x == "python3") && i + 2 < w.size() && w[i + 1] == "-m") {
      i += 2;
      continue;
    }
    break;
  }
  if (i >= w.size())
    return;
  std::string_view tool = unquote(w[i]);
  std::vector<std::string_view> args(w.begin() + static_cast<std::ptrdiff_t>(i) + 1, w.end());
  std::string_view sub = args.empty() ? std::string_view{} : args[0];
  auto positional_after_sub = [&] {
    for (size_t k = 1; k < args.size(); ++k)
      if (!args[k].empty() && args[k].front() != '-')
        return true;
    return false;
  };
  auto add = [&](std::string what, std::string message, bool serious = true) {
    scan.problems.push_back(
        problem(file, line, std::string(tool), std::move(what), std::move(message), serious));
  };
  if (tool == "npm" && (sub == "install" || sub == "i") && !positional_after_sub()) {
    add("npm install", "`npm install` resolves versions again and may rewrite package-lock.json: "
                       "use `npm ci`");
  } else if (tool == "yarn" && (sub.empty() || sub == "install") &&
             !has_word(args, {"--frozen-lockfile", "--immutable"})) {
    add("yarn install", "`yarn install` without --frozen-lockfile (v1) or --immutable (v2+) may "
                        "update yarn.lock instead of failing");
  } else if (tool == "pnpm" && (sub == "install" || sub == "i") && !install.ci &&
             !positional_after_sub() && !has_word(args, {"--frozen-lockfile"})) {
    add("pnpm install",
        "`pnpm install` outside CI may update pnpm-lock.yaml: add --frozen-lockfile");
  } else if ((tool == "pip" || tool == "pip3") && sub == "install") {
    for (size_t k = 1; k < args.size(); ++k) {
      std::string_view a = args[k];
      std::string_view name;
      if ((a == "-r" || a == "--requirement") && k + 1 < args.size())
        name = args[k + 1];
      else if (a.substr(0, 2) == "-r" && a.size() > 2 && a[2] != '-')
        name = a.substr(2);
      else if (a.substr(0, 14) == "--requirement=")
        name = a.substr(14);
      if (name.empty())
        continue;
      name = unquote(name);
      while (name.substr(0, 2) == "./")
        name.remove_prefix(2);
      for (const auto& [path, pinned] : install.requirements) {
        bool same =
            path == name || (path.size() > name.size() &&
                             path.compare(path.size() - name.size(), name.size(), name) == 0 &&
                             path[path.size() - name.size() - 1] == '/');
        if (same && !pinned) {
          add(fmt::format("pip install -r {}", name),
              fmt::format("`pip install -r {}` installs whatever versions are newest today: {} has "
                          "requirements not pinned with ==",
                          name, path));
          break;
        }
      }
    }
  } else if (tool == "bundle" && sub == "install" && !install.gemfile_lock) {
    add("bundle install",
        "`bundle install` without a committed Gemfile.lock resolves versions anew on every build");
  } else if (tool == "composer" && sub == "update") {
    add("composer update", "`composer update` ignores composer.lock: use `composer install`");
  } else if (tool == "cargo" && (sub == "build" || sub == "test") &&
             !has_word(args, {"--locked", "--frozen"})) {
    add(fmt::format("cargo {}", sub),
        fmt::format("`cargo {}` without --locked may update Cargo.lock instead of failing", sub),
        false);
  }
}

void install_lines(std::string_view text, const std::string& file, const InstallContext& install,
                   DepScan& scan, int first_line) {
  size_t count = 0;
  each_logical_line(text, [&](int number, const std::string& logical) {
    if (++count > 200000)
      return;
    std::string_view t = trim(logical);
    if (t.empty() || t.front() == '#')
      return;
    // Split into simple commands at &&, ||, ; and |.
    std::string_view rest = t;
    for (int n = 0; n < 64 && !rest.empty(); ++n) {
      size_t cut = rest.find_first_of("&;|");
      std::string_view segment = rest.substr(0, cut);
      judge_command(words(segment), file, first_line + number - 1, install, scan);
      if (cut == std::string_view::npos)
        break;
      size_t next = cut + 1;
      while (next < rest.size() && (rest[next] == '&' || rest[next] == '|'))
        ++next;
      rest = rest.substr(next);
    }
  });
}

} // namespace

void judge_install_commands(std::string_view text, const std::string& file,
                            const InstallContext& install, DepScan& scan) {
  install_lines(text, file, install, scan, 1);
}

// ---- manifests and lock files -------------------------------------------------------------------

Expected<std::vector<std::string>> package_json_dependencies(std::string_view package_json) {
  auto doc = nlohmann::json::parse(package_json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return unexpected(ErrorKind::parse, "package.json is not a JSON object");
  std::vector<std::string> names;
  for (const char* key : {"dependencies", "devDependencies"}) {
    auto it = doc.find(key);
    if (it == doc.end() || !it->is_object())
      continue;
    for (const auto& item : it->items())
      if (names.size() < k_max_items)
        names.push_back(item.key());
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

Expected<std::vector<std::string>> missing_from_package_lock(const std::vector<std::string>& names,
                                                             std::string_view lock) {
  auto doc = nlohmann::json::parse(lock, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return unexpected(ErrorKind::parse, "package-lock.json is not a JSON object");
  std::unordered_set<std::string> held;
  if (auto packages = doc.find("packages"); packages != doc.end() && packages->is_object()) {
    for (const auto& item : packages->items()) {
      const std::string& key = item.key();
      size_t nm = key.rfind("node_modules/");
      if (nm != std::string::npos)
        held.insert(key.substr(nm + 13));
    }
    if (auto root = packages->find(""); root != packages->end() && root->is_object())
      for (const char* list : {"dependencies", "devDependencies", "optionalDependencies"})
        if (auto deps = root->find(list); deps != root->end() && deps->is_object())
          for (const auto& item : deps->items())
            held.insert(item.key());
  }
  if (auto deps = doc.find("dependencies"); deps != doc.end() && deps->is_object())
    for (const auto& item : deps->items())
      held.insert(item.key());
  std::vector<std::string> missing;
  for (const auto& n : names)
    if (held.count(n) == 0)
      missing.push_back(n);
  return missing;
}

std::vector<std::string> missing_from_text_lock(const std::vector<std::string>& names,
                                                std::string_view lock) {
  // Every token between delimiters, with what precedes a version ("name@1.2", "/name/1.2") cut
  // off: one pass over the lock, then set lookups.
  std::unordered_set<std::string> held;
  auto add = [&](std::string_view token) {
    while (!token.empty() && token.front() == '/')
      token.remove_prefix(1);
    if (token.empty())
      return;
    held.insert(std::string(token));
    held.insert(to_lower(token));
    size_t at = token.rfind('@');
    if (at != std::string_view::npos && at > 0)
      held.insert(std::string(token.substr(0, at)));
    size_t slash = token.rfind('/');
    if (slash != std::string_view::npos && slash + 1 < token.size() &&
        std::isdigit(static_cast<unsigned char>(token[slash + 1])) != 0)
      held.insert(std::string(token.substr(0, slash)));
  };
  size_t i = 0;
  auto delimiter = [](char c) {
    return is_space(c) || c == '"' || c == '\'' || c == ',' || c == ':' || c == '=' || c == '[' ||
           c == ']' || c == '{' || c == '}' || c == '(' || c == ')';
  };
  while (i < lock.size()) {
    while (i < lock.size() && delimiter(lock[i]))
      ++i;
    size_t start = i;
    while (i < lock.size() && !delimiter(lock[i]))
      ++i;
    if (i > start && i - start <= 512)
      add(lock.substr(start, i - start));
  }
  std::vector<std::string> missing;
  for (const auto& n : names)
    if (held.count(n) == 0 && held.count(to_lower(n)) == 0)
      missing.push_back(n);
  return missing;
}

namespace {

/// A TOML section header's name ("[dependencies]" -> "dependencies"), or "" for other lines.
std::string toml_header(std::string_view t) {
  if (t.size() < 2 || t.front() != '[')
    return {};
  bool array = t.size() > 2 && t[1] == '[';
  size_t close = t.find(']');
  if (close == std::string_view::npos)
    return {};
  std::string_view inner = t.substr(array ? 2 : 1, close - (array ? 2 : 1));
  std::string out;
  for (char c : inner)
    if (c != ' ' && c != '"' && c != '\'')
      out += c;
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/// The key of a TOML `key = value` line.
std::string_view toml_key(std::string_view t) {
  size_t eq = t.find('=');
  if (eq == std::string_view::npos || eq == 0)
    return {};
  return unquote(t.substr(0, eq));
}

} // namespace

std::vector<std::string> cargo_dependencies(std::string_view cargo_toml) {
  std::vector<std::string> names;
  bool in_deps = false;
  each_line(cargo_toml, [&](int, std::string_view line) {
    std::string_view t = trim(line);
    if (t.empty() || t.front() == '#' || names.size() >= k_max_items)
      return;
    if (t.front() == '[') {
      std::string h = toml_header(t);
      in_deps = h == "dependencies" || h == "dev-dependencies" || h == "build-dependencies" ||
                ends_with(h, ".dependencies") || ends_with(h, ".dev-dependencies") ||
                ends_with(h, ".build-dependencies");
      if (in_deps && h.rfind("workspace.", 0) == 0)
        in_deps = true;
      // [dependencies.NAME]
      for (std::string_view kind : {"dependencies.", "dev-dependencies.", "build-dependencies."}) {
        size_t at = h.find(kind);
        if (at != std::string::npos && (at == 0 || h[at - 1] == '.')) {
          names.push_back(h.substr(at + kind.size()));
          in_deps = false;
        }
      }
      return;
    }
    if (!in_deps)
      return;
    std::string_view key = toml_key(t);
    if (key.empty())
      return;
    std::string name(key);
    if (size_t pkg = t.find("package"); pkg != std::string_view::npos) {
      std::string_view rest = t.substr(pkg + 7);
      size_t q1 = rest.find('"');
      size_t q2 = q1 == std::string_view::npos ? q1 : rest.find('"', q1 + 1);
      if (q2 != std::string_view::npos && trim(rest.substr(0, q1)) == "=")
        name = std::string(rest.substr(q1 + 1, q2 - q1 - 1));
    }
    names.push_back(name);
  });
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::vector<std::string> go_requirements(std::string_view go_mod) {
  std::vector<std::string> modules;
  bool in_block = false;
  each_line(go_mod, [&](int, std::string_view line) {
    std::string_view t = trim(line);
    if (size_t c = t.find("//"); c != std::string_view::npos)
      t = trim(t.substr(0, c));
    if (t.empty() || modules.size() >= k_max_items)
      return;
    auto w = words(t, 4);
    if (in_block) {
      if (t == ")")
        in_block = false;
      else if (w.size() >= 2)
        modules.emplace_back(w[0]);
      return;
    }
    if (w[0] != "require")
      return;
    if (w.size() >= 2 && w[1] == "(")
      in_block = true;
    else if (w.size() >= 3)
      modules.emplace_back(w[1]);
  });
  std::sort(modules.begin(), modules.end());
  modules.erase(std::unique(modules.begin(), modules.end()), modules.end());
  return modules;
}

std::vector<std::string> missing_from_go_sum(const std::vector<std::string>& modules,
                                             std::string_view go_sum) {
  std::unordered_set<std::string> held;
  each_line(go_sum, [&](int, std::string_view line) {
    auto w = words(line, 1);
    if (!w.empty())
      held.insert(std::string(w[0]));
  });
  std::vector<std::string> missing;
  for (const auto& m : modules)
    if (held.count(m) == 0)
      missing.push_back(m);
  return missing;
}

PyProject parse_pyproject(std::string_view text) {
  PyProject out;
  std::string section;
  bool in_project_deps = false; // inside `dependencies = [` of [project]
  each_line(text, [&](int, std::string_view line) {
    std::string_view t = trim(line);
    if (t.empty() || t.front() == '#')
      return;
    if (in_project_deps) {
      if (t.find('"') != std::string_view::npos || t.find('\'') != std::string_view::npos)
        out.has_dependencies = true;
      if (t.find(']') != std::string_view::npos)
        in_project_deps = false;
      return;
    }
    if (t.front() == '[') {
      section = toml_header(t);
      if (section.rfind("tool.poetry", 0) == 0)
        out.poetry = true;
      if (section.rfind("tool.uv", 0) == 0)
        out.uv = true;
      if (section.rfind("tool.pdm", 0) == 0)
        out.pdm = true;
      return;
    }
    std::string_view key = toml_key(t);
    if (section == "project" && key == "dependencies") {
      std::string_view value = trim(t.substr(t.find('=') + 1));
      std::string_view inside = value.substr(value.empty() ? 0 : 1);
      if (inside.find('"') != std::string_view::npos || inside.find('\'') != std::string_view::npos)
        out.has_dependencies = true;
      in_project_deps = value.find(']') == std::string_view::npos;
      return;
    }
    bool poetry_deps =
        section == "tool.poetry.dependencies" || section == "tool.poetry.dev-dependencies" ||
        (section.rfind("tool.poetry.group.", 0) == 0 && ends_with(section, ".dependencies"));
    if (poetry_deps && !key.empty() && key != "python" && out.poetry_names.size() < k_max_items) {
      out.has_dependencies = true;
      out.poetry_names.push_back(normalize_python(key));
    }
  });
  return out;
}

void judge_requirements(std::string_view text, const std::string& file, DepScan& scan) {
  each_logical_line(text, [&](int number, const std::string& logical) {
    std::string_view t = trim(logical);
    if (size_t hash = t.find(" #"); hash != std::string_view::npos)
      t = trim(t.substr(0, hash));
    if (t.empty() || t.front() == '#' || t.front() == '-' || scan.items >= k_max_items)
      return;
    // Drop options (--hash=…) and environment markers.
    std::string_view spec = t;
    if (size_t opt = spec.find(" --"); opt != std::string_view::npos)
      spec = trim(spec.substr(0, opt));
    if (size_t marker = spec.find(';'); marker != std::string_view::npos)
      spec = trim(spec.substr(0, marker));
    if (spec.empty())
      return;
    ++scan.items;
    size_t name_end = spec.find_first_of("<>=!~[ @;");
    std::string name = normalize_python(spec.substr(0, name_end));
    bool pinned;
    if (spec.find("://") != std::string_view::npos) {
      size_t at = spec.rfind('@');
      std::string_view ref = at == std::string_view::npos ? "" : spec.substr(at + 1);
      if (size_t frag = ref.find('#'); frag != std::string_view::npos)
        ref = ref.substr(0, frag);
      pinned = spec.find("sha256=") != std::string_view::npos || is_commit_id(ref);
    } else {
      size_t eq = spec.find("==");
      pinned = eq != std::string_view::npos && spec.find('*', eq) == std::string_view::npos &&
               spec.find(',') == std::string_view::npos;
    }
    if (!pinned)
      scan.problems.push_back(problem(
          file, number, "pip", name,
          fmt::format("{} is not pinned with ==: installs may bring a different version", spec)));
  });
}

void judge_pom(std::string_view text, const std::string& file, DepScan& scan) {
  bool managed = text.find("<parent>") != std::string_view::npos ||
                 text.find("<dependencyManagement>") != std::string_view::npos;
  auto tag = [](std::string_view block, std::string_view name) -> std::string_view {
    std::string open = fmt::format("<{}>", name);
    std::string close = fmt::format("</{}>", name);
    size_t a = block.find(open);
    if (a == std::string_view::npos)
      return {};
    size_t b = block.find(close, a);
    if (b == std::string_view::npos)
      return {};
    return trim(block.substr(a + open.size(), b - a - open.size()));
  };
  size_t pos = 0;
  LineCounter lines(text);
  while (scan.items < k_max_items) {
    size_t a = text.find("<dependency>", pos);
    if (a == std::string_view::npos)
      break;
    size_t b = text.find("</dependency>", a);
    if (b == std::string_view::npos)
      break;
    pos = b + 13;
    std::string_view block = text.substr(a, b - a);
    ++scan.items;
    std::string artifact = fmt::format("{}:{}", tag(block, "groupId"), tag(block, "artifactId"));
    std::string_view version = tag(block, "version");
    int line = static_cast<int>(lines.at(a));
    std::string why;
    if (version.empty()) {
      if (!managed)
        why = "has no version and the pom has no parent or dependencyManagement to supply one";
    } else if (version.front() == '[' || version.front() == '(') {
      why = fmt::format("uses the version range {}", version);
    } else if (ends_with(version, "-SNAPSHOT")) {
      why = fmt::format("uses the snapshot {}, which changes under the same name", version);
    } else if (version == "LATEST" || version == "RELEASE") {
      why = fmt::format("asks for {}, whatever that is at build time", version);
    }
    if (!why.empty())
      scan.problems.push_back(
          problem(file, line, "Maven", artifact, fmt::format("{} {}", artifact, why)));
  }
}

void judge_gradle(std::string_view text, const std::string& file, DepScan& scan) {
  each_line(text, [&](int number, std::string_view line) {
    size_t i = 0;
    for (int n = 0; n < 64 && i < line.size() && scan.items < k_max_items; ++n) {
      size_t q = line.find_first_of("\"'", i);
      if (q == std::string_view::npos)
        break;
      size_t e = line.find(line[q], q + 1);
      if (e == std::string_view::npos)
        break;
      std::string_view s = line.substr(q + 1, e - q - 1);
      i = e + 1;
      auto parts = split(s, ':');
      if (parts.size() < 3 || parts.size() > 4 || parts[0].empty() || parts[1].empty() ||
          s.find(' ') != std::string_view::npos)
        continue;
      ++scan.items;
      std::string_view version = parts[2];
      if (version.find('+') != std::string_view::npos || version.substr(0, 7) == "latest." ||
          version.empty() || version.front() == '[' || version.front() == '(')
        scan.problems.push_back(problem(
            file, number, "Gradle", std::string(s),
            fmt::format("{} asks for a moving version ({}): pin an exact one or use dependency "
                        "locking",
                        s, version.empty() ? "none" : version)));
    }
  });
}

void judge_cmake(std::string_view text, const std::string& file, DepScan& scan) {
  std::string lower = to_lower(text);
  for (std::string_view call : {"fetchcontent_declare", "externalproject_add"}) {
    size_t pos = 0;
    LineCounter lines(text);
    while (scan.items < k_max_items) {
      size_t a = lower.find(call, pos);
      if (a == std::string::npos)
        break;
      pos = a + call.size();
      size_t open = pos;
      while (open < lower.size() && is_space(lower[open]))
        ++open;
      if (open >= lower.size() || lower[open] != '(')
        continue;
      // The call's arguments, looked for within 16 KiB only.
      size_t close = std::string_view(lower).substr(open, 16384).find(')');
      if (close == std::string_view::npos)
        continue;
      close += open;
      ++scan.items;
      std::vector<std::string> args;
      for (auto w : words(text.substr(open + 1, close - open - 1), 128))
        args.emplace_back(unquote(w));
      std::string name = args.empty() ? "?" : args[0];
      std::string repo;
      std::string tag;
      for (size_t k = 0; k + 1 < args.size(); ++k) {
        if (args[k] == "GIT_REPOSITORY")
          repo = args[k + 1];
        else if (args[k] == "GIT_TAG")
          tag = args[k + 1];
      }
      if (repo.empty())
        continue;
      std::string kind = call == "fetchcontent_declare" ? "FetchContent" : "ExternalProject";
      int line = static_cast<int>(lines.at(a));
      static const std::set<std::string> k_branches = {"main",        "master",        "develop",
                                                       "dev",         "trunk",         "head",
                                                       "origin/main", "origin/master", "latest"};
      if (tag.empty())
        scan.problems.push_back(
            problem(file, line, "CMake", fmt::format("{} {}", kind, name),
                    fmt::format("{} {} ({}) has no GIT_TAG: it follows the default branch", kind,
                                name, repo)));
      else if (k_branches.count(to_lower(tag)) != 0)
        scan.problems.push_back(problem(
            file, line, "CMake", fmt::format("{} {}@{}", kind, name, tag),
            fmt::format("{} {} follows the branch {}: set GIT_TAG to a release tag or commit", kind,
                        name, tag)));
    }
  }
}

void judge_vcpkg(std::string_view text, const std::string& file, bool has_configuration_baseline,
                 DepScan& scan) {
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    scan.notes.push_back(file + " is not a JSON object");
    return;
  }
  auto deps = doc.find("dependencies");
  size_t count = deps != doc.end() && deps->is_array() ? deps->size() : 0;
  scan.items += count;
  if (count > 0 && !doc.contains("builtin-baseline") && !has_configuration_baseline)
    scan.problems.push_back(problem(
        file, 0, "vcpkg", "builtin-baseline",
        "vcpkg.json has no builtin-baseline: dependency versions follow whatever vcpkg checkout "
        "builds it"));
}

} // namespace lg::analyze
