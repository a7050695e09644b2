// analyze/envvars: reads of environment variables in each language, placeholders, Dockerfile
// definitions, env files and names in Markdown code formatting.

#include "analyze/envvars.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lg::analyze {
namespace {

/// "NAME@line" for each use, in order.
std::vector<std::string> uses(const std::string& text, EnvSource source = EnvSource::code) {
  std::vector<std::string> out;
  for (const auto& u : scan_env_uses(text, source).uses)
    out.push_back(u.name + "@" + std::to_string(u.line));
  return out;
}

using Names = std::vector<std::string>;

TEST(EnvVars, JavaScriptReadsIncludingDestructuring) {
  auto scan = scan_env_uses("const a = process.env.DB_URL;\n"
                            "const b = process.env['API_KEY'] || process.env[\"SMTP_HOST\"];\n"
                            "const {\n  SESSION_SECRET,\n  PORT: port = 3000,\n  ...rest\n} = "
                            "process.env;\n"
                            "const c = process.env[name];\n"
                            "const d = import.meta.env.VITE_API;\n"
                            "const e = myprocess.env.NOT_THIS;\n",
                            EnvSource::code);
  Names got;
  for (const auto& u : scan.uses)
    got.push_back(u.name + "@" + std::to_string(u.line));
  EXPECT_EQ(got, (Names{"DB_URL@1", "API_KEY@2", "SMTP_HOST@2", "SESSION_SECRET@4", "PORT@5",
                        "VITE_API@9"}));
  EXPECT_EQ(scan.dynamic, 1u);
}

TEST(EnvVars, PythonRubyGoCPhpJava) {
  EXPECT_EQ(uses("os.environ[\"A\"]\nos.environ.get('B', 'x')\nos.getenv(\"C\")\n"
                 "environ['D']\n"),
            (Names{"A@1", "B@2", "C@3", "D@4"}));
  EXPECT_EQ(uses("x = ENV[\"R1\"]\ny = ENV.fetch('R2') { 'd' }\nz = MY_ENV['NO']\n"),
            (Names{"R1@1", "R2@2"}));
  EXPECT_EQ(uses("v := os.Getenv(\"G1\")\nw, ok := os.LookupEnv(\"G2\")\n"),
            (Names{"G1@1", "G2@2"}));
  EXPECT_EQ(uses("getenv(\"C1\"); std::getenv(\"C2\"); secure_getenv(\"C3\"); mygetenv(\"NO\");"),
            (Names{"C1@1", "C2@1", "C3@1"}));
  EXPECT_EQ(uses("$a = getenv('P1');\n$b = $_ENV['P2'];\n"), (Names{"P1@1", "P2@2"}));
  EXPECT_EQ(uses("String s = System.getenv(\"J1\");\nMap m = System.getenv();\n"), (Names{"J1@1"}));
  auto dynamic = scan_env_uses("os.getenv(key); ENV[name]; getenv(\"bad name\")", EnvSource::code);
  EXPECT_TRUE(dynamic.uses.empty());
  EXPECT_EQ(dynamic.dynamic, 3u);
}

TEST(EnvVars, PlaceholdersInSpringAndCompose) {
  auto spring = scan_env_uses("spring.datasource.url=${DATABASE_URL}\n"
                              "server.port=${PORT:8080}\n"
                              "name=${spring.application.name}\n",
                              EnvSource::spring);
  ASSERT_EQ(spring.uses.size(), 2u);
  EXPECT_EQ(spring.uses[0].name, "DATABASE_URL");
  EXPECT_FALSE(spring.uses[0].has_default);
  EXPECT_TRUE(spring.uses[1].has_default);
  EXPECT_EQ(uses("  - A=${A}\n  - B=${B:-x}\n  - C=${C:?need C}\n", EnvSource::compose),
            (Names{"A@1", "B@2", "C@3"}));
}

TEST(EnvVars, DockerfileDefinesWithAndWithoutDefaults) {
  auto scan = scan_env_uses("FROM node:20\nARG NODE_VERSION=20\nARG BUILD_ID\n"
                            "ENV APP_HOME=/app LOG_FORMAT=\"json text\"\nenv LEGACY some value\n",
                            EnvSource::dockerfile);
  EXPECT_TRUE(scan.uses.empty());
  std::vector<std::string> got;
  for (const auto& d : scan.defined)
    got.push_back(d.name + (d.has_default ? "=" : ""));
  EXPECT_EQ(got, (Names{"NODE_VERSION=", "BUILD_ID", "APP_HOME=", "LOG_FORMAT=", "LEGACY="}));
}

TEST(EnvVars, SourceKindFromTheFileName) {
  EXPECT_EQ(env_source_for("server.js"), EnvSource::code);
  EXPECT_EQ(env_source_for("main.cpp"), EnvSource::code);
  EXPECT_EQ(env_source_for("types.d.ts"), EnvSource::none);
  EXPECT_EQ(env_source_for("application-prod.yml"), EnvSource::spring);
  EXPECT_EQ(env_source_for("application.properties"), EnvSource::spring);
  EXPECT_EQ(env_source_for("docker-compose.prod.yaml"), EnvSource::compose);
  EXPECT_EQ(env_source_for("Dockerfile"), EnvSource::dockerfile);
  EXPECT_EQ(env_source_for("web.dockerfile"), EnvSource::dockerfile);
  EXPECT_EQ(env_source_for("README.md"), EnvSource::none);
}

TEST(EnvVars, EnvFilesWithExportQuotesAndComments) {
  auto file = parse_env_file("# the database\n\nexport DATABASE_URL=\"postgres://u@h/db\"\n"
                             "SECRET='a b # c'\nPORT=3000 # local\nEMPTY=\n"
                             "ESCAPED=\"line\\nnext \\\"q\\\"\"\nnot an assignment\n=nokey\n");
  ASSERT_EQ(file.entries.size(), 5u);
  EXPECT_EQ(file.entries[0].key, "DATABASE_URL");
  EXPECT_EQ(file.entries[0].value, "postgres://u@h/db");
  EXPECT_EQ(file.entries[0].line, 3u);
  EXPECT_EQ(file.entries[1].value, "a b # c");
  EXPECT_EQ(file.entries[2].value, "3000");
  EXPECT_EQ(file.entries[3].value, "");
  EXPECT_EQ(file.entries[4].value, "line\nnext \"q\"");
  EXPECT_EQ(file.skipped, 2u);
}

TEST(EnvVars, MarkdownNamesInCodeFormattingOnly) {
  auto names = env_names_in_markdown("Set `DATABASE_URL` and ``SESSION_SECRET=x``; SMTP_HOST "
                                     "in prose does not count, nor `lowercase` or `X`.\n"
                                     "```sh\nexport STRIPE_KEY=sk_test_xxx\n```\n"
                                     "Unclosed `TAIL\n");
  EXPECT_EQ(names, (Names{"DATABASE_URL", "SESSION_SECRET", "STRIPE_KEY"}));
}

TEST(EnvVars, PlatformVariablesAndNames) {
  EXPECT_TRUE(is_platform_env("PORT"));
  EXPECT_TRUE(is_platform_env("NODE_ENV"));
  EXPECT_FALSE(is_platform_env("STRIPE_KEY"));
  EXPECT_TRUE(is_env_name("_A1"));
  EXPECT_FALSE(is_env_name("1A"));
  EXPECT_FALSE(is_env_name("A-B"));
  EXPECT_FALSE(is_env_name(std::string(129, 'A')));
}

TEST(EnvVars, HugeAndHostileInputStaysBounded) {
  std::string text;
  for (int i = 0; i < 20000; ++i)
    text += "} = process.env process.env[ getenv(\" ${ `";
  auto scan = scan_env_uses(text, EnvSource::code);
  EXPECT_LE(scan.uses.size(), k_env_max_uses);
  auto compose = scan_env_uses(text, EnvSource::compose);
  EXPECT_TRUE(compose.uses.empty());
  EXPECT_TRUE(env_names_in_markdown(text).empty());
}

} // namespace
} // namespace lg::analyze
