// Deterministic seed content for the sample portal: the four demo users and, per org, records
// that read like an operations team's work (invoices, shipments, tickets, renewals, notes) built
// from fixed word lists with a small linear congruential generator, so every run of the same
// `--seed-records N` produces byte-identical data and timestamps. Each org has its own customers
// and cities, so every record's title tells which org it belongs to.

#include "seed.hpp"

#include <array>
#include <cstdint>
#include <fmt/format.h>

namespace portal {

namespace {

using Words = std::array<const char*, 9>;
using Places = std::array<const char*, 5>;

constexpr Words k_acme_customers{
    "Northwind Traders", "Contoso Ltd",          "Fabrikam Inc.",
    "Tailspin Toys",     "Pizzazz Catering",     "Litware Systems",
    "Adventure Works",   "Blue Yonder Airlines", "Wide World Importers",
};

constexpr Words k_globex_customers{
    "Coho Winery",        "Proseware Analytics", "Woodgrove Bank",
    "Lucerne Publishing", "Fizzwick Foods",      "Alpine Ski House",
    "Trey Research",      "Fourth Coffee",       "Margie's Travel",
};

constexpr Places k_acme_cities{"Rotterdam", "Lyon", "Denver", "Osaka", "Brisbane"};
constexpr Places k_globex_cities{"Gdansk", "Seville", "Leeds", "Porto", "Arezzo"};

struct OrgWords {
  std::string_view org;
  const Words& customers;
  const Places& cities;
};

constexpr std::array k_products{"pallet racking",     "label printers",   "cold-chain sensors",
                                "forklift batteries", "barcode scanners", "shrink wrap",
                                "safety gloves",      "conveyor belts"};

// A tiny LCG (Numerical Recipes constants): deterministic and good enough for picking words.
class Picker {
public:
  explicit Picker(std::uint32_t seed) : m_state(seed) {}
  std::size_t next(std::size_t bound) {
    m_state = m_state * 1664525u + 1013904223u;
    return static_cast<std::size_t>(m_state >> 8u) % bound;
  }
  template <typename Array> auto pick(const Array& items) { return items[next(items.size())]; }

private:
  std::uint32_t m_state;
};

SeedRecord make_record(Picker& rng, const OrgWords& words, int index) {
  const auto customer = rng.pick(words.customers);
  const auto city = rng.pick(words.cities);
  const auto product = rng.pick(k_products);
  const auto amount = 400 + rng.next(19600);
  const auto quantity = 2 + rng.next(60);
  const auto kind = rng.next(6);
  const auto ref = 1000 + index * 7 + static_cast<int>(rng.next(7));
  SeedRecord record;
  record.org = std::string(words.org);
  record.owner_index = rng.next(2);
  // One record every 9 hours from 2024-01-08T09:00:00Z.
  record.created_at = 1704704400 + static_cast<std::int64_t>(index) * 9 * 3600;
  switch (kind) {
  case 0:
    record.title = fmt::format("Invoice INV-2024-{:04} for {}", ref, customer);
    record.body = fmt::format(
        "Invoice for {} units of {} delivered to {} in {}. Amount due: EUR {}.00, payment terms "
        "net 30. Send a reminder if unpaid after the due date.",
        quantity, product, customer, city, amount);
    break;
  case 1:
    record.title = fmt::format("Shipment SHP-{:05} to {} delayed", ref * 3, city);
    record.body = fmt::format(
        "The shipment of {} for {} is held at the {} depot. Carrier expects a two-day delay; "
        "customer informed by phone. Re-check tracking tomorrow morning.",
        product, customer, city);
    break;
  case 2:
    record.title = fmt::format("Support ticket: {} reports damaged {}", customer, product);
    record.body = fmt::format(
        "{} of {} arrived damaged in {}. Photos received. Replacement approved; return label "
        "sent. Root cause: packaging on the {} line.",
        quantity, product, city, product);
    break;
  case 3:
    record.title = fmt::format("Contract renewal with {}", customer);
    record.body = fmt::format(
        "Annual supply contract with {} for {} expires next quarter. Proposed volume {} units "
        "per month at EUR {} per unit. Legal review pending; sales lead to confirm pricing.",
        customer, product, quantity * 10, amount / 100 + 3);
    break;
  case 4:
    record.title = fmt::format("Meeting notes: {} quarterly review", customer);
    record.body = fmt::format(
        "Reviewed on-time delivery ({}%), open invoices and the {} rollout in {}. Action items: "
        "send updated forecast, schedule site visit.",
        80 + rng.next(20), product, city);
    break;
  default:
    record.title = fmt::format("Purchase order PO-{:05} from {}", ref * 5, customer);
    record.body = fmt::format(
        "PO for {} x {} received, ship to {} warehouse. Requested delivery within {} days. "
        "Credit check passed.",
        quantity, product, city, 5 + rng.next(25));
    break;
  }
  return record;
}

} // namespace

std::vector<SeedUser> seed_users() {
  return {
      {"alice@acme.test", "acme", "admin", {}, "Alice Anders"},
      {"bob@acme.test", "acme", "staff", {}, "Bob Brennan"},
      {"carol@globex.test", "globex", "staff", {}, "Carol Castillo"},
      {"dave@globex.test", "globex", "admin", {}, "Dave Dimitrov"},
  };
}

std::vector<SeedRecord> seed_records(int per_org) {
  std::vector<SeedRecord> out;
  std::uint32_t org_seed = 20240108u;
  for (const auto& words : {OrgWords{"acme", k_acme_customers, k_acme_cities},
                            OrgWords{"globex", k_globex_customers, k_globex_cities}}) {
    Picker rng(org_seed++);
    for (int i = 0; i < per_org; ++i) {
      out.push_back(make_record(rng, words, i));
    }
  }
  return out;
}

} // namespace portal
