// The public RFC 7208 test suite (pyspf's rfc7208-tests.yml in ../shared/testdata/spf): each
// scenario's zonedata becomes an in-memory Resolver following the suite's driver conventions, and
// every case runs through check_host(). A case listing several results accepts any of them; a
// case with an explanation compares it exactly ("DEFAULT" is the driver's default explanation).

#include "analyze/spf.hpp"
#include "util/text.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

namespace lg::analyze {
namespace {

/// One scenario's zonedata answered like the suite's reference driver: names compare without case
/// or trailing dot; an SPF-type record counts as TXT only at names without any TXT entry; a TIMEOUT
/// entry makes a query time out unless a record of the asked type came before it; a value NONE is
/// no record; an absent name is NXDOMAIN, or a timeout when it starts with "error.".
class SuiteResolver final : public net::Resolver {
public:
  struct Entry {
    std::string type; ///< "A", "TXT", "SPF", "MX", "PTR", "CNAME", "AAAA" or "TIMEOUT"
    std::string data;
    std::vector<std::string> strings;
    bool none = false;
  };

  void add(const std::string& name, Entry entry) { m_zone[key(name)].push_back(std::move(entry)); }

  Expected<net::DnsAnswer> query(const std::string& name, net::RrType type) override {
    net::DnsAnswer answer;
    std::string current = key(name);
    for (int hop = 0; hop < 8; ++hop) {
      auto it = m_zone.find(current);
      if (it == m_zone.end()) {
        answer.status =
            current.rfind("error.", 0) == 0 ? net::DnsStatus::timeout : net::DnsStatus::nxdomain;
        return answer;
      }
      const auto& entries = it->second;
      bool has_txt = std::any_of(entries.begin(), entries.end(),
                                 [](const Entry& e) { return e.type == "TXT"; });
      std::string wanted = net::rr_type_name(type);
      bool matched = false;
      std::string cname;
      for (const auto& e : entries) {
        if (e.type == "TIMEOUT") {
          if (!matched) {
            answer.status = net::DnsStatus::timeout;
            answer.records.clear();
            return answer;
          }
          continue;
        }
        if (e.type == "CNAME" && type != net::RrType::cname) {
          cname = e.data;
          answer.records.push_back({current, net::RrType::cname, 0, e.data, {}});
          break;
        }
        bool counts = e.type == wanted || (type == net::RrType::txt && e.type == "SPF" && !has_txt);
        if (!counts || e.none)
          continue;
        matched = true;
        answer.records.push_back({current, type, 0, e.data, e.strings});
      }
      if (cname.empty())
        return answer;
      current = key(cname);
    }
    answer.status = net::DnsStatus::servfail; // a CNAME chain too long or a loop
    return answer;
  }

private:
  static std::string key(const std::string& name) {
    std::string n = to_lower(name);
    if (!n.empty() && n.back() == '.')
      n.pop_back();
    return n;
  }
  std::map<std::string, std::vector<Entry>> m_zone;
};

std::string scalar_text(const YAML::Node& node) {
  return node.IsScalar() ? node.as<std::string>() : std::string();
}

SuiteResolver::Entry entry_of(const std::string& type, const YAML::Node& value) {
  SuiteResolver::Entry e;
  e.type = type;
  if (type == "MX" && value.IsSequence() && value.size() == 2) {
    std::string host = scalar_text(value[1]);
    if (!host.empty() && host.back() == '.')
      host.pop_back();
    e.data = scalar_text(value[0]) + " " + (host.empty() ? "." : host);
  } else if (value.IsSequence()) {
    for (const auto& part : value) {
      e.strings.push_back(scalar_text(part));
      e.data += e.strings.back();
    }
  } else {
    e.data = scalar_text(value);
    if (e.data == "NONE")
      e.none = true;
    e.strings = {e.data};
    if ((type == "PTR" || type == "CNAME") && !e.data.empty() && e.data.back() == '.')
      e.data.pop_back();
  }
  return e;
}

SuiteResolver resolver_of(const YAML::Node& zonedata) {
  SuiteResolver dns;
  for (const auto& name : zonedata) {
    std::string owner = name.first.as<std::string>();
    for (const auto& item : name.second) {
      if (item.IsScalar()) { // TIMEOUT
        dns.add(owner, {item.as<std::string>(), "", {}, false});
        continue;
      }
      for (const auto& typed : item)
        dns.add(owner, entry_of(typed.first.as<std::string>(), typed.second));
    }
  }
  return dns;
}

TEST(SpfSuite, EveryCaseOfTheRfc7208TestSuitePasses) {
  const std::string path = LG_SHARED_DIR "/testdata/spf/rfc7208-tests.yml";
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAllFromFile(path);
  } catch (const YAML::Exception& e) {
    FAIL() << path << ": " << e.what();
  }
  ASSERT_EQ(documents.size(), 16u);
  int run = 0;
  int passed = 0;
  auto started = std::chrono::steady_clock::now();
  for (const auto& doc : documents) {
    const std::string scenario = doc["description"].as<std::string>();
    SuiteResolver dns = resolver_of(doc["zonedata"]);
    for (const auto& test : doc["tests"]) {
      const std::string name = test.first.as<std::string>();
      const YAML::Node& t = test.second;
      SpfQuery q;
      q.ip = t["host"].as<std::string>();
      q.sender = t["mailfrom"].as<std::string>();
      q.helo = t["helo"].as<std::string>();
      if (t["receiver"])
        q.receiver = t["receiver"].as<std::string>();
      q.now = 1700000000;
      q.default_explanation = "DEFAULT";
      std::vector<std::string> expected;
      if (t["result"].IsSequence())
        for (const auto& r : t["result"])
          expected.push_back(r.as<std::string>());
      else
        expected.push_back(t["result"].as<std::string>());

      auto outcome = check_host(dns, q);
      ++run;
      std::string got(spf_result_name(outcome.result));
      bool ok = std::find(expected.begin(), expected.end(), got) != expected.end();
      EXPECT_TRUE(ok) << scenario << " / " << name << ": got " << got << " (" << outcome.problem
                      << "), want " << join(expected, " or ") << "; record: " << outcome.record;
      if (t["explanation"]) {
        std::string want = t["explanation"].as<std::string>();
        EXPECT_EQ(outcome.explanation, want) << scenario << " / " << name;
        ok = ok && outcome.explanation == want;
      }
      passed += ok ? 1 : 0;
    }
  }
  auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  std::printf("[ suite    ] %d of %d RFC 7208 cases pass in %.1f ms\n", passed, run,
              static_cast<double>(elapsed.count()) / 1000.0);
  ASSERT_EQ(run, 203);
  EXPECT_EQ(passed, 203);
}

} // namespace
} // namespace lg::analyze
