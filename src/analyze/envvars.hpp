#pragma once
// The environment variables a repository reads and documents, for deploy.config: reads in source
// code (JS/TS, Python, Ruby, Go, C/C++, PHP, Java), `${X}` placeholders in Spring and Compose
// files, Dockerfile ENV/ARG definitions, env files (`KEY=value`) and names in Markdown code
// formatting. Pure and bounded: hand scanners, no regex, no I/O.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lg::analyze {

/// How a file is scanned for environment variables, from its name.
enum class EnvSource {
  none, ///< not scanned
  code, ///< .js .jsx .mjs .cjs .ts .tsx .vue .svelte .py .rb .go .c .cc .cpp .h .hpp .php .java .kt
  spring,     ///< application*.properties / application*.yml / application*.yaml: `${X}`
  compose,    ///< docker-compose*.yml, compose*.yml (and .yaml): `${X}`
  dockerfile, ///< Dockerfile, Dockerfile.*, *.dockerfile: ENV and ARG define variables
};

/// The kind of scan for a file named `filename` (its last path component).
EnvSource env_source_for(std::string_view filename);

/// One read of a variable, or one definition by a Dockerfile.
struct EnvUse {
  std::string name;
  size_t line = 1;          ///< 1-based
  bool has_default = false; ///< Dockerfile `ARG X=v` / `ENV X v`; `${X:v}` / `${X:-v}`
};

struct EnvScan {
  std::vector<EnvUse> uses;    ///< reads, in order of appearance
  std::vector<EnvUse> defined; ///< Dockerfile ENV/ARG (these define, not read)
  size_t dynamic = 0;          ///< reads whose name is not a literal (`process.env[key]`)
};

/// At most this many bytes of a file are scanned.
inline constexpr size_t k_env_max_text = 2U << 20;
/// At most this many uses (and as many definitions) are kept per file.
inline constexpr size_t k_env_max_uses = 10000;

/// The reads (and Dockerfile definitions) in `text`, scanned as `source`. Code: `process.env.X`,
/// `process.env["X"]`, `const { A, B } = process.env`, `import.meta.env.X`; `os.environ["X"]`,
/// `environ.get("X")`, `os.getenv("X")`; `ENV["X"]`, `ENV.fetch("X")`; `os.Getenv("X")`,
/// `os.LookupEnv("X")`; `getenv("X")`, `std::getenv`, `secure_getenv`; `getenv('X')`,
/// `$_ENV['X']`; `System.getenv("X")`. A name that is not a literal counts in `dynamic`.
EnvScan scan_env_uses(std::string_view text, EnvSource source);

/// True for a name an environment variable can have here: [A-Za-z_][A-Za-z0-9_]*, 1–128 chars.
bool is_env_name(std::string_view name);

/// One `KEY=value` of an env file.
struct EnvEntry {
  std::string key;
  std::string value; ///< unquoted; the secret scan's input (never print it)
  size_t line = 1;
};

/// An env file (`.env.example`, a deploy's staging.env): `KEY=value`, `export KEY=value`, values
/// in single or double quotes (`\n`, `\"` unescaped in double quotes), `#` comments (after a
/// blank in an unquoted value), blank lines. Lines that are none of these are skipped and counted.
struct EnvFile {
  std::vector<EnvEntry> entries; ///< in file order; a repeated key appears twice
  size_t skipped = 0;            ///< lines that are no assignment
};
EnvFile parse_env_file(std::string_view text);

/// The variable names a Markdown text documents: every whole word in code formatting (an inline
/// code span or a fenced block) that looks like an environment variable — [A-Z_][A-Z0-9_]*, at
/// least two characters, no lowercase. Sorted, unique.
std::vector<std::string> env_names_in_markdown(std::string_view text);

/// True for variables a platform or runtime sets or reads by convention (PORT, NODE_ENV, PATH,
/// HOME, TZ, …): documenting one that the code does not read is no problem.
bool is_platform_env(std::string_view name);

} // namespace lg::analyze
