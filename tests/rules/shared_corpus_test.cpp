// The shipped secret rules against the shared sample corpora in ../shared/testdata/secrets:
// gitleaks' rule cases and Nosey Parker's rule examples. Samples and rules are grouped by provider.
// For every provider that a shipped rule covers, each positive sample must be found by a rule of
// that provider, and no negative sample may give a finding at all, whatever rule reports it (the
// strict reading); k_exceptions lists the samples that may break this, each with its reason.
// Samples of providers no rule covers are only counted. The rules come from the source tree, not
// the embedded copy, so a rule edit needs no rebuild. A coverage summary goes to stdout;
// LG_CORPUS_VERBOSE=1 lists every sample outside the contract.

#include "secrets/matcher.hpp"
#include "secrets/rules.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace lg::secrets {
namespace {

const std::string k_rules_file = std::string(LG_SOURCE_DIR) + "/rules/secrets/launchgate.toml";
const std::string k_corpus_dir = std::string(LG_SHARED_DIR) + "/testdata/secrets/";

// Every sample is scanned as one file at this path. No shipped rule has a `path`, and `.env` is
// where most leaked secrets sit.
constexpr std::string_view k_scan_path = "example.env";

// A provider's name is the first dash-separated token of a rule id (ours and gitleaks':
// "github-pat" -> github) or the second dotted one of a Nosey Parker id ("np.github.3" -> github),
// then looked up here where one provider goes by several names. The generic family (assignments,
// credentials in URLs, connection strings and HTTP headers) is one provider.
const std::map<std::string, std::string, std::less<>> k_aliases = {
    {"gcp", "google"},          // our gcp-api-key, gcp-service-account-private-key
    {"firebase", "google"},     // our firebase-cloud-messaging-server-key
    {"mandrill", "mailchimp"},  // Mailchimp Transactional
    {"sendinblue", "brevo"},    // gitleaks' sendinblue-api-token: Brevo's former name
    {"jfrog", "artifactory"},   // gitleaks' jfrog-* rules
    {"vault", "hashicorp"},     // gitleaks' vault-*-token
    {"terraform", "hashicorp"}, // our terraform-cloud-token
    {"sonar", "sonarqube"},     // gitleaks' sonar-api-token
    {"new", "newrelic"},        // gitleaks' new-relic-* rules
    {"msteams", "microsoft"},   // Nosey Parker's Teams webhook
    {"pem", "private"},         // Nosey Parker's PEM private keys; our private-key*
    {"putty", "private"},       // our putty-private-key
    {"curl", "generic"},        // curl-auth-header / curl-auth-user (gitleaks' and ours)
    {"http", "generic"},        // our http-*-auth-header; Nosey Parker's np.http.*
    {"url", "generic"},         // our url-with-credentials
    {"odbc", "generic"},        // our odbc-connection-string-password; np.odbc.1
};

std::string canonical(std::string_view token) {
  auto it = k_aliases.find(token);
  return it != k_aliases.end() ? it->second : std::string(token);
}

std::string provider_of_rule_id(std::string_view id) {
  if (id.starts_with("np.")) {
    auto rest = id.substr(3);
    return canonical(rest.substr(0, rest.find('.')));
  }
  return canonical(id.substr(0, id.find('-')));
}

struct Sample {
  std::string corpus; ///< "gitleaks" or "noseyparker"
  std::string rule_id;
  std::string provider;
  bool positive = false;
  std::string text;
};

// Samples that may break the contract, each with the reason: a positive we do not find, or a
// negative we report. `part` is a piece of the sample's text that tells it apart from the other
// samples of its rule and kind; an empty `part` names all of them. A listed sample that keeps the
// contract after all fails the test, so the list cannot go stale.
struct Exception {
  std::string_view corpus;
  std::string_view rule_id;
  bool positive;
  std::string_view part;
  std::string_view reason;
};

const std::vector<Exception> k_exceptions = {
    // Positives we do not find: placeholders, non-secrets, prose, and tokens in no real format.
    {"gitleaks", "age-secret-key", true, "QQQQQQQQQQ",
     "the key is 58 x \"Q\": no entropy, a placeholder"},
    {"gitleaks", "jwt", true, "eyBICM",
     "not a JWT: a header that starts \"eyB\" decodes to no JSON object"},
    {"gitleaks", "aws-amazon-bedrock-api-key-long-lived", true, "EXAMPLEEXAMPLE",
     "AWS documentation placeholder"},
    {"gitleaks", "hashicorp-tf-password", true, "",
     "a plain password that gitleaks checks in .tf files only: no HashiCorp credential"},
    {"gitleaks", "vault-service-token", true, "token: s.",
     "a pre-1.10 Vault token with no Vault-named key: too generic to match"},
    {"gitleaks", "generic-api-key", true, "todo_secret_do_not_commit",
     "free text after \"secret\" in the key name"},
    {"noseyparker", "np.age.1", true, "", "an age recipient is a public key"},
    {"noseyparker", "np.aws.1", true, "DEADBEEF", "placeholder"},
    {"noseyparker", "np.aws.2", true, "aaaaaaaaaa", "placeholder"},
    {"noseyparker", "np.aws.3", true, "", "an AWS account ID is not a secret"},
    {"noseyparker", "np.azure.1", true, "sfsdfsdsgf",
     "keyboard mash of 75 characters: a storage key has 88"},
    {"noseyparker", "np.azure.3", true,
     "$token = ", "52 base32 characters with no Azure DevOps context"},
    {"noseyparker", "np.google.3", true, "aaaaaaaaaa", "placeholder"},
    {"noseyparker", "np.google.3", true,
     "'clientSecret' :", "no Google context: found by the generic rule only"},
    {"noseyparker", "np.http.2", true, "", "RFC 6750's 14-character example token"},
    {"noseyparker", "np.linkedin.1", true, "Last 5 Digits", "prose with no credential in it"},
    {"noseyparker", "np.newrelic.1", true, "aaaaaaaaaa", "placeholder"},
    {"noseyparker", "np.odbc.1", true, "goodspec",
     "dictionary word in PHP inside an escaped string"},
    {"noseyparker", "np.odbc.1", true, "Password=secret", "placeholder password"},
    {"noseyparker", "np.odbc.1", true, "adoConn.Open",
     "connection string split by VB string concatenation"},
    {"noseyparker", "np.odbc.1", true, "#{datastore", "Ruby interpolation, not a literal"},
    {"noseyparker", "np.okta.1", true, "aaaaaaaaaa", "placeholder"},
    {"noseyparker", "np.openai.1", true, "",
     "mangled key: T4BlbkFJ where OpenAI keys have T3BlbkFJ"},
    {"noseyparker", "np.postgres.1", true, "user:secret@",
     "the password is the placeholder \"secret\""},
    {"noseyparker", "np.shopify.1", true, "", "a shop domain is not a secret"},
    {"noseyparker", "np.slack.2", true, "xoxb-0000000000", "placeholder"},
    {"noseyparker", "np.slack.5", true, "",
     "not Slack's app-token format (xapp-<n>-<id>-<ts>-<64>)"},
    {"noseyparker", "np.tavily.1", true, "tvly-xxxx", "placeholder"},
    {"noseyparker", "np.generic.3", true, "open sesame", "dictionary words with a space"},
    {"noseyparker", "np.generic.4", true, "", "unquoted dictionary word or ######"},
    {"noseyparker", "np.generic.5", true, "thisismypassword", "dictionary words"},
    {"noseyparker", "np.generic.5", true, "YOURPASSWROD", "placeholder"},
    {"noseyparker", "np.generic.5", true, "appKey", "string concatenation, no literal password"},
    {"noseyparker", "np.generic.6", true, "thisismypassword", "dictionary words"},
    {"noseyparker", "np.generic.11", true, "", "prose (\"the password is ...\")"},
    {"noseyparker", "np.generic.12", true, "", "prose (\"the password is ...\")"},
    {"noseyparker", "np.generic.13", true, "", "prose (\"the password ... is ...\")"},
    {"noseyparker", "np.generic.14", true, "", "prose (\"the password ... is ...\")"},
    {"noseyparker", "np.generic.15", true, "open-sesame", "comparison with dictionary words"},
    {"noseyparker", "np.generic.16", true, "", "comparison with dictionary words"},
    // Negatives we report: well-formed credentials that the other project lists as negatives of
    // one rule because its rule for another kind of the provider's keys must not match them.
    {"gitleaks", "cloudflare-api-key", false, "",
     "a well-formed Cloudflare global or Origin CA key"},
    {"gitleaks", "cloudflare-global-api-key", false, "",
     "a well-formed Cloudflare API token or Origin CA key"},
    {"gitleaks", "cloudflare-origin-ca-key", false, "",
     "a well-formed Cloudflare API token or global key"},
    {"gitleaks", "anthropic-api-key", false, "sk-ant-admin01-abc123xyz",
     "a well-formed Anthropic admin key"},
    {"gitleaks", "anthropic-admin-api-key", false, "sk-ant-api03-abc123xyz",
     "a well-formed Anthropic API key"},
    {"gitleaks", "curl-auth-header", false, "Basic eyJ",
     "a real JWT (after \"Basic\"); the jwt rule reports it"},
    {"gitleaks", "mailchimp-api-key", false, "", "a well-formed Mailchimp key"},
    {"noseyparker", "np.auth0.1", false, "", "a well-formed Auth0 client secret"},
    {"noseyparker", "np.generic.1", false, "client_credential",
     "a well-formed Microsoft Entra client secret"},
    {"noseyparker", "np.generic.9", false, "", "a connection-string password / a TeamCity token"},
    {"noseyparker", "np.generic.10", false, "", "np.generic.9's positive: a literal password"},
    {"noseyparker", "np.hashicorp.1", false, "hvs.",
     "a Vault 1.10 token: np.hashicorp.4's positive"},
    {"noseyparker", "np.hashicorp.2", false, "hvb.",
     "a Vault 1.10 token: np.hashicorp.5's positive"},
    {"noseyparker", "np.hashicorp.3", false, "hvr.",
     "a Vault 1.10 token: np.hashicorp.6's positive"},
    {"noseyparker", "np.hashicorp.4", false, "",
     "a pre-1.10 Vault token: np.hashicorp.1's positive"},
    {"noseyparker", "np.hashicorp.5", false, "",
     "a pre-1.10 Vault token: np.hashicorp.2's positive"},
    {"noseyparker", "np.hashicorp.6", false, "",
     "a pre-1.10 Vault token: np.hashicorp.3's positive"},
    {"noseyparker", "np.jwt.1", false, "ClearTextPassword",
     "a TeamCity token (and a cleartext NuGet password)"},
    {"noseyparker", "np.newrelic.2", false, "New Relic account",
     "a well-formed New Relic license key (NRAL)"},
    {"noseyparker", "np.npm.1", false, "", "a legacy npm token (UUID)"},
    {"noseyparker", "np.slack.2", false, "", "a well-formed Slack token of another type"},
    {"noseyparker", "np.slack.4", false, "", "a well-formed Slack token of another type"},
    {"noseyparker", "np.slack.6", false, "", "a well-formed Slack token of another type"},
    // Negatives we report: Google's own public API keys, which gitleaks allow-lists by value.
    {"gitleaks", "gcp-api-key", false, "AIzaSyAnLA7N",
     "a public Google key that gitleaks allow-lists by value"},
    {"gitleaks", "gcp-api-key", false, "AIzaSyCkEhVj",
     "a public Google key that gitleaks allow-lists by value"},
    {"gitleaks", "gcp-api-key", false, "AIzaSyDMASc",
     "a public Google key that gitleaks allow-lists by value"},
    {"gitleaks", "gcp-api-key", false, "AIzaSyD3asb",
     "a public Google key that gitleaks allow-lists by value"},
    {"gitleaks", "gcp-api-key", false, "AIzayDNSXIb",
     "a public Google key that gitleaks allow-lists by value"},
    {"gitleaks", "gcp-api-key", false, "AIzaSyAdOS2",
     "a public Google key that gitleaks allow-lists by value"},
    {"gitleaks", "gcp-api-key", false, "AIzaSyASWm6",
     "a public Google key that gitleaks allow-lists by value"},
    {"gitleaks", "gcp-api-key", false, "AIzaSyANUvH",
     "a public Google key that gitleaks allow-lists by value"},
    {"gitleaks", "gcp-api-key", false, "AIzaSyA5_iV",
     "a public Google key that gitleaks allow-lists by value"},
    {"gitleaks", "gcp-api-key", false, "AIzaSyA4Urc",
     "a public Google key that gitleaks allow-lists by value"},
    {"gitleaks", "gcp-api-key", false, "AIzaSyDSb51",
     "a public Google key that gitleaks allow-lists by value"},
    {"gitleaks", "gcp-api-key", false, "AIzaSyBF2Rr",
     "a public Google key that gitleaks allow-lists by value"},
    {"gitleaks", "gcp-api-key", false, "AIzaSyBcE-O",
     "a public Google key that gitleaks allow-lists by value"},
    {"gitleaks", "gcp-api-key", false, "AIzaSyB8qGx",
     "a public Google key that gitleaks allow-lists by value"},
    {"gitleaks", "gcp-api-key", false, "AIzaSyA8vmA",
     "a public Google key that gitleaks allow-lists by value"},
    // Negatives we report: a random literal under a secret-named key, which the generic rules
    // report by design.
    {"gitleaks", "cisco-meraki-api-key", false,
     "meraki-api-key:", "random value under an api-key name (generic rule)"},
    {"gitleaks", "cisco-meraki-api-key", false, "meraki_token",
     "random value under a token name (generic rule)"},
    {"gitleaks", "settlemint-personal-access-token", false, "nonMatchingToken",
     "random value under a token name (generic rule)"},
    {"gitleaks", "settlemint-service-access-token", false, "sm_sat_",
     "random value under a token name (generic rule)"},
    {"gitleaks", "stripe-access-token", false, "nonMatchingToken",
     "random value under a token name (generic rule)"},
    {"gitleaks", "slack-user-token", false, "token3",
     "random value under a token name (generic rule)"},
    {"gitleaks", "generic-api-key", false,
     "apiKey:", "random value under an api-key name (generic rule)"},
    {"gitleaks", "generic-api-key", false, "publicToken",
     "a public token: the key name does not tell (generic rule)"},
    {"gitleaks", "generic-api-key", false, "csrf-token",
     "a CSRF token: the key name does not tell (generic rule)"},
    {"gitleaks", "nuget-config-password", false, "<add key=\"Password\"",
     "the same text is also one of its positives"},
    {"gitleaks", "nuget-config-password", false, "33f!!", "a cleartext password in nuget.config"},
    {"gitleaks", "nuget-config-password", false, "hal+9", "a cleartext password in nuget.config"},
    {"noseyparker", "np.aws.2", false, "AWS_SECRET_ACCESS_KEY=ded7",
     "random value under AWS_SECRET_ACCESS_KEY (generic rule)"},
    {"noseyparker", "np.generic.5", false, "password = 'super$ecret'",
     "the same password single-quoted"},
    {"noseyparker", "np.odbc.1", false, "busybox@", "a hard-coded default password (generic rule)"},
};

bool covers(const Exception& e, const Sample& s) {
  return e.corpus == s.corpus && e.rule_id == s.rule_id && e.positive == s.positive &&
         s.text.find(e.part) != std::string::npos;
}

bool is_excepted(const Sample& s) {
  return std::any_of(k_exceptions.begin(), k_exceptions.end(),
                     [&](const Exception& e) { return covers(e, s); });
}

std::vector<Sample> load_corpus(const std::string& corpus, const std::string& file) {
  std::vector<Sample> out;
  std::ifstream in(k_corpus_dir + file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty())
      continue;
    auto j = nlohmann::json::parse(line);
    Sample s;
    s.corpus = corpus;
    s.rule_id = j.at("rule_id").get<std::string>();
    s.provider = provider_of_rule_id(s.rule_id);
    s.positive = j.at("kind").get<std::string>() == "positive";
    s.text = j.at("text").get<std::string>();
    out.push_back(std::move(s));
  }
  return out;
}

std::string joined(const std::set<std::string>& ids) {
  std::string out;
  for (const auto& id : ids)
    out += (out.empty() ? "" : ", ") + id;
  return out;
}

std::string shorten(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 160))
    out += c == '\n' ? std::string("\\n") : std::string(1, c);
  return text.size() > 160 ? out + "..." : out;
}

struct Outcome {
  const Sample* sample = nullptr;
  std::set<std::string> providers; ///< providers of the rules that found something
  std::set<std::string> rules;     ///< ids of those rules
  bool excepted = false;
  /// Whether the sample keeps the contract: a positive is found by its provider, a negative gives
  /// no finding. The matcher drops a generic rule's match where a provider rule matches the same
  /// secret (one secret, one finding), so a generic positive may be found by any rule.
  bool kept() const {
    if (!sample->positive)
      return rules.empty();
    return providers.contains(sample->provider) ||
           (sample->provider == "generic" && !rules.empty());
  }
};

class SharedCorpus : public testing::Test {
protected:
  static void SetUpTestSuite() {
    auto rules = load_rules(k_rules_file);
    if (!rules) {
      s_error = rules.error().message;
      return;
    }
    for (const auto& r : rules->rules)
      s_covered.insert(provider_of_rule_id(r.id));
    auto matcher = Matcher::compile(*rules, Engine::hyperscan);
    if (!matcher) {
      s_error = matcher.error().message;
      return;
    }
    for (auto [corpus, file] : {std::pair{"gitleaks", "gitleaks-cases.jsonl"},
                                std::pair{"noseyparker", "noseyparker-examples.jsonl"}}) {
      auto samples = load_corpus(corpus, file);
      s_samples.insert(s_samples.end(), samples.begin(), samples.end());
    }
    for (const auto& s : s_samples) {
      Outcome o;
      o.sample = &s;
      o.excepted = is_excepted(s);
      for (const auto& m : matcher->scan(s.text, k_scan_path)) {
        o.rules.insert(rules->rules[m.rule].id);
        o.providers.insert(provider_of_rule_id(rules->rules[m.rule].id));
      }
      s_outcomes.push_back(std::move(o));
    }
    print_summary();
  }

  // Every test first checks that the rules loaded and compiled.
  void SetUp() override { ASSERT_TRUE(s_error.empty()) << s_error; }

  static bool covered(const Sample& s) { return s_covered.contains(s.provider); }

  static void print_summary() {
    bool verbose = std::getenv("LG_CORPUS_VERBOSE") != nullptr;
    for (std::string corpus : {"gitleaks", "noseyparker"}) {
      std::map<std::string, std::pair<int, int>> found_by_provider; // found, total positives
      std::set<std::string> uncovered;
      int pos = 0, pos_found = 0, neg = 0, neg_reported = 0, unc_pos = 0, unc_pos_found = 0,
          unc_neg = 0, unc_neg_reported = 0, excepted = 0;
      for (const auto& o : s_outcomes) {
        const Sample& s = *o.sample;
        if (s.corpus != corpus)
          continue;
        if (!covered(s)) {
          uncovered.insert(s.provider);
          (s.positive ? unc_pos : unc_neg)++;
          (s.positive ? unc_pos_found : unc_neg_reported) += o.rules.empty() ? 0 : 1;
          continue;
        }
        excepted += o.excepted ? 1 : 0;
        if (s.positive) {
          ++pos;
          pos_found += o.kept() ? 1 : 0;
          auto& [f, t] = found_by_provider[s.provider];
          f += o.kept() ? 1 : 0;
          ++t;
        } else {
          ++neg;
          neg_reported += o.kept() ? 0 : 1;
        }
        if (verbose && !o.kept())
          std::cout << "  " << (o.excepted ? "excepted " : "BROKEN ") << corpus << ' ' << s.rule_id
                    << (s.positive ? " positive" : " negative")
                    << (o.rules.empty() ? "" : " found by " + joined(o.rules)) << ": "
                    << shorten(s.text) << '\n';
      }
      std::cout << "[corpus " << corpus << "] covered providers: " << found_by_provider.size()
                << "; positives found by their provider: " << pos_found << " / " << pos
                << "; negatives reported: " << neg_reported << " / " << neg
                << "; excepted samples: " << excepted << '\n';
      std::cout << "[corpus " << corpus << "] uncovered providers: " << uncovered.size()
                << " (positives found by some rule anyway: " << unc_pos_found << " / " << unc_pos
                << "; negatives reported: " << unc_neg_reported << " / " << unc_neg << ")\n";
      std::cout << "[corpus " << corpus << "] covered:";
      for (const auto& [p, ft] : found_by_provider)
        std::cout << ' ' << p
                  << (ft.first == ft.second
                          ? ""
                          : "(" + std::to_string(ft.first) + "/" + std::to_string(ft.second) + ")");
      std::cout << "\n[corpus " << corpus << "] uncovered:";
      for (const auto& p : uncovered)
        std::cout << ' ' << p;
      std::cout << '\n';
      RecordProperty(corpus + "_covered_providers", static_cast<int>(found_by_provider.size()));
      RecordProperty(corpus + "_positives_found", pos_found);
      RecordProperty(corpus + "_positives", pos);
      RecordProperty(corpus + "_negatives_reported", neg_reported);
      RecordProperty(corpus + "_negatives", neg);
      RecordProperty(corpus + "_uncovered_providers", static_cast<int>(uncovered.size()));
    }
  }

  static std::vector<Sample> s_samples;
  static std::vector<Outcome> s_outcomes;
  static std::set<std::string> s_covered;
  static std::string s_error; ///< why the rules could not be loaded or compiled
};

std::vector<Sample> SharedCorpus::s_samples;
std::vector<Outcome> SharedCorpus::s_outcomes;
std::set<std::string> SharedCorpus::s_covered;
std::string SharedCorpus::s_error;

TEST_F(SharedCorpus, BothCorporaAreThere) {
  auto count = [](std::string_view corpus, bool positive) {
    return std::count_if(s_samples.begin(), s_samples.end(), [&](const Sample& s) {
      return s.corpus == corpus && s.positive == positive;
    });
  };
  EXPECT_EQ(count("gitleaks", true), 6396);
  EXPECT_EQ(count("gitleaks", false), 374);
  EXPECT_EQ(count("noseyparker", true), 430);
  EXPECT_EQ(count("noseyparker", false), 143);
}

TEST_F(SharedCorpus, PositivesOfCoveredProvidersAreFoundByTheirProvider) {
  for (const auto& o : s_outcomes)
    if (o.sample->positive && covered(*o.sample) && !o.excepted) {
      EXPECT_TRUE(o.kept()) << o.sample->corpus << ' ' << o.sample->rule_id << " ("
                            << o.sample->provider << ") is not found by a " << o.sample->provider
                            << " rule" << (o.rules.empty() ? "" : ", only by " + joined(o.rules))
                            << ": " << shorten(o.sample->text);
    }
}

TEST_F(SharedCorpus, NegativesOfCoveredProvidersGiveNoFinding) {
  for (const auto& o : s_outcomes)
    if (!o.sample->positive && covered(*o.sample) && !o.excepted) {
      EXPECT_TRUE(o.kept()) << o.sample->corpus << ' ' << o.sample->rule_id
                            << " negative is reported by " << joined(o.rules) << ": "
                            << shorten(o.sample->text);
    }
}

TEST_F(SharedCorpus, EveryExceptionIsStillNeeded) {
  for (const auto& e : k_exceptions) {
    int matched = 0;
    for (const auto& o : s_outcomes) {
      if (!covers(e, *o.sample))
        continue;
      ++matched;
      EXPECT_FALSE(o.kept()) << "exception " << e.corpus << ' ' << e.rule_id << " '" << e.part
                             << "' keeps the contract now: remove it from k_exceptions";
    }
    EXPECT_GT(matched, 0) << "exception " << e.corpus << ' ' << e.rule_id << " '" << e.part
                          << "' matches no sample";
  }
  // Keep the list short: under 3% of the samples of covered providers.
  auto in_contract = std::count_if(s_outcomes.begin(), s_outcomes.end(),
                                   [](const Outcome& o) { return covered(*o.sample); });
  auto excepted = std::count_if(s_outcomes.begin(), s_outcomes.end(),
                                [](const Outcome& o) { return o.excepted; });
  EXPECT_LT(excepted * 100, in_contract * 3) << excepted << " of " << in_contract << " excepted";
}

} // namespace
} // namespace lg::secrets
