// The `expect` conditions of `monitor.checks` (grammar in condition.hpp): a recursive-descent
// parser over the text in one left-to-right pass (at most 4 KiB, 64 clauses, parentheses 8 deep),
// and an evaluator that names every failed clause with what was seen. No regular expressions;
// substring searches are linear; the body is parsed as JSON at most once per evaluation.

#include "analyze/condition.hpp"

#include "analyze/jsonpath.hpp"

#include "util/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace lg::analyze {

namespace {

constexpr size_t k_max_text = 4096;
constexpr size_t k_max_clauses = 64;
constexpr int k_max_depth = 8;
constexpr size_t k_shown = 80; ///< bytes of a seen value quoted in a failure

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_word_char(char c) {
  if (is_space(c))
    return false;
  switch (c) {
  case '(':
  case ')':
  case '&':
  case '|':
  case '=':
  case '!':
  case '<':
  case '>':
  case '"':
    return false;
  default:
    return true;
  }
}

bool is_ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.';
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/// RFC 9110 tchar, the characters of a header name.
bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c))
    return true;
  switch (c) {
  case '#':
  case '$':
  case '%':
  case '\'':
  case '*':
  case '+':
  case '-':
  case '.':
  case '^':
  case '_':
  case '`':
  case '~':
    return true;
  default:
    return false;
  }
}

bool numeric_op(ConditionOp op) {
  return op == ConditionOp::lt || op == ConditionOp::le || op == ConditionOp::gt ||
         op == ConditionOp::ge;
}

std::string_view op_text(ConditionOp op) {
  switch (op) {
  case ConditionOp::eq:
    return "==";
  case ConditionOp::ne:
    return "!=";
  case ConditionOp::lt:
    return "<";
  case ConditionOp::le:
    return "<=";
  case ConditionOp::gt:
    return ">";
  case ConditionOp::ge:
    return ">=";
  case ConditionOp::contains:
    return "contains";
  case ConditionOp::not_contains:
    return "!contains";
  }
  return "?";
}

struct OperandInfo {
  std::string_view name;
  ConditionOperand operand;
  std::string_view ops; ///< the operators allowed, for messages
};

constexpr std::array<OperandInfo, 9> k_operands{{
    {"status", ConditionOperand::status, "==, !=, <, <=, > or >="},
    {"latency", ConditionOperand::latency, "==, !=, <, <=, > or >="},
    {"body", ConditionOperand::body, "==, !=, contains or !contains"},
    {"json", ConditionOperand::json, "==, !=, <, <=, >, >=, contains or !contains"},
    {"header", ConditionOperand::header, "==, !=, <, <=, >, >=, contains or !contains"},
    {"cert_expiry", ConditionOperand::cert_expiry, "==, !=, <, <=, > or >="},
    {"dns.rcode", ConditionOperand::dns_rcode, "== or !="},
    {"dns.answer", ConditionOperand::dns_answer, "==, !=, contains or !contains"},
    {"connected", ConditionOperand::connected, "== or !="},
}};

bool op_allowed(ConditionOperand operand, ConditionOp op) {
  switch (operand) {
  case ConditionOperand::status:
  case ConditionOperand::latency:
  case ConditionOperand::cert_expiry:
    return op != ConditionOp::contains && op != ConditionOp::not_contains;
  case ConditionOperand::body:
  case ConditionOperand::dns_answer:
    return !numeric_op(op);
  case ConditionOperand::dns_rcode:
  case ConditionOperand::connected:
    return op == ConditionOp::eq || op == ConditionOp::ne;
  case ConditionOperand::json:
  case ConditionOperand::header:
    return true;
  }
  return false;
}

/// The number at the start of `word` (`[-]digits[.digits]`) and what follows it (the unit).
/// False when `word` does not start with a number; `out_of_range` when it does not fit.
bool split_number(std::string_view word, double& value, std::string_view& unit,
                  bool& out_of_range) {
  out_of_range = false;
  size_t i = 0;
  if (i < word.size() && word[i] == '-')
    ++i;
  size_t digits = i;
  while (i < word.size() && is_digit(word[i]))
    ++i;
  if (i == digits)
    return false;
  if (i + 1 < word.size() && word[i] == '.' && is_digit(word[i + 1])) {
    ++i;
    while (i < word.size() && is_digit(word[i]))
      ++i;
  }
  auto [ptr, ec] = std::from_chars(word.data(), word.data() + i, value);
  if (ec == std::errc::result_out_of_range || !std::isfinite(value)) {
    out_of_range = true;
    return true;
  }
  if (ec != std::errc() || ptr != word.data() + i)
    return false;
  unit = word.substr(i);
  return true;
}

/// Milliseconds per unit, or 0 for an unknown unit.
double unit_ms(std::string_view unit) {
  if (unit == "ms")
    return 1;
  if (unit == "s")
    return 1000;
  if (unit == "m")
    return 60'000;
  if (unit == "h")
    return 3'600'000;
  if (unit == "d")
    return 86'400'000;
  return 0;
}

bool is_unit(std::string_view word) {
  return unit_ms(word) > 0;
}

// ---- parsing ------------------------------------------------------------------------------------

/// A value as written: a quoted string (unescaped) or a bare word.
struct RawValue {
  bool quoted = false;
  std::string text;
  std::string_view written;
};

class Parser {
public:
  explicit Parser(std::string_view text) : m_t(text) {}

  Expected<Condition> run() {
    m_c.text = std::string(m_t);
    if (m_t.size() > k_max_text)
      return unexpected(ErrorKind::parse,
                        fmt::format("expect: column {}: the condition is longer than {} bytes",
                                    k_max_text + 1, k_max_text));
    size_t root = 0;
    if (parse_or(root, "")) {
      skip_ws();
      if (m_pos < m_t.size()) {
        if (m_t[m_pos] == ')')
          fail(m_pos, "unexpected \")\" without a matching \"(\"");
        else
          fail(m_pos, fmt::format("expected \"&&\", \"||\" or the end, found {}", found()));
      }
    }
    if (m_error)
      return unexpected(std::move(*m_error));
    m_c.root = root;
    return std::move(m_c);
  }

private:
  std::string_view m_t;
  size_t m_pos = 0;
  int m_depth = 0;
  Condition m_c;
  std::optional<Error> m_error;

  bool fail(size_t pos, std::string message) {
    if (!m_error)
      m_error =
          make_error(ErrorKind::parse, fmt::format("expect: column {}: {}", pos + 1, message));
    return false;
  }

  void skip_ws() {
    while (m_pos < m_t.size() && is_space(m_t[m_pos]))
      ++m_pos;
  }

  bool at(std::string_view token) const { return m_t.substr(m_pos, token.size()) == token; }

  /// What stands at the cursor, for messages: the word there, or its first character.
  std::string found() const {
    size_t end = m_pos;
    while (end < m_t.size() && end - m_pos < 24 && is_word_char(m_t[end]))
      ++end;
    if (end == m_pos)
      end = m_pos + 1;
    std::string shown;
    for (char c : m_t.substr(m_pos, end - m_pos)) {
      auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\')
        shown += fmt::format("\\{}", c);
      else if (u < 0x20 || u == 0x7f)
        shown += fmt::format("\\x{:02x}", u);
      else
        shown += c;
    }
    return fmt::format("\"{}\"", shown);
  }

  std::string_view read_while(bool (*pred)(char)) {
    size_t start = m_pos;
    while (m_pos < m_t.size() && pred(m_t[m_pos]))
      ++m_pos;
    return m_t.substr(start, m_pos - start);
  }

  size_t add_node(ConditionNode node) {
    m_c.nodes.push_back(std::move(node));
    return m_c.nodes.size() - 1;
  }

  bool parse_or(size_t& out, std::string_view after) {
    size_t first = 0;
    if (!parse_and(first, after))
      return false;
    ConditionNode any{ConditionNode::Kind::any, 0, {first}};
    for (skip_ws(); at("||"); skip_ws()) {
      m_pos += 2;
      size_t next = 0;
      if (!parse_and(next, "||"))
        return false;
      any.children.push_back(next);
    }
    out = any.children.size() == 1 ? first : add_node(std::move(any));
    return true;
  }

  bool parse_and(size_t& out, std::string_view after) {
    size_t first = 0;
    if (!parse_primary(first, after))
      return false;
    ConditionNode all{ConditionNode::Kind::all, 0, {first}};
    for (skip_ws(); at("&&"); skip_ws()) {
      m_pos += 2;
      size_t next = 0;
      if (!parse_primary(next, "&&"))
        return false;
      all.children.push_back(next);
    }
    out = all.children.size() == 1 ? first : add_node(std::move(all));
    return true;
  }

  bool parse_primary(size_t& out, std::string_view after) {
    skip_ws();
    auto expected_clause = [&] {
      std::string what = after.empty() ? std::string("expected a clause")
                                       : fmt::format("expected a clause after \"{}\"", after);
      if (m_pos < m_t.size())
        what += fmt::format(", found {}", found());
      return fail(m_pos, what);
    };
    if (m_pos >= m_t.size())
      return expected_clause();
    if (m_t[m_pos] == '(') {
      size_t open = m_pos++;
      if (++m_depth > k_max_depth)
        return fail(open, fmt::format("parentheses nested deeper than {}", k_max_depth));
      if (!parse_or(out, "("))
        return false;
      skip_ws();
      if (m_pos >= m_t.size() || m_t[m_pos] != ')') {
        std::string what = fmt::format("expected \")\" to close the \"(\" of column {}", open + 1);
        if (m_pos < m_t.size())
          what = fmt::format("expected \"&&\", \"||\" or \")\" (for the \"(\" of column {}), "
                             "found {}",
                             open + 1, found());
        return fail(m_pos, what);
      }
      ++m_pos;
      --m_depth;
      return true;
    }
    if (!is_ident_char(m_t[m_pos]))
      return expected_clause();
    ConditionClause clause;
    if (!parse_clause(clause))
      return false;
    if (m_c.clauses.size() >= k_max_clauses)
      return fail(clause.column - 1, fmt::format("more than {} clauses", k_max_clauses));
    m_c.clauses.push_back(std::move(clause));
    out = add_node(ConditionNode{ConditionNode::Kind::clause, m_c.clauses.size() - 1, {}});
    return true;
  }

  /// The operator at the cursor; false (with an error set) when there is none.
  bool parse_op(ConditionOp& op, std::string_view operand_text) {
    skip_ws();
    size_t start = m_pos;
    auto word_at = [&](std::string_view w) {
      return at(w) && (m_pos + w.size() >= m_t.size() || !is_ident_char(m_t[m_pos + w.size()]));
    };
    if (at("==") || at("!=") || at("<=") || at(">=")) {
      op = at("==")   ? ConditionOp::eq
           : at("!=") ? ConditionOp::ne
           : at("<=") ? ConditionOp::le
                      : ConditionOp::ge;
      m_pos += 2;
    } else if (at("<") || at(">")) {
      op = at("<") ? ConditionOp::lt : ConditionOp::gt;
      ++m_pos;
    } else if (word_at("!contains")) {
      op = ConditionOp::not_contains;
      m_pos += 9;
    } else if (word_at("contains")) {
      op = ConditionOp::contains;
      m_pos += 8;
    } else if (word_at("matches") || word_at("!matches")) {
      return fail(start, "\"matches\" is not supported (conditions have no regular expressions); "
                         "use contains");
    } else if (at("=")) {
      return fail(start, "unknown operator \"=\" (use ==)");
    } else {
      std::string what = fmt::format("expected an operator after \"{}\"", operand_text);
      if (m_pos < m_t.size())
        what += fmt::format(", found {}", found());
      return fail(start, what);
    }
    return true;
  }

  /// The value at the cursor; false (with an error set) when there is none.
  bool read_value(RawValue& v, std::string_view expected, ConditionOp op) {
    skip_ws();
    size_t start = m_pos;
    if (m_pos < m_t.size() && m_t[m_pos] == '"') {
      ++m_pos;
      while (true) {
        if (m_pos >= m_t.size())
          return fail(start, "unterminated string (a '\"' is missing)");
        char c = m_t[m_pos];
        if (c == '"')
          break;
        if (c == '\\') {
          if (m_pos + 1 < m_t.size() && (m_t[m_pos + 1] == '"' || m_t[m_pos + 1] == '\\')) {
            v.text += m_t[m_pos + 1];
            m_pos += 2;
            continue;
          }
          return fail(m_pos, "unknown escape in a string (use \\\" or \\\\)");
        }
        v.text += c;
        ++m_pos;
      }
      ++m_pos;
      v.quoted = true;
      v.written = m_t.substr(start, m_pos - start);
      return true;
    }
    auto word = read_while(is_word_char);
    if (word.empty()) {
      std::string what = fmt::format("expected {} after \"{}\"", expected, op_text(op));
      if (m_pos < m_t.size())
        what += fmt::format(", found {}", found());
      return fail(start, what);
    }
    v.text = std::string(word);
    v.written = word;
    return true;
  }

  bool value_error(size_t pos, std::string_view expected, ConditionOp op, const RawValue& v) {
    std::string seen =
        v.quoted ? fmt::format("the string {}", v.written) : fmt::format("\"{}\"", v.written);
    return fail(pos,
                fmt::format("expected {} after \"{}\", found {}", expected, op_text(op), seen));
  }

  /// A number, with a unit for latency (scale to ms) and cert_expiry (scale to days).
  bool numeric_value(ConditionClause& c, ConditionOperand operand) {
    bool duration =
        operand == ConditionOperand::latency || operand == ConditionOperand::cert_expiry;
    std::string_view expected =
        duration ? "a number or duration"
                 : (operand == ConditionOperand::status ? "a whole number" : "a number");
    skip_ws();
    size_t pos = m_pos;
    RawValue v;
    if (!read_value(v, expected, c.op))
      return false;
    double number = 0;
    std::string_view unit;
    bool out_of_range = false;
    if (v.quoted || !split_number(v.written, number, unit, out_of_range))
      return value_error(pos, expected, c.op, v);
    if (out_of_range)
      return fail(pos, fmt::format("the number \"{}\" is out of range", v.written));
    if (duration) {
      if (unit.empty()) {
        // `800 ms`: a unit written apart from its number.
        size_t save = m_pos;
        skip_ws();
        auto next = read_while(is_word_char);
        if (is_unit(next))
          unit = next;
        else
          m_pos = save;
      }
      if (!unit.empty() && !is_unit(unit))
        return fail(pos, fmt::format("unknown unit \"{}\" in \"{}\" (use ms, s, m, h or d)", unit,
                                     v.written));
      if (!unit.empty()) {
        double ms = number * unit_ms(unit);
        number = operand == ConditionOperand::latency ? ms : ms / unit_ms("d");
      }
    } else if (!unit.empty()) {
      return value_error(pos, expected, c.op, v);
    }
    if (operand == ConditionOperand::status && number != std::floor(number))
      return value_error(pos, expected, c.op, v);
    c.kind = ConditionValueKind::number;
    c.number = number;
    c.text = v.text;
    return true;
  }

  bool parse_clause(ConditionClause& c) {
    size_t start = m_pos;
    c.column = start + 1;
    auto name = read_while(is_ident_char);
    const OperandInfo* found_operand = nullptr;
    for (const auto& i : k_operands)
      if (iequals(name, i.name))
        found_operand = &i;
    if (!found_operand)
      return fail(start, fmt::format("unknown operand \"{}\" (use status, latency, body, json, "
                                     "header, cert_expiry, dns.rcode, dns.answer or connected)",
                                     name));
    c.operand = found_operand->operand;
    std::string operand_text(found_operand->name);

    if (c.operand == ConditionOperand::json) {
      skip_ws();
      size_t pos = m_pos;
      // A path runs to whitespace or an operator; inside [...] anything up to the ']'.
      while (m_pos < m_t.size() && is_word_char(m_t[m_pos])) {
        if (m_t[m_pos] == '[') {
          size_t end = m_t.find(']', m_pos);
          m_pos = end == std::string_view::npos ? m_t.size() : end + 1;
        } else {
          ++m_pos;
        }
      }
      auto path = m_t.substr(pos, m_pos - pos);
      if (path.empty() || path.front() != '$') {
        m_pos = pos;
        std::string what = "expected a JSON path like $.a.b[0] after \"json\"";
        if (m_pos < m_t.size())
          what += fmt::format(", found {}", found());
        return fail(pos, what);
      }
      if (!is_json_path(path))
        return fail(pos,
                    fmt::format("malformed JSON path \"{}\" (use $.a.b[0] or $['a-b'])", path));
      c.argument = std::string(path);
      operand_text = fmt::format("json {}", path);
    } else if (c.operand == ConditionOperand::header) {
      skip_ws();
      size_t pos = m_pos;
      auto header = read_while(is_tchar);
      if (header.empty()) {
        std::string what = "expected a header name after \"header\"";
        if (m_pos < m_t.size())
          what += fmt::format(", found {}", found());
        return fail(pos, what);
      }
      c.argument = std::string(header);
      operand_text = fmt::format("header {}", header);
    }

    if (c.operand == ConditionOperand::connected) {
      skip_ws();
      if (!(at("==") || at("!="))) {
        // `connected` alone, unless an operator that does not apply follows.
        if (at("<") || at(">") || at("=") || (at("!") && !at("!=")) ||
            (m_t.substr(m_pos, 8) == "contains") || (m_t.substr(m_pos, 7) == "matches"))
          return fail(m_pos, "connected stands alone or takes == or != with true or false");
        c.op = ConditionOp::eq;
        c.kind = ConditionValueKind::boolean;
        c.boolean = true;
        c.text = "true";
        return true;
      }
    }

    size_t op_pos = 0;
    skip_ws();
    op_pos = m_pos;
    if (!parse_op(c.op, operand_text))
      return false;
    if (!op_allowed(c.operand, c.op))
      return fail(op_pos, fmt::format("{} cannot use \"{}\" (use {})", found_operand->name,
                                      op_text(c.op), found_operand->ops));

    switch (c.operand) {
    case ConditionOperand::status:
    case ConditionOperand::latency:
    case ConditionOperand::cert_expiry:
      return numeric_value(c, c.operand);
    case ConditionOperand::connected: {
      skip_ws();
      size_t pos = m_pos;
      RawValue v;
      if (!read_value(v, "true or false", c.op))
        return false;
      if (v.quoted || !(iequals(v.text, "true") || iequals(v.text, "false")))
        return value_error(pos, "true or false", c.op, v);
      c.kind = ConditionValueKind::boolean;
      c.boolean = iequals(v.text, "true");
      c.text = c.boolean ? "true" : "false";
      return true;
    }
    case ConditionOperand::header:
      if (numeric_op(c.op))
        return numeric_value(c, c.operand);
      [[fallthrough]];
    case ConditionOperand::body:
    case ConditionOperand::dns_rcode:
    case ConditionOperand::dns_answer: {
      RawValue v;
      if (!read_value(v, "a string", c.op))
        return false;
      c.kind = ConditionValueKind::string;
      c.text = std::move(v.text);
      return true;
    }
    case ConditionOperand::json: {
      if (numeric_op(c.op))
        return numeric_value(c, c.operand);
      RawValue v;
      if (!read_value(v, "a value", c.op))
        return false;
      c.text = v.text;
      double number = 0;
      std::string_view unit;
      bool out_of_range = false;
      c.kind = ConditionValueKind::string;
      if (!v.quoted) {
        if (v.text == "true" || v.text == "false") {
          c.kind = ConditionValueKind::boolean;
          c.boolean = v.text == "true";
        } else if (v.text == "null") {
          c.kind = ConditionValueKind::null;
        } else if (split_number(v.text, number, unit, out_of_range) && unit.empty() &&
                   !out_of_range) {
          c.kind = ConditionValueKind::number;
          c.number = number;
        }
      }
      return true;
    }
    }
    return fail(start, "internal: unhandled operand");
  }
};

// ---- evaluation ---------------------------------------------------------------------------------

/// A number for people: whole numbers without decimals, others to two places.
std::string show_number(double v) {
  if (std::fabs(v) < 1e12)
    v = std::round(v * 100) / 100;
  if (v == 0)
    v = 0; // no "-0"
  return fmt::format("{}", v);
}

/// `s` in double quotes with escapes, cut after k_shown bytes (at a character boundary).
std::string quote(std::string_view s) {
  bool cut = false;
  if (s.size() > k_shown) {
    size_t end = k_shown;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80)
      --end;
    s = s.substr(0, end);
    cut = true;
  }
  std::string out = "\"";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  out += '"';
  if (cut)
    out += "…";
  return out;
}

/// A DNS word (rcode, address, name) bare when it is plain, quoted otherwise.
std::string show_word(std::string_view s) {
  bool plain = !s.empty() && s.size() <= k_shown && std::all_of(s.begin(), s.end(), [](char c) {
    return is_ident_char(c) || c == ':' || c == '-';
  });
  return plain ? std::string(s) : quote(s);
}

/// Appends a preview of `v` to `out`, stopping soon after k_shown bytes: a large document is not
/// serialised whole for one message. Each level adds a byte, so the recursion stays shallow.
void preview_json(const nlohmann::json& v, std::string& out) {
  auto scalar = [&](const nlohmann::json& s) {
    out += s.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  if (v.is_array() || v.is_object()) {
    out += v.is_array() ? '[' : '{';
    bool first = true;
    for (auto it = v.begin(); it != v.end() && out.size() <= k_shown; ++it) {
      if (!first)
        out += ',';
      first = false;
      if (v.is_object()) {
        scalar(nlohmann::json(it.key().substr(0, k_shown + 1)));
        out += ':';
      }
      preview_json(it.value(), out);
    }
    out += v.is_array() ? ']' : '}';
  } else if (v.is_string()) {
    scalar(nlohmann::json(v.get_ref<const std::string&>().substr(0, k_shown + 1)));
  } else {
    scalar(v);
  }
}

std::string show_json(const nlohmann::json& v) {
  if (v.is_string())
    return quote(v.get_ref<const std::string&>());
  std::string text;
  preview_json(v, text);
  if (text.size() > k_shown) {
    size_t end = k_shown;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
      --end;
    text = text.substr(0, end) + "…";
  }
  return text;
}

std::string show_value(const ConditionClause& c) {
  switch (c.kind) {
  case ConditionValueKind::number:
    return show_number(c.number);
  case ConditionValueKind::boolean:
    return c.boolean ? "true" : "false";
  case ConditionValueKind::null:
    return "null";
  case ConditionValueKind::string:
    break;
  }
  if (c.operand == ConditionOperand::dns_rcode || c.operand == ConditionOperand::dns_answer)
    return show_word(c.text);
  return quote(c.text);
}

bool compare(double seen, ConditionOp op, double want) {
  switch (op) {
  case ConditionOp::eq:
    return seen == want;
  case ConditionOp::ne:
    return seen != want;
  case ConditionOp::lt:
    return seen < want;
  case ConditionOp::le:
    return seen <= want;
  case ConditionOp::gt:
    return seen > want;
  case ConditionOp::ge:
    return seen >= want;
  case ConditionOp::contains:
  case ConditionOp::not_contains:
    break;
  }
  return false;
}

/// Substring search in time linear in both (KMP for needles past a few bytes).
bool has_substring(std::string_view hay, std::string_view needle) {
  if (needle.size() <= 8)
    return hay.find(needle) != std::string_view::npos;
  if (needle.size() > hay.size())
    return false;
  std::vector<size_t> fail(needle.size(), 0);
  for (size_t i = 1, k = 0; i < needle.size(); ++i) {
    while (k > 0 && needle[i] != needle[k])
      k = fail[k - 1];
    if (needle[i] == needle[k])
      ++k;
    fail[i] = k;
  }
  for (size_t i = 0, k = 0; i < hay.size(); ++i) {
    while (k > 0 && hay[i] != needle[k])
      k = fail[k - 1];
    if (hay[i] == needle[k])
      ++k;
    if (k == needle.size())
      return true;
  }
  return false;
}

std::string_view without_final_dot(std::string_view s) {
  if (!s.empty() && s.back() == '.')
    s.remove_suffix(1);
  return s;
}

/// True when a parsed number takes the whole of `text` (surrounding whitespace allowed).
bool whole_number(std::string_view text, double& value) {
  text = trim(text);
  std::string_view unit;
  bool out_of_range = false;
  return split_number(text, value, unit, out_of_range) && unit.empty() && !out_of_range;
}

class Evaluator {
public:
  explicit Evaluator(const MonitorObservation& o) : m_o(o) {}

  /// Evaluates node `i`; failures are appended to `failed`.
  bool node(const Condition& c, size_t i, std::vector<std::string>& failed, int depth) {
    if (i >= c.nodes.size() || depth > 64) {
      failed.emplace_back("malformed condition");
      return false;
    }
    const auto& n = c.nodes[i];
    switch (n.kind) {
    case ConditionNode::Kind::clause: {
      if (n.clause >= c.clauses.size()) {
        failed.emplace_back("malformed condition");
        return false;
      }
      std::string why;
      if (clause(c.clauses[n.clause], why))
        return true;
      failed.push_back(std::move(why));
      return false;
    }
    case ConditionNode::Kind::all: {
      bool ok = true;
      for (size_t child : n.children)
        ok = node(c, child, failed, depth + 1) && ok;
      return ok;
    }
    case ConditionNode::Kind::any: {
      std::vector<std::string> mine;
      bool ok = false;
      for (size_t child : n.children)
        ok = node(c, child, mine, depth + 1) || ok;
      if (!ok)
        failed.insert(failed.end(), mine.begin(), mine.end());
      return ok;
    }
    }
    return false;
  }

private:
  const MonitorObservation& m_o;
  bool m_parsed = false;
  nlohmann::json m_doc;

  const nlohmann::json* document() {
    if (!m_parsed) {
      m_parsed = true;
      m_doc = nlohmann::json::parse(m_o.body, nullptr, false);
    }
    return m_doc.is_discarded() ? nullptr : &m_doc;
  }

  static std::string expected_tail(const ConditionClause& c) {
    return fmt::format("expected {} {}", op_text(c.op), show_value(c));
  }

  static bool json_equals(const nlohmann::json& v, const ConditionClause& c) {
    switch (c.kind) {
    case ConditionValueKind::number:
      return v.is_number() && v.get<double>() == c.number;
    case ConditionValueKind::string:
      return v.is_string() && v.get_ref<const std::string&>() == c.text;
    case ConditionValueKind::boolean:
      return v.is_boolean() && v.get<bool>() == c.boolean;
    case ConditionValueKind::null:
      return v.is_null();
    }
    return false;
  }

  bool numeric(std::string_view label, double seen, std::string_view unit, const ConditionClause& c,
               std::string& why) {
    if (compare(seen, c.op, c.number))
      return true;
    why = fmt::format("{} {}{} is not {} {}{}", label, show_number(seen), unit, op_text(c.op),
                      show_number(c.number), unit);
    return false;
  }

  /// ==, !=, contains and !contains over one string seen as `seen`.
  bool textual(const std::string& label, std::string_view seen, const ConditionClause& c,
               std::string& why) {
    bool ok = false;
    switch (c.op) {
    case ConditionOp::eq:
      ok = seen == c.text;
      if (!ok)
        why = fmt::format("{} is {}, not {}", label, quote(seen), quote(c.text));
      break;
    case ConditionOp::ne:
      ok = seen != c.text;
      if (!ok)
        why = fmt::format("{} is {}, {}", label, quote(seen), expected_tail(c));
      break;
    case ConditionOp::contains:
      ok = has_substring(seen, c.text);
      if (!ok)
        why = fmt::format("{} does not contain {}", label, quote(c.text));
      break;
    case ConditionOp::not_contains:
      ok = !has_substring(seen, c.text);
      if (!ok)
        why = fmt::format("{} contains {}", label, quote(c.text));
      break;
    default:
      why = fmt::format("{} cannot use {}", label, op_text(c.op));
      break;
    }
    return ok;
  }

  bool clause(const ConditionClause& c, std::string& why) {
    switch (c.operand) {
    case ConditionOperand::connected: {
      bool want = c.op == ConditionOp::eq ? c.boolean : !c.boolean;
      if (m_o.connected == want)
        return true;
      why = want ? "not connected" : "connected, expected not connected";
      return false;
    }
    case ConditionOperand::status:
      if (m_o.status == 0) {
        why = fmt::format("status: no HTTP answer, {}", expected_tail(c));
        return false;
      }
      return numeric("status", m_o.status, "", c, why);
    case ConditionOperand::latency:
      return numeric("latency", m_o.latency_ms, " ms", c, why);
    case ConditionOperand::cert_expiry:
      if (!m_o.cert_days_left) {
        why = "cert_expiry: no certificate was seen (not a TLS check, or no handshake)";
        return false;
      }
      return numeric("cert_expiry", *m_o.cert_days_left, " days", c, why);
    case ConditionOperand::body:
      if (c.op == ConditionOp::contains || c.op == ConditionOp::not_contains)
        return textual(fmt::format("body ({} bytes)", m_o.body.size()), m_o.body, c, why);
      return textual("body", m_o.body, c, why);
    case ConditionOperand::header:
      return header(c, why);
    case ConditionOperand::json:
      return json(c, why);
    case ConditionOperand::dns_rcode: {
      if (m_o.dns_rcode.empty()) {
        why = fmt::format("dns.rcode: no DNS answer, {}", expected_tail(c));
        return false;
      }
      bool same = iequals(m_o.dns_rcode, c.text);
      if (same == (c.op == ConditionOp::eq))
        return true;
      why =
          c.op == ConditionOp::eq
              ? fmt::format("dns.rcode is {}, not {}", show_word(m_o.dns_rcode), show_word(c.text))
              : fmt::format("dns.rcode is {}, {}", show_word(m_o.dns_rcode), expected_tail(c));
      return false;
    }
    case ConditionOperand::dns_answer:
      return dns_answer(c, why);
    }
    why = "malformed condition";
    return false;
  }

  bool header(const ConditionClause& c, std::string& why) {
    std::string value;
    bool present = false;
    for (const auto& [name, v] : m_o.headers) {
      if (!iequals(name, c.argument))
        continue;
      if (present)
        value += ", ";
      value += v;
      present = true;
      if (value.size() > 65536)
        break;
    }
    std::string label = fmt::format("header {}", c.argument);
    if (!present) {
      // An absent header is not equal to anything and contains nothing.
      if (c.op == ConditionOp::ne || c.op == ConditionOp::not_contains)
        return true;
      why = fmt::format("{} is missing", label);
      return false;
    }
    if (numeric_op(c.op)) {
      double seen = 0;
      if (!whole_number(value, seen)) {
        why = fmt::format("{} is {}, not a number", label, quote(value));
        return false;
      }
      if (compare(seen, c.op, c.number))
        return true;
      why = fmt::format("{} is {}, not {} {}", label, show_number(seen), op_text(c.op),
                        show_number(c.number));
      return false;
    }
    if (c.op == ConditionOp::contains || c.op == ConditionOp::not_contains) {
      bool has = has_substring(value, c.text);
      if (has == (c.op == ConditionOp::contains))
        return true;
      why = fmt::format("{} is {}, which {} {}", label, quote(value),
                        has ? "contains" : "does not contain", quote(c.text));
      return false;
    }
    return textual(label, value, c, why);
  }

  bool json(const ConditionClause& c, std::string& why) {
    std::string label = fmt::format("json {}", c.argument);
    const auto* doc = document();
    if (!doc) {
      why = fmt::format("{}: the body is not JSON", label);
      return false;
    }
    const auto* v = json_path_get(*doc, c.argument);
    if (!v) {
      why = fmt::format("{} is missing", label);
      return false;
    }
    if (numeric_op(c.op)) {
      if (!v->is_number()) {
        why = fmt::format("{} is {}, not a number", label, show_json(*v));
        return false;
      }
      if (compare(v->get<double>(), c.op, c.number))
        return true;
      why = fmt::format("{} is {}, not {} {}", label, show_json(*v), op_text(c.op),
                        show_number(c.number));
      return false;
    }
    if (c.op == ConditionOp::eq || c.op == ConditionOp::ne) {
      bool same = json_equals(*v, c);
      if (same == (c.op == ConditionOp::eq))
        return true;
      why = c.op == ConditionOp::eq
                ? fmt::format("{} is {}, not {}", label, show_json(*v), show_value(c))
                : fmt::format("{} is {}, {}", label, show_json(*v), expected_tail(c));
      return false;
    }
    // contains / !contains: a substring of a string, or an element of a list.
    bool has = false;
    if (v->is_string()) {
      has = has_substring(v->get_ref<const std::string&>(), c.text);
    } else if (v->is_array()) {
      has = std::any_of(v->begin(), v->end(),
                        [&](const nlohmann::json& e) { return json_equals(e, c); });
    } else {
      why = fmt::format("{} is {}, not a string or a list", label, show_json(*v));
      return false;
    }
    if (has == (c.op == ConditionOp::contains))
      return true;
    why = fmt::format("{} is {}, which {} {}", label, show_json(*v),
                      has ? "contains" : "does not contain", show_value(c));
    return false;
  }

  bool dns_answer(const ConditionClause& c, std::string& why) {
    bool substring = c.op == ConditionOp::contains || c.op == ConditionOp::not_contains;
    bool any =
        std::any_of(m_o.dns_answers.begin(), m_o.dns_answers.end(), [&](const std::string& a) {
          return substring ? has_substring(a, c.text)
                           : iequals(without_final_dot(a), without_final_dot(c.text));
        });
    bool want_any = c.op == ConditionOp::eq || c.op == ConditionOp::contains;
    if (any == want_any)
      return true;
    std::string list;
    size_t shown = 0;
    for (const auto& a : m_o.dns_answers) {
      if (shown == 5) {
        list += ", …";
        break;
      }
      list += shown++ ? ", " : "";
      list += show_word(a);
    }
    std::string seen = m_o.dns_answers.empty() ? "has no answers," : fmt::format("[{}]", list);
    if (m_o.dns_answers.empty())
      why = fmt::format("dns.answer has no answers, {}", expected_tail(c));
    else if (c.op == ConditionOp::eq)
      why = fmt::format("dns.answer {} has no {}", seen, show_value(c));
    else if (c.op == ConditionOp::ne)
      why = fmt::format("dns.answer {} has {}", seen, show_value(c));
    else if (c.op == ConditionOp::contains)
      why = fmt::format("dns.answer {} has none containing {}", seen, quote(c.text));
    else
      why = fmt::format("dns.answer {} has one containing {}", seen, quote(c.text));
    return false;
  }
};

} // namespace

bool Condition::uses_json() const {
  return std::any_of(clauses.begin(), clauses.end(),
                     [](const auto& c) { return c.operand == ConditionOperand::json; });
}

bool Condition::uses_body() const {
  return std::any_of(clauses.begin(), clauses.end(), [](const auto& c) {
    return c.operand == ConditionOperand::json || c.operand == ConditionOperand::body;
  });
}

Expected<Condition> parse_condition(std::string_view text) {
  return Parser(text).run();
}

ConditionResult evaluate(const Condition& c, const MonitorObservation& o) {
  ConditionResult result;
  if (c.nodes.empty()) {
    result.failed.emplace_back("no condition");
    return result;
  }
  Evaluator e(o);
  result.ok = e.node(c, c.root, result.failed, 0);
  return result;
}

std::string_view default_condition_text(MonitorCheckKind kind) {
  switch (kind) {
  case MonitorCheckKind::http:
    return "connected && status < 400";
  case MonitorCheckKind::tcp:
  case MonitorCheckKind::tls:
    return "connected";
  case MonitorCheckKind::dns:
    return "dns.rcode == NOERROR";
  }
  return "connected";
}

Condition default_condition(MonitorCheckKind kind) {
  auto parsed = parse_condition(default_condition_text(kind));
  return parsed ? std::move(parsed).value() : Condition{};
}

} // namespace lg::analyze
