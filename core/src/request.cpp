#include "identity_mfa/request.h"

#include <algorithm>
#include <string>

#include "json_body.h"

namespace identity_mfa {

namespace {

// Reasons named in an error's `fields` (part of the contract's test
// vectors), in Reason order.
constexpr std::string_view kReasons[kReasonCount] = {
    "unexpected field",
    "required",
    "required when mfaType is app",
    "must be a string",
    "must be 6 to 8 ASCII digits",
    "must be two ASCII letters",
    "must be at most 128 characters",
    "must be at most 64 characters",
    "send only one of passcode and recoveryCode",
    "send one of passcode and recoveryCode",
    "only the app factor can be disabled with a passcode",
    "duplicate field",
};

constexpr uint8_t bit(Field f) { return static_cast<uint8_t>(1u << static_cast<int>(f)); }

struct RouteSchema {
  uint8_t allowed;            // fields the body may hold
  uint8_t required;           // fields that must be present and non-empty
  bool secret_for_app;        // step 11: `secret` required when mfaType is app
  bool codes_exclusive;       // passcode and recoveryCode: at most one
  bool one_code_required;     // ... and at least one
  bool passcode_only_for_app; // a passcode can only disable the app factor
};

constexpr RouteSchema kSchemas[kRouteCount] = {
    // kSetup
    {bit(Field::kMfaType), bit(Field::kMfaType), false, false, false, false},
    // kVerify
    {static_cast<uint8_t>(bit(Field::kPasscode) | bit(Field::kMfaType) | bit(Field::kSecret) |
                          bit(Field::kCountryCode)),
     static_cast<uint8_t>(bit(Field::kPasscode) | bit(Field::kMfaType)), true, false, false, false},
    // kEnable
    {static_cast<uint8_t>(bit(Field::kRecoveryCode) | bit(Field::kMfaType) | bit(Field::kSecret)),
     static_cast<uint8_t>(bit(Field::kRecoveryCode) | bit(Field::kMfaType)), true, false, false,
     false},
    // kPreferred
    {static_cast<uint8_t>(bit(Field::kMfaType) | bit(Field::kSecret)), bit(Field::kMfaType), false,
     false, false, false},
    // kDisable
    {static_cast<uint8_t>(bit(Field::kMfaType) | bit(Field::kPasscode) | bit(Field::kRecoveryCode)),
     bit(Field::kMfaType), false, true, false, true},
    // kRecoveryCodes
    {static_cast<uint8_t>(bit(Field::kPasscode) | bit(Field::kRecoveryCode)), 0, false, true, true,
     false},
};

// Fields in the order errors name them (the upstream schema's order).
constexpr Field kFieldOrder[kFieldCount] = {Field::kPasscode, Field::kRecoveryCode, Field::kMfaType,
                                            Field::kSecret, Field::kCountryCode};

bool is_digits(std::string_view s, size_t min, size_t max) {
  if (s.size() < min || s.size() > max) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Length in Unicode code points of valid UTF-8: bytes that start a character.
size_t code_points(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool is_two_letters(std::string_view s) {
  auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  return s.size() == 2 && letter(s[0]) && letter(s[1]);
}

}  // namespace

std::string_view reason_text(Reason reason) { return kReasons[static_cast<int>(reason)]; }

int reason_of(std::string_view text) {
  for (int i = 0; i < kReasonCount; ++i) {
    if (text.data() == kReasons[i].data()) return i;
  }
  return -1;
}

const char* field_name(Field field) {
  switch (field) {
    case Field::kMfaType: return "mfaType";
    case Field::kSecret: return "secret";
    case Field::kRecoveryCode: return "recoveryCode";
    case Field::kPasscode: return "passcode";
    case Field::kCountryCode: return "countryCode";
  }
  return "";
}

const char* mfa_type_name(MfaType type) {
  switch (type) {
    case MfaType::kApp: return "app";
    case MfaType::kEmail: return "email";
    case MfaType::kSms: return "sms";
  }
  return "";
}

std::optional<MfaType> parse_mfa_type(std::string_view name) {
  if (name == "app") return MfaType::kApp;
  if (name == "email") return MfaType::kEmail;
  if (name == "sms") return MfaType::kSms;
  return std::nullopt;
}

std::optional<std::string_view> ValidationResult::get(Field field) const {
  for (const auto& e : entries) {
    if (e.field == static_cast<int>(field)) return e.text;
  }
  return std::nullopt;
}

struct RequestValidator::Impl {
  BodyReader body;
  ValidationResult result;

  const ValidationResult& run(Route route, const char* data, size_t len, size_t limit, bool padded);
  const Member* find(Field f) const { return body.find(f); }
  bool present(Field f) const;  // given, not null, not ""

  const ValidationResult& fail(ErrorCode code) {
    result.error = code;
    result.status = catalog_entry(code).status;
    return result;
  }
  void note(int field, std::string_view name, std::string_view text) {
    result.entries.push_back({field, name, text});
  }
  void note(Field f, std::string_view text) {
    note(static_cast<int>(f), field_name(f), text);
  }
};

RequestValidator::RequestValidator() : impl_(new Impl) {}
RequestValidator::~RequestValidator() = default;

const ValidationResult& RequestValidator::validate(Route route, const char* data, size_t len,
                                                   size_t body_limit) {
  return impl_->run(route, data, len, body_limit, false);
}

const ValidationResult& RequestValidator::validate_padded(Route route, const char* data, size_t len,
                                                          size_t body_limit) {
  return impl_->run(route, data, len, body_limit, true);
}

void RequestValidator::set_fast_path(bool enabled) { impl_->body.set_fast_path(enabled); }

bool RequestValidator::Impl::present(Field f) const {
  const Member* m = find(f);
  return m && !(m->kind == Kind::kNull || (m->kind == Kind::kString && m->text.empty()));
}

const ValidationResult& RequestValidator::Impl::run(Route route, const char* data, size_t len,
                                                    size_t limit, bool is_padded) {
  result.error = ErrorCode::kNone;
  result.status = 200;
  result.entries.clear();
  const RouteSchema& schema = kSchemas[static_cast<int>(route)];

  // Step 5: size.
  if (len > limit) {
    fail(ErrorCode::kBadRequest);
    result.status = 413;
    return result;
  }
  // Step 6: one JSON object.
  if (!body.read(std::string_view(data, len), is_padded)) return fail(ErrorCode::kBadRequest);
  if (auto dup = body.duplicate_key()) {
    note(lookup_field(*dup), *dup, reason_text(Reason::kDuplicate));
    return fail(ErrorCode::kBadRequest);
  }
  // Step 7: fields outside the route's schema, in body order.
  for (const auto& m : body.members()) {
    if (m.field < 0 || !(schema.allowed & bit(static_cast<Field>(m.field)))) {
      note(m.field, m.key, reason_text(Reason::kUnexpected));
    }
  }
  if (!result.entries.empty()) return fail(ErrorCode::kUnexpectedFields);

  // Step 8: required fields absent, null or "".
  for (Field f : kFieldOrder) {
    if ((schema.required & bit(f)) && !present(f)) note(f, reason_text(Reason::kRequired));
  }
  if (schema.one_code_required && !present(Field::kPasscode) && !present(Field::kRecoveryCode)) {
    note(Field::kPasscode, reason_text(Reason::kOneOf));
    note(Field::kRecoveryCode, reason_text(Reason::kOneOf));
  }
  if (!result.entries.empty()) return fail(ErrorCode::kMissingFields);

  // Step 9: types and formats.
  for (Field f : kFieldOrder) {
    const Member* m = find(f);
    if (!m || m->kind == Kind::kNull) continue;
    if (m->kind != Kind::kString) {
      note(f, reason_text(Reason::kNotString));
      continue;
    }
    if (m->text.empty()) continue;
    if (f == Field::kPasscode && !is_digits(m->text, 6, 8)) note(f, reason_text(Reason::kPasscode));
    if (f == Field::kCountryCode && !is_two_letters(m->text)) note(f, reason_text(Reason::kCountryCode));
    if (f == Field::kSecret && code_points(m->text) > kMaxSecretLength) note(f, reason_text(Reason::kSecretLength));
    if (f == Field::kRecoveryCode && code_points(m->text) > kMaxRecoveryCodeLength) {
      note(f, reason_text(Reason::kRecoveryLength));
    }
  }
  if (result.entries.empty() && schema.codes_exclusive && present(Field::kPasscode) &&
      present(Field::kRecoveryCode)) {
    note(Field::kPasscode, reason_text(Reason::kOnlyOne));
    note(Field::kRecoveryCode, reason_text(Reason::kOnlyOne));
  }
  if (!result.entries.empty()) return fail(ErrorCode::kBadRequest);

  // Step 10: the MFA type.
  std::optional<MfaType> type;
  if (schema.allowed & bit(Field::kMfaType)) {
    type = parse_mfa_type(find(Field::kMfaType)->text);
    if (!type) return fail(ErrorCode::kInvalidType);
    if (schema.passcode_only_for_app && *type != MfaType::kApp && present(Field::kPasscode)) {
      note(Field::kPasscode, reason_text(Reason::kPasscodeApp));
      return fail(ErrorCode::kBadRequest);
    }
  }
  // Step 11: the app factor needs its secret.
  if (schema.secret_for_app && type == MfaType::kApp && !present(Field::kSecret)) {
    note(Field::kSecret, reason_text(Reason::kSecretForApp));
    return fail(ErrorCode::kMissingFields);
  }

  // Valid: report the fields that carry a value.
  for (const auto& m : body.members()) {
    if (m.kind == Kind::kString && !m.text.empty()) note(m.field, m.key, m.text);
  }
  return result;
}

}  // namespace identity_mfa
