#pragma once
// Personal data in log text, for observability.log-leaks ("logs hold no customer data"): e-mail
// addresses, international phone numbers, payment card numbers and IBANs, found by bounded
// hand-written scanners (no regex) and reported with a redacted form that is safe to print.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

enum class PiiKind { email, phone, card, iban };

/// "email", "phone", "card number" or "IBAN".
std::string_view pii_kind_name(PiiKind kind);

/// One piece of personal data found in a text.
struct PiiHit {
  PiiKind kind = PiiKind::email;
  size_t offset = 0; ///< in the text given
  size_t length = 0;
  /// Safe to print: the first letter of each e-mail part and the TLD ("a***@e***.com"); the last
  /// 4 digits of a card ("**** **** **** 1111") or phone ("+44 ** **** 0958", the country code
  /// kept when at least 4 digits stay hidden); an IBAN's country and last 4 characters
  /// ("GB** **** **** **** **68 19"). Never more than 4 digits in a row.
  std::string redacted;
};

/// Personal data in `text` (one log line or a chunk), left to right, non-overlapping, at most
/// `max_hits`. Conservative: a false alarm on an ordinary log line is worse than a miss.
///  - email: a dot-atom local part of letters, digits and ". _ % + -", '@', two or more domain
///    labels (letters, digits, inner hyphens) ending in a TLD of 2+ letters that is not a common
///    file extension ("icon@2x.png"); not the user part of a URL ("https://user@host").
///  - card: 13–19 digits, compact or in groups (first group of 4, then 3–6) split by one
///    consistent separator (space or dash); Luhn-valid, an issuer prefix and length (Visa,
///    Mastercard, Amex, Discover, JCB, Diners, UnionPay), not all one digit; not touching a
///    letter, digit, '_' or '+', nor part of a decimal or dashed number.
///  - IBAN: upper-case, compact or in groups of 4 split by single spaces; the length of its
///    country (ISO 13616 / SWIFT registry) and mod-97 == 1.
///  - phone: '+', a country code, then digits split by single spaces, dashes or dots and at most
///    one pair of parentheses: 8–15 digits in all (E.164); compact forms need 10+ digits and
///    dotted ones 3+ groups (so "+1.2345678901" and "+12345678" are numbers, not phones).
/// Email wins where an e-mail and another kind overlap. Linear time; never throws.
std::vector<PiiHit> find_personal_data(std::string_view text, size_t max_hits = 100);

/// True when `digits` (digits only, 1+ of them) passes the Luhn check.
bool luhn_valid(std::string_view digits);

/// True when `compact` (upper-case, no spaces) is an IBAN: a known country, its registry length,
/// check digits 02–98 and ISO 7064 mod 97-10 remainder 1.
bool iban_valid(std::string_view compact);

} // namespace lg::analyze
