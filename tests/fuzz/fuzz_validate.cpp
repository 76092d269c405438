// libFuzzer target: the request parser and validator of every route, the
// stored-state parser, and a full decision on the fuzzed body. Built with
// ASan and UBSan (scripts/fuzz.sh); any crash, leak or UB report fails.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "identity_mfa/decide.h"
#include "identity_mfa/request.h"
#include "identity_mfa/state.h"

namespace {

using namespace identity_mfa;

// A deterministic stand-in for HMAC: the fuzzer exercises the core's logic,
// not cryptography, and needs no OpenSSL. Output sizes match the real ones.
class FuzzHost : public CryptoHost {
 public:
  std::optional<std::string> hmac(HashAlg alg, std::string_view key, std::string_view message) override {
    std::string out(hash_alg_size(alg), '\0');
    uint32_t h = 2166136261u;
    for (char c : key) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
    for (char c : message) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<char>(h >> (8 * (i % 4)));
    return out;
  }
  std::optional<std::string> peppered_hash(std::string_view message) override {
    return hmac(HashAlg::kSha256, "pepper", message);
  }
};

// A state with an enabled app factor and a pending email enrollment, so that
// fuzzed bodies reach deep into the state machine.
const std::string& seeded_state() {
  static const std::string state = [] {
    MfaState s;
    s.factor(MfaType::kApp).enabled = true;
    s.factor(MfaType::kApp).secret.stored = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    s.preferred = MfaType::kApp;
    s.recovery_hashes = {std::string(64, 'a'), std::string(64, 'b')};
    Pending& p = s.pending_for(MfaType::kEmail);
    p.active = true;
    p.expires_at = 2000000000000;
    p.code_expires_at = 2000000000000;
    p.code_hash = std::string(64, 'c');
    p.recovery_hashes = {std::string(64, 'd')};
    return serialize_state(s);
  }();
  return state;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static RequestValidator validator;
  static FuzzHost host;
  std::string_view body(reinterpret_cast<const char*>(data), size);

  for (int route = 0; route < kRouteCount; ++route) {
    const ValidationResult& r = validator.validate(static_cast<Route>(route), body);
    // Every byte a result's views hand out must be readable (ASan checks).
    static volatile unsigned char sink;
    for (const auto& e : r.entries) {
      for (char c : e.name) sink = static_cast<unsigned char>(sink ^ static_cast<unsigned char>(c));
      for (char c : e.text) sink = static_cast<unsigned char>(sink ^ static_cast<unsigned char>(c));
    }
    if (r.ok() != (r.error == ErrorCode::kNone) || (r.ok() && r.status != 200)) __builtin_trap();
  }

  // The fast path for plain bodies must answer exactly as simdjson does.
  static RequestValidator simdjson_only;
  simdjson_only.set_fast_path(false);
  for (int route = 0; route < kRouteCount; ++route) {
    const ValidationResult& a = validator.validate(static_cast<Route>(route), body);
    const ValidationResult& b = simdjson_only.validate(static_cast<Route>(route), body);
    if (a.error != b.error || a.status != b.status || a.entries.size() != b.entries.size()) __builtin_trap();
    for (size_t i = 0; i < a.entries.size(); ++i) {
      const FieldEntry& x = a.entries[i];
      const FieldEntry& y = b.entries[i];
      if (x.field != y.field || x.name != y.name || x.text != y.text) __builtin_trap();
    }
  }

  // The wasm build validates in place, with whatever bytes follow the body
  // in its buffer: the padding's content must not matter.
  static std::string padded;
  padded.assign(body);
  padded.append(kInputPadding, '\xff');
  for (int route = 0; route < kRouteCount; ++route) {
    const ValidationResult& copied = validator.validate(static_cast<Route>(route), body);
    ErrorCode error = copied.error;
    size_t entries = copied.entries.size();
    const ValidationResult& in_place = validator.validate_padded(static_cast<Route>(route), padded.data(), size);
    if (in_place.error != error || in_place.entries.size() != entries) __builtin_trap();
  }

  if (auto state = parse_state(body)) {
    // Whatever parses must serialise and parse back to the same text.
    std::string once = serialize_state(*state);
    auto again = parse_state(once);
    if (!again || serialize_state(*again) != once) __builtin_trap();
  }

  DecisionInput in;
  in.op = size > 0 ? static_cast<Operation>(data[0] % kOperationCount) : Operation::kStatus;
  in.body = body;
  in.state = seeded_state();
  in.now_ms = 1900000000000;
  std::string random(kRandomBytesNeeded, '\x42');
  in.random = random;
  in.user.username = "fuzz";
  in.user.email = "fuzz@example.com";
  static DecisionScratch scratch;
  Decision d = decide(in, host, scratch);
  if (d.body.empty() || d.body.front() != '{') __builtin_trap();
  return 0;
}
