// The embind layer: a coarse boundary (about one call per request), plain
// values out, errors as catalog codes, nothing thrown across. The ergonomic
// API lives in js/.
#include <emscripten/bind.h>
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

namespace identity_mfa {
namespace {

using emscripten::val;

val bytes_to_js(std::string_view bytes) {
  auto view = emscripten::typed_memory_view(bytes.size(),
                                            reinterpret_cast<const uint8_t*>(bytes.data()));
  return val::global("Uint8Array").new_(view);  // a copy, safe after memory grows
}

// CryptoHost over a JS object {hmac(alg, key, message), pepperedHash(message)}
// and, for a host that seals, {seal(context, secret), open(context, sealed)},
// each returning a Uint8Array, or null on failure. js/ wraps user hosts so
// that they never throw into wasm.
class JsHost : public CryptoHost {
 public:
  explicit JsHost(val host) : host_(std::move(host)), seals_(!host_["seal"].isUndefined()) {}

  std::optional<std::string> hmac(HashAlg alg, std::string_view key,
                                  std::string_view message) override {
    return to_bytes(host_.call<val>("hmac", std::string(hash_alg_name(alg)), view(key), view(message)));
  }
  std::optional<std::string> peppered_hash(std::string_view message) override {
    return to_bytes(host_.call<val>("pepperedHash", view(message)));
  }
  bool seals() const override { return seals_; }
  std::optional<std::string> seal(std::string_view context, std::string_view secret) override {
    return to_bytes(host_.call<val>("seal", view(context), view(secret)));
  }
  std::optional<std::string> open(std::string_view context, std::string_view sealed) override {
    return to_bytes(host_.call<val>("open", view(context), view(sealed)));
  }

 private:
  static val view(std::string_view bytes) {
    return val(emscripten::typed_memory_view(bytes.size(),
                                             reinterpret_cast<const uint8_t*>(bytes.data())));
  }
  static std::optional<std::string> to_bytes(const val& result) {
    if (!result.instanceof(val::global("Uint8Array"))) return std::nullopt;
    std::vector<uint8_t> bytes = emscripten::convertJSArrayToNumberVector<uint8_t>(result);
    return std::string(bytes.begin(), bytes.end());
  }
  val host_;
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
// into reasons(), which JS reads once.
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

std::string read_string(const val& object, const char* key, std::string fallback = "") {
  val v = object[key];
  return v.isString() ? v.as<std::string>() : fallback;
}

// A number member as an integer, or `fallback` when it is absent, not a
// finite number, or outside Int's range: a float-to-int conversion of NaN or
// of an out-of-range value would trap in wasm.
template <class Int>
Int read_number(const val& object, const char* key, Int fallback) {
  val v = object[key];
  if (!v.isNumber()) return fallback;
  double d = v.as<double>();
  if (!std::isfinite(d) || d < static_cast<double>(std::numeric_limits<Int>::min()) ||
      d >= static_cast<double>(std::numeric_limits<Int>::max())) {
    return fallback;
  }
  return static_cast<Int>(d);
}

Settings read_settings(const val& js) {
  Settings s;
  if (js.isUndefined() || js.isNull()) return s;
  s.issuer = read_string(js, "issuer", s.issuer);
  if (auto alg = parse_hash_alg(read_string(js, "algorithm", "SHA1"))) s.totp.alg = *alg;
  s.totp.digits = read_number<int>(js, "digits", s.totp.digits);
  s.totp.period = read_number<int>(js, "period", s.totp.period);
  s.pending_ttl_ms = read_number<int64_t>(js, "pendingTtlMs", s.pending_ttl_ms);
  s.body_limit = read_number<size_t>(js, "bodyLimit", s.body_limit);
  return s;
}

// The body and the state (~1 KB) arrive in wasm memory, written by JS with
// TextEncoder.encodeInto, and the response body and new state leave as
// (pointer, length) read by a Buffer or TextDecoder: embind's std::string
// conversions walk every byte in JS, which was a third of a status call.
struct DecideSlot {
  std::string input;  // the body's bytes, then the state's
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

val memory_string(const std::string& text) {
  val out = val::object();
  out.set("ptr", static_cast<double>(reinterpret_cast<uintptr_t>(text.data())));
  out.set("length", static_cast<double>(text.size()));
  return out;
}

val decide_js(val input, val host) {
  auto& slot = decide_slot();
  int op = read_number<int>(input, "op", -1);
  if (op < 0 || op >= kOperationCount) op = static_cast<int>(Operation::kStatus);
  auto body_length = read_number<size_t>(input, "bodyLength", 0);
  auto state_length = read_number<size_t>(input, "stateLength", 0);
  std::string random;
  if (input["random"].instanceof(val::global("Uint8Array"))) random = input["random"].as<std::string>();

  Decision& d = slot.last;
  if (body_length > slot.input.size() || state_length > slot.input.size() - body_length) {
    // Cannot happen through js/api.js. Never decide on a state not fully
    // read: that could overwrite a user's real state.
    d = Decision{};
    d.status = catalog_entry(ErrorCode::kInternal).status;
    d.error = ErrorCode::kInternal;
    d.body = error_body(ErrorCode::kInternal, {});
  } else {
    DecisionInput in;
    in.op = static_cast<Operation>(op);
    in.body = std::string_view(slot.input.data(), body_length);
    in.state = std::string_view(slot.input.data() + body_length, state_length);
    in.now_ms = read_number<int64_t>(input, "now", 0);
    in.admin = input["admin"].isTrue();
    in.step_up = input["stepUp"].isTrue();
    in.random = random;
    val user = input["user"];
    if (user.isUndefined() || user.isNull()) {
      in.user.exists = false;
    } else {
      in.user.id = read_string(user, "id");
      in.user.username = read_string(user, "username");
      in.user.email = read_string(user, "email");
      in.user.phone = read_string(user, "phone");
    }
    in.settings = read_settings(input["settings"]);

    JsHost js_host(host);
    static DecisionScratch* scratch = new DecisionScratch();  // lives as long as the module
    d = decide(in, js_host, *scratch);
  }

  val out = val::object();
  out.set("status", d.status);
  out.set("error", d.error == ErrorCode::kNone ? val::null() : val(std::string(catalog_entry(d.error).code)));
  out.set("body", memory_string(d.body));
  out.set("retryAfter", static_cast<double>(d.retry_after_s));
  out.set("newState", d.state_changed ? memory_string(d.new_state) : val::null());
  out.set("mfaType", d.mfa_type.empty() ? val::null() : val(d.mfa_type));
  val audit = val::array();
  for (const auto& event : d.audit) audit.call<void>("push", event);
  out.set("audit", audit);
  if (d.outbound.channel.empty()) {
    out.set("outbound", val::null());
  } else {
    val message = val::object();
    message.set("channel", d.outbound.channel);
    message.set("to", d.outbound.to);
    message.set("text", d.outbound.text);
    out.set("outbound", message);
  }
  return out;
}

// ---- Catalog and primitives (tests, tools, vectors) --------------------------

val reasons_js() {
  val list = val::array();
  for (int i = 0; i < kReasonCount; ++i) {
    list.call<void>("push", std::string(reason_text(static_cast<Reason>(i))));
  }
  return list;
}

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

val hotp_js(std::string alg_name, std::string key, double counter, int digits, val host) {
  auto alg = parse_hash_alg(alg_name);
  if (!alg) return val::null();
  JsHost js_host(host);
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

val reseal_state_js(std::string state, std::string context, val host) {
  JsHost js_host(host);
  auto resealed = reseal_state(state, context, js_host);
  return resealed ? val(*resealed) : val::null();
}

}  // namespace
}  // namespace identity_mfa

EMSCRIPTEN_BINDINGS(identity_mfa) {
  using namespace identity_mfa;
  emscripten::function("decide", &decide_js);
  emscripten::function("catalog", &catalog_js);
  emscripten::function("reasons", &reasons_js);
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
// validating a body does (docs/performance.md). Listed in
// bindings/CMakeLists.txt (EXPORTED_FUNCTIONS): with hidden visibility,
// `used` alone does not export.
extern "C" {
uintptr_t identity_mfa_input_buffer(size_t capacity) {
  return identity_mfa::input_buffer(capacity);
}
uintptr_t identity_mfa_validate_input(int route, size_t len, size_t limit) {
  return identity_mfa::validate_input(route, len, limit);
}
// Where JS writes a decision's body and state (decide_js above).
uintptr_t identity_mfa_decide_buffer(size_t capacity) {
  return identity_mfa::decide_buffer(capacity);
}
}
