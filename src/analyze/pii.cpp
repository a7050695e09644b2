// Personal data in log lines for observability.log-leaks: e-mail addresses (a practical subset of
// RFC 5322 dot-atoms with RFC 1035 host labels), E.164 phone numbers in international form,
// payment card numbers (Luhn, ISO/IEC 7812 issuer prefixes) and IBANs (ISO 13616 lengths from the
// SWIFT registry, ISO 7064 mod 97-10). One left-to-right pass: e-mails are found first around each
// '@', then each token start is tried against a bounded scanner, so the time is linear.

#include "analyze/pii.hpp"

#include <algorithm>
#include <array>
#include <optional>

namespace lg::analyze {

namespace {

constexpr size_t k_max_local = 64;   // RFC 5321 section 4.5.3.1.1
constexpr size_t k_max_domain = 253; // RFC 1035, without the root dot
constexpr size_t k_max_label = 63;
constexpr size_t k_url_lookback = 256;
constexpr size_t k_max_card = 19;
constexpr size_t k_max_phone = 15; // E.164
constexpr size_t k_max_iban = 34;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_alpha(char c) {
  return is_upper(c) || (c >= 'a' && c <= 'z');
}
bool is_alnum(char c) {
  return is_digit(c) || is_alpha(c);
}
bool is_word(char c) {
  return is_alnum(c) || c == '_';
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}
char lower(char c) {
  return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c;
}

bool all_same(std::string_view digits) {
  return std::all_of(digits.begin(), digits.end(), [&](char c) { return c == digits.front(); });
}

int number(std::string_view digits) {
  int value = 0;
  for (char c : digits)
    value = value * 10 + (c - '0');
  return value;
}

// --- email -----------------------------------------------------------------------------------

bool local_char(char c) {
  return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool domain_char(char c) {
  return is_alnum(c) || c == '.' || c == '-';
}

// File extensions and systemd unit types that are no top-level domain: "icon@2x.png",
// "getty@tty1.service".
bool file_extension(std::string_view tld) {
  static constexpr std::array<std::string_view, 35> k_exts = {
      "service", "socket", "timer", "target", "slice", "scope", "mount", "png", "jpg",
      "jpeg",    "gif",    "svg",   "webp",   "bmp",   "ico",   "js",    "mjs", "cjs",
      "css",     "scss",   "map",   "json",   "html",  "htm",   "txt",   "log", "xml",
      "yaml",    "yml",    "pdf",   "php",    "jsp",   "ttf",   "otf",   "tsx"};
  if (tld.size() > 7)
    return false;
  std::array<char, 7> buf{};
  for (size_t i = 0; i < tld.size(); ++i)
    buf[i] = lower(tld[i]);
  std::string_view low(buf.data(), tld.size());
  return std::find(k_exts.begin(), k_exts.end(), low) != k_exts.end();
}

// True when the local part starting at `begin` is the user of a URL's authority
// ("https://user:pw@host"): a "://" before it with no '/' in between.
bool url_userinfo(std::string_view text, size_t begin) {
  size_t k = begin;
  for (size_t steps = 0; k > 0 && steps < k_url_lookback; ++steps, --k) {
    char c = text[k - 1];
    if (is_space(c) || c == '@' || c == '"' || c == '<' || c == '\'')
      return false;
    if (c == '/')
      return k >= 3 && text[k - 2] == '/' && text[k - 3] == ':';
  }
  return false;
}

// The e-mail address around the '@' at `at`, not reaching before `floor`.
std::optional<PiiHit> email_at(std::string_view text, size_t at, size_t floor) {
  size_t begin = at;
  while (begin > floor && at - begin < k_max_local && local_char(text[begin - 1]))
    --begin;
  if (begin > 0 && local_char(text[begin - 1]))
    return std::nullopt; // too long, or glued to the previous address
  while (begin < at && !is_alnum(text[begin]))
    ++begin;
  auto local = text.substr(begin, at - begin);
  if (local.empty() || local.back() == '.' || local.find("..") != std::string_view::npos)
    return std::nullopt;
  if (url_userinfo(text, begin))
    return std::nullopt;

  size_t run = at + 1;
  while (run < text.size() && run - at - 1 < k_max_domain && domain_char(text[run]))
    ++run;
  if (run < text.size() && (domain_char(text[run]) || text[run] == '@' || text[run] == '_'))
    return std::nullopt;
  size_t end = run;
  while (end > at + 1 && (text[end - 1] == '.' || text[end - 1] == '-'))
    --end;
  auto domain = text.substr(at + 1, end - at - 1);
  if (domain.empty())
    return std::nullopt;

  size_t labels = 0;
  std::string_view tld;
  for (size_t start = 0; start <= domain.size();) {
    size_t dot = std::min(domain.find('.', start), domain.size());
    auto label = domain.substr(start, dot - start);
    if (label.empty() || label.size() > k_max_label || label.front() == '-' || label.back() == '-')
      return std::nullopt;
    ++labels;
    tld = label;
    start = dot + 1;
  }
  if (labels < 2 || tld.size() < 2 || !std::all_of(tld.begin(), tld.end(), is_alpha) ||
      file_extension(tld))
    return std::nullopt;

  PiiHit hit;
  hit.kind = PiiKind::email;
  hit.offset = begin;
  hit.length = end - begin;
  hit.redacted.reserve(tld.size() + 10);
  hit.redacted += local.front();
  hit.redacted += "***@";
  hit.redacted += domain.front();
  hit.redacted += "***.";
  hit.redacted += tld;
  return hit;
}

// --- cards -----------------------------------------------------------------------------------

bool card_issuer(std::string_view d) {
  size_t n = d.size();
  int p2 = number(d.substr(0, 2));
  int p3 = number(d.substr(0, 3));
  int p4 = number(d.substr(0, 4));
  bool long_card = n >= 16 && n <= 19;
  if (d[0] == '4')
    return n == 13 || n == 16 || n == 19; // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720))
    return n == 16; // Mastercard
  if (p2 == 34 || p2 == 37)
    return n == 15; // American Express
  if (p4 == 6011 || p2 == 65 || (p3 >= 644 && p3 <= 649))
    return long_card; // Discover
  if (p4 >= 3528 && p4 <= 3589)
    return long_card; // JCB
  if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38)
    return n >= 14 && n <= 19; // Diners Club
  if (p2 == 62)
    return long_card; // UnionPay
  return false;
}

// Characters that make a number part of a larger token when they sit between it and `next`.
bool joins(char between, char next) {
  return ((between == '.' || between == '-') && is_alnum(next)) ||
         (between == ',' && is_digit(next));
}

bool glued_before(std::string_view text, size_t i) {
  if (i == 0)
    return false;
  char c = text[i - 1];
  if (is_word(c) || c == '+')
    return true;
  return i >= 2 && joins(c, text[i - 2]);
}

bool glued_after(std::string_view text, size_t end) {
  if (end >= text.size())
    return false;
  char c = text[end];
  return is_word(c) || (end + 1 < text.size() && joins(c, text[end + 1]));
}

// True when a number ("12 ", not "mc2 ") and one space precede `i`: the tail of a longer
// grouped number is no card.
bool after_number(std::string_view text, size_t i) {
  if (i < 2 || text[i - 1] != ' ' || !is_digit(text[i - 2]))
    return false;
  size_t k = i - 2;
  for (size_t steps = 0; k > 0 && steps < k_max_card && is_digit(text[k - 1]); ++steps)
    --k;
  return k == 0 || !is_word(text[k - 1]) || is_digit(text[k - 1]);
}

std::optional<PiiHit> card_at(std::string_view text, size_t i) {
  if (glued_before(text, i) || after_number(text, i))
    return std::nullopt;
  std::array<char, k_max_card> digits{};
  std::array<size_t, k_max_card> groups{};
  size_t nd = 0;
  size_t ng = 0;
  char sep = 0;
  size_t j = i;
  while (true) {
    size_t group = 0;
    while (j < text.size() && is_digit(text[j])) {
      if (nd == k_max_card)
        return std::nullopt;
      digits[nd++] = text[j++];
      ++group;
    }
    groups[ng++] = group;
    if (j + 1 < text.size() && (text[j] == ' ' || text[j] == '-') && is_digit(text[j + 1]) &&
        (sep == 0 || sep == text[j]) && ng < k_max_card) {
      sep = text[j++];
      continue;
    }
    break;
  }
  if (nd < 13 || glued_after(text, j))
    return std::nullopt;
  if (ng > 1) {
    if (groups[0] != 4)
      return std::nullopt;
    for (size_t g = 1; g < ng; ++g)
      if (groups[g] < 3 || groups[g] > 6)
        return std::nullopt;
  }
  std::string_view d(digits.data(), nd);
  if (all_same(d) || !luhn_valid(d) || !card_issuer(d))
    return std::nullopt;

  PiiHit hit;
  hit.kind = PiiKind::card;
  hit.offset = i;
  hit.length = j - i;
  hit.redacted.assign(text.substr(i, j - i));
  size_t seen = 0;
  for (char& c : hit.redacted)
    if (is_digit(c) && ++seen <= nd - 4)
      c = '*';
  return hit;
}

// --- phones ----------------------------------------------------------------------------------

bool phone_sep(char c) {
  return c == ' ' || c == '-' || c == '.';
}

// The length of the E.164 country code that `d` starts with (ITU-T E.164 zones 1 to 9).
size_t country_code_length(std::string_view d) {
  char a = d[0];
  char b = d.size() > 1 ? d[1] : '0';
  switch (a) {
  case '1':
  case '7':
    return 1;
  case '2':
    return b == '0' || b == '7' ? 2 : 3;
  case '3':
    return (b >= '0' && b <= '4') || b == '6' || b == '9' ? 2 : 3;
  case '4':
    return b == '2' ? 3 : 2;
  case '5':
    return b == '0' || b == '9' ? 3 : 2;
  case '6':
    return b <= '6' ? 2 : 3;
  case '8':
    return b == '1' || b == '2' || b == '4' || b == '6' ? 2 : 3;
  default: // '9'
    return b <= '5' || b == '8' ? 2 : 3;
  }
}

std::string redact_phone(std::string_view span, std::string_view digits) {
  size_t nd = digits.size();
  size_t cc = country_code_length(digits);
  bool keep_cc = nd >= cc + 8; // at least 4 digits stay hidden
  std::string out = "+";
  size_t pos = 1;
  size_t seen = 0;
  if (keep_cc) {
    while (pos < span.size() && seen < cc) {
      if (is_digit(span[pos])) {
        out += span[pos];
        ++seen;
      }
      ++pos;
    }
    out += ' ';
    if (pos < span.size() && phone_sep(span[pos]))
      ++pos;
  }
  for (; pos < span.size(); ++pos) {
    char c = span[pos];
    if (is_digit(c))
      out += ++seen <= nd - 4 ? '*' : c;
    else
      out += c;
  }
  return out;
}

std::optional<PiiHit> phone_at(std::string_view text, size_t i) {
  if (i > 0 && is_word(text[i - 1]))
    return std::nullopt;
  size_t j = i + 1;
  if (j >= text.size() || !is_digit(text[j]) || text[j] == '0')
    return std::nullopt;
  std::array<char, k_max_phone> digits{};
  size_t nd = 0;
  size_t groups = 0;
  size_t single_groups = 0;
  size_t dots = 0;
  size_t other_seps = 0;
  size_t last_group = 0;
  bool separated = false;
  bool parens = false;
  while (true) {
    bool in_paren = false;
    if (text[j] == '(') {
      parens = in_paren = true;
      ++j;
    }
    size_t group = 0;
    while (j < text.size() && is_digit(text[j])) {
      if (nd == k_max_phone)
        return std::nullopt;
      digits[nd++] = text[j++];
      ++group;
    }
    if (group == 0)
      return std::nullopt;
    last_group = group;
    if (groups > 0 && group == 1)
      ++single_groups;
    ++groups;
    if (in_paren) {
      if (j >= text.size() || text[j] != ')')
        return std::nullopt;
      ++j; // a closing parenthesis must be followed by more of the number
      if (j < text.size() && is_digit(text[j]))
        continue;
      if (j + 1 < text.size() && phone_sep(text[j]) && is_digit(text[j + 1])) {
        (text[j] == '.' ? dots : other_seps) += 1;
        separated = true;
        ++j;
        continue;
      }
      return std::nullopt;
    }
    if (j < text.size() && text[j] == '(' && !parens && j + 1 < text.size() &&
        is_digit(text[j + 1]))
      continue;
    if (j + 1 < text.size() && phone_sep(text[j]) &&
        (is_digit(text[j + 1]) ||
         (text[j + 1] == '(' && !parens && j + 2 < text.size() && is_digit(text[j + 2])))) {
      (text[j] == '.' ? dots : other_seps) += 1;
      separated = true;
      ++j;
      continue;
    }
    break;
  }
  std::string_view d(digits.data(), nd);
  if (nd < 8 || glued_after(text, j) || all_same(d))
    return std::nullopt;
  if (!separated && !parens && nd < 10)
    return std::nullopt; // "+12345678" is more often a signed count than a phone
  if (dots > 0 && groups < 3)
    return std::nullopt; // "+1.2345678901" is a decimal
  if ((dots > 0 && other_seps > 0) || last_group < 2)
    return std::nullopt; // "+14 20.10.4.1" is a version or an address
  if (single_groups > 2)
    return std::nullopt; // "+1 2 3 4 5 6 7 8" is a list
  PiiHit hit;
  hit.kind = PiiKind::phone;
  hit.offset = i;
  hit.length = j - i;
  hit.redacted = redact_phone(text.substr(i, j - i), d);
  return hit;
}

// --- IBAN ------------------------------------------------------------------------------------

struct IbanCountry {
  char code[3];
  unsigned char length;
};

// IBAN lengths by country, from the SWIFT IBAN registry (ISO 13616), sorted by code.
constexpr IbanCountry k_iban_countries[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22},
    {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24},
    {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18},
    {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27},
    {"GT", 28}, {"HN", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26},
    {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20},
    {"LU", 20}, {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20},
    {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24},
    {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33}, {"SA", 24},
    {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"SO", 23}, {"ST", 25},
    {"SV", 28}, {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20},
    {"YE", 30},
};

size_t iban_length(char a, char b) {
  for (const auto& country : k_iban_countries)
    if (country.code[0] == a && country.code[1] == b)
      return country.length;
  return 0;
}

bool iban_char(char c) {
  return is_upper(c) || is_digit(c);
}

std::optional<PiiHit> iban_at(std::string_view text, size_t i) {
  if (i > 0 && is_word(text[i - 1]))
    return std::nullopt;
  if (i + 4 > text.size() || !is_upper(text[i + 1]) || !is_digit(text[i + 2]) ||
      !is_digit(text[i + 3]))
    return std::nullopt;
  size_t length = iban_length(text[i], text[i + 1]);
  if (length == 0)
    return std::nullopt;
  std::array<char, k_max_iban> compact{};
  size_t n = 0;
  size_t j = i;
  while (j < text.size() && n < length && iban_char(text[j]))
    compact[n++] = text[j++];
  bool grouped = n < length && n == 4;
  if (grouped) { // in 4s split by single spaces
    while (n < length && j + 1 < text.size() && text[j] == ' ' && iban_char(text[j + 1])) {
      ++j;
      size_t group = 0;
      while (j < text.size() && group < 4 && n < length && iban_char(text[j])) {
        compact[n++] = text[j++];
        ++group;
      }
      if (group < 4 && n < length)
        return std::nullopt;
    }
  }
  std::string_view iban(compact.data(), n);
  if (n != length || glued_after(text, j) || !iban_valid(iban))
    return std::nullopt;
  if (grouped && j + 1 < text.size() && text[j] == ' ' && is_digit(text[j + 1]))
    return std::nullopt; // more digits follow: a longer number
  PiiHit hit;
  hit.kind = PiiKind::iban;
  hit.offset = i;
  hit.length = j - i;
  std::string masked(iban);
  for (size_t k = 2; k + 4 < n; ++k)
    masked[k] = '*';
  for (size_t k = 0; k < n; k += 4) {
    if (k > 0)
      hit.redacted += ' ';
    hit.redacted += masked.substr(k, 4);
  }
  return hit;
}

} // namespace

std::string_view pii_kind_name(PiiKind kind) {
  switch (kind) {
  case PiiKind::email:
    return "email";
  case PiiKind::phone:
    return "phone";
  case PiiKind::card:
    return "card number";
  case PiiKind::iban:
    return "IBAN";
  }
  return "personal data";
}

bool luhn_valid(std::string_view digits) {
  if (digits.empty())
    return false;
  int sum = 0;
  bool twice = false;
  for (size_t k = digits.size(); k-- > 0;) {
    char c = digits[k];
    if (!is_digit(c))
      return false;
    int v = c - '0';
    if (twice) {
      v *= 2;
      if (v > 9)
        v -= 9;
    }
    sum += v;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool iban_valid(std::string_view compact) {
  if (compact.size() < 5 || compact.size() > k_max_iban || !is_upper(compact[0]) ||
      !is_upper(compact[1]) || !is_digit(compact[2]) || !is_digit(compact[3]))
    return false;
  if (iban_length(compact[0], compact[1]) != compact.size())
    return false;
  int check = number(compact.substr(2, 2));
  if (check < 2 || check > 98)
    return false;
  // ISO 7064 mod 97-10 over the BBAN, then the country and check digits; letters count 10..35.
  unsigned remainder = 0;
  auto feed = [&](char c) {
    if (is_digit(c))
      remainder = (remainder * 10 + static_cast<unsigned>(c - '0')) % 97;
    else
      remainder = (remainder * 100 + static_cast<unsigned>(c - 'A' + 10)) % 97;
  };
  for (size_t k = 4; k < compact.size(); ++k) {
    if (!iban_char(compact[k]))
      return false;
    feed(compact[k]);
  }
  for (size_t k = 0; k < 4; ++k)
    feed(compact[k]);
  return remainder == 1;
}

std::vector<PiiHit> find_personal_data(std::string_view text, size_t max_hits) {
  std::vector<PiiHit> hits;
  if (max_hits == 0)
    return hits;
  try {
    // E-mails first: their local part may hold digits or a '+' the other scanners would take.
    std::vector<PiiHit> emails;
    size_t floor = 0;
    for (size_t pos = 0; emails.size() < max_hits;) {
      size_t at = text.find('@', pos);
      if (at == std::string_view::npos)
        break;
      if (auto email = email_at(text, at, floor)) {
        floor = email->offset + email->length;
        pos = floor;
        emails.push_back(std::move(*email));
      } else {
        pos = at + 1;
      }
    }

    size_t next_email = 0;
    for (size_t i = 0; i < text.size() && hits.size() < max_hits;) {
      if (next_email < emails.size() && emails[next_email].offset == i) {
        i += emails[next_email].length;
        hits.push_back(std::move(emails[next_email++]));
        continue;
      }
      char c = text[i];
      std::optional<PiiHit> hit;
      if (c == '+')
        hit = phone_at(text, i);
      else if (is_digit(c))
        hit = card_at(text, i);
      else if (is_upper(c))
        hit = iban_at(text, i);
      if (hit &&
          (next_email == emails.size() || hit->offset + hit->length <= emails[next_email].offset)) {
        i += hit->length;
        hits.push_back(std::move(*hit));
        continue;
      }
      ++i;
    }
  } catch (...) { // only std::bad_alloc can reach here: report what was found so far
  }
  return hits;
}

} // namespace lg::analyze
