// Evaluates the JSON path subset used by login.token: `$.a.b`, `$.items[0].id`, `$['x-y']`.

#include "analyze/jsonpath.hpp"

#include <charconv>

namespace lg::analyze {

const nlohmann::json* json_path_get(const nlohmann::json& doc, std::string_view path) {
  if (path.empty() || path.front() != '$')
    return nullptr;
  const nlohmann::json* cur = &doc;
  size_t i = 1;
  while (i < path.size()) {
    if (path[i] == '.') {
      size_t start = ++i;
      while (i < path.size() && path[i] != '.' && path[i] != '[')
        ++i;
      auto key = path.substr(start, i - start);
      if (key.empty() || !cur->is_object())
        return nullptr;
      auto it = cur->find(key);
      if (it == cur->end())
        return nullptr;
      cur = &*it;
    } else if (path[i] == '[') {
      size_t end = path.find(']', i);
      if (end == std::string_view::npos)
        return nullptr;
      auto inner = path.substr(i + 1, end - i - 1);
      i = end + 1;
      if (inner.size() >= 2 && (inner.front() == '\'' || inner.front() == '"') &&
          inner.back() == inner.front()) {
        auto key = inner.substr(1, inner.size() - 2);
        if (!cur->is_object())
          return nullptr;
        auto it = cur->find(key);
        if (it == cur->end())
          return nullptr;
        cur = &*it;
      } else {
        size_t index = 0;
        auto [ptr, ec] = std::from_chars(inner.data(), inner.data() + inner.size(), index);
        if (ec != std::errc() || ptr != inner.data() + inner.size() || !cur->is_array() ||
            index >= cur->size())
          return nullptr;
        cur = &(*cur)[index];
      }
    } else {
      return nullptr;
    }
  }
  return cur;
}

} // namespace lg::analyze
