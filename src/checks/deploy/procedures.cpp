// The written procedures deploy.rollback and deploy.handover look for: rollback sections of the
// repository's operator documents (analyze/markdown: a heading that names a release rollback,
// with steps under it), whole ROLLBACK* files, the runbook files, and the owners of a CODEOWNERS
// file (GitHub's lookup order: .github/, the root, docs/). Bounded: repo_docs's limits, 12 quoted
// lines, 20 commands and 50 owners.

#include "checks/deploy/procedures.hpp"

#include "analyze/markdown.hpp"
#include "checks/deploy/repo.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace lg::checks::deploy {
namespace {

namespace fs = std::filesystem;

constexpr size_t k_max_line_bytes = 200;
constexpr size_t k_max_commands = 20;
constexpr size_t k_max_dry_runs = 5;
constexpr size_t k_max_owners = 50;
constexpr size_t k_max_owner_bytes = 100;
constexpr size_t k_max_codeowners_bytes = 1U << 20;

/// The lower-case words (runs of letters and digits) of `text`, at most 64.
std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0) {
      word += static_cast<char>(std::tolower(u));
      continue;
    }
    if (!word.empty() && out.size() < 64)
      out.push_back(std::move(word));
    word.clear();
  }
  if (!word.empty() && out.size() < 64)
    out.push_back(std::move(word));
  return out;
}

bool any_of_words(const std::vector<std::string>& words,
                  std::initializer_list<std::string_view> set) {
  return std::any_of(words.begin(), words.end(), [&](const std::string& w) {
    return std::find(set.begin(), set.end(), w) != set.end();
  });
}

/// `s` cut to at most `max` bytes without splitting a UTF-8 sequence.
std::string cut(std::string_view s, size_t max) {
  if (s.size() <= max)
    return std::string(s);
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80)
    --end;
  return std::string(s.substr(0, end)) + "…";
}

std::string basename_lower(const std::string& rel) {
  auto slash = rel.rfind('/');
  return to_lower(slash == std::string::npos ? rel : rel.substr(slash + 1));
}

/// True when a line says nothing yet: blank, or only a TODO/TBD marker.
bool placeholder_line(std::string_view line) {
  auto words = words_of(line);
  if (words.empty())
    return true;
  static const std::set<std::string> k_markers = {"todo", "tbd", "fixme", "wip",    "xxx",
                                                  "n",    "a",   "na",    "coming", "soon"};
  return std::all_of(words.begin(), words.end(),
                     [](const std::string& w) { return k_markers.count(w) != 0; });
}

bool has_steps(const std::vector<std::string>& lines) {
  return std::any_of(lines.begin(), lines.end(),
                     [](const std::string& l) { return !placeholder_line(l); });
}

std::vector<std::string> excerpt_of(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < lines.size() && trim(lines[i]).empty())
    ++i;
  for (; i < lines.size() && out.size() < k_procedure_excerpt_lines; ++i) {
    std::string_view line = lines[i];
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    out.push_back(cut(line, k_max_line_bytes));
  }
  while (!out.empty() && out.back().empty())
    out.pop_back();
  return out;
}

bool names_dry_run(std::string_view text) {
  std::string lower = to_lower(text);
  for (const char* marker : {"dry-run", "dry_run", "dryrun", "--dry"})
    if (lower.find(marker) != std::string::npos)
      return true;
  return false;
}

/// The inline code spans of `line` (a backtick run closed by one of the same length).
std::vector<std::string> code_spans(std::string_view line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size() && out.size() < 16) {
    size_t open = line.find('`', i);
    if (open == std::string_view::npos)
      break;
    size_t width = line.find_first_not_of('`', open);
    if (width == std::string_view::npos)
      break;
    width -= open;
    std::string fence(width, '`');
    size_t close = line.find(fence, open + width);
    while (close != std::string_view::npos && close + width < line.size() &&
           line[close + width] == '`')
      close = line.find(fence, line.find_first_not_of('`', close));
    if (close == std::string_view::npos)
      break;
    out.emplace_back(trim(line.substr(open + width, close - open - width)));
    i = close + width;
  }
  return out;
}

void add_unique(std::vector<std::string>& list, std::string value, size_t max) {
  if (value.empty() || list.size() >= max ||
      std::find(list.begin(), list.end(), value) != list.end())
    return;
  list.push_back(std::move(value));
}

/// Fills the commands and dry runs of `p` from `blocks` and `lines`.
void collect_commands(RollbackProcedure& p, const std::vector<analyze::MarkdownCode>& blocks,
                      const std::vector<std::string>& lines) {
  for (const auto& block : blocks)
    for (auto& command : analyze::shell_commands(block)) {
      if (names_dry_run(command))
        add_unique(p.dry_runs, cut(command, k_max_line_bytes), k_max_dry_runs);
      add_unique(p.commands, cut(command, k_max_line_bytes), k_max_commands);
    }
  for (const auto& line : lines)
    for (auto& span : code_spans(line))
      if (names_dry_run(span))
        add_unique(p.dry_runs, cut(span, k_max_line_bytes), k_max_dry_runs);
}

bool is_runbook(const std::string& rel) {
  std::string name = basename_lower(rel);
  for (const char* prefix : {"runbook", "operations", "handover", "rollback"})
    if (name.rfind(prefix, 0) == 0)
      return true;
  return name.find("runbook") != std::string::npos || rel.rfind("runbooks/", 0) == 0;
}

} // namespace

std::string RollbackProcedure::where() const {
  return fmt::format("{}:{}", file, line);
}

bool is_rollback_heading(std::string_view heading) {
  // An identifier is not a procedure: `deploy.rollback` (a check id), `run_rollback` (a key).
  const std::string lower = to_lower(heading);
  for (size_t at = lower.find("rollback"); at != std::string::npos;
       at = lower.find("rollback", at + 1))
    if ((at > 0 && (lower[at - 1] == '.' || lower[at - 1] == '_')) ||
        (at + 8 < lower.size() && lower[at + 8] == '_'))
      return false;
  auto words = words_of(heading);
  if (words.empty())
    return false;
  // Rollbacks of a transaction or of a test's data are not a release's.
  if (any_of_words(words, {"transaction", "transactions", "savepoint", "savepoints", "test",
                           "tests", "unittest", "fixture", "fixtures", "spec", "specs"}))
    return false;
  bool rollback = any_of_words(words, {"rollback", "rollbacks", "rollbacking"});
  for (size_t i = 0; i + 1 < words.size(); ++i)
    if ((words[i] == "roll" || words[i] == "rolling" || words[i] == "rolled" ||
         words[i] == "rolls") &&
        words[i + 1] == "back")
      rollback = true;
  if (rollback)
    return true;
  // Revert, restore and downgrade: about a release, or standing alone.
  const bool revert = any_of_words(words, {"revert", "reverting", "reverts", "reverted"});
  const bool downgrade = any_of_words(words, {"downgrade", "downgrading", "downgrades"});
  const bool restore = any_of_words(words, {"restore", "restoring", "restores"});
  if (!revert && !downgrade && !restore)
    return false;
  if (any_of_words(words, {"release", "releases", "deploy", "deploys", "deployment", "deployments",
                           "version", "versions", "production", "previous"}))
    return true;
  if (restore)
    return false; // "Restore a backup", "Restoring the database"
  return std::all_of(words.begin(), words.end(), [](const std::string& w) {
    static const std::set<std::string> k_alone = {"revert", "reverting", "downgrade", "downgrading",
                                                  "how",    "to",        "a",         "the"};
    return k_alone.count(w) != 0;
  });
}

std::vector<RollbackProcedure> rollback_procedures(std::string_view text, const std::string& path,
                                                   std::vector<EmptyProcedure>* empty) {
  auto sections = analyze::markdown_sections(text);
  std::vector<RollbackProcedure> out;

  if (basename_lower(path).rfind("rollback", 0) == 0) {
    // A file of its own: all of it is the procedure.
    std::vector<std::string> lines;
    std::vector<analyze::MarkdownCode> blocks;
    std::set<size_t> seen_blocks;
    std::string heading;
    for (const auto& s : sections) {
      if (heading.empty() && s.level > 0)
        heading = s.heading;
      for (const auto& block : s.code)
        if (seen_blocks.insert(block.line).second)
          blocks.push_back(block);
    }
    for (auto line : split_lines(text)) {
      if (lines.size() >= 4 * k_procedure_excerpt_lines)
        break;
      lines.emplace_back(line);
    }
    std::set<size_t> heading_lines;
    for (const auto& s : sections)
      if (s.level > 0)
        heading_lines.insert(s.line);
    std::vector<std::string> text_lines; // the lines that are not headings or underlines
    for (size_t i = 0; i < lines.size(); ++i) {
      std::string_view t = trim(lines[i]);
      bool underline = !t.empty() && (t[0] == '=' || t[0] == '-') &&
                       t.find_first_not_of(t[0]) == std::string_view::npos;
      if (!underline && heading_lines.count(i + 1) == 0)
        text_lines.push_back(lines[i]);
    }
    if (!has_steps(text_lines)) {
      if (empty != nullptr)
        empty->push_back({path, 1, heading.empty() ? basename_lower(path) : heading});
      return out;
    }
    RollbackProcedure p;
    p.file = path;
    p.line = 1;
    auto slash = path.rfind('/');
    p.heading = heading.empty() ? path.substr(slash == std::string::npos ? 0 : slash + 1) : heading;
    p.excerpt = excerpt_of(lines);
    collect_commands(p, blocks, lines);
    out.push_back(std::move(p));
    return out;
  }

  std::vector<const analyze::MarkdownSection*> matching;
  for (const auto& s : sections)
    if (s.level > 0 && is_rollback_heading(s.heading))
      matching.push_back(&s);
  for (const auto* s : matching) {
    // A rollback section inside this one is the more precise quote.
    bool has_inner = std::any_of(matching.begin(), matching.end(), [&](const auto* t) {
      return t != s && t->line > s->line && t->line <= s->end_line;
    });
    if (has_inner)
      continue;
    if (!has_steps(s->body)) {
      if (empty != nullptr)
        empty->push_back({path, s->line, s->heading});
      continue;
    }
    RollbackProcedure p;
    p.file = path;
    p.line = s->line;
    p.heading = cut(s->heading, k_max_line_bytes);
    p.excerpt = excerpt_of(s->body);
    collect_commands(p, s->code, s->body);
    out.push_back(std::move(p));
  }
  return out;
}

Procedures find_procedures(const fs::path& repo) {
  Procedures out;
  auto docs = repo_docs(repo);
  for (const auto& doc : docs) {
    out.documents.push_back(doc.path);
    if (is_runbook(doc.path))
      out.runbooks.push_back(doc.path);
    for (auto& p : rollback_procedures(doc.text, doc.path, &out.empty))
      out.rollback.push_back(std::move(p));
  }
  return out;
}

std::vector<std::string> codeowners_owners(std::string_view text) {
  if (text.size() > k_max_codeowners_bytes)
    text = text.substr(0, k_max_codeowners_bytes);
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size() && out.size() < k_max_owners) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos)
      end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (auto hash = line.find('#'); hash != std::string_view::npos)
      line = line.substr(0, hash);
    // The first field is the pattern; the owners follow it.
    bool pattern = true;
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i])) != 0)
        ++i;
      size_t j = i;
      while (j < line.size() && std::isspace(static_cast<unsigned char>(line[j])) == 0)
        ++j;
      if (j == i)
        break;
      std::string_view field = line.substr(i, j - i);
      i = j;
      if (pattern) {
        pattern = false;
        continue;
      }
      auto at = field.find('@');
      bool owner = field.size() <= k_max_owner_bytes && at != std::string_view::npos &&
                   (at == 0 ? field.size() > 1 : at + 1 < field.size());
      if (owner)
        add_unique(out, std::string(field), k_max_owners);
    }
  }
  return out;
}

CodeOwners find_codeowners(const fs::path& repo) {
  for (const char* rel : {".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"}) {
    std::error_code ec;
    if (fs::is_symlink(repo / rel, ec) || !fs::is_regular_file(repo / rel, ec))
      continue;
    if (auto text = read_text_file(repo / rel, k_max_codeowners_bytes))
      return {rel, codeowners_owners(*text)};
  }
  return {};
}

std::string mask_secrets(std::string_view text, const secrets::Matcher& matcher) {
  std::string out;
  size_t done = 0;
  for (const auto& match : matcher.scan(text)) {
    if (match.offset < done || match.offset > text.size() || match.secret.empty() ||
        text.substr(match.offset, match.secret.size()) != match.secret)
      continue;
    out.append(text.substr(done, match.offset - done));
    out += redact(match.secret);
    done = match.offset + match.secret.size();
  }
  out.append(text.substr(done));
  return out;
}

} // namespace lg::checks::deploy
