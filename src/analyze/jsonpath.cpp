// Evaluates the JSON path subset used by login.token and monitor conditions: `$.a.b`,
// `$.items[0].id`, `$['x-y']`.

#include "analyze/jsonpath.hpp"

#include <charconv>

namespace lg::analyze {

namespace {

/// One step of a path: an object key or an array index.
struct Step {
  enum class Kind { key, index, bad } kind = Kind::bad;
  std::string_view key;
  size_t index = 0;
};

/// The step at `path[i]` (a `.` or `[`), moving `i` past it.
Step next_step(std::string_view path, size_t& i) {
  Step step;
  if (path[i] == '.') {
    size_t start = ++i;
    while (i < path.size() && path[i] != '.' && path[i] != '[')
      ++i;
    step.key = path.substr(start, i - start);
    step.kind = step.key.empty() ? Step::Kind::bad : Step::Kind::key;
    return step;
  }
  if (path[i] != '[')
    return step;
  size_t end = path.find(']', i);
  if (end == std::string_view::npos)
    return step;
  auto inner = path.substr(i + 1, end - i - 1);
  i = end + 1;
  if (inner.size() >= 2 && (inner.front() == '\'' || inner.front() == '"') &&
      inner.back() == inner.front()) {
    step.key = inner.substr(1, inner.size() - 2);
    step.kind = Step::Kind::key;
    return step;
  }
  auto [ptr, ec] = std::from_chars(inner.data(), inner.data() + inner.size(), step.index);
  if (!inner.empty() && ec == std::errc() && ptr == inner.data() + inner.size())
    step.kind = Step::Kind::index;
  return step;
}

} // namespace

bool is_json_path(std::string_view path) {
  if (path.empty() || path.front() != '$')
    return false;
  for (size_t i = 1; i < path.size();)
    if (next_step(path, i).kind == Step::Kind::bad)
      return false;
  return true;
}

const nlohmann::json* json_path_get(const nlohmann::json& doc, std::string_view path) {
  if (path.empty() || path.front() != '$')
    return nullptr;
  const nlohmann::json* cur = &doc;
  for (size_t i = 1; i < path.size();) {
    Step step = next_step(path, i);
    if (step.kind == Step::Kind::key) {
      if (!cur->is_object())
        return nullptr;
      auto it = cur->find(step.key);
      if (it == cur->end())
        return nullptr;
      cur = &*it;
    } else if (step.kind == Step::Kind::index) {
      if (!cur->is_array() || step.index >= cur->size())
        return nullptr;
      cur = &(*cur)[step.index];
    } else {
      return nullptr;
    }
  }
  return cur;
}

} // namespace lg::analyze
