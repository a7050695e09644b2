// analyze/addresses: the special-purpose ranges, IPv4-mapped IPv6, canonical forms.

#include "analyze/addresses.hpp"

#include <gtest/gtest.h>

namespace lg::analyze {
namespace {

TEST(Addresses, Ipv4RangesAreClassifiedAtTheirEdges) {
  EXPECT_EQ(classify_address("10.0.0.1"), AddressClass::private_use);
  EXPECT_EQ(classify_address("10.255.255.255"), AddressClass::private_use);
  EXPECT_EQ(classify_address("172.16.0.1"), AddressClass::private_use);
  EXPECT_EQ(classify_address("172.31.255.255"), AddressClass::private_use);
  EXPECT_EQ(classify_address("172.32.0.1"), AddressClass::global);
  EXPECT_EQ(classify_address("172.15.255.255"), AddressClass::global);
  EXPECT_EQ(classify_address("192.168.1.1"), AddressClass::private_use);
  EXPECT_EQ(classify_address("192.169.0.1"), AddressClass::global);
  EXPECT_EQ(classify_address("127.0.0.1"), AddressClass::loopback);
  EXPECT_EQ(classify_address("127.255.0.9"), AddressClass::loopback);
  EXPECT_EQ(classify_address("169.254.169.254"), AddressClass::link_local);
  EXPECT_EQ(classify_address("100.64.0.1"), AddressClass::shared);
  EXPECT_EQ(classify_address("100.127.255.255"), AddressClass::shared);
  EXPECT_EQ(classify_address("100.128.0.1"), AddressClass::global);
  EXPECT_EQ(classify_address("100.63.255.255"), AddressClass::global);
  EXPECT_EQ(classify_address("0.0.0.0"), AddressClass::unspecified);
  EXPECT_EQ(classify_address("224.0.0.1"), AddressClass::multicast);
  EXPECT_EQ(classify_address("240.0.0.1"), AddressClass::reserved);
  EXPECT_EQ(classify_address("255.255.255.255"), AddressClass::reserved);
  EXPECT_EQ(classify_address("192.0.2.1"), AddressClass::documentation);
  EXPECT_EQ(classify_address("198.51.100.7"), AddressClass::documentation);
  EXPECT_EQ(classify_address("203.0.113.200"), AddressClass::documentation);
  EXPECT_EQ(classify_address("8.8.8.8"), AddressClass::global);
  EXPECT_EQ(classify_address("93.184.216.34"), AddressClass::global);
}

TEST(Addresses, Ipv6RangesAndMappedIpv4) {
  EXPECT_EQ(classify_address("::1"), AddressClass::loopback);
  EXPECT_EQ(classify_address("::"), AddressClass::unspecified);
  EXPECT_EQ(classify_address("fc00::1"), AddressClass::unique_local);
  EXPECT_EQ(classify_address("fd12:3456:789a::1"), AddressClass::unique_local);
  EXPECT_EQ(classify_address("fe80::1"), AddressClass::link_local);
  EXPECT_EQ(classify_address("febf::1"), AddressClass::link_local);
  EXPECT_EQ(classify_address("fec0::1"), AddressClass::global);
  EXPECT_EQ(classify_address("ff02::1"), AddressClass::multicast);
  EXPECT_EQ(classify_address("2001:db8::1"), AddressClass::documentation);
  EXPECT_EQ(classify_address("2606:4700::6810:84e5"), AddressClass::global);
  EXPECT_EQ(classify_address("::ffff:10.1.2.3"), AddressClass::private_use);
  EXPECT_EQ(classify_address("::ffff:127.0.0.1"), AddressClass::loopback);
  EXPECT_EQ(classify_address("::ffff:8.8.8.8"), AddressClass::global);
}

TEST(Addresses, WhatIsNotAnAddressIsInvalid) {
  for (const char* text : {"", "example.com", "1.2.3", "1.2.3.4.5", "256.1.1.1", "10.0.0.1 ", "::g",
                           "1.2.3.4/8", "[::1]"})
    EXPECT_EQ(classify_address(text), AddressClass::invalid) << text;
  EXPECT_EQ(classify_address(std::string(100, '1')), AddressClass::invalid);
  EXPECT_EQ(classify_address(std::string_view("10.0.0.1\0x", 10)), AddressClass::invalid);
}

TEST(Addresses, UnreachableClassesAreTheOnesUsersCannotReach) {
  for (auto c : {AddressClass::private_use, AddressClass::shared, AddressClass::loopback,
                 AddressClass::link_local, AddressClass::unique_local, AddressClass::unspecified,
                 AddressClass::multicast, AddressClass::reserved})
    EXPECT_TRUE(unreachable_from_internet(c)) << describe(c);
  for (auto c : {AddressClass::global, AddressClass::documentation, AddressClass::invalid})
    EXPECT_FALSE(unreachable_from_internet(c)) << describe(c);
  EXPECT_EQ(describe(AddressClass::private_use), "a private address (RFC 1918)");
}

TEST(Addresses, CanonicalFormsCompareEqual) {
  EXPECT_EQ(canonical_address("2001:0DB8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
  EXPECT_EQ(canonical_address("2001:db8::1"), "2001:db8::1");
  EXPECT_EQ(canonical_address("192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(canonical_address("portal.example.com"), "");
}

} // namespace
} // namespace lg::analyze
