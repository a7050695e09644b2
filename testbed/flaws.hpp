#pragma once
// The planted failures (`--flaw NAME`) the portal can be started with.

#include <bitset>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace portal {

// One known failure each. To add a flaw: append a value before `count_`, add its row to the
// table in flaws.cpp (name and one-line effect), then test `FlawSet::has` where it applies.
enum class Flaw {
  insecure_cookie,
  no_security_headers,
  open_endpoint,
  idor,
  staff_can_admin,
  stale_logout,
  idor_write,
  filter_tampering,
  mass_assignment,
  search_leak,
  no_validation,
  sql_injection,
  reset_reusable,
  reset_never_expires,
  reset_enumeration,
  no_rate_limit,
  session_forever,
  fixation,
  cors_reflect,
  no_csrf,
  jwt_none,
  jwt_weak_secret,
  invite_never_expires,
  no_https_redirect,
  weak_hsts,
  mixed_content,
  slow_search,
  slow_page,
  logs_bodies,
  no_request_id,
  no_health,
  silent_errors,
  count_,
};

struct FlawInfo {
  Flaw flaw;
  std::string_view name;   // the command-line spelling, e.g. "insecure-cookie"
  std::string_view effect; // what changes when it is on
};

// Every flaw, in enum order.
std::span<const FlawInfo> flaw_table();

// The flaw spelled `name` on the command line, or nullopt for an unknown name.
std::optional<Flaw> parse_flaw(std::string_view name);

// The command-line spelling of `flaw`.
std::string_view flaw_name(Flaw flaw);

// The set of flaws switched on; empty means the portal is secure by default.
class FlawSet {
public:
  void add(Flaw flaw) { m_bits.set(index(flaw)); }
  [[nodiscard]] bool has(Flaw flaw) const { return m_bits.test(index(flaw)); }
  [[nodiscard]] bool empty() const { return m_bits.none(); }
  // The names of the flaws switched on, in enum order.
  [[nodiscard]] std::vector<std::string_view> names() const;

private:
  static constexpr std::size_t index(Flaw flaw) { return static_cast<std::size_t>(flaw); }
  std::bitset<static_cast<std::size_t>(Flaw::count_)> m_bits;
};

} // namespace portal
