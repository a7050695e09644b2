#pragma once
// Deterministic seed data: the four demo users and realistic records for both orgs.

#include "store.hpp"

#include <string_view>
#include <vector>

namespace portal {

// The demo users (alice, bob @acme.test; carol, dave @globex.test) with display names, without
// password hashes.
std::vector<SeedUser> seed_users();

// `per_org` records for each of acme and globex; the same input always yields the same records.
std::vector<SeedRecord> seed_records(int per_org);

} // namespace portal
