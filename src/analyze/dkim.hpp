#pragma once
// DKIM (RFC 6376, with RFC 8463's ed25519-sha256 and RFC 8301's algorithm and key-size rules):
// tag lists, DKIM-Signature fields, key records and their judgement for `email.dkim`, header and
// body canonicalization, and a verifier over a raw received message that asks DNS through the
// net::Resolver interface. The cryptography is util/crypto's.

#include "net/resolver.hpp"
#include "util/expected.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

// ---- tag lists (RFC 6376 section 3.2) ----------------------------------------------------------

struct DkimTag {
  std::string name;  ///< as written (tag names are case-sensitive)
  std::string value; ///< without surrounding whitespace; inner folding whitespace kept
};

/// Parses a tag list: `name=value` pairs separated by ';', folding whitespace around names,
/// '=' and values, an optional trailing ';'. Errors (kind parse) for a spec without '=', a bad
/// tag name, a value with a control or non-ASCII character, a duplicate tag, more than 64 tags or
/// more than 64 KiB of text.
Expected<std::vector<DkimTag>> parse_dkim_tag_list(std::string_view text);

// ---- DKIM-Signature (RFC 6376 section 3.5) -----------------------------------------------------

enum class DkimAlgorithm { rsa_sha256, ed25519_sha256, rsa_sha1 };

struct DkimSignature {
  std::string algorithm_name; ///< a= lower case, "rsa-sha256"
  DkimAlgorithm algorithm = DkimAlgorithm::rsa_sha256;
  std::string signature;               ///< b= decoded
  std::string body_hash;               ///< bh= decoded
  bool relaxed_header = false;         ///< c= header part
  bool relaxed_body = false;           ///< c= body part
  std::string domain;                  ///< d= lower case
  std::vector<std::string> headers;    ///< h= names, lower case, in order
  std::string identity;                ///< i= decoded (dkim-quoted-printable), default "@" + d=
  std::optional<std::size_t> length;   ///< l=
  std::string selector;                ///< s= lower case
  std::optional<long long> timestamp;  ///< t=
  std::optional<long long> expiration; ///< x=
  std::string copied_headers;          ///< z= as given (diagnostics only)
};

/// Parses and validates the value of a DKIM-Signature field: v=1; a= one of rsa-sha256,
/// ed25519-sha256, rsa-sha1 (accepted here, refused by the verifier's policy); b=, bh= base64;
/// c= simple or relaxed for each part; d=; h= including from; i= at d= or a subdomain; l=, t=,
/// x= decimal (x= not before t=); q= listing dns/txt; s=. The error message says what is wrong.
Expected<DkimSignature> parse_dkim_signature(std::string_view value);

// ---- key records (RFC 6376 section 3.6.1, RFC 8463 section 4) ----------------------------------

struct DkimKey {
  std::string version;               ///< v= ("" when absent)
  std::string key_type = "rsa";      ///< k= lower case
  std::vector<std::string> hashes;   ///< h= lower case; empty: any
  std::vector<std::string> services; ///< s= lower case; default {"*"}
  std::vector<std::string> flags;    ///< t= lower case ("y" testing, "s" strict identity)
  std::string public_key;            ///< p= decoded; empty when revoked
  bool revoked = false;              ///< p= present and empty
  int rsa_bits = 0;                  ///< k=rsa: the modulus size when the key parses
  std::string key_problem;           ///< p= does not hold a key of type k= (k=rsa, k=ed25519)
  bool testing() const;
  bool strict_identity() const;
  bool allows_hash(std::string_view hash) const; ///< "sha256", "sha1"
  bool for_email() const;                        ///< s= has "*" or "email"
};

/// Parses a key record's TXT data. Errors (kind parse) for a bad tag list, v= not first or not
/// "DKIM1", no p=, or p= that is not base64. An unknown k= or a p= that does not hold a key of
/// that type is not an error here: `key_problem` says so, and the verifier and the check refuse it.
Expected<DkimKey> parse_dkim_key(std::string_view txt);

/// What `email.dkim` thinks of one published key.
struct DkimKeyIssue {
  bool serious = false; ///< fail; otherwise a warning
  std::string text;     ///< for people
  std::string key;      ///< stable, for fingerprints: "revoked", "rsa-1024", "testing" …
};
struct DkimKeyJudgement {
  std::string summary; ///< "RSA 2048-bit", "Ed25519", "revoked" …
  std::vector<DkimKeyIssue> issues;
};

/// Judges a parsed key: revoked, unknown k=, an unusable p=, RSA below 1024 bits, s= without
/// email or h= without sha256 fail; RSA 1024 to 2047 bits and t=y warn; RSA >= 2048 and Ed25519
/// pass.
DkimKeyJudgement judge_dkim_key(const DkimKey& key);

// ---- messages and canonicalization (RFC 6376 section 3.4) --------------------------------------

struct HeaderField {
  std::string name; ///< as written, before the colon, trailing whitespace removed
  std::string raw;  ///< the whole field as received, folding included, ending in CRLF
  /// The value after the colon, unfolded (CRLF removed), not trimmed.
  std::string value() const;
};

struct DkimMessage {
  std::vector<HeaderField> headers; ///< in order, top first
  std::string body;                 ///< after the blank line, CRLF line ends
};

/// Splits a raw message (CRLF or bare LF line ends, which become CRLF) into its header fields
/// exactly as received and its body. Errors (kind parse / budget) for a message over `max_bytes`,
/// more than 2000 header fields, or no header field at all. Lines without a colon in the header
/// block are kept out of the fields.
Expected<DkimMessage> split_dkim_message(std::string_view raw, std::size_t max_bytes = 32u << 20);

/// A header field (with its CRLF) canonicalized: simple returns it unchanged; relaxed lower-cases
/// the name, unfolds, turns runs of whitespace into one space, drops whitespace at the end of the
/// value and around the colon, and ends with CRLF.
std::string canonicalize_dkim_header(std::string_view field, bool relaxed);

/// A body (CRLF line ends) canonicalized: simple drops trailing empty lines and ends with one
/// CRLF (an empty body becomes CRLF); relaxed also drops whitespace at line ends and turns runs of
/// whitespace into one space (an empty body stays empty).
std::string canonicalize_dkim_body(std::string_view body, bool relaxed);

// ---- verification (RFC 6376 section 6.1) -------------------------------------------------------

enum class DkimStatus {
  pass,      ///< the signature verifies
  fail,      ///< body hash or signature mismatch
  permerror, ///< cannot verify: syntax, key missing or revoked, unsupported, expired, policy
  temperror, ///< the key could not be fetched now (DNS failure)
};
std::string_view dkim_status_name(DkimStatus status);

struct DkimResult {
  DkimStatus status = DkimStatus::permerror;
  std::string domain;    ///< d= ("" when the field did not parse)
  std::string selector;  ///< s=
  std::string algorithm; ///< a=
  std::string identity;  ///< i=
  std::string reason;    ///< for people: "verified", "body hash mismatch", "key revoked" …
  int key_bits = 0;      ///< RSA modulus size, 256 for Ed25519, 0 when unknown
  bool key_testing = false;
  /// l=: the signed body octets, and the canonical body length, when l= is given.
  std::optional<std::size_t> signed_length;
  std::size_t body_length = 0;
};

/// What verification accepts beyond RFC 6376's syntax. The defaults follow RFC 8301: rsa-sha1 is
/// refused and RSA keys below 1024 bits fail. The Mail::DKIM corpus, from before RFC 8301, needs
/// the legacy settings (rsa-sha1, 512-bit keys) to reach its expected results.
struct DkimPolicy {
  bool allow_rsa_sha1 = false;
  int min_rsa_bits = 1024;
  std::size_t max_signatures = 16; ///< further DKIM-Signature fields are ignored
};

/// Verifies every DKIM-Signature field of `raw_message` (top first), fetching keys as TXT at
/// "<s>._domainkey.<d>" from `dns`; `now` (Unix seconds) judges x=. A message that cannot be
/// split gives one permerror result with an empty domain. Never throws.
std::vector<DkimResult> verify_dkim(std::string_view raw_message, net::Resolver& dns, long long now,
                                    const DkimPolicy& policy = {});

/// The domain of the first address in an address header value (From:, Return-Path:): the part
/// after the last '@' of the <addr-spec> or the bare address, lower case, without trailing dot or
/// '>'. "" when there is none.
std::string mail_address_domain(std::string_view header_value);

} // namespace lg::analyze
