#include "identity_mfa/decide.h"

#include <optional>

#include "identity_mfa/base32.h"
#include "identity_mfa/otpauth.h"
#include "identity_mfa/recovery_codes.h"
#include "identity_mfa/state.h"
#include "json_writer.h"

namespace identity_mfa {

std::string error_body(ErrorCode code, const std::vector<FieldEntry>& fields) {
  const CatalogEntry& e = catalog_entry(code);
  JsonWriter w;
  w.begin_object();
  w.key("code").string(e.code);
  w.key("title").string(e.title);
  w.key("message").string(e.message);
  if (!fields.empty()) {
    w.key("fields").begin_object();
    for (const auto& f : fields) w.key(f.name).string(f.text);
    w.end_object();
  }
  w.end_object();
  return w.take();
}

namespace {

constexpr size_t kSecretBytes = 20;  // 160-bit TOTP secrets (RFC 4226 §4)
constexpr size_t kRecoveryOffset = kSecretBytes;
constexpr size_t kCodeOffset = kRecoveryOffset + kRecoveryCodeCount * kRecoveryCodeRandomBytes;
static_assert(kCodeOffset + 28 <= kRandomBytesNeeded, "random budget");

int64_t ceil_seconds(int64_t ms) { return (ms + 999) / 1000; }

// One decision in progress. Each operation reads the validated request and
// the state, and ends in exactly one of ok() or fail().
class Decider {
 public:
  Decider(const DecisionInput& in, CryptoHost& host, const ValidationResult* request)
      : in_(in), host_(host), request_(request) {}

  Decision run(MfaState state);

 private:
  void status();
  void setup(MfaType type);
  void verify(MfaType type);
  void enable(MfaType type);
  void preferred(MfaType type);
  void disable(MfaType type);
  void regenerate();
  void challenge(MfaType type);
  void check(std::optional<MfaType> type);
  bool stepped_up() const;
  bool clamp_future();
  bool clamp_code(std::string* hash, int64_t* sent_at, int64_t* expires_at) const;
  bool clamp_step(int64_t* last_step, int period) const;

  // Outcomes.
  void ok(std::string body) {
    d_.status = 200;
    d_.body = std::move(body);
  }
  void fail(ErrorCode code, std::vector<FieldEntry> fields = {}) {
    d_.error = code;
    d_.status = catalog_entry(code).status;
    d_.body = error_body(code, fields);
  }
  void fail_locked(int64_t until_ms) {
    fail(ErrorCode::kTooManyAttempts);
    d_.retry_after_s = ceil_seconds(until_ms - in_.now_ms);
  }
  // A wrong passcode or recovery code: counts toward the lockout.
  void fail_attempt(ErrorCode code);
  void succeed_attempt() {
    if (state_.failures != 0) changed();
    state_.failures = 0;
  }
  void changed() { d_.state_changed = true; }
  void audit(AuditEvent event) { d_.audit.push_back(event); }

  // Checks shared by operations; each returns false after fail().
  bool check_unlocked();
  bool check_secret(Secret& expected);
  const std::string* opened(Secret& secret);
  std::optional<Pending*> live_pending(MfaType type);

  std::optional<std::string_view> field(Field f) const { return request_->get(f); }
  bool totp_accept(Secret& secret, const TotpParams& params, int64_t* last_step);
  std::optional<std::vector<std::string>> new_recovery_set(std::vector<std::string>* hashes);
  std::optional<std::string> hash_code(std::string_view code);
  std::string one_time_code() const;
  bool check_resend(int64_t sent_at);
  bool send_code(MfaType type, const std::string& to, const char* kind, std::string* hash,
                 int64_t* sent_at, int64_t* expires_at);
  bool accept_code(std::string* hash, int64_t expires_at);
  const std::string& address(MfaType type) const {
    return type == MfaType::kEmail ? in_.user.email : in_.user.phone;
  }
  void write_methods(JsonWriter& w) const;

  const DecisionInput& in_;
  CryptoHost& host_;
  const ValidationResult* request_;
  MfaState state_;
  Decision d_;
  bool host_failed_ = false;
};

void Decider::fail_attempt(ErrorCode code) {
  changed();
  if (++state_.failures >= kMaxFailures) {
    state_.failures = 0;
    state_.locked_until = in_.now_ms + kLockMs;
    audit(AuditEvent::kLock);
    fail_locked(state_.locked_until);
    return;
  }
  fail(code);
}

bool Decider::check_unlocked() {
  if (state_.locked_until > in_.now_ms) {
    fail_locked(state_.locked_until);
    return false;
  }
  return true;
}

// The clear text of a stored secret, or null after a host failure (the
// decision then answers IDE-0045).
const std::string* Decider::opened(Secret& secret) {
  if (open_secret(secret, in_.user.id, host_)) return &secret.clear;
  host_failed_ = true;
  fail(ErrorCode::kOperationFailed);
  return nullptr;
}

bool Decider::check_secret(Secret& expected) {
  auto sent = field(Field::kSecret);
  // A match by the digest opens no cipher; anything else is decided on the
  // opened secret.
  if (sent && open_by_digest(expected, *sent, in_.user.id, host_)) return true;
  const std::string* clear = opened(expected);
  if (!clear) return false;
  if (sent && constant_time_equal(*sent, *clear)) return true;
  fail(ErrorCode::kSecretMismatch);
  return false;
}

// The type's pending enrollment if it exists and has not expired; otherwise
// fails with IDE-0043 and returns nullopt.
std::optional<Pending*> Decider::live_pending(MfaType type) {
  Pending& p = state_.pending_for(type);
  if (p.active && in_.now_ms < p.expires_at) return &p;
  fail(ErrorCode::kSetupNotInitiated);
  return std::nullopt;
}

bool Decider::totp_accept(Secret& secret, const TotpParams& params, int64_t* last_step) {
  const std::string* clear = opened(secret);
  if (!clear) return false;
  auto key = base32_decode(*clear);
  if (!key) {
    host_failed_ = true;
    return false;
  }
  TotpResult r = totp_verify(host_, *key, params, in_.now_ms, *field(Field::kPasscode), *last_step);
  if (r.check == TotpCheck::kHostFailure) host_failed_ = true;
  if (r.check != TotpCheck::kAccepted) return false;
  *last_step = r.step;
  return true;
}

// Ten fresh codes: plaintext for the response, peppered hashes for the state.
std::optional<std::vector<std::string>> Decider::new_recovery_set(std::vector<std::string>* hashes) {
  std::vector<std::string> codes;
  hashes->clear();
  for (size_t i = 0; i < kRecoveryCodeCount; ++i) {
    size_t at = kRecoveryOffset + i * kRecoveryCodeRandomBytes;
    codes.push_back(recovery_code_from_random(in_.random.substr(at, kRecoveryCodeRandomBytes)));
    auto hash = hash_recovery_code(host_, codes.back());
    if (!hash) return std::nullopt;
    hashes->push_back(std::move(*hash));
  }
  return codes;
}

// Email/SMS codes are hashed under a prefix so they can never collide with a
// recovery-code hash made under the same pepper.
std::optional<std::string> Decider::hash_code(std::string_view code) {
  std::string message = "otp:";
  message += code;
  auto mac = host_.peppered_hash(message);
  if (!mac) return std::nullopt;
  return to_hex(*mac);
}

// Six uniform digits: rejection sampling over 32-bit words removes the bias
// of a plain modulo (2^32 is not a multiple of 10^6).
std::string Decider::one_time_code() const {
  constexpr uint32_t kRange = 1000000;
  constexpr uint32_t kLimit = 0xFFFFFFFFu - (0xFFFFFFFFu % kRange);
  uint32_t value = 0;
  for (size_t at = kCodeOffset; at + 4 <= kRandomBytesNeeded; at += 4) {
    value = 0;
    for (size_t i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(in_.random[at + i]);
    if (value < kLimit) break;
  }
  value %= kRange;
  std::string code(6, '0');
  for (int i = 5; i >= 0; --i) {
    code[static_cast<size_t>(i)] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return code;
}

// The resend throttle: a code went to this channel less than 30 s ago.
bool Decider::check_resend(int64_t sent_at) {
  if (sent_at == 0 || in_.now_ms - sent_at >= kResendIntervalMs) return true;
  fail_locked(sent_at + kResendIntervalMs);
  return false;
}

// A fresh one-time code for `type` (email or sms) to `to`: its hash and times
// go into the given slots, the message (`kind`: "verification" or
// "sign-in") into the outbound. False after fail().
bool Decider::send_code(MfaType type, const std::string& to, const char* kind, std::string* hash,
                        int64_t* sent_at, int64_t* expires_at) {
  std::string code = one_time_code();
  auto mac = hash_code(code);
  if (!mac) {
    fail(ErrorCode::kOperationFailed);
    return false;
  }
  *hash = std::move(*mac);
  *sent_at = in_.now_ms;
  *expires_at = in_.now_ms + kCodeTtlMs;
  d_.outbound = {mfa_type_name(type), to,
                 "Your " + in_.settings.issuer + " " + kind + " code is " + code +
                     ". It expires in 5 minutes."};
  return true;
}

// Whether the request's passcode is the outstanding one-time code whose hash
// is `*hash` (until `expires_at`); a match is consumed: single use.
bool Decider::accept_code(std::string* hash, int64_t expires_at) {
  auto sent = hash_code(*field(Field::kPasscode));
  if (!sent) host_failed_ = true;
  bool accepted = sent && !hash->empty() && in_.now_ms < expires_at && constant_time_equal(*sent, *hash);
  if (accepted) hash->clear();
  return accepted;
}

// The enabled types, in app, email, sms order, as a JSON array.
void Decider::write_methods(JsonWriter& w) const {
  w.begin_array();
  for (int t = 0; t < kMfaTypeCount; ++t) {
    if (state_.factors[t].enabled) w.string(mfa_type_name(static_cast<MfaType>(t)));
  }
  w.end_array();
}

void Decider::status() {
  JsonWriter w;
  w.begin_object();
  w.key("enabled").boolean(state_.any_enabled());
  w.key("preferredType").string(state_.preferred ? mfa_type_name(*state_.preferred) : "");
  w.key("methods");
  write_methods(w);
  w.key("totpEnabled").boolean(state_.factor(MfaType::kApp).enabled);
  w.key("emailEnabled").boolean(state_.factor(MfaType::kEmail).enabled);
  w.key("smsEnabled").boolean(state_.factor(MfaType::kSms).enabled);
  w.key("recoveryCodesRemaining").number(static_cast<int64_t>(state_.recovery_hashes.size()));
  w.key("pending").begin_array();
  for (int t = 0; t < kMfaTypeCount; ++t) {
    const Pending& p = state_.pending[t];
    if (!p.active || in_.now_ms >= p.expires_at) continue;
    w.begin_object();
    w.key("mfaType").string(mfa_type_name(static_cast<MfaType>(t)));
    w.key("expiresAt").string(iso_time(p.expires_at));
    w.key("verified").boolean(p.verified);
    w.end_object();
  }
  w.end_array();
  w.key("lockedUntil");
  if (state_.locked_until > in_.now_ms) {
    w.string(iso_time(state_.locked_until));
  } else {
    w.null();
  }
  w.end_object();
  ok(w.take());
}

// Whether this request proves a second factor of the user's: an admin's
// (a reset), a token that carries one, or a check within the last 5 minutes.
bool Decider::stepped_up() const {
  return in_.admin || in_.step_up ||
         (state_.checked_at != 0 && in_.now_ms - state_.checked_at < kStepUpMs);
}

void Decider::setup(MfaType type) {
  if (state_.factor(type).enabled) return fail(ErrorCode::kAlreadyEnabled);
  // Once a factor is on, a bearer token alone must not add another: that
  // would let a stolen token replace the recovery codes and then turn the
  // user's own factor off.
  if (state_.any_enabled() && !stepped_up()) {
    audit(AuditEvent::kSetupRefused);
    return fail(ErrorCode::kStepUpRequired);
  }
  const std::string& to = address(type);
  if (type != MfaType::kApp && to.empty()) return fail(ErrorCode::kChannelUnavailable);
  Pending& old = state_.pending_for(type);
  bool old_live = old.active && in_.now_ms < old.expires_at;
  if (type != MfaType::kApp && old_live && !check_resend(old.sent_at)) return;

  Pending p;
  p.active = true;
  p.created_at = in_.now_ms;
  p.expires_at = in_.now_ms + in_.settings.pending_ttl_ms;
  auto codes = new_recovery_set(&p.recovery_hashes);
  if (!codes) return fail(ErrorCode::kOperationFailed);

  JsonWriter w;
  w.begin_object();
  if (type == MfaType::kApp) {
    p.secret.clear = base32_encode(in_.random.substr(0, kSecretBytes), false);
    p.secret.opened = p.secret.fresh = true;
    if (host_.seals()) {
      auto digest = secret_digest(p.secret.clear, in_.user.id, host_);
      if (!digest) return fail(ErrorCode::kOperationFailed);
      p.secret.digest = std::move(*digest);
    }
    p.totp = in_.settings.totp;
    w.key("secret").string(p.secret.clear);
    w.key("url").string(otpauth_url(in_.settings.issuer, in_.user.username, p.secret.clear, p.totp));
  } else if (!send_code(type, to, "verification", &p.code_hash, &p.sent_at, &p.code_expires_at)) {
    return;
  }
  w.key("recoveryCodes").strings(*codes);
  w.key("mfaType").string(mfa_type_name(type));
  w.key("enabled").boolean(false);
  w.end_object();

  old = std::move(p);
  changed();
  audit(AuditEvent::kSetup);
  ok(w.take());
}

void Decider::verify(MfaType type) {
  if (!check_unlocked()) return;
  auto pending = live_pending(type);
  if (!pending) return;
  Pending& p = **pending;
  if (type == MfaType::kApp && !check_secret(p.secret)) return;

  bool accepted;
  if (type == MfaType::kApp) {
    accepted = totp_accept(p.secret, p.totp, &p.last_step);
  } else {
    accepted = accept_code(&p.code_hash, p.code_expires_at);
  }
  if (host_failed_) return fail(ErrorCode::kOperationFailed);
  if (!accepted) {
    return fail_attempt(ErrorCode::kInvalidPasscode);
  }
  p.verified = true;
  succeed_attempt();
  changed();
  audit(AuditEvent::kVerifyOk);
  ok(R"({"verified":true})");
}

void Decider::enable(MfaType type) {
  if (!check_unlocked()) return;
  if (state_.factor(type).enabled) {
    return fail(ErrorCode::kAlreadyEnabled);
  }
  auto pending = live_pending(type);
  if (!pending) return;
  Pending& p = **pending;
  if (!p.verified) {
    return fail(ErrorCode::kPasscodeNotVerified);
  }
  if (type == MfaType::kApp && !check_secret(p.secret)) return;

  auto hash = hash_recovery_code(host_, *field(Field::kRecoveryCode));
  if (!hash) return fail(ErrorCode::kOperationFailed);
  int index = find_hash(p.recovery_hashes, *hash);
  if (index < 0) {
    return fail_attempt(ErrorCode::kInvalidRecoveryCode);
  }

  // One atomic step: the factor, the new active set (less the code just
  // typed), the preferred type, and the pending enrollment removed. The
  // first factor also voids the other pending enrollments: they were set up
  // without the step-up that protects the user from now on.
  if (!state_.any_enabled()) {
    for (int t = 0; t < kMfaTypeCount; ++t) {
      if (t != static_cast<int>(type)) state_.pending[t] = Pending{};
    }
  }
  Factor& f = state_.factor(type);
  f.enabled = true;
  f.secret = p.secret;
  f.totp = p.totp;
  f.last_step = p.last_step;
  p.recovery_hashes.erase(p.recovery_hashes.begin() + index);
  state_.recovery_hashes = std::move(p.recovery_hashes);
  if (!state_.preferred) state_.preferred = type;
  p = Pending{};
  succeed_attempt();
  changed();
  audit(AuditEvent::kEnableOk);
  ok(R"({"enabled":true})");
}

void Decider::preferred(MfaType type) {
  Factor& f = state_.factor(type);
  if (!f.enabled) return fail(ErrorCode::kNotEnabled);
  if (type == MfaType::kApp && field(Field::kSecret) && !check_secret(f.secret)) return;
  if (state_.preferred != type) changed();
  state_.preferred = type;
  JsonWriter w;
  w.begin_object().key("preferredType").string(mfa_type_name(type)).end_object();
  ok(w.take());
}

void Decider::disable(MfaType type) {
  auto passcode = field(Field::kPasscode);
  auto recovery = field(Field::kRecoveryCode);
  bool credentials = passcode || recovery;
  if (!credentials && !in_.admin) {
    std::string_view reason = reason_text(Reason::kOneOf);
    return fail(ErrorCode::kMissingFields,
                {{static_cast<int>(Field::kPasscode), "passcode", reason},
                 {static_cast<int>(Field::kRecoveryCode), "recoveryCode", reason}});
  }
  if (credentials && !check_unlocked()) return;
  Factor& f = state_.factor(type);
  if (!f.enabled) return fail(ErrorCode::kNotEnabled);

  if (passcode) {
    bool accepted = totp_accept(f.secret, f.totp, &f.last_step);
    if (host_failed_) return fail(ErrorCode::kOperationFailed);
    if (!accepted) return fail_attempt(ErrorCode::kInvalidPasscode);
  } else if (recovery) {
    auto hash = hash_recovery_code(host_, *recovery);
    if (!hash) return fail(ErrorCode::kOperationFailed);
    int index = find_hash(state_.recovery_hashes, *hash);
    if (index < 0) return fail_attempt(ErrorCode::kInvalidRecoveryCode);
    state_.recovery_hashes.erase(state_.recovery_hashes.begin() + index);
  }

  f = Factor{};
  if (state_.preferred == type) state_.preferred.reset();
  for (int t = 0; t < kMfaTypeCount && !state_.preferred; ++t) {
    if (state_.factors[t].enabled) state_.preferred = static_cast<MfaType>(t);
  }
  // Recovery codes stand in for a second factor: with none left they go.
  if (!state_.any_enabled()) state_.recovery_hashes.clear();
  succeed_attempt();
  changed();
  audit(AuditEvent::kDisable);
  JsonWriter w;
  w.begin_object().key("enabled").boolean(state_.any_enabled()).key("methods");
  write_methods(w);
  ok(w.end_object().take());
}

void Decider::regenerate() {
  if (!check_unlocked()) return;
  if (!state_.any_enabled()) return fail(ErrorCode::kNotEnabled);
  if (auto passcode = field(Field::kPasscode)) {
    Factor& app = state_.factor(MfaType::kApp);
    if (!app.enabled) return fail(ErrorCode::kNotEnabled);
    bool accepted = totp_accept(app.secret, app.totp, &app.last_step);
    if (host_failed_) return fail(ErrorCode::kOperationFailed);
    if (!accepted) return fail_attempt(ErrorCode::kInvalidPasscode);
  } else {
    auto hash = hash_recovery_code(host_, *field(Field::kRecoveryCode));
    if (!hash) return fail(ErrorCode::kOperationFailed);
    if (find_hash(state_.recovery_hashes, *hash) < 0) {
      return fail_attempt(ErrorCode::kInvalidRecoveryCode);
    }
  }
  std::vector<std::string> hashes;
  auto codes = new_recovery_set(&hashes);
  if (!codes) return fail(ErrorCode::kOperationFailed);
  state_.recovery_hashes = std::move(hashes);
  succeed_attempt();
  changed();
  audit(AuditEvent::kRegenerate);
  JsonWriter w;
  w.begin_object().key("recoveryCodes").strings(*codes).end_object();
  ok(w.take());
}

// Sign-in, step one: a fresh code for an enabled email/SMS factor (the
// previous one is void); nothing to send for an app.
void Decider::challenge(MfaType type) {
  if (!check_unlocked()) return;
  Factor& f = state_.factor(type);
  if (!f.enabled) return fail(ErrorCode::kNotEnabled);
  JsonWriter w;
  w.begin_object().key("mfaType").string(mfa_type_name(type));
  if (type == MfaType::kApp) return ok(w.key("sent").boolean(false).key("expiresAt").null().end_object().take());

  const std::string& to = address(type);
  if (to.empty()) return fail(ErrorCode::kChannelUnavailable);
  if (!check_resend(f.sent_at)) return;
  if (!send_code(type, to, "sign-in", &f.code_hash, &f.sent_at, &f.code_expires_at)) return;
  changed();
  audit(AuditEvent::kChallengeSent);
  ok(w.key("sent").boolean(true).key("expiresAt").string(iso_time(f.code_expires_at)).end_object().take());
}

// Sign-in, step two: the passcode of an enabled factor (TOTP, or the code of
// the last challenge), or one recovery code of the active set, consumed.
void Decider::check(std::optional<MfaType> type) {
  if (!check_unlocked()) return;
  auto passcode = field(Field::kPasscode);
  if (type ? !state_.factor(*type).enabled : !state_.any_enabled()) {
    return fail(ErrorCode::kNotEnabled);
  }

  const char* method = "recovery";
  bool accepted;
  if (passcode) {
    method = mfa_type_name(*type);
    Factor& f = state_.factor(*type);
    accepted = *type == MfaType::kApp ? totp_accept(f.secret, f.totp, &f.last_step)
                                      : accept_code(&f.code_hash, f.code_expires_at);
  } else {
    auto hash = hash_recovery_code(host_, *field(Field::kRecoveryCode));
    if (!hash) return fail(ErrorCode::kOperationFailed);
    int index = find_hash(state_.recovery_hashes, *hash);
    accepted = index >= 0;
    if (accepted) state_.recovery_hashes.erase(state_.recovery_hashes.begin() + index);
  }
  d_.mfa_type = method;
  if (host_failed_) return fail(ErrorCode::kOperationFailed);
  if (!accepted) {
    return fail_attempt(passcode ? ErrorCode::kInvalidPasscode : ErrorCode::kInvalidRecoveryCode);
  }
  succeed_attempt();
  state_.checked_at = in_.now_ms;
  changed();
  audit(AuditEvent::kCheckOk);
  JsonWriter w;
  w.begin_object().key("verified").boolean(true).key("method").string(method);
  w.key("recoveryCodesRemaining").number(static_cast<int64_t>(state_.recovery_hashes.size()));
  ok(w.end_object().take());
}

// Times and steps stored while a clock ran ahead (this process's, or
// another's) are brought back when read, and the correction is stored:
// a lock lasts at most its duration from now; a TOTP step at most one step
// ahead (the top of the window: lower would let the next-step code that was
// accepted be replayed); a code sent "in the future" is void (its true age is
// unknown), and its resend throttle runs from now; a check from the future is
// no step-up; a pending enrollment lives at most its lifetime from now.
// Differences within kClockSkewMs are two clocks, not a jump, and stand.
bool Decider::clamp_future() {
  const int64_t now = in_.now_ms;
  bool clamped = false;
  if (state_.locked_until > now + kLockMs) {
    state_.locked_until = now + kLockMs;
    clamped = true;
  }
  if (state_.checked_at > now + kClockSkewMs) {
    state_.checked_at = 0;
    clamped = true;
  }
  for (int t = 0; t < kMfaTypeCount; ++t) {
    Factor& f = state_.factors[t];
    Pending& p = state_.pending[t];
    if (f.enabled) {
      clamped |= clamp_step(&f.last_step, f.totp.period);
      clamped |= clamp_code(&f.code_hash, &f.sent_at, &f.code_expires_at);
    }
    if (p.active) {
      clamped |= clamp_step(&p.last_step, p.totp.period);
      clamped |= clamp_code(&p.code_hash, &p.sent_at, &p.code_expires_at);
      if (p.expires_at > now + in_.settings.pending_ttl_ms) {
        p.expires_at = now + in_.settings.pending_ttl_ms;
        clamped = true;
      }
    }
  }
  return clamped;
}

bool Decider::clamp_code(std::string* hash, int64_t* sent_at, int64_t* expires_at) const {
  if (*sent_at <= in_.now_ms + kClockSkewMs) return false;
  hash->clear();
  *sent_at = in_.now_ms;
  *expires_at = 0;
  return true;
}

bool Decider::clamp_step(int64_t* last_step, int period) const {
  int64_t top = totp_step(in_.now_ms / 1000, period) + 1;
  if (*last_step <= top) return false;
  *last_step = top;
  return true;
}

Decision Decider::run(MfaState state) {
  state_ = std::move(state);
  if (clamp_future()) changed();
  std::optional<MfaType> type;
  if (auto name = request_ ? field(Field::kMfaType) : std::nullopt) {
    type = parse_mfa_type(*name);
    d_.mfa_type = mfa_type_name(*type);
  }
  switch (in_.op) {
    case Operation::kStatus: status(); break;
    case Operation::kSetup: setup(*type); break;
    case Operation::kVerify: verify(*type); break;
    case Operation::kEnable: enable(*type); break;
    case Operation::kPreferred: preferred(*type); break;
    case Operation::kDisable: disable(*type); break;
    case Operation::kRecoveryCodes: regenerate(); break;
    case Operation::kChallenge: challenge(*type); break;
    case Operation::kCheck: check(type); break;
  }
  // A failed attempt at an operation that proves a factor is audited (the
  // lock it may cause comes after it). A host failure is not an attempt.
  int failed = kOperationFailureEvent[static_cast<int>(in_.op)];
  if (failed != kNoAuditEvent && d_.error != ErrorCode::kNone && d_.error != ErrorCode::kOperationFailed) {
    d_.audit.insert(d_.audit.begin(), static_cast<AuditEvent>(failed));
  }
  if (d_.error == ErrorCode::kOperationFailed) {  // nothing half-done, nothing sent, nothing audited
    d_.state_changed = false;
    d_.audit.clear();
    d_.outbound = Outbound{};
  }
  if (d_.state_changed) {
    // Expired enrollments are dropped whenever the state is written anyway.
    for (auto& p : state_.pending) {
      if (p.active && in_.now_ms >= p.expires_at) p = Pending{};
    }
    if (!seal_fresh_secrets(state_, in_.user.id, host_)) {
      d_ = Decision{};
      fail(ErrorCode::kOperationFailed);
      return std::move(d_);
    }
    d_.new_state = serialize_state(state_);
  }
  return std::move(d_);
}

Decision fail_early(ErrorCode code, int status, const std::vector<FieldEntry>& fields) {
  Decision d;
  d.error = code;
  d.status = status;
  d.body = error_body(code, fields);
  return d;
}

}  // namespace

Decision decide(const DecisionInput& in, CryptoHost& host, DecisionScratch& scratch) {
  const ValidationResult* request = nullptr;
  if (has_body(in.op)) {
    request = &scratch.validator.validate(route_of(in.op), in.body, in.settings.body_limit);
    if (!request->ok()) return fail_early(request->error, request->status, request->entries);
  }
  if (!in.user.exists) return fail_early(ErrorCode::kUserNotFound, 404, {});
  const Settings& cfg = in.settings;
  bool settings_ok = totp_params_allowed(cfg.totp) && cfg.pending_ttl_ms > 0;
  if (!settings_ok) return fail_early(ErrorCode::kOperationFailed, 500, {});
  auto state = scratch.states.read(in.state);
  bool needs_random = kOperationRandom[static_cast<int>(in.op)];
  if (!state || (needs_random && in.random.size() < kRandomBytesNeeded)) {
    return fail_early(ErrorCode::kOperationFailed, 500, {});
  }
  return Decider(in, host, request).run(std::move(*state));
}

}  // namespace identity_mfa
