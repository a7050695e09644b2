#pragma once
// What a git repository holds, read with libgit2: the files of HEAD's tree (the deploy gate asks
// whether a lock file is committed, not merely present).

#include <optional>
#include <set>
#include <string>

namespace lg {

/// The files in HEAD's tree under `root` (a folder inside a work tree; found by searching up from
/// it), relative to `root` with '/' separators; empty (nullopt) when `root` is in no git work
/// tree. `note` says why the set may be empty or partial: no commit yet, or a tree of more than
/// 500,000 entries read in part.
std::optional<std::set<std::string>> head_files(const std::string& root, std::string& note);

} // namespace lg
