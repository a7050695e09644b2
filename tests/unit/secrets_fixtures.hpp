#pragma once
// A small rule and a secret it finds, shared by the secrets unit tests.

#include "secrets/matcher.hpp"

#include <gtest/gtest.h>

#include <string>

namespace lg::secrets::test {

/// One gitleaks-format rule: `dmo_` and 20 alphanumerics, keyword "dmo_", entropy 3.0.
inline const std::string k_demo_rule = R"toml(
[[rules]]
id = "demo-token"
description = "Demo token"
regex = '''\b(dmo_[A-Za-z0-9]{20})\b'''
secretGroup = 1
keywords = ["dmo_"]
entropy = 3.0
)toml";

/// A secret `k_demo_rule` finds.
inline const std::string k_demo_secret = "dmo_Xq3vL9pR2sT7wY4zK8mN";

/// `k_demo_rule` compiled (a test failure if it does not compile).
inline Matcher demo_matcher() {
  auto rules = parse_rules(k_demo_rule, "t.toml");
  EXPECT_TRUE(rules);
  auto m = Matcher::compile(*rules);
  EXPECT_TRUE(m);
  return std::move(*m);
}

} // namespace lg::secrets::test
