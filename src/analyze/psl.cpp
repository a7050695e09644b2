// Organizational domains through libpsl.

#include "analyze/psl.hpp"

#include <libpsl.h>

namespace lg::analyze {

namespace {

const psl_ctx_t* context() {
  // The system's list (kept current by the publicsuffix package), else the built-in copy.
  static const psl_ctx_t* k_psl = [] {
    const psl_ctx_t* latest = psl_latest(nullptr);
    return latest != nullptr ? latest : psl_builtin();
  }();
  return k_psl;
}

} // namespace

std::string organizational_domain(std::string_view name) {
  std::string input(name);
  if (!input.empty() && input.back() == '.')
    input.pop_back();
  if (input.empty() || input.front() == '.' || context() == nullptr)
    return {};
  char* lower = nullptr;
  if (psl_str_to_utf8lower(input.c_str(), "utf-8", nullptr, &lower) != PSL_SUCCESS ||
      lower == nullptr)
    return {};
  std::string out;
  if (const char* registrable = psl_registrable_domain(context(), lower))
    out = registrable;
  psl_free_string(lower);
  return out;
}

} // namespace lg::analyze
