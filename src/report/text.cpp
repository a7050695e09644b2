// The terminal scorecard: a header with the verdict, then per gate (k_gates order) one line per
// check, with findings, evidence and the fix path under every check that needs work. Lines stay
// within 100 columns; untrusted text is made terminal-safe; ANSI SGR colours only on request.

#include "report/common.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace lg::report::detail {

namespace {

constexpr size_t k_width = 100;
constexpr size_t k_detail_indent = 7; // under the severity column, after "[FAIL] "
constexpr size_t k_max_id_column = 30;

constexpr std::string_view k_plain;
constexpr std::string_view k_bold = "\x1b[1m";
constexpr std::string_view k_dim = "\x1b[2m";
constexpr std::string_view k_red = "\x1b[31m";
constexpr std::string_view k_green = "\x1b[32m";
constexpr std::string_view k_yellow = "\x1b[33m";
constexpr std::string_view k_bold_red = "\x1b[1;31m";
constexpr std::string_view k_bold_green = "\x1b[1;32m";
constexpr std::string_view k_bold_yellow = "\x1b[1;33m";
constexpr std::string_view k_reset = "\x1b[0m";

std::string_view status_tag(Status s) {
  switch (s) {
  case Status::pass:
    return "[PASS]";
  case Status::fail:
    return "[FAIL]";
  case Status::warn:
    return "[WARN]";
  case Status::skip:
    return "[SKIP]";
  case Status::error:
    return "[ERR ]";
  }
  return "[ERR ]";
}

std::string_view status_style(Status s) {
  switch (s) {
  case Status::pass:
    return k_green;
  case Status::fail:
  case Status::error:
    return k_red;
  case Status::warn:
    return k_yellow;
  case Status::skip:
    return k_dim;
  }
  return k_plain;
}

std::string_view verdict_style(Verdict v) {
  switch (v) {
  case Verdict::ready:
    return k_bold_green;
  case Verdict::not_ready:
    return k_bold_red;
  case Verdict::incomplete:
    return k_bold_yellow;
  }
  return k_bold;
}

/// A run of text in one style.
struct Span {
  std::string text;
  std::string_view style = k_plain;
  bool atomic = false; ///< one word: broken only when longer than a line
};

class Writer {
public:
  explicit Writer(bool color) : m_color(color) {}

  std::string paint(std::string_view text, std::string_view style) const {
    if (!m_color || style.empty() || text.empty())
      return std::string(text);
    return fmt::format("{}{}{}", style, text, k_reset);
  }

  void line(std::string_view painted = {}) {
    m_out += painted;
    m_out += '\n';
  }

  /// Lays `spans` out in lines of at most k_width columns. The first line starts with `prefix`
  /// (already painted, `prefix_width` columns wide); the others with `indent` spaces. Words longer
  /// than a line are cut.
  void wrapped(std::string_view prefix, size_t prefix_width, size_t indent,
               const std::vector<Span>& spans) {
    struct Word {
      std::string text;
      std::string_view style;
      size_t width;
    };
    size_t room = k_width > indent + 20 ? k_width - indent : 20;
    std::vector<Word> words;
    for (const auto& span : spans) {
      auto parts = span.atomic ? std::vector<std::string>{one_line(terminal_safe(span.text))}
                               : split_words(terminal_safe(span.text));
      for (auto part : parts) {
        size_t w = display_width(part);
        while (w > room) { // cut at a code point boundary
          size_t bytes = 0;
          size_t cps = 0;
          while (cps < room) {
            bytes += decode_utf8(std::string_view(part).substr(bytes)).second;
            ++cps;
          }
          words.push_back({part.substr(0, bytes), span.style, room});
          part.erase(0, bytes);
          w -= room;
        }
        if (!part.empty())
          words.push_back({part, span.style, w});
      }
    }
    std::string current(prefix);
    size_t used = prefix_width;
    std::vector<const Word*> on_line;
    auto flush = [&] {
      // Consecutive words of one style share one escape sequence.
      size_t i = 0;
      while (i < on_line.size()) {
        size_t j = i;
        std::string run;
        while (j < on_line.size() && on_line[j]->style == on_line[i]->style) {
          if (j > i)
            run += ' ';
          run += on_line[j]->text;
          ++j;
        }
        if (i > 0)
          current += ' ';
        current += paint(run, on_line[i]->style);
        i = j;
      }
      line(current);
      current.assign(indent, ' ');
      used = indent;
      on_line.clear();
    };
    for (const auto& word : words) {
      size_t need = on_line.empty() ? word.width : word.width + 1;
      if (!on_line.empty() && used + need > k_width)
        flush(), need = word.width;
      else if (on_line.empty() && used + need > k_width && used > indent)
        flush(); // the prefix itself left no room
      on_line.push_back(&word);
      used += need;
    }
    if (!on_line.empty() || words.empty())
      flush();
  }

  /// `text` (which may hold newlines) as wrapped lines: the first after `prefix`, the rest and
  /// every further source line at `indent`.
  void paragraph(std::string_view prefix, size_t prefix_width, size_t indent, std::string_view text,
                 std::string_view style = k_plain) {
    bool first = true;
    for (auto source_line : split_lines(text)) {
      if (first)
        wrapped(prefix, prefix_width, indent, {{std::string(source_line), style}});
      else if (!trim_view(source_line).empty())
        wrapped(std::string(indent, ' '), indent, indent, {{std::string(source_line), style}});
      first = false;
    }
  }

  std::string take() { return std::move(m_out); }

private:
  static std::string_view trim_view(std::string_view s) {
    while (!s.empty() && s.front() == ' ')
      s.remove_prefix(1);
    return s;
  }

  static std::string one_line(std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    return s;
  }

  static std::vector<std::string> split_words(const std::string& s) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && (s[i] == ' ' || s[i] == '\n'))
        ++i;
      size_t j = i;
      while (j < s.size() && s[j] != ' ' && s[j] != '\n')
        ++j;
      if (j > i)
        out.push_back(s.substr(i, j - i));
      i = j;
    }
    return out;
  }

  bool m_color;
  std::string m_out;
};

std::string pad(std::string_view s, size_t width) {
  std::string out(s);
  size_t w = display_width(s);
  if (w < width)
    out.append(width - w, ' ');
  return out;
}

std::string spaced_caps(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (!out.empty())
      out += ' ';
    out += c;
  }
  return out;
}

void header(Writer& w, const Report& r) {
  w.line(w.paint(
      fmt::format("launchgate {} - launch readiness scorecard", terminal_safe(r.tool_version)),
      k_bold));
  w.line();
  std::string gates;
  for (const auto& g : r.gates)
    gates += (gates.empty() ? "" : ", ") + g;
  w.paragraph("  target   ", 11, 11, r.base_url.empty() ? "(none)" : r.base_url);
  w.paragraph("  started  ", 11, 11,
              fmt::format("{}, took {}", r.started_at.empty() ? "(unknown)" : r.started_at,
                          duration_text(r.duration_ms)));
  w.paragraph("  gates    ", 11, 11, gates.empty() ? "(none)" : gates);
  if (!r.requests.empty()) {
    std::string sent;
    for (const auto& [gate, n] : r.requests)
      sent += fmt::format("{}{} {}", sent.empty() ? "" : ", ", gate, n);
    w.paragraph("  requests ", 11, 11, sent);
  }
  w.line();

  std::string big = spaced_caps(verdict_title(r.verdict));
  std::string why = verdict_explanation(r);
  size_t inner = std::min(std::max(big.size() + 10, why.size()) + 4, k_width - 2);
  std::string rule = "  " + std::string(inner, '=');
  w.line(rule);
  w.line(fmt::format("    VERDICT   {}", w.paint(big, verdict_style(r.verdict))));
  w.paragraph("    ", 4, 4, why);
  w.line(rule);
  w.line();

  Summary s = summarize(r.checks);
  std::vector<std::pair<Status, int>> counts = {{Status::fail, s.fail},
                                                {Status::error, s.error},
                                                {Status::warn, s.warn},
                                                {Status::pass, s.pass},
                                                {Status::skip, s.skip}};
  std::string summary = " ";
  for (const auto& [status, n] : counts) {
    std::string item = fmt::format("{} {}", n, to_string(status));
    summary += status == Status::fail ? " " : "   ";
    summary += n > 0 ? w.paint(item, status_style(status)) : item;
  }
  w.line(summary);
}

void finding_lines(Writer& w, const Finding& f) {
  constexpr size_t k_inner = k_detail_indent + 2;
  w.paragraph(std::string(k_detail_indent, ' ') + "- ", k_inner, k_inner,
              f.message.empty() ? "(no message)" : f.message);
  std::vector<Span> evidence;
  if (!f.rule.empty())
    evidence.push_back({"rule=" + f.rule, k_plain, true});
  for (const auto& p : pairs_of(f.evidence))
    evidence.push_back({fmt::format("{}={}", p.key, p.compact), k_plain, true});
  if (!evidence.empty())
    w.wrapped(std::string(k_inner, ' '), k_inner, k_inner, evidence);
  auto locations = all_locations(f);
  if (!locations.empty()) {
    std::string at = "at";
    for (size_t i = 0; i < locations.size(); ++i)
      at += (i == 0 ? " " : ", ") + location_text(locations[i]);
    w.paragraph(std::string(k_inner, ' '), k_inner, k_inner + 3, at);
  }
}

void check_lines(Writer& w, const CheckResult& c, size_t id_column) {
  std::string prefix =
      fmt::format("{} {}  {}  ", w.paint(status_tag(c.status), status_style(c.status)),
                  pad(to_string(c.meta.severity), 8), pad(c.meta.id, id_column));
  size_t prefix_width = 6 + 1 + 8 + 2 + std::max(id_column, display_width(c.meta.id)) + 2;
  std::vector<Span> spans = {{c.meta.title.empty() ? c.meta.id : c.meta.title, k_plain}};
  if (c.status == Status::skip && !c.reason.empty())
    spans.push_back({"(" + c.reason + ")", k_dim});
  size_t title_indent = std::min(prefix_width, k_width / 2);
  w.wrapped(prefix, prefix_width, title_indent, spans);

  const std::string indent(k_detail_indent, ' ');
  if (needs_work(c.status)) {
    if (!c.reason.empty()) {
      if (c.status == Status::error)
        w.paragraph(indent + w.paint("could not run:", k_red) + " ", k_detail_indent + 15,
                    k_detail_indent, c.reason);
      else
        w.paragraph(indent, k_detail_indent, k_detail_indent, c.reason);
    }
    for (const auto& f : c.findings)
      finding_lines(w, f);
  }
  for (const auto& m : measurement_list(c.measurements)) {
    std::vector<Span> figures;
    for (const auto& p : pairs_of(m))
      figures.push_back({fmt::format("{}={}", p.key, p.compact), k_plain, true});
    w.wrapped(indent + "measured: ", k_detail_indent + 10, k_detail_indent + 10, figures);
  }
  if (needs_work(c.status) && !c.meta.fix.empty())
    w.paragraph(indent + "fix: ", k_detail_indent + 5, k_detail_indent + 5,
                fmt::format("{} (~{} h)", c.meta.fix, hours_text(c.meta.effort_hours)));
}

void footer(Writer& w, const Report& r) {
  auto todo = fix_list(r);
  std::vector<const CheckResult*> must;
  std::vector<const CheckResult*> should;
  for (const auto* c : todo)
    (c->status == Status::warn ? should : must).push_back(c);
  w.line(std::string(k_width, '-'));
  if (todo.empty()) {
    w.line("Nothing to fix.");
    return;
  }
  std::string text =
      fmt::format("Effort to fix: ~{} h for {} failing or erroring check{}",
                  hours_text(total_effort(must)), must.size(), must.size() == 1 ? "" : "s");
  if (!should.empty())
    text += fmt::format(", ~{} h for {} warning{}", hours_text(total_effort(should)), should.size(),
                        should.size() == 1 ? "" : "s");
  w.paragraph("", 0, 0, text + ". Work top to bottom: security gates come first.");
}

} // namespace

std::string render_text(const Report& report, const RenderOptions& options) {
  Writer w(options.color);
  header(w, report);

  size_t id_column = 0;
  for (const auto& c : report.checks)
    if (c.status != Status::skip || c.skip_kind != SkipKind::not_implemented)
      id_column = std::max(id_column, display_width(c.meta.id));
  id_column = std::min(id_column, k_max_id_column);

  for (const auto& group : group_by_gate(report)) {
    w.line();
    std::string name = ascii_upper(terminal_safe(group.gate));
    std::string counts = status_counts(group.checks);
    size_t used = display_width(name) + counts.size() + 2;
    std::string fill(used < k_width ? k_width - used : 2, '-');
    w.line(fmt::format("{} {} {}", w.paint(name, k_bold), fill, counts));
    // Checks not implemented yet share one line per gate: the scorecard stays about the target.
    std::vector<std::string> planned;
    for (const auto* c : group.checks) {
      if (c->status == Status::skip && c->skip_kind == SkipKind::not_implemented)
        planned.push_back(terminal_safe(c->meta.id));
      else
        check_lines(w, *c, id_column);
    }
    if (!planned.empty()) {
      std::vector<Span> ids;
      for (size_t i = 0; i < planned.size(); ++i)
        ids.push_back({planned[i] + (i + 1 < planned.size() ? "," : ""), k_dim});
      std::string prefix =
          fmt::format("{} not implemented yet: ",
                      w.paint(status_tag(Status::skip), status_style(Status::skip)));
      w.wrapped(prefix, 6 + 22, 6 + 22, ids);
    }
  }
  w.line();
  footer(w, report);
  return w.take();
}

} // namespace lg::report::detail
