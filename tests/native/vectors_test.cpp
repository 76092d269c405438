// The shared vectors, checked natively (OpenSSL HMAC).
#include <gtest/gtest.h>

#include "identity_mfa/base32.h"
#include "identity_mfa/otp.h"
#include "identity_mfa/otpauth.h"
#include "identity_mfa/recovery_codes.h"
#include "openssl_host.h"
#include "vector_runner.h"

namespace identity_mfa {
namespace {
namespace dom = simdjson::dom;
using vectors::File;

std::string str(dom::element e, const char* key) {
  std::string_view s;
  EXPECT_FALSE(e[key].get(s)) << key;
  return std::string(s);
}
int64_t num(dom::element e, const char* key) {
  int64_t n = 0;
  EXPECT_FALSE(e[key].get(n)) << key;
  return n;
}

size_t check_validation_file(const char* name, bool fast_path = true) {
  File file;
  vectors::load(name, &file);
  size_t count = 0;
  for (dom::element c : vectors::array_of(file.root, "cases")) {
    ++count;
    dom::parser parser;
    dom::element actual;
    if (parser.parse(vectors::validation_expectable(c, fast_path)).get(actual)) {
      ADD_FAILURE() << "unparsable outcome for " << str(c, "name");
      continue;
    }
    EXPECT_TRUE(vectors::json_equal(c["expect"].value_unsafe(), actual))
        << str(c, "route") << ": " << str(c, "name") << "\n  expected " << vectors::to_json(c["expect"].value_unsafe())
        << "\n  actual   " << vectors::to_json(actual);
  }
  return count;
}

TEST(ValidationVectors, EveryEnableCaseAnswersAsExpected) {
  EXPECT_GE(check_validation_file("validate-enable.json"), 150u);
}

TEST(ValidationVectors, EveryOtherRouteCaseAnswersAsExpected) {
  EXPECT_GE(check_validation_file("validate-routes.json"), 40u);
}

TEST(ValidationVectors, SimdjsonAloneAnswersTheSameAsWithTheFastPath) {
  EXPECT_GE(check_validation_file("validate-enable.json", false), 150u);
  EXPECT_GE(check_validation_file("validate-routes.json", false), 40u);
}

class OtpVectors : public ::testing::Test {
 protected:
  void SetUp() override { vectors::load("otp.json", &file_); }
  dom::array list(const char* key) { return vectors::array_of(file_.root, key); }
  File file_;
  OpenSslHost host_{"unused"};
};

TEST_F(OtpVectors, Rfc4226AppendixDHotpValues) {
  size_t n = 0;
  for (dom::element v : list("hotp")) {
    auto alg = parse_hash_alg(str(v, "algorithm"));
    auto code = hotp(host_, *alg, vectors::from_hex(str(v, "keyHex")), static_cast<uint64_t>(num(v, "counter")),
                     static_cast<int>(num(v, "digits")));
    ASSERT_TRUE(code);
    EXPECT_EQ(*code, str(v, "code")) << "counter " << num(v, "counter");
    ++n;
  }
  EXPECT_EQ(n, 10u);
}

TEST_F(OtpVectors, Rfc6238AppendixBTotpValuesAreGeneratedAndAccepted) {
  size_t n = 0;
  for (dom::element v : list("totp")) {
    auto alg = *parse_hash_alg(str(v, "algorithm"));
    std::string key = vectors::from_hex(str(v, "keyHex"));
    int64_t time = num(v, "time");
    TotpParams params{alg, static_cast<int>(num(v, "digits")), static_cast<int>(num(v, "period"))};
    int64_t step = totp_step(time, params.period);
    auto code = hotp(host_, alg, key, static_cast<uint64_t>(step), params.digits);
    ASSERT_TRUE(code);
    EXPECT_EQ(*code, str(v, "code")) << "time " << time << " " << str(v, "algorithm");
    TotpResult r = totp_verify(host_, key, params, time * 1000, str(v, "code"), -1);
    EXPECT_EQ(r.check, TotpCheck::kAccepted);
    EXPECT_EQ(r.step, step);
    // The replay guard: the same step is refused once claimed.
    EXPECT_EQ(totp_verify(host_, key, params, time * 1000, str(v, "code"), step).check, TotpCheck::kRejected);
    ++n;
  }
  EXPECT_EQ(n, 18u);
}

TEST_F(OtpVectors, Base32EncodesAndDecodesRfc4648Section10) {
  for (dom::element v : list("base32")) {
    std::string bytes = vectors::from_hex(str(v, "hex"));
    EXPECT_EQ(base32_encode(bytes, false), str(v, "unpadded"));
    EXPECT_EQ(base32_encode(bytes, true), str(v, "padded"));
    EXPECT_EQ(base32_decode(str(v, "padded")), bytes);
    EXPECT_EQ(base32_decode(str(v, "unpadded")), bytes);
  }
}

TEST_F(OtpVectors, Base32RefusesMalformedText) {
  for (dom::element v : list("base32Invalid")) {
    std::string_view text = v.get_string().value_unsafe();
    EXPECT_FALSE(base32_decode(text).has_value()) << text;
  }
}

TEST_F(OtpVectors, OtpauthUrlsArePercentEncoded) {
  for (dom::element v : list("otpauth")) {
    TotpParams p{*parse_hash_alg(str(v, "algorithm")), static_cast<int>(num(v, "digits")),
                 static_cast<int>(num(v, "period"))};
    EXPECT_EQ(otpauth_url(str(v, "issuer"), str(v, "account"), str(v, "secret"), p), str(v, "url"));
  }
}

TEST_F(OtpVectors, RecoveryCodesComeFromTheRandomBytes) {
  for (dom::element v : list("recoveryCodes")) {
    EXPECT_EQ(recovery_code_from_random(vectors::from_hex(str(v, "randomHex"))), str(v, "code"));
  }
  for (dom::element v : list("normalize")) {
    EXPECT_EQ(normalize_recovery_code(str(v, "input")), str(v, "normalized"));
  }
}

TEST(StateMachineVectors, EveryScenarioStepAnswersAsExpected) {
  File file;
  vectors::load("state-machine.json", &file);
  std::string pepper = str(file.root, "pepper");
  size_t scenarios = 0, steps = 0;
  for (dom::element scenario : vectors::array_of(file.root, "scenarios")) {
    ++scenarios;
    std::string name = str(scenario, "name");
    int index = 0;
    vectors::run_scenario(scenario, pepper, [&](dom::element step, const std::string& outcome) {
      ++steps;
      dom::parser parser;
      dom::element actual;
      ASSERT_FALSE(parser.parse(outcome).get(actual)) << outcome;
      std::string why = vectors::check_step(step["expect"].value_unsafe(), actual);
      EXPECT_EQ(why, "") << name << ", step " << index << " (" << str(step, "op") << ")\n  expected "
                         << vectors::to_json(step["expect"].value_unsafe()) << "\n  actual   " << outcome;
      ++index;
    });
  }
  EXPECT_GE(scenarios, 40u);
  EXPECT_GE(steps, 150u);
}

}  // namespace
}  // namespace identity_mfa
