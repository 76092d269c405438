// Unit tests for what the vectors do not pin down on their own.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "identity_mfa/base32.h"
#include "identity_mfa/crypto_host.h"
#include "identity_mfa/decide.h"
#include "identity_mfa/errors.h"
#include "identity_mfa/otp.h"
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
  EXPECT_EQ(codes.size(), catalog_size());
  EXPECT_EQ(codes.size(), 23u);
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
  s.factor(MfaType::kApp).secret.stored = "JBSWY3DPEHPK3PXP";
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

// A host that seals: "sealed:<kid>:<context>:<secret reversed>". Not
// cryptography; it stands for the real sealer (AES-GCM in js/node.js) to pin
// the core's side of the interface: when it opens, when it seals, and that a
// sealed secret opens only for its own context.
class SealingHost : public OpenSslHost {
 public:
  using OpenSslHost::OpenSslHost;
  bool seals() const override { return true; }
  std::optional<std::string> seal(std::string_view context, std::string_view secret) override {
    ++seal_calls;
    if (fail_seal) return std::nullopt;
    return "sealed:" + kid + ":" + std::string(context) + ":" + std::string(secret.rbegin(), secret.rend());
  }
  std::optional<std::string> open(std::string_view context, std::string_view sealed) override {
    ++open_calls;
    std::string prefix = "sealed:";
    size_t kid_end = sealed.find(':', prefix.size());
    if (sealed.substr(0, prefix.size()) != prefix || kid_end == std::string_view::npos) return std::nullopt;
    std::string_view rest = sealed.substr(kid_end + 1);
    if (rest.substr(0, context.size() + 1) != std::string(context) + ":") return std::nullopt;
    std::string_view body = rest.substr(context.size() + 1);
    return std::string(body.rbegin(), body.rend());
  }
  std::string kid = "k1";
  bool fail_seal = false;
  int seal_calls = 0;
  int open_calls = 0;
};

struct SealedFixture : ::testing::Test {
  SealingHost host{"pepper"};
  DecisionScratch scratch;
  std::string random = std::string(kRandomBytesNeeded, '\x33');

  Decision run(Operation op, std::string_view body, std::string_view state, std::string id = "user-a",
               int64_t now = 1800000000000) {
    return run_on(host, op, body, state, std::move(id), now);
  }
  // The same decision through another host (another pepper, say).
  Decision run_on(CryptoHost& with, Operation op, std::string_view body, std::string_view state,
                  std::string id = "user-a", int64_t now = 1800000000000) {
    DecisionInput in;
    in.op = op;
    in.body = body;
    in.state = state;
    in.now_ms = now;
    in.random = random;
    in.user.id = std::move(id);
    in.user.username = "ada";
    return decide(in, with, scratch);
  }
  std::string secret_of(const Decision& setup) {
    size_t at = setup.body.find("\"secret\":\"") + 10;
    return setup.body.substr(at, setup.body.find('"', at) - at);
  }
  std::string totp_now(const std::string& secret, int64_t now = 1800000000000) {
    return *hotp(host, HashAlg::kSha1, *base32_decode(secret), static_cast<uint64_t>(totp_step(now / 1000, 30)), 6);
  }
  std::string verify_body(const std::string& secret, const std::string& passcode = "") {
    return R"({"mfaType":"app","secret":")" + secret + R"(","passcode":")" + (passcode.empty() ? totp_now(secret) : passcode) + R"("})";
  }
  std::string enable_body(const std::string& secret, const Decision& setup) {
    size_t at = setup.body.find("\"recoveryCodes\":[\"") + 18;
    std::string code = setup.body.substr(at, setup.body.find('"', at) - at);
    return R"({"mfaType":"app","secret":")" + secret + R"(","recoveryCode":")" + code + R"("})";
  }
  std::string peppered_hex(const std::string& message) { return to_hex(*host.peppered_hash(message)); }
};

TEST_F(SealedFixture, SetupStoresTheSecretOnlySealed) {
  Decision setup = run(Operation::kSetup, R"({"mfaType":"app"})", "");
  ASSERT_EQ(setup.status, 200);
  std::string secret = secret_of(setup);
  EXPECT_EQ(host.seal_calls, 1);
  EXPECT_EQ(setup.new_state.find(secret), std::string::npos);
  EXPECT_NE(setup.new_state.find("sealed:k1:user-a:"), std::string::npos);
  auto stored = stored_secrets(setup.new_state);
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ(stored->front().rfind("sealed:k1:user-a:", 0), 0u);
}

TEST_F(SealedFixture, StatusOpensNothingAndVerifyAndEnableCheckTheSecretByItsDigest) {
  Decision setup = run(Operation::kSetup, R"({"mfaType":"app"})", "");
  std::string secret = secret_of(setup);
  // The digest is the peppered HMAC of the secret for its owner.
  EXPECT_NE(setup.new_state.find("\"secretDigest\":\"" + peppered_hex("secret:user-a:" + secret) + "\""),
            std::string::npos);
  EXPECT_EQ(run(Operation::kStatus, "", setup.new_state).status, 200);
  EXPECT_EQ(host.open_calls, 0);
  Decision verify = run(Operation::kVerify, verify_body(secret), setup.new_state);
  EXPECT_EQ(verify.status, 200) << verify.body;
  Decision enable = run(Operation::kEnable, enable_body(secret, setup), verify.new_state);
  EXPECT_EQ(enable.status, 200) << enable.body;
  // Neither opened the sealed secret, nor sealed it again: it is stored as setup sealed it.
  EXPECT_EQ(host.open_calls, 0);
  EXPECT_EQ(host.seal_calls, 1);
  EXPECT_EQ(stored_secrets(enable.new_state), stored_secrets(setup.new_state));
}

TEST_F(SealedFixture, AWrongSecretIsRefusedOnTheOpenedSecret) {
  Decision setup = run(Operation::kSetup, R"({"mfaType":"app"})", "");
  std::string secret = secret_of(setup);
  std::string wrong = secret;
  wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
  Decision verify = run(Operation::kVerify, verify_body(wrong, totp_now(secret)), setup.new_state);
  EXPECT_EQ(verify.error, ErrorCode::kSecretMismatch);
  EXPECT_EQ(host.open_calls, 1);
}

TEST_F(SealedFixture, AStateWithoutADigestOrAnotherPepperStillOpens) {
  Decision setup = run(Operation::kSetup, R"({"mfaType":"app"})", "");
  std::string secret = secret_of(setup);
  // A state written before digests: the member is absent.
  std::string old_state = setup.new_state;
  size_t at = old_state.find(",\"secretDigest\":\"");
  ASSERT_NE(at, std::string::npos);
  old_state.erase(at, old_state.find('"', old_state.find(":\"", at) + 2) + 1 - at);
  ASSERT_EQ(old_state.find("secretDigest"), std::string::npos);
  Decision verify = run(Operation::kVerify, verify_body(secret), old_state);
  EXPECT_EQ(verify.status, 200) << verify.body;
  EXPECT_EQ(host.open_calls, 1);
  // Another pepper: the digest does not match, the opened secret does.
  SealingHost other{"another pepper"};
  Decision repeppered = run_on(other, Operation::kVerify, verify_body(secret), setup.new_state);
  EXPECT_EQ(repeppered.status, 200) << repeppered.body;
  EXPECT_EQ(other.open_calls, 1);
}

TEST_F(SealedFixture, ASignInOpensTheSecretAndWritesItUnderTheCurrentKey) {
  Decision setup = run(Operation::kSetup, R"({"mfaType":"app"})", "");
  std::string secret = secret_of(setup);
  Decision verify = run(Operation::kVerify, verify_body(secret), setup.new_state);
  Decision enable = run(Operation::kEnable, enable_body(secret, setup), verify.new_state);
  ASSERT_EQ(enable.status, 200) << enable.body;
  host.kid = "k2";
  int64_t later = 1800000000000 + 60000;  // a step verify did not claim
  Decision check = run(Operation::kCheck, R"({"mfaType":"app","passcode":")" + totp_now(secret, later) + R"("})",
                       enable.new_state, "user-a", later);
  ASSERT_EQ(check.status, 200) << check.body;
  EXPECT_EQ(host.open_calls, 1);
  EXPECT_EQ(stored_secrets(check.new_state)->front().rfind("sealed:k2:user-a:", 0), 0u);
  // The digest goes with the secret: it still checks a secret sent back.
  EXPECT_NE(check.new_state.find("secretDigest"), std::string::npos);
  // A decision that needs no secret leaves it as it was stored.
  Decision sms = run(Operation::kSetup, R"({"mfaType":"sms"})", setup.new_state);
  EXPECT_EQ(sms.error, ErrorCode::kChannelUnavailable);
}

TEST_F(SealedFixture, ASealedSecretDoesNotOpenForAnotherUser) {
  Decision setup = run(Operation::kSetup, R"({"mfaType":"app"})", "");
  std::string secret = secret_of(setup);
  std::string body = R"({"mfaType":"app","secret":")" + secret + R"(","passcode":")" + totp_now(secret) + R"("})";
  Decision verify = run(Operation::kVerify, body, setup.new_state, "user-b");
  EXPECT_EQ(verify.error, ErrorCode::kOperationFailed);
  EXPECT_FALSE(verify.state_changed);
  EXPECT_TRUE(verify.audit.empty());
}

TEST_F(SealedFixture, AFailedSealStoresNothingAndSendsNothing) {
  host.fail_seal = true;
  Decision setup = run(Operation::kSetup, R"({"mfaType":"app"})", "");
  EXPECT_EQ(setup.error, ErrorCode::kOperationFailed);
  EXPECT_FALSE(setup.state_changed);
  EXPECT_TRUE(setup.new_state.empty());
  EXPECT_TRUE(setup.audit.empty());
}

TEST_F(SealedFixture, ResealMovesEverySecretToTheHostsCurrentKey) {
  Decision setup = run(Operation::kSetup, R"({"mfaType":"app"})", "");
  host.kid = "k2";
  auto resealed = reseal_state(setup.new_state, "user-a", host);
  ASSERT_TRUE(resealed);
  EXPECT_EQ(stored_secrets(*resealed)->front().rfind("sealed:k2:user-a:", 0), 0u);
  // The digest is of the secret, not of its sealed text: it stays.
  std::string digest = "\"secretDigest\":\"" + peppered_hex("secret:user-a:" + secret_of(setup)) + "\"";
  EXPECT_NE(resealed->find(digest), std::string::npos);
  EXPECT_FALSE(reseal_state(setup.new_state, "user-b", host));
  EXPECT_FALSE(reseal_state("not json", "user-a", host));
}

}  // namespace
}  // namespace identity_mfa
