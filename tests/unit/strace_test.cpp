// analyze/strace: successful opens with the kernel's path (reads and writes, directories left
// out), program starts with their arguments, failures and noise ignored, escapes decoded.

#include "analyze/strace.hpp"

#include <gtest/gtest.h>

namespace lg::analyze {
namespace {

TEST(Strace, OpensAndProgramStarts) {
  Trace trace;
  parse_strace(
      R"(execve("/usr/bin/node", ["node", "scripts/build.js"], 0x7ffd6b3c0a18 /* 9 vars */) = 0
openat(AT_FDCWD</tmp/c/app>, "package.json", O_RDONLY|O_CLOEXEC) = 17</tmp/c/app/package.json>
openat(AT_FDCWD</tmp/c/app>, "missing.json", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)
openat(AT_FDCWD</tmp/c/app>, "dist", O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY) = 18</tmp/c/app/dist>
openat(AT_FDCWD</tmp/c/app>, "dist/server.js", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 19</tmp/c/app/dist/server.js>
open("/etc/ld.so.cache", O_RDONLY) = 3</etc/ld.so.cache>
creat("/tmp/x y", 0644) = 4</tmp/x y>
execve("/usr/local/bin/npx", ["npx"], 0x1 /* 2 vars */) = -1 ENOENT (No such file or directory)
read(3, "\177ELF", 4) = 4
+++ exited with 0 +++
--- SIGCHLD {si_signo=SIGCHLD} ---
)",
      trace);
  ASSERT_EQ(trace.execs.size(), 1u);
  EXPECT_EQ(trace.execs[0], (std::vector<std::string>{"node", "scripts/build.js"}));
  ASSERT_EQ(trace.opens.size(), 4u);
  EXPECT_EQ(trace.opens[0].path, "/tmp/c/app/package.json");
  EXPECT_FALSE(trace.opens[0].write);
  EXPECT_EQ(trace.opens[1].path, "/tmp/c/app/dist/server.js");
  EXPECT_TRUE(trace.opens[1].write);
  EXPECT_EQ(trace.opens[2].path, "/etc/ld.so.cache");
  EXPECT_EQ(trace.opens[3].path, "/tmp/x y");
  EXPECT_TRUE(trace.opens[3].write);
  EXPECT_EQ(trace.unparsed, 0u);
}

TEST(Strace, EscapesInArgumentsAndPaths) {
  Trace trace;
  parse_strace(R"(execve("/bin/sh", ["sh", "-c", "echo \"a = b\"\n\tx"], 0x1 /* 1 var */) = 0
openat(AT_FDCWD</>, "caf\303\251", O_RDONLY) = 3</caf\303\251>
openat(AT_FDCWD</>, "weird", O_RDONLY) = 3</a\x3eb>
)",
               trace);
  ASSERT_EQ(trace.execs.size(), 1u);
  EXPECT_EQ(trace.execs[0][2], "echo \"a = b\"\n\tx") << "a quoted ' = ' is not the return";
  ASSERT_EQ(trace.opens.size(), 2u);
  EXPECT_EQ(trace.opens[0].path, "/caf\xc3\xa9");
  EXPECT_EQ(trace.opens[1].path, "/a>b");
  EXPECT_EQ(strace_unescape(R"(\\ \" \101\x41 \q)"), "\\ \" AA q");
}

TEST(Strace, EachPathIsKeptOncePerKindOfOpen) {
  Trace trace;
  std::string text;
  for (int i = 0; i < 1000; ++i)
    text += "openat(AT_FDCWD</b>, \"/usr/include/stdio.h\", O_RDONLY) = 3</usr/include/stdio.h>\n";
  text += "openat(AT_FDCWD</b>, \"x\", O_WRONLY|O_CREAT, 0644) = 4</usr/include/stdio.h>\n";
  parse_strace(text, trace);
  parse_strace(text, trace); // a second process of the same build
  ASSERT_EQ(trace.opens.size(), 2u);
  EXPECT_FALSE(trace.opens[0].write);
  EXPECT_TRUE(trace.opens[1].write);
  EXPECT_FALSE(trace.truncated);
}

TEST(Strace, GarbageIsCountedNotTrusted) {
  Trace trace;
  parse_strace("no parenthesis here\nopenat(AT_FDCWD, \"x\", O_RDONLY) = 3\n"
               "execve(\"/bin/true\" = 0\n\"unterminated\n",
               trace);
  EXPECT_TRUE(trace.opens.empty());
  EXPECT_TRUE(trace.execs.empty());
  EXPECT_EQ(trace.unparsed, 4u);
}

} // namespace
} // namespace lg::analyze
