// Unit tests for what the vectors do not pin down on their own.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "identity_mfa/crypto_host.h"
#include "identity_mfa/decide.h"
#include "identity_mfa/errors.h"
#include "identity_mfa/recovery_codes.h"
#include "identity_mfa/state.h"
#include "json_writer.h"
#include "openssl_host.h"

namespace identity_mfa {
namespace {

TEST(Catalog, CodesAreUniqueAndStatusesAreHttpErrors) {
  std::set<std::string> codes;
  for (size_t i = 0; i < catalog_size(); ++i) {
    const CatalogEntry& e = catalog_begin()[i];
    EXPECT_TRUE(codes.insert(e.code).second) << e.code;
    EXPECT_GE(e.status, 400);
    EXPECT_LT(e.status, 600);
    EXPECT_EQ(&catalog_entry(e.id), &e);
  }
  EXPECT_EQ(codes.size(), 21u);
}

TEST(Catalog, UpstreamCodesKeepTheirPublishedText) {
  const CatalogEntry& e = catalog_entry(ErrorCode::kSetupNotInitiated);
  EXPECT_STREQ(e.code, "IDE-0043");
  EXPECT_STREQ(e.title, "MFA Setup Not Initiated");
  EXPECT_STREQ(e.message, "MFA setup has not been initiated for this user. Please call the setup endpoint first.");
  EXPECT_STREQ(catalog_entry(ErrorCode::kBadRequest).message,
               "The server could not understand the request due to malformed syntax.");
}

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters) {
  JsonWriter w;
  w.begin_object().key("a\"b").string(std::string("x\\y\n\x01\x7f\0z", 8)).end_object();
  EXPECT_EQ(w.take(), std::string("{\"a\\\"b\":\"x\\\\y\\u000a\\u0001\x7f\\u0000z\"}"));
}

TEST(IsoTime, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(iso_time(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso_time(951782400123), "2000-02-29T00:00:00.123Z");
  EXPECT_EQ(iso_time(1800000000000), "2027-01-15T08:00:00.000Z");
  EXPECT_EQ(iso_time(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(iso_time(253402300799999), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(iso_time(253402300800000), "10000-01-01T00:00:00.000Z");
  EXPECT_EQ(iso_time(-62198755200000), "-0001-01-01T00:00:00.000Z");
}

TEST(ConstantTimeEqual, ComparesWholeStrings) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "ab"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

TEST(RecoveryCodes, HashesDependOnThePepper) {
  OpenSslHost a("pepper one"), b("pepper two");
  auto ha = hash_recovery_code(a, "ABCD-EFGH-JKMN");
  auto hb = hash_recovery_code(b, "ABCD-EFGH-JKMN");
  ASSERT_TRUE(ha && hb);
  EXPECT_NE(*ha, *hb);
  EXPECT_EQ(ha->size(), 64u);
  EXPECT_EQ(*ha, *hash_recovery_code(a, "abcd efgh jkmn"));
}

TEST(RecoveryCodes, FindHashReportsTheFirstMatchOnly) {
  std::vector<std::string> set = {"aa", "bb", "cc", "bb"};
  EXPECT_EQ(find_hash(set, "bb"), 1);
  EXPECT_EQ(find_hash(set, "dd"), -1);
  EXPECT_EQ(find_hash({}, "aa"), -1);
}

TEST(RecoveryCodes, UseOnlyTheUnambiguousAlphabet) {
  for (int seed = 0; seed < 256; ++seed) {
    std::string random(8, static_cast<char>(seed));
    std::string code = recovery_code_from_random(random);
    ASSERT_EQ(code.size(), 14u);
    for (char c : code) {
      EXPECT_EQ(std::string("01IO").find(c), std::string::npos) << code;
    }
  }
}

TEST(State, RoundTripsThroughJson) {
  MfaState s;
  s.factor(MfaType::kApp).enabled = true;
  s.factor(MfaType::kApp).secret = "JBSWY3DPEHPK3PXP";
  s.factor(MfaType::kApp).totp = {HashAlg::kSha512, 8, 60};
  s.factor(MfaType::kApp).last_step = 42;
  s.pending_for(MfaType::kEmail).active = true;
  s.pending_for(MfaType::kEmail).code_hash = "ab";
  s.pending_for(MfaType::kEmail).expires_at = 99;
  s.preferred = MfaType::kApp;
  s.recovery_hashes = {"h1", "h2"};
  s.failures = 3;
  s.locked_until = 123;
  std::string json = serialize_state(s);
  auto back = parse_state(json);
  ASSERT_TRUE(back);
  EXPECT_EQ(serialize_state(*back), json);
  EXPECT_EQ(back->factor(MfaType::kApp).totp.digits, 8);
}

TEST(State, RefusesWhatItCannotRead) {
  EXPECT_TRUE(parse_state(""));
  EXPECT_FALSE(parse_state("{}"));
  EXPECT_FALSE(parse_state("[]"));
  EXPECT_FALSE(parse_state(R"({"v":1,"preferredType":"push"})"));
  EXPECT_FALSE(parse_state(R"({"v":1,"factors":{"push":{}}})"));
  EXPECT_FALSE(parse_state(R"({"v":1,"factors":{"app":{"algorithm":"MD5"}}})"));
  EXPECT_FALSE(parse_state(R"({"v":1} trailing)"));
}

TEST(Decide, IsDeterministicForTheSameInputs) {
  OpenSslHost host("pepper");
  DecisionScratch scratch;
  std::string random(kRandomBytesNeeded, '\x5a');
  DecisionInput in;
  in.op = Operation::kSetup;
  in.body = R"({"mfaType":"app"})";
  in.now_ms = 1800000000000;
  in.random = random;
  in.user.username = "ada";
  Decision a = decide(in, host, scratch);
  Decision b = decide(in, host, scratch);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(a.new_state, b.new_state);
}

TEST(Decide, NeverStoresAHalfDoneStateOnHostFailure) {
  class FlakyHost : public OpenSslHost {
   public:
    using OpenSslHost::OpenSslHost;
    std::optional<std::string> peppered_hash(std::string_view m) override {
      return ++calls > 5 ? std::nullopt : OpenSslHost::peppered_hash(m);
    }
    int calls = 0;
  } host("pepper");
  DecisionScratch scratch;
  std::string random(kRandomBytesNeeded, '\x11');
  DecisionInput in;
  in.op = Operation::kSetup;
  in.body = R"({"mfaType":"app"})";
  in.random = random;
  Decision d = decide(in, host, scratch);
  EXPECT_EQ(d.error, ErrorCode::kOperationFailed);
  EXPECT_FALSE(d.state_changed);
  EXPECT_TRUE(d.new_state.empty());
}

}  // namespace
}  // namespace identity_mfa
