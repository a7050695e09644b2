// access.filter-tampering (OWASP API1:2023, CWE-639): every list and search operation is called
// by each account with the filters it could tamper with — org, tenant and owner parameters (those
// the description declares, and the org/owner members the victim's own objects carry, such as
// ?org_id=) set to another org's values, declared filters emptied or removed, and search
// parameters given broad terms ("%", "*", "a") and words of the victim's own data. A violation is
// a success answer carrying an object of the other org (analyze/objects.hpp).

#include "analyze/objects.hpp"
#include "checks/access/common.hpp"
#include "checks/registry.hpp"
#include "util/text.hpp"
#include "util/url.hpp"

#include <fmt/format.h>
#include <set>

namespace lg::checks {
namespace {

struct Tamper {
  std::string param;
  std::string value;
  std::string how; ///< "another org's org_id", "broad search", "filter removed"
};

/// Words of the victim's own data worth searching for: the first word of 4+ letters of a few
/// of its values that the attacker's org never saw.
std::vector<std::string> victim_words(const engine::Harvest& harvest, const Account& victim,
                                      const Account& attacker) {
  std::vector<std::string> words;
  for (const auto& object : harvest.ownership().objects_of(victim.org)) {
    for (const auto& [key, value] : object.fields) {
      if (key == object.id_key || harvest.ownership().seen_by(attacker.org, value))
        continue;
      size_t start = 0;
      while (start < value.size()) {
        size_t end = start;
        while (end < value.size() && std::isalpha(static_cast<unsigned char>(value[end])))
          ++end;
        if (end - start >= 4) {
          std::string word = value.substr(start, end - start);
          if (std::find(words.begin(), words.end(), word) == words.end())
            words.push_back(word);
          break;
        }
        start = end + 1;
      }
      if (words.size() >= 2)
        return words;
    }
  }
  return words;
}

std::vector<Tamper> tampers(const engine::Harvest& harvest, const analyze::Operation& op,
                            const Account& attacker, const Account& victim) {
  std::vector<Tamper> out;
  std::set<std::string> names;
  // Filters the victim's objects themselves carry (org_id, owner ...), and declared ones.
  for (const auto& object : harvest.ownership().objects_of(victim.org))
    for (const auto& [key, value] : object.fields)
      if (analyze::is_scope_field(key))
        names.insert(key);
  for (const auto& p : op.params)
    if (p.in == "query" && (analyze::is_scope_field(p.name) || p.object_ref))
      names.insert(p.name);
  for (const auto& name : names) {
    auto values = harvest.ownership().values_of(victim.org, name);
    auto mine = harvest.ownership().values_of(attacker.org, name);
    size_t taken = 0;
    for (const auto& value : values) {
      if (taken == 2 || std::find(mine.begin(), mine.end(), value) != mine.end())
        continue;
      out.push_back({name, value, fmt::format("{} set to {}'s value", name, victim.org)});
      ++taken;
    }
  }
  for (const auto& p : op.params) {
    if (p.in != "query")
      continue;
    if (analyze::is_search_param(p.name) || p.name == "name") {
      for (const char* broad : {"%", "*", "a", "e"})
        out.push_back({p.name, broad, "a broad search"});
      for (const auto& word : victim_words(harvest, victim, attacker))
        out.push_back({p.name, word, fmt::format("a search for a word of {}'s data", victim.org)});
    } else if (analyze::is_scope_field(p.name) && !p.required) {
      out.push_back({p.name, "", fmt::format("{} emptied", p.name)});
    }
  }
  return out;
}

} // namespace

CheckResult run_access_filter_tampering(engine::Context& context, const CheckMeta& meta) {
  if (auto stop = access::preconditions(context, meta, 2))
    return *stop;
  const auto& harvest = context.harvest();
  const auto& ops = **context.operations();
  const auto& accounts = context.config().accounts;

  std::map<std::string, size_t> finding_of;
  std::vector<Finding> findings;
  int sent = 0;
  int lists = 0;
  access::Probing probing;
  for (const auto& op : ops) {
    // Lists and searches only: an operation whose path ends in a parameter reads one item.
    if (op.method != "GET" || op.path.ends_with('}') || harvest.shared(op) || harvest.public_op(op))
      continue;
    bool counted = false;
    for (const auto& attacker : accounts) {
      if (harvest.admin_only(op) && !engine::is_admin(attacker))
        continue;
      // The attacker's own concrete paths for this list (its own parent ids), or the template
      // itself when the list has no path parameters.
      std::vector<std::string> bases;
      if (op.path_params.empty())
        bases.push_back(op.path);
      else
        for (const auto* own : harvest.of(attacker.name, &op))
          if (own->ok() && bases.empty())
            bases.push_back(own->path.substr(0, own->path.find('?')));
      for (const auto& base : bases) {
        for (const auto& victim : accounts) {
          if (victim.org == attacker.org || probing.stop())
            continue;
          // First the list as it is: a leak without any tampering is one finding, not one per
          // parameter.
          auto all = tampers(harvest, op, attacker, victim);
          all.insert(all.begin(), Tamper{"", "", "no filter changed"});
          std::string plain =
              fmt::format("{} {}  {}>{}", op.method, op.path, attacker.org, victim.org);
          for (const auto& t : all) {
            std::string group = fmt::format("{} {} {} {}>{}", op.method, op.path, t.param,
                                            attacker.org, victim.org);
            if (finding_of.contains(group) || finding_of.contains(plain))
              continue;
            if (!counted) {
              ++lists;
              counted = true;
            }
            net::HttpRequest request;
            // Required parameters keep their recorded values; the tampered one is added.
            std::string query;
            for (const auto& p : op.params)
              if (p.in == "query" && p.required && p.name != t.param && !p.example.empty())
                query += fmt::format("{}{}={}", query.empty() ? "?" : "&", url_encode(p.name),
                                     url_encode(p.example));
            if (!t.param.empty())
              query += fmt::format("{}{}={}", query.empty() ? "?" : "&", url_encode(t.param),
                                   url_encode(t.value));
            request.url = base + query;
            request.headers.push_back({"Accept", "application/json"});
            auto response = access::probe_as(context, attacker.name, request, probing);
            if (!response) {
              if (probing.stop())
                break;
              continue;
            }
            ++sent;
            auto body = engine::parse_body(*response);
            if (response->status < 200 || response->status >= 300 || body.is_discarded())
              continue;
            auto leaks = harvest.ownership().find_leaks(body, victim.org, attacker.org);
            if (leaks.empty())
              continue;
            auto f = access::access_finding(
                context,
                fmt::format("{} {} as {} ({}) with {} returned {} object(s) of {} (matched {})",
                            op.method, op.path, attacker.name, attacker.org, t.how, leaks.size(),
                            victim.org, fmt::join(leaks.front().fields, ", ")),
                op, attacker.name, victim.name, request, *response);
            if (!t.param.empty())
              f.evidence["parameter"] = t.param;
            f.evidence["victim_org"] = victim.org;
            f.evidence["objects"] = leaks.size();
            f.fingerprint =
                make_fingerprint(meta.id, {op.method, op.path, t.param, attacker.org, victim.org});
            finding_of.emplace(group, findings.size());
            findings.push_back(std::move(f));
          }
        }
      }
    }
  }
  std::string summary =
      fmt::format("{} tampered list or search request(s) on {} operation(s)", sent, lists);
  if (!findings.empty())
    return engine::failed(meta, std::move(findings), true, summary);
  if (auto why = probing.incomplete(); !why.empty()) // no pass for what got no answer
    return engine::errored(meta, fmt::format("{}; {}", why, summary));
  if (sent == 0)
    return engine::skipped(meta, SkipKind::not_applicable,
                           "no list or search operation an account could call (a GET whose "
                           "path does not end in a parameter, with its parents readable)");
  return engine::passed(meta, summary);
}

} // namespace lg::checks
