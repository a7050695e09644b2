// Environment variable reads, definitions and documentation for deploy.config. Code is scanned in
// one linear pass over identifiers: an accessor (process, import.meta, environ, getenv, Getenv,
// LookupEnv, ENV, $_ENV) is followed by a literal name or counted as dynamic. Placeholders
// `${X}` (Spring, Compose), Dockerfile ENV/ARG lines, env files and Markdown code spans have
// their own small scanners. Every loop is bounded by the text, which is capped.

#include "analyze/envvars.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <array>
#include <set>

namespace lg::analyze {
namespace {

bool ident_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool ident_char(char c) {
  return ident_start(c) || (c >= '0' && c <= '9');
}
bool blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}
bool starts_with(std::string_view s, std::string_view head) {
  return s.size() >= head.size() && s.substr(0, head.size()) == head;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (blank(s.front()) || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (blank(s.back()) || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

class CodeScanner {
public:
  CodeScanner(std::string_view text, EnvScan& out) : m_text(text), m_lines(text), m_out(out) {}

  void run() {
    size_t i = 0;
    while (i < m_text.size()) {
      char c = m_text[i];
      if (!ident_start(c) || (i > 0 && (ident_char(m_text[i - 1]) || m_text[i - 1] == '$'))) {
        // `$_ENV`: the `$` is part of the accessor.
        if (c == '$' && starts_with(m_text.substr(i), "$_ENV") &&
            (i + 5 >= m_text.size() || !ident_char(m_text[i + 5]))) {
          subscript(i + 5);
          i += 5;
          continue;
        }
        ++i;
        continue;
      }
      size_t end = i;
      while (end < m_text.size() && ident_char(m_text[end]))
        ++end;
      std::string_view word = m_text.substr(i, end - i);
      accessor(i, word, end);
      i = end;
    }
  }

private:
  void accessor(size_t start, std::string_view word, size_t end) {
    if (word == "process") {
      if (starts_with(m_text.substr(end), ".env") && !ident_char(at(end + 4)))
        js_env(start, end + 4);
    } else if (word == "import") {
      if (starts_with(m_text.substr(end), ".meta.env") && !ident_char(at(end + 9)))
        js_env(start, end + 9);
    } else if (word == "environ") {
      if (at(end) == '[')
        subscript(end);
      else if (starts_with(m_text.substr(end), ".get("))
        call(end + 4);
    } else if (word == "getenv" || word == "secure_getenv" || word == "Getenv" ||
               word == "LookupEnv") {
      call(skip_blanks(end));
    } else if (word == "ENV") {
      if (at(end) == '[')
        subscript(end);
      else if (starts_with(m_text.substr(end), ".fetch("))
        call(end + 6);
    }
  }

  char at(size_t pos) const { return pos < m_text.size() ? m_text[pos] : '\0'; }

  size_t skip_blanks(size_t pos) const {
    while (pos < m_text.size() && blank(m_text[pos]))
      ++pos;
    return pos;
  }

  /// `process.env` ends at `pos`: `.NAME`, `["NAME"]`, or destructuring before `start`.
  void js_env(size_t start, size_t pos) {
    if (at(pos) == '.' && ident_start(at(pos + 1))) {
      size_t end = pos + 1;
      while (end < m_text.size() && ident_char(m_text[end]))
        ++end;
      add(m_text.substr(pos + 1, end - pos - 1), pos + 1);
      return;
    }
    if (at(pos) == '[') {
      subscript(pos);
      return;
    }
    destructuring(start);
  }

  /// `const { A, B: b, C = 1, ...rest } = process.env`: the braces before `start`.
  void destructuring(size_t start) {
    size_t p = start;
    while (p > 0 && (blank(m_text[p - 1]) || m_text[p - 1] == '\n'))
      --p;
    if (p == 0 || m_text[p - 1] != '=')
      return;
    --p;
    while (p > 0 && (blank(m_text[p - 1]) || m_text[p - 1] == '\n'))
      --p;
    if (p == 0 || m_text[p - 1] != '}')
      return;
    size_t close = p - 1;
    constexpr size_t k_max_back = 4096;
    size_t open = close;
    bool found = false;
    while (open > 0 && close - open < k_max_back) {
      --open;
      if (m_text[open] == '{') {
        found = true;
        break;
      }
      if (m_text[open] == '}' || m_text[open] == ';')
        return; // nested patterns: not followed
    }
    if (!found)
      return;
    // Names at the start of each comma-separated member; lines counted back from `start`.
    const size_t start_line = m_lines.at(start);
    auto line_of = [&](size_t q) {
      auto between = std::count(m_text.begin() + static_cast<std::ptrdiff_t>(q),
                                m_text.begin() + static_cast<std::ptrdiff_t>(start), '\n');
      return start_line - static_cast<size_t>(between);
    };
    size_t q = open + 1;
    while (q < close) {
      while (q < close && (blank(m_text[q]) || m_text[q] == '\n' || m_text[q] == ','))
        ++q;
      if (q >= close)
        break;
      if (m_text[q] == '.') { // ...rest
        while (q < close && m_text[q] != ',')
          ++q;
        continue;
      }
      size_t end = q;
      while (end < close && ident_char(m_text[end]))
        ++end;
      if (end > q && is_env_name(m_text.substr(q, end - q)))
        push(std::string(m_text.substr(q, end - q)), line_of(q), false);
      else
        ++m_out.dynamic; // ["computed"]: not followed
      // skip to the next member: past an alias or default, at depth 0
      int depth = 0;
      q = std::max(end, q + 1);
      while (q < close) {
        char c = m_text[q];
        if (c == '(' || c == '[' || c == '{')
          ++depth;
        else if ((c == ')' || c == ']' || c == '}') && depth > 0)
          --depth;
        else if (c == ',' && depth == 0)
          break;
        ++q;
      }
    }
  }

  /// `[` at `pos`: a quoted literal name, else dynamic.
  void subscript(size_t pos) {
    pos = skip_blanks(pos);
    if (at(pos) != '[')
      return;
    literal(skip_blanks(pos + 1));
  }

  /// `(` at `pos`: the first argument is a quoted literal name, else dynamic.
  void call(size_t pos) {
    if (at(pos) != '(')
      return;
    size_t arg = skip_blanks(pos + 1);
    if (at(arg) == ')') // System.getenv(): the whole map
      return;
    literal(arg);
  }

  void literal(size_t pos) {
    char quote = at(pos);
    if (quote != '"' && quote != '\'' && quote != '`') {
      ++m_out.dynamic;
      return;
    }
    size_t end = pos + 1;
    constexpr size_t k_max_name = 256;
    while (end < m_text.size() && m_text[end] != quote && m_text[end] != '\n' &&
           end - pos < k_max_name)
      ++end;
    if (at(end) != quote) {
      ++m_out.dynamic;
      return;
    }
    std::string_view name = m_text.substr(pos + 1, end - pos - 1);
    if (is_env_name(name))
      add(name, pos + 1);
    else
      ++m_out.dynamic;
  }

  void add(std::string_view name, size_t pos) {
    if (is_env_name(name))
      push(std::string(name), m_lines.at(pos), false);
  }

  void push(std::string name, size_t line, bool has_default) {
    if (m_out.uses.size() < k_env_max_uses)
      m_out.uses.push_back({std::move(name), line, has_default});
  }

  std::string_view m_text;
  LineCounter m_lines;
  EnvScan& m_out;
};

/// `${NAME}`, `${NAME:default}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?error}`.
void scan_placeholders(std::string_view text, EnvScan& out) {
  LineCounter lines(text);
  size_t pos = 0;
  while ((pos = text.find("${", pos)) != std::string_view::npos) {
    size_t start = pos + 2;
    size_t end = start;
    while (end < text.size() && ident_char(text[end]) && end - start <= 128)
      ++end;
    pos = start;
    std::string_view name = text.substr(start, end - start);
    if (!is_env_name(name))
      continue; // ${spring.property} and the like: not the environment
    char next = end < text.size() ? text[end] : '\0';
    if (next != '}' && next != ':' && next != '-' && next != '?')
      continue;
    bool has_default =
        next == '-' || (next == ':' && end + 1 < text.size() && text[end + 1] != '?');
    if (out.uses.size() < k_env_max_uses)
      out.uses.push_back({std::string(name), lines.at(start), has_default});
  }
}

/// Dockerfile `ENV A=1 B=2`, `ENV A 1`, `ARG A`, `ARG A=1` (instructions are case-insensitive).
void scan_dockerfile(std::string_view text, EnvScan& out) {
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    line = trim(line);
    size_t word_end = 0;
    while (word_end < line.size() && ident_char(line[word_end]))
      ++word_end;
    std::string instr = lower(line.substr(0, word_end));
    if ((instr != "env" && instr != "arg") || word_end >= line.size() || !blank(line[word_end]))
      continue;
    std::string_view rest = trim(line.substr(word_end));
    bool legacy = instr == "env" && rest.find('=') == std::string_view::npos;
    size_t i = 0;
    while (i < rest.size() && out.defined.size() < k_env_max_uses) {
      while (i < rest.size() && blank(rest[i]))
        ++i;
      size_t start = i;
      while (i < rest.size() && ident_char(rest[i]))
        ++i;
      std::string_view name = rest.substr(start, i - start);
      if (!is_env_name(name))
        break;
      bool has_value = legacy ? i < rest.size() : (i < rest.size() && rest[i] == '=');
      out.defined.push_back({std::string(name), line_no, instr == "env" || has_value});
      if (legacy)
        break; // ENV NAME value with spaces
      if (i < rest.size() && rest[i] == '=') {
        ++i;
        char quote = i < rest.size() ? rest[i] : '\0';
        if (quote == '"' || quote == '\'') {
          ++i;
          while (i < rest.size() && rest[i] != quote)
            i += rest[i] == '\\' ? 2U : 1U;
          ++i;
        } else {
          while (i < rest.size() && !blank(rest[i]))
            ++i;
        }
      }
      if (instr == "arg")
        break; // one ARG per line
    }
  }
}

} // namespace

bool is_env_name(std::string_view name) {
  if (name.empty() || name.size() > 128 || !ident_start(name[0]))
    return false;
  return std::all_of(name.begin(), name.end(), ident_char);
}

EnvSource env_source_for(std::string_view filename) {
  std::string name = lower(filename);
  if (name == "dockerfile" || starts_with(name, "dockerfile.") || ends_with(name, ".dockerfile"))
    return EnvSource::dockerfile;
  bool yaml = ends_with(name, ".yml") || ends_with(name, ".yaml");
  if (yaml && (starts_with(name, "docker-compose") || starts_with(name, "compose")))
    return EnvSource::compose;
  if (starts_with(name, "application") && (yaml || ends_with(name, ".properties")))
    return EnvSource::spring;
  static constexpr std::array<std::string_view, 22> k_code = {
      ".js", ".jsx", ".mjs", ".cjs", ".ts",  ".tsx", ".mts", ".cts", ".vue", ".svelte", ".py",
      ".rb", ".go",  ".c",   ".cc",  ".cpp", ".cxx", ".h",   ".hpp", ".php", ".java",   ".kt"};
  if (ends_with(name, ".d.ts") || ends_with(name, ".min.js"))
    return EnvSource::none;
  for (auto ext : k_code)
    if (ends_with(name, ext))
      return EnvSource::code;
  return EnvSource::none;
}

EnvScan scan_env_uses(std::string_view text, EnvSource source) {
  EnvScan out;
  text = text.substr(0, std::min(text.size(), k_env_max_text));
  switch (source) {
  case EnvSource::code:
    CodeScanner(text, out).run();
    break;
  case EnvSource::spring:
  case EnvSource::compose:
    scan_placeholders(text, out);
    break;
  case EnvSource::dockerfile:
    scan_dockerfile(text, out);
    break;
  case EnvSource::none:
    break;
  }
  return out;
}

EnvFile parse_env_file(std::string_view text) {
  EnvFile out;
  text = text.substr(0, std::min(text.size(), k_env_max_text));
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size() && out.entries.size() < k_env_max_uses) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    line = trim(line);
    if (line.empty() || line[0] == '#')
      continue;
    if (starts_with(line, "export") && line.size() > 6 && blank(line[6]))
      line = trim(line.substr(6));
    size_t eq = line.find('=');
    std::string_view key = eq == std::string_view::npos ? line : trim(line.substr(0, eq));
    if (eq == std::string_view::npos || !is_env_name(key)) {
      ++out.skipped;
      continue;
    }
    std::string_view raw = trim(line.substr(eq + 1));
    std::string value;
    if (!raw.empty() && (raw[0] == '"' || raw[0] == '\'')) {
      char quote = raw[0];
      size_t i = 1;
      for (; i < raw.size() && raw[i] != quote; ++i) {
        if (quote == '"' && raw[i] == '\\' && i + 1 < raw.size()) {
          char next = raw[++i];
          value += next == 'n' ? '\n' : next;
        } else {
          value += raw[i];
        }
      }
    } else {
      size_t hash = raw.find(" #");
      if (hash == std::string_view::npos)
        hash = raw.find("\t#");
      value = std::string(trim(raw.substr(0, hash)));
    }
    out.entries.push_back({std::string(key), std::move(value), line_no});
  }
  return out;
}

std::vector<std::string> env_names_in_markdown(std::string_view text) {
  text = text.substr(0, std::min(text.size(), k_env_max_text));
  std::set<std::string> names;
  auto words = [&](std::string_view code) {
    size_t i = 0;
    while (i < code.size() && names.size() < k_env_max_uses) {
      if (!ident_start(code[i]) || (i > 0 && ident_char(code[i - 1]))) {
        ++i;
        continue;
      }
      size_t end = i;
      while (end < code.size() && ident_char(code[end]))
        ++end;
      std::string_view word = code.substr(i, end - i);
      bool upper =
          std::none_of(word.begin(), word.end(), [](char c) { return c >= 'a' && c <= 'z'; });
      bool letter =
          std::any_of(word.begin(), word.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
      if (word.size() >= 2 && word.size() <= 128 && upper && letter)
        names.emplace(word);
      i = end;
    }
  };
  bool fenced = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    std::string_view t = trim(line);
    if (starts_with(t, "```") || starts_with(t, "~~~")) {
      fenced = !fenced;
      continue;
    }
    if (fenced) {
      words(line);
      continue;
    }
    // Inline code spans on this line: a run of backticks up to the same run.
    size_t i = 0;
    while (i < line.size()) {
      if (line[i] != '`') {
        ++i;
        continue;
      }
      size_t run = i;
      while (run < line.size() && line[run] == '`')
        ++run;
      size_t ticks = run - i;
      std::string closer(ticks, '`');
      size_t close = line.find(closer, run);
      if (close == std::string_view::npos) {
        i = run;
        continue;
      }
      words(line.substr(run, close - run));
      i = close + ticks;
    }
  }
  return {names.begin(), names.end()};
}

bool is_platform_env(std::string_view name) {
  static constexpr std::array<std::string_view, 24> k_names = {
      "PORT",     "HOST",    "HOSTNAME",  "NODE_ENV",   "PATH",         "HOME",
      "USER",     "TZ",      "LANG",      "LC_ALL",     "TERM",         "PWD",
      "TMPDIR",   "SHELL",   "CI",        "DEBUG",      "LOG_LEVEL",    "RAILS_ENV",
      "RACK_ENV", "APP_ENV", "FLASK_ENV", "PYTHONPATH", "NODE_OPTIONS", "GOMAXPROCS"};
  return std::find(k_names.begin(), k_names.end(), name) != k_names.end();
}

} // namespace lg::analyze
