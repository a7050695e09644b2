// Recognises what error answers must not carry (input.error-disclosure; OWASP API8:2023, CWE-209):
// stack traces of the common runtimes, database error messages (the texts error-based SQL
// injection tools look for), source paths with line numbers, and framework debug pages. Fixed
// markers, matched case-sensitively as the runtimes print them, plus one scanner for
// "path/file.ext:LINE".

#include "analyze/disclosure.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

namespace lg::analyze {
namespace {

struct Marker {
  const char* kind;
  std::string_view text;
};

constexpr auto k_markers = std::to_array<Marker>({
    // stack traces
    {"stack trace", "Traceback (most recent call last)"},
    {"stack trace", "Exception in thread \""},
    {"stack trace", "\tat java."},
    {"stack trace", "\tat org."},
    {"stack trace", "\tat com."},
    {"stack trace", "at Object.<anonymous>"},
    {"stack trace", "at Module._compile"},
    {"stack trace", "(node:internal/"},
    {"stack trace", "goroutine 1 [running]"},
    {"stack trace", "panic: runtime error"},
    {"stack trace", "terminate called after throwing"},
    {"stack trace", "\n#0 0x"},
    {"stack trace", "\n#1 0x"},
    {"stack trace", "Stack trace:\n#0"},
    {"stack trace", "   at System."},
    {"stack trace", "System.NullReferenceException"},
    {"stack trace", "' panicked at "},
    {"stack trace", "from /usr/lib/ruby"},
    // database errors
    {"database error", "SQLSTATE["},
    {"database error", "You have an error in your SQL syntax"},
    {"database error", "syntax error at or near"},
    {"database error", "unterminated quoted string at or near"},
    {"database error", "Unclosed quotation mark after the character string"},
    {"database error", "quoted string not properly terminated"},
    {"database error", "ORA-00933"},
    {"database error", "ORA-01756"},
    {"database error", "SQLITE_ERROR"},
    {"database error", "sqlite3.OperationalError"},
    {"database error", "SQLite3::SQLException"},
    {"database error", "unrecognized token: \""},
    {"database error", "SQL logic error"},
    {"database error", "PG::SyntaxError"},
    {"database error", "psycopg2.errors."},
    {"database error", "org.postgresql.util.PSQLException"},
    {"database error", "com.mysql.jdbc"},
    {"database error", "MySqlException"},
    {"database error", "Microsoft OLE DB Provider for"},
    {"database error", "[ODBC SQL Server Driver]"},
    {"database error", "SequelizeDatabaseError"},
    {"database error", "QueryFailedError"},
    {"database error", "MongoServerError"},
    {"database error", "CastError: Cast to ObjectId failed"},
    // debug pages
    {"debug page", "Werkzeug Debugger"},
    {"debug page", "You're seeing this error because you have <code>DEBUG = True</code>"},
    {"debug page", "Whoops! There was an error."},
    {"debug page", "Rails.root: "},
    {"debug page", "<title>Action Controller: Exception caught</title>"},
    {"debug page", "Symfony\\Component\\ErrorHandler"},
});

constexpr auto k_source_extensions = std::to_array<std::string_view>(
    {".py", ".java", ".cpp", ".cc", ".c", ".h", ".hpp", ".go", ".js", ".ts", ".mjs", ".rb", ".php",
     ".cs", ".rs", ".kt", ".scala", ".ex", ".exs"});

std::string one_line(std::string_view body, size_t at, size_t length) {
  size_t start = at > 40 ? at - 40 : 0;
  size_t end = std::min(body.size(), at + length + 60);
  std::string out(body.substr(start, end - start));
  for (char& c : out)
    if (c == '\n' || c == '\r' || c == '\t')
      c = ' ';
  return out.substr(0, 120);
}

/// "/dir/file.ext:123" (or "\dir\file.ext:123"): a source path with a line number.
std::optional<Disclosure> source_path(std::string_view body) {
  for (size_t colon = body.find(':'); colon != std::string_view::npos;
       colon = body.find(':', colon + 1)) {
    if (colon + 1 >= body.size() || !std::isdigit(static_cast<unsigned char>(body[colon + 1])))
      continue;
    for (auto ext : k_source_extensions) {
      if (colon < ext.size() || body.substr(colon - ext.size(), ext.size()) != ext)
        continue;
      // A separator in the file name before the extension: a path, not "a.c:1" in prose.
      size_t start = colon - ext.size();
      while (start > 0 &&
             (std::isalnum(static_cast<unsigned char>(body[start - 1])) || body[start - 1] == '_' ||
              body[start - 1] == '-' || body[start - 1] == '.'))
        --start;
      if (start == 0 || (body[start - 1] != '/' && body[start - 1] != '\\'))
        continue;
      return Disclosure{"source path", std::string(body.substr(start, colon + 2 - start)),
                        one_line(body, start, colon + 2 - start)};
    }
  }
  return std::nullopt;
}

} // namespace

std::vector<Disclosure> find_disclosures(std::string_view body) {
  body = body.substr(0, std::min<size_t>(body.size(), 256 * 1024));
  std::vector<Disclosure> out;
  auto have = [&](std::string_view kind) {
    return std::any_of(out.begin(), out.end(), [&](const Disclosure& d) { return d.kind == kind; });
  };
  for (const auto& m : k_markers) {
    if (have(m.kind))
      continue;
    size_t at = body.find(m.text);
    if (at != std::string_view::npos)
      out.push_back({m.kind, std::string(m.text), one_line(body, at, m.text.size())});
  }
  if (auto path = source_path(body))
    out.push_back(std::move(*path));
  return out;
}

bool has_database_error(std::string_view body) {
  body = body.substr(0, std::min<size_t>(body.size(), 256 * 1024));
  return std::any_of(k_markers.begin(), k_markers.end(), [&](const Marker& m) {
    return std::string_view(m.kind) == "database error" &&
           body.find(m.text) != std::string_view::npos;
  });
}

} // namespace lg::analyze
