// The embind layer: a coarse boundary (about one call per request), plain
// values out, errors as catalog codes, nothing thrown across. The ergonomic
// API lives in js/.
#include <emscripten/bind.h>
#include <emscripten/em_js.h>
#include <emscripten/emscripten.h>
#include <emscripten/val.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "identity_mfa/base32.h"
#include "identity_mfa/decide.h"
#include "identity_mfa/errors.h"
#include "identity_mfa/otp.h"
#include "identity_mfa/otpauth.h"
#include "identity_mfa/recovery_codes.h"
#include "identity_mfa/request.h"

// The host's cryptography, through one JS function: js/api.js sets
// Module.identityMfaHost to the host of the call in progress (a user's host,
// wrapped so that nothing it throws crosses into wasm). `kind`: 0-2
// HMAC-SHA1/256/512 of message b under key a; 3 the peppered hash of a;
// 4 seal secret b for owner a; 5 open sealed b for owner a. It writes its
// answer at `out` (at most `cap` bytes) and returns the length, or -1 when
// the host failed.
EM_JS(int, identity_mfa_host_call, (int kind, const char* a, int a_len, const char* b, int b_len, char* out, int cap), {
  return Module['identityMfaHost'](kind, a, a_len, b, b_len, out, cap);
});

namespace identity_mfa {
namespace {

using emscripten::val;

val bytes_to_js(std::string_view bytes) {
  auto view = emscripten::typed_memory_view(bytes.size(),
                                            reinterpret_cast<const uint8_t*>(bytes.data()));
  return val::global("Uint8Array").new_(view);  // a copy, safe after memory grows
}

class ExportHost : public CryptoHost {
 public:
  explicit ExportHost(bool seals) : seals_(seals) {}
  std::optional<std::string> hmac(HashAlg alg, std::string_view key, std::string_view message) override {
    return call(static_cast<int>(alg), key, message);
  }
  std::optional<std::string> peppered_hash(std::string_view message) override { return call(3, message, {}); }
  bool seals() const override { return seals_; }
  std::optional<std::string> seal(std::string_view owner, std::string_view secret) override {
    return call(4, owner, secret);
  }
  std::optional<std::string> open(std::string_view owner, std::string_view sealed) override {
    return call(5, owner, sealed);
  }

 private:
  static std::optional<std::string> call(int kind, std::string_view a, std::string_view b) {
    char out[1024];  // an HMAC is at most 64 bytes, a sealed secret about 100
    int n = identity_mfa_host_call(kind, a.data(), static_cast<int>(a.size()), b.data(),
                                   static_cast<int>(b.size()), out, static_cast<int>(sizeof out));
    if (n < 0 || n > static_cast<int>(sizeof out)) return std::nullopt;
    return std::string(out, static_cast<size_t>(n));
  }
  bool seals_;
};

// ---- Request validation: the hot path, shared memory instead of objects ----
//
// JS copies the body into the input buffer and calls
// _identity_mfa_validate_input() (a plain export, below); the
// answer is a block of uint32 words in wasm memory:
//   [0] error (0 = valid, else 1-based catalog index)  [1] HTTP status
//   [2] entry count  [3] where texts live  [4] text pointer  [5] text length
//   then per entry: field id (or -1), name start, name length, text start,
//   text length.
// Creating a JS string from wasm memory costs more per string than the
// validation of a typical body, so results avoid it:
//   [3] = 1: every text is a slice of the body itself, which the core's fast
//            path has checked to be plain ASCII there: offsets are byte offsets
//            into the body, and JS slices the string it already has.
//   [3] = 0: names and texts are packed into one UTF-8 text at [4]/[5], decoded
//            once; offsets and lengths are in UTF-16 units.
// Known field names (id >= 0) are never sent: JS has them. Neither are the
// reasons an error gives: text length kReasonMark says text start is an index
// into the contract's REASONS, which JS has.
// Pointers stay valid until the next call.
struct ValidationSlot {
  RequestValidator validator;
  std::vector<char> input;
  std::vector<uint32_t> words;
  std::string text;
  uint32_t utf16_length = 0;  // of `text` so far
};

ValidationSlot& slot() {
  static ValidationSlot* s = new ValidationSlot();  // lives as long as the module
  return *s;
}

// Appends valid UTF-8 to the slot's text; returns its UTF-16 length.
uint32_t append_text(ValidationSlot& s, std::string_view utf8) {
  uint32_t units = 0;
  for (char c : utf8) {
    auto byte = static_cast<unsigned char>(c);
    if ((byte & 0xC0) != 0x80) units += byte >= 0xF0 ? 2 : 1;  // 4-byte sequences are surrogate pairs
  }
  s.text.append(utf8);
  s.utf16_length += units;
  return units;
}

// A buffer for bodies of up to `capacity` bytes, with the parser's padding
// after them, so validation reads the body where JS wrote it.
uintptr_t input_buffer(size_t capacity) {
  auto& s = slot();
  if (s.input.size() < capacity + kInputPadding) s.input.resize(capacity + kInputPadding);
  return reinterpret_cast<uintptr_t>(s.input.data());
}

constexpr uint32_t kReasonMark = 0xFFFFFFFFu;

bool inside(std::string_view part, const char* begin, size_t len) {
  return part.data() >= begin && part.data() + part.size() <= begin + len;
}

uintptr_t validate_input(int route, size_t len, size_t limit) {
  auto& s = slot();
  if (route < 0 || route >= kRouteCount) route = static_cast<int>(Route::kEnable);
  // JS copies only bodies within the limit; longer ones are never read.
  const char* data = len <= limit && len + kInputPadding <= s.input.size() ? s.input.data() : nullptr;
  if (!data && len <= limit) len = limit + 1;  // cannot happen through js/api.js
  const ValidationResult& r = s.validator.validate_padded(static_cast<Route>(route), data, len, limit);

  bool in_body = data != nullptr;
  for (const auto& e : r.entries) {
    bool text_ok = reason_of(e.text) >= 0 || inside(e.text, data, len);
    in_body = in_body && text_ok && (e.field >= 0 || inside(e.name, data, len));
  }
  s.text.clear();
  s.utf16_length = 0;
  // Filled by index: the vector keeps its capacity, so nothing allocates.
  s.words.resize(6 + 5 * r.entries.size());
  uint32_t* w = s.words.data();
  w[0] = static_cast<uint32_t>(r.error);
  w[1] = static_cast<uint32_t>(r.status);
  w[2] = static_cast<uint32_t>(r.entries.size());
  w[3] = in_body ? 1u : 0u;
  w += 6;
  for (const auto& e : r.entries) {
    uint32_t name_at = 0, name_length = 0, text_at, text_length;
    int reason = reason_of(e.text);
    if (in_body) {
      if (e.field < 0) {
        name_at = static_cast<uint32_t>(e.name.data() - data);
        name_length = static_cast<uint32_t>(e.name.size());
      }
      text_at = static_cast<uint32_t>(e.text.data() - data);
      text_length = static_cast<uint32_t>(e.text.size());
    } else {
      name_at = s.utf16_length;
      if (e.field < 0) name_length = append_text(s, e.name);
      text_at = s.utf16_length;
      text_length = reason >= 0 ? 0 : append_text(s, e.text);
    }
    if (reason >= 0) {
      text_at = static_cast<uint32_t>(reason);
      text_length = kReasonMark;
    }
    w[0] = static_cast<uint32_t>(e.field);
    w[1] = name_at;
    w[2] = name_length;
    w[3] = text_at;
    w[4] = text_length;
    w += 5;
  }
  s.words[4] = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(s.text.data()));
  s.words[5] = static_cast<uint32_t>(s.text.size());
  return reinterpret_cast<uintptr_t>(s.words.data());
}

// ---- The state machine: one call per request --------------------------------
//
// No embind on this path (its object marshalling cost more than a status
// decision): JS writes the body, the state and the user's and settings'
// strings into the input buffer, one after another, and the numbers into
// DecideParams; identity_mfa_decide() answers in DecideAnswer, whose texts
// stay in wasm memory until the next decision. js/api.js is the other half.

// Written by JS before each call.
struct DecideParams {
  double now_ms;
  double pending_ttl_ms;  // > 0 overrides the default
  int32_t op;
  int32_t flags;          // kFlag* below
  // Byte lengths of the texts laid end to end in the input buffer.
  int32_t lengths[8];     // body, state, user id, username, email, phone, issuer, random
  int32_t algorithm;      // HashAlg, or -1 for the default
  int32_t digits;         // 0 for the default
  int32_t period;         // 0 for the default
  int32_t body_limit;     // -1 for the default
};
constexpr int32_t kFlagAdmin = 1, kFlagStepUp = 2, kFlagUser = 4, kFlagSeals = 8;

// Read by JS after each call.
struct DecideAnswer {
  int32_t status;
  int32_t error;          // 1 + catalog index, or 0
  double retry_after;
  uint32_t body, body_length;
  uint32_t state, state_length;  // state 0: unchanged
  int32_t method;         // MfaType, 3 for a recovery code, -1 for none
  int32_t channel;        // MfaType of the outbound message, or -1
  uint32_t to, to_length, text, text_length;
  int32_t audit_count;
  int32_t audit[16];      // AuditEvent
};

struct DecideSlot {
  std::string input;  // the texts, end to end
  DecideParams params;
  DecideAnswer answer;
  Decision last;      // kept until the next decision, while JS reads it
};

DecideSlot& decide_slot() {
  static DecideSlot* s = new DecideSlot();  // lives as long as the module
  return *s;
}

uintptr_t decide_buffer(size_t capacity) {
  auto& s = decide_slot();
  if (s.input.size() < capacity) s.input.resize(capacity);
  return reinterpret_cast<uintptr_t>(s.input.data());
}

uint32_t address(const std::string& text) { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(text.data())); }

int32_t type_index(std::string_view name) {
  if (name == "recovery") return kMfaTypeCount;
  auto type = parse_mfa_type(name);
  return type ? static_cast<int32_t>(*type) : -1;
}

// Settings from the params: each left at its default when not given; a value
// out of range is passed on, for the core to refuse (IDE-0045).
Settings read_settings(const DecideParams& p, std::string_view issuer) {
  Settings s;
  if (!issuer.empty()) s.issuer = std::string(issuer);
  if (p.algorithm >= 0 && p.algorithm <= static_cast<int32_t>(HashAlg::kSha512)) s.totp.alg = static_cast<HashAlg>(p.algorithm);
  if (p.digits != 0) s.totp.digits = p.digits;
  if (p.period != 0) s.totp.period = p.period;
  if (p.pending_ttl_ms > 0 && p.pending_ttl_ms < 1e15) s.pending_ttl_ms = static_cast<int64_t>(p.pending_ttl_ms);
  if (p.body_limit >= 0) s.body_limit = static_cast<size_t>(p.body_limit);
  return s;
}

uintptr_t decide_now() {
  auto& slot = decide_slot();
  const DecideParams& p = slot.params;
  std::string_view texts[8];
  size_t at = 0;
  bool fits = true;
  for (int i = 0; i < 8; ++i) {
    size_t length = p.lengths[i] < 0 ? 0 : static_cast<size_t>(p.lengths[i]);
    fits = fits && p.lengths[i] >= 0 && length <= slot.input.size() - at;
    if (!fits) break;
    texts[i] = std::string_view(slot.input.data() + at, length);
    at += length;
  }
  Decision& d = slot.last;
  int op = p.op;
  if (!fits || op < 0 || op >= kOperationCount || !std::isfinite(p.now_ms)) {
    // Cannot happen through js/api.js. Never decide on a state not fully
    // read: that could overwrite a user's real state.
    d = Decision{};
    d.error = ErrorCode::kInternal;
    d.status = catalog_entry(ErrorCode::kInternal).status;
    d.body = error_body(ErrorCode::kInternal, {});
  } else {
    DecisionInput in;
    in.op = static_cast<Operation>(op);
    in.body = texts[0];
    in.state = texts[1];
    in.now_ms = static_cast<int64_t>(p.now_ms);
    in.admin = (p.flags & kFlagAdmin) != 0;
    in.step_up = (p.flags & kFlagStepUp) != 0;
    in.random = texts[7];
    in.user.exists = (p.flags & kFlagUser) != 0;
    in.user.id = std::string(texts[2]);
    in.user.username = std::string(texts[3]);
    in.user.email = std::string(texts[4]);
    in.user.phone = std::string(texts[5]);
    in.settings = read_settings(p, texts[6]);
    ExportHost host((p.flags & kFlagSeals) != 0);
    static DecisionScratch* scratch = new DecisionScratch();  // lives as long as the module
    d = decide(in, host, *scratch);
  }

  DecideAnswer& a = slot.answer;
  a.status = d.status;
  a.error = d.error == ErrorCode::kNone ? 0 : static_cast<int32_t>(&catalog_entry(d.error) - catalog_begin()) + 1;
  a.retry_after = static_cast<double>(d.retry_after_s);
  a.body = address(d.body);
  a.body_length = static_cast<uint32_t>(d.body.size());
  a.state = d.state_changed ? address(d.new_state) : 0;
  a.state_length = d.state_changed ? static_cast<uint32_t>(d.new_state.size()) : 0;
  a.method = type_index(d.mfa_type);
  a.channel = d.outbound.channel.empty() ? -1 : type_index(d.outbound.channel);
  a.to = address(d.outbound.to);
  a.to_length = static_cast<uint32_t>(d.outbound.to.size());
  a.text = address(d.outbound.text);
  a.text_length = static_cast<uint32_t>(d.outbound.text.size());
  a.audit_count = static_cast<int32_t>(std::min<size_t>(d.audit.size(), 16));
  for (int i = 0; i < a.audit_count; ++i) a.audit[i] = static_cast<int32_t>(d.audit[static_cast<size_t>(i)]);
  return reinterpret_cast<uintptr_t>(&a);
}

// ---- Catalog and primitives (tests, tools, vectors) --------------------------

val catalog_js() {
  val list = val::array();
  for (size_t i = 0; i < catalog_size(); ++i) {
    const CatalogEntry& e = catalog_begin()[i];
    val entry = val::object();
    entry.set("code", std::string(e.code));
    entry.set("status", e.status);
    entry.set("title", std::string(e.title));
    entry.set("message", std::string(e.message));
    list.call<void>("push", entry);
  }
  return list;
}

val hotp_js(std::string alg_name, std::string key, double counter, int digits) {
  auto alg = parse_hash_alg(alg_name);
  if (!alg) return val::null();
  ExportHost js_host(false);
  if (!std::isfinite(counter) || counter < 0 || counter >= 18446744073709551616.0) return val::null();
  auto code = hotp(js_host, *alg, key, static_cast<uint64_t>(counter), digits);
  return code ? val(*code) : val::null();
}

std::string base32_encode_js(std::string bytes, bool pad) { return base32_encode(bytes, pad); }

val base32_decode_js(std::string text) {
  auto bytes = base32_decode(text);
  return bytes ? bytes_to_js(*bytes) : val::null();
}

val otpauth_url_js(std::string issuer, std::string account, std::string secret,
                   std::string alg_name, int digits, int period) {
  auto alg = parse_hash_alg(alg_name);
  if (!alg) return val::null();
  return val(otpauth_url(issuer, account, secret, TotpParams{*alg, digits, period}));
}

std::string recovery_code_from_random_js(std::string random) {
  return recovery_code_from_random(random);
}

std::string normalize_recovery_code_js(std::string input) { return normalize_recovery_code(input); }

// Key rotation (identity-mfa rekey): what a state's secrets are stored as,
// and the state with every secret sealed again by the host.
val stored_secrets_js(std::string state) {
  auto stored = stored_secrets(state);
  if (!stored) return val::null();
  val list = val::array();
  for (const auto& s : *stored) list.call<void>("push", s);
  return list;
}

val reseal_state_js(std::string state, std::string context) {
  ExportHost js_host(true);
  auto resealed = reseal_state(state, context, js_host);
  return resealed ? val(*resealed) : val::null();
}

}  // namespace
}  // namespace identity_mfa

EMSCRIPTEN_BINDINGS(identity_mfa) {
  using namespace identity_mfa;
  emscripten::function("catalog", &catalog_js);
  emscripten::function("hotp", &hotp_js);
  emscripten::function("base32Encode", &base32_encode_js);
  emscripten::function("base32Decode", &base32_decode_js);
  emscripten::function("otpauthUrl", &otpauth_url_js);
  emscripten::function("recoveryCodeFromRandom", &recovery_code_from_random_js);
  emscripten::function("normalizeRecoveryCode", &normalize_recovery_code_js);
  emscripten::function("storedSecrets", &stored_secrets_js);
  emscripten::function("resealState", &reseal_state_js);
  emscripten::constant("randomBytesNeeded", static_cast<int>(kRandomBytesNeeded));
  emscripten::constant("defaultBodyLimit", static_cast<int>(kDefaultBodyLimit));
}

// The validation fast path is two plain wasm exports, not embind functions
// (a third gives decide() its input buffer):
// JS calls them directly. embind's invokers, built without eval so that the
// core loads under a strict Content-Security-Policy, cost more than
// validating a body does (bench/validate.mjs). Listed in
// bindings/CMakeLists.txt (EXPORTED_FUNCTIONS): with hidden visibility,
// `used` alone does not export.
extern "C" {
uintptr_t identity_mfa_input_buffer(size_t capacity) {
  return identity_mfa::input_buffer(capacity);
}
uintptr_t identity_mfa_validate_input(int route, size_t len, size_t limit) {
  return identity_mfa::validate_input(route, len, limit);
}
// A decision (DecideParams and DecideAnswer above): where JS writes its texts
// and its numbers, and the call.
uintptr_t identity_mfa_decide_buffer(size_t capacity) {
  return identity_mfa::decide_buffer(capacity);
}
uintptr_t identity_mfa_decide_params() {
  return reinterpret_cast<uintptr_t>(&identity_mfa::decide_slot().params);
}
uintptr_t identity_mfa_decide() { return identity_mfa::decide_now(); }
}
