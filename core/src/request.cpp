#include "identity_mfa/request.h"

#include <algorithm>
#include <string>

#include "json_body.h"

namespace identity_mfa {

namespace {

bool is_digits(std::string_view s, size_t min, size_t max) {
  if (s.size() < min || s.size() > max) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_letters(std::string_view s, size_t length) {
  auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  return s.size() == length && std::all_of(s.begin(), s.end(), letter);
}

// Length in Unicode code points of valid UTF-8: bytes that start a character.
size_t code_points(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Text a person reads: no control character (C0 or DEL; any other UTF-8
// sequence is a printable character or a format one, and valid by step 6).
bool is_text(std::string_view s, size_t max) {
  auto control = [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; };
  return code_points(s) <= max && std::none_of(s.begin(), s.end(), control);
}

bool is_alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// A domain of two labels or more, each 1-63 letters, digits and inner hyphens.
bool is_domain(std::string_view s) {
  size_t labels = 0;
  while (true) {
    size_t end = s.find('.');
    std::string_view label = s.substr(0, end);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    if (!std::all_of(label.begin(), label.end(), [](char c) { return is_alnum(c) || c == '-'; })) return false;
    ++labels;
    if (end == std::string_view::npos) return labels >= 2;
    s.remove_prefix(end + 1);
  }
}

// An ASCII address an email code can be sent to: 1-64 characters RFC 5322
// allows in an unquoted local part, "@", a domain (no IP literals, no
// internationalized names), at most `max` bytes in all.
bool is_email(std::string_view s, size_t max) {
  static constexpr std::string_view kLocalSpecials = ".!#$%&'*+/=?^_`{|}~-";
  size_t at = s.find('@');
  if (s.size() > max || at == std::string_view::npos || at == 0 || at > 64) return false;
  std::string_view local = s.substr(0, at);
  auto local_char = [](char c) { return is_alnum(c) || kLocalSpecials.find(c) != std::string_view::npos; };
  return std::all_of(local.begin(), local.end(), local_char) && is_domain(s.substr(at + 1));
}

// E.164: "+", then min to max digits, the first not 0 (a country code).
bool is_e164(std::string_view s, size_t min, size_t max) {
  return s.size() >= 2 && s[0] == '+' && s[1] != '0' && is_digits(s.substr(1), min, max);
}

// Step 9 for one non-empty string value: true when its format holds.
bool format_holds(const FieldFormat& format, std::string_view value) {
  switch (format.kind) {
    case FormatKind::kDigits: return is_digits(value, format.min, format.max);
    case FormatKind::kLetters: return is_letters(value, format.min);
    case FormatKind::kMaxLength: return code_points(value) <= format.max;
    case FormatKind::kMfaType: return true;  // step 10
    case FormatKind::kText: return is_text(value, format.max);
    case FormatKind::kEmail: return is_email(value, format.max);
    case FormatKind::kE164: return is_e164(value, format.min, format.max);
  }
  return true;
}

}  // namespace

std::string_view reason_text(Reason reason) { return kReasonTexts[static_cast<int>(reason)]; }

int reason_of(std::string_view text) {
  for (int i = 0; i < kReasonCount; ++i) {
    if (text.data() == kReasonTexts[i].data()) return i;
  }
  return -1;
}

const char* field_name(Field field) { return kFieldNames[static_cast<int>(field)]; }

const char* mfa_type_name(MfaType type) { return kMfaTypeNames[static_cast<int>(type)]; }

std::optional<MfaType> parse_mfa_type(std::string_view name) {
  for (int t = 0; t < kMfaTypeCount; ++t) {
    if (name == kMfaTypeNames[t]) return static_cast<MfaType>(t);
  }
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
  const BodySchema& schema = kBodySchemas[static_cast<int>(route)];
  auto has_rule = [&](Rule rule) { return (schema.rules & rule) != 0; };

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
  for (int i = 0; i < kFieldCount; ++i) {
    auto f = static_cast<Field>(i);
    if ((schema.required & bit(f)) && !present(f)) note(f, reason_text(Reason::kRequired));
  }
  if (has_rule(kRuleOneCodeRequired) && !present(Field::kPasscode) && !present(Field::kRecoveryCode)) {
    note(Field::kPasscode, reason_text(Reason::kOneOf));
    note(Field::kRecoveryCode, reason_text(Reason::kOneOf));
  }
  if (has_rule(kRuleMfaTypeWithPasscode) && present(Field::kPasscode) && !present(Field::kMfaType)) {
    note(Field::kMfaType, reason_text(Reason::kMfaTypeWithPasscode));
  }
  if (!result.entries.empty()) return fail(ErrorCode::kMissingFields);

  // Step 9: types and formats.
  for (int i = 0; i < kFieldCount; ++i) {
    auto f = static_cast<Field>(i);
    const Member* m = find(f);
    if (!m || m->kind == Kind::kNull) continue;
    if (m->kind != Kind::kString) {
      note(f, reason_text(Reason::kNotString));
      continue;
    }
    const FieldFormat& format = kFieldFormats[i];
    if (!m->text.empty() && !format_holds(format, m->text)) note(f, reason_text(format.reason));
  }
  if (result.entries.empty() && has_rule(kRuleCodesExclusive) && present(Field::kPasscode) &&
      present(Field::kRecoveryCode)) {
    note(Field::kPasscode, reason_text(Reason::kOnlyOne));
    note(Field::kRecoveryCode, reason_text(Reason::kOnlyOne));
  }
  if (!result.entries.empty()) return fail(ErrorCode::kBadRequest);

  // Step 10: the MFA type.
  std::optional<MfaType> type;
  if ((schema.allowed & bit(Field::kMfaType)) && present(Field::kMfaType)) {
    type = parse_mfa_type(find(Field::kMfaType)->text);
    if (!type) return fail(ErrorCode::kInvalidType);
    if (has_rule(kRulePasscodeOnlyForApp) && *type != MfaType::kApp && present(Field::kPasscode)) {
      note(Field::kPasscode, reason_text(Reason::kPasscodeApp));
      return fail(ErrorCode::kBadRequest);
    }
  }
  // Step 11: the app factor needs its secret.
  if (has_rule(kRuleSecretForApp) && type == MfaType::kApp && !present(Field::kSecret)) {
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
