#include "analyze/strace.hpp"

#include <cctype>

namespace lg::analyze {
namespace {

/// The index one past the closing quote of the string literal opening at `at`, or npos.
size_t skip_string(std::string_view line, size_t at) {
  for (size_t i = at + 1; i < line.size(); ++i) {
    if (line[i] == '\\')
      ++i;
    else if (line[i] == '"')
      return i + 1;
  }
  return std::string_view::npos;
}

/// The return value's text: what follows the last " = " outside string literals.
std::string_view return_part(std::string_view line) {
  size_t at = std::string_view::npos;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"') {
      i = skip_string(line, i);
      if (i == std::string_view::npos)
        return {};
      --i;
      continue;
    }
    if (line.compare(i, 3, " = ") == 0)
      at = i + 3;
  }
  return at == std::string_view::npos ? std::string_view{} : line.substr(at);
}

/// The path of a `3</path>` return annotation.
bool annotated_path(std::string_view ret, std::string& path) {
  size_t i = 0;
  while (i < ret.size() && std::isdigit(static_cast<unsigned char>(ret[i])))
    ++i;
  if (i == 0 || i >= ret.size() || ret[i] != '<')
    return false;
  size_t close = ret.rfind('>');
  if (close == std::string_view::npos || close <= i)
    return false;
  path = strace_unescape(ret.substr(i + 1, close - i - 1));
  return !path.empty() && path[0] == '/';
}

/// The quoted strings of the array that opens at `at` ('['), up to its ']'.
std::vector<std::string> string_array(std::string_view line, size_t at) {
  std::vector<std::string> out;
  size_t i = at + 1;
  while (i < line.size() && line[i] != ']') {
    if (line[i] == '"') {
      size_t end = skip_string(line, i);
      if (end == std::string_view::npos)
        break;
      out.push_back(strace_unescape(line.substr(i + 1, end - i - 2)));
      i = end;
      continue;
    }
    ++i;
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

} // namespace

std::string strace_unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    char c = s[++i];
    switch (c) {
    case 'n':
      out += '\n';
      break;
    case 't':
      out += '\t';
      break;
    case 'r':
      out += '\r';
      break;
    case 'v':
      out += '\v';
      break;
    case 'f':
      out += '\f';
      break;
    case 'x': {
      int value = 0;
      size_t digits = 0;
      while (digits < 2 && i + 1 < s.size() && hex_value(s[i + 1]) >= 0) {
        value = value * 16 + hex_value(s[++i]);
        ++digits;
      }
      out += digits > 0 ? static_cast<char>(value) : 'x';
      break;
    }
    default:
      if (c >= '0' && c <= '7') {
        int value = c - '0';
        for (int n = 0; n < 2 && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7'; ++n)
          value = value * 8 + (s[++i] - '0');
        out += static_cast<char>(value & 0xff);
      } else {
        out += c; // \" \\ and anything else stand for themselves
      }
    }
  }
  return out;
}

void parse_strace(std::string_view text, Trace& trace) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos)
      end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    // With -f and one output file per process there is no pid prefix; accept one anyway.
    size_t name_start = 0;
    while (name_start < line.size() && std::isdigit(static_cast<unsigned char>(line[name_start])))
      ++name_start;
    while (name_start < line.size() && line[name_start] == ' ')
      ++name_start;
    size_t paren = line.find('(', name_start);
    if (line.empty() || line.compare(name_start, 3, "+++") == 0 ||
        line.compare(name_start, 3, "---") == 0)
      continue;
    if (paren == std::string_view::npos) {
      ++trace.unparsed;
      continue;
    }
    std::string_view name = line.substr(name_start, paren - name_start);
    std::string_view ret = return_part(line);
    if (ret.empty() || ret[0] == '-' || ret[0] == '?') {
      if (ret.empty() && line.find("unfinished") == std::string_view::npos)
        ++trace.unparsed;
      continue; // failed: ENOENT probes and the like are not accesses
    }
    if (trace.opens.size() >= k_trace_max_events || trace.execs.size() >= k_trace_max_events) {
      trace.truncated = true;
      return;
    }
    if (name == "execve" || name == "execveat") {
      size_t first = line.find('"', paren);
      size_t after = first == std::string_view::npos ? first : skip_string(line, first);
      size_t bracket = after == std::string_view::npos ? after : line.find('[', after);
      if (bracket == std::string_view::npos) {
        ++trace.unparsed;
        continue;
      }
      auto argv = string_array(line, bracket);
      if (argv.empty())
        argv.push_back(strace_unescape(line.substr(first + 1, after - first - 2)));
      trace.execs.push_back(std::move(argv));
      continue;
    }
    if (name != "open" && name != "openat" && name != "openat2" && name != "creat")
      continue;
    std::string path;
    if (!annotated_path(ret, path)) {
      ++trace.unparsed;
      continue;
    }
    std::string_view args = line.substr(paren, line.size() - paren - ret.size());
    if (args.find("O_DIRECTORY") != std::string_view::npos)
      continue;
    bool write = name == "creat" || args.find("O_WRONLY") != std::string_view::npos ||
                 args.find("O_RDWR") != std::string_view::npos ||
                 args.find("O_CREAT") != std::string_view::npos;
    if (trace.seen.insert((write ? "w:" : "r:") + path).second)
      trace.opens.push_back({std::move(path), write});
  }
}

} // namespace lg::analyze
