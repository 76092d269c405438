// Prints the native core's result for every vector, one JSON line each, in
// file order. tests/js/parity.test.js computes the same lines through the
// wasm build and requires them to be identical.
#include <cstdio>
#include <iostream>

#include "identity_mfa/base32.h"
#include "identity_mfa/otp.h"
#include "identity_mfa/otpauth.h"
#include "identity_mfa/recovery_codes.h"
#include "json_writer.h"
#include "openssl_host.h"
#include "vector_runner.h"

using namespace identity_mfa;
namespace dom = simdjson::dom;

static std::string text(dom::element e, const char* key) {
  std::string_view s;
  (void)e[key].get(s);
  return std::string(s);
}
static int64_t number(dom::element e, const char* key) {
  int64_t n = 0;
  (void)e[key].get(n);
  return n;
}
static void line(const char* kind, const std::string& result) {
  std::cout << "{\"kind\":\"" << kind << "\",\"result\":" << result << "}\n";
}
static std::string json_string(std::string_view s) { return JsonWriter().string(s).take(); }
static std::string json_string_or_null(const std::optional<std::string>& s) { return s ? json_string(*s) : std::string("null"); }

int main() {
  for (const char* name : {"validate-enable.json", "validate-routes.json"}) {
    vectors::File file;
    vectors::load(name, &file);
    for (dom::element c : vectors::array_of(file.root, "cases")) {
      line("validate", vectors::validation_outcome(c));
    }
  }

  vectors::File otp;
  vectors::load("otp.json", &otp);
  OpenSslHost host("unused");
  for (dom::element v : vectors::array_of(otp.root, "hotp")) {
    line("hotp", json_string_or_null(hotp(host, *parse_hash_alg(text(v, "algorithm")), vectors::from_hex(text(v, "keyHex")),
                                     static_cast<uint64_t>(number(v, "counter")), static_cast<int>(number(v, "digits")))));
  }
  for (dom::element v : vectors::array_of(otp.root, "totp")) {
    int64_t step = totp_step(number(v, "time"), static_cast<int>(number(v, "period")));
    line("totp", json_string_or_null(hotp(host, *parse_hash_alg(text(v, "algorithm")), vectors::from_hex(text(v, "keyHex")),
                                     static_cast<uint64_t>(step), static_cast<int>(number(v, "digits")))));
  }
  for (dom::element v : vectors::array_of(otp.root, "base32")) {
    std::string bytes = vectors::from_hex(text(v, "hex"));
    auto decoded = base32_decode(text(v, "padded"));
    line("base32", "[" + json_string(base32_encode(bytes, false)) + "," + json_string(base32_encode(bytes, true)) + "," +
                       json_string_or_null(decoded ? std::optional(to_hex(*decoded)) : std::nullopt) + "]");
  }
  for (dom::element v : vectors::array_of(otp.root, "base32Invalid")) {
    auto decoded = base32_decode(v.get_string().value_unsafe());
    line("base32Invalid", json_string_or_null(decoded ? std::optional(to_hex(*decoded)) : std::nullopt));
  }
  for (dom::element v : vectors::array_of(otp.root, "otpauth")) {
    TotpParams p{*parse_hash_alg(text(v, "algorithm")), static_cast<int>(number(v, "digits")),
                 static_cast<int>(number(v, "period"))};
    line("otpauth", json_string(otpauth_url(text(v, "issuer"), text(v, "account"), text(v, "secret"), p)));
  }
  for (dom::element v : vectors::array_of(otp.root, "recoveryCodes")) {
    line("recoveryCode", json_string(recovery_code_from_random(vectors::from_hex(text(v, "randomHex")))));
  }
  for (dom::element v : vectors::array_of(otp.root, "normalize")) {
    line("normalize", json_string(normalize_recovery_code(text(v, "input"))));
  }

  vectors::File machine;
  vectors::load("state-machine.json", &machine);
  std::string pepper = text(machine.root, "pepper");
  for (dom::element scenario : vectors::array_of(machine.root, "scenarios")) {
    vectors::run_scenario(scenario, pepper, [](dom::element, const std::string& outcome) { line("step", outcome); });
  }
  return 0;
}
