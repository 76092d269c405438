#include "identity_mfa/request.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "simdjson.h"

namespace identity_mfa {
namespace ondemand = simdjson::ondemand;

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

// Field names by length first: one memcmp at most per key.
int lookup_field(std::string_view name) {
  Field f;
  switch (name.size()) {
    case 6: f = Field::kSecret; break;
    case 7: f = Field::kMfaType; break;
    case 8: f = Field::kPasscode; break;
    case 11: f = Field::kCountryCode; break;
    case 12: f = Field::kRecoveryCode; break;
    default: return -1;
  }
  return std::memcmp(name.data(), field_name(f), name.size()) == 0 ? static_cast<int>(f) : -1;
}

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && is_json_space(s.back())) s.remove_suffix(1);
  return s;
}

// RFC 8259 number grammar. simdjson's number parsers reject values that do
// not fit a double or 64-bit integer, but 1e400 is still valid JSON.
bool is_json_number(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

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

enum class Kind : uint8_t { kString, kNull, kOther };

// A top-level member of the body.
struct Member {
  std::string_view key;
  int field;         // Field, or -1 when the name is in no schema
  Kind kind;
  std::string_view text;  // unescaped, for kString
};

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
  ondemand::parser parser;
  std::string padded;  // the body plus simdjson's read-ahead padding
  std::vector<Member> members;
  int32_t first[kFieldCount];          // index in `members` of each field's first occurrence, or -1
  std::vector<std::string_view> keys;  // scratch for duplicate detection
  ValidationResult result;
  bool fast_path = true;

  const ValidationResult& run(Route route, const char* data, size_t len, size_t limit, bool padded);
  bool parse(std::string_view body, bool padded);
  bool consume(ondemand::value value, int depth);
  bool read_member(simdjson::simdjson_result<ondemand::field> field);
  bool parse_plain(std::string_view body);
  void add_member(Member m);
  void clear_members();
  std::optional<std::string_view> duplicate_key();
  const Member* find(Field f) const;
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

static_assert(kInputPadding == simdjson::SIMDJSON_PADDING, "kInputPadding must match simdjson");

const ValidationResult& RequestValidator::validate(Route route, const char* data, size_t len,
                                                   size_t body_limit) {
  return impl_->run(route, data, len, body_limit, false);
}

void RequestValidator::set_fast_path(bool enabled) { impl_->fast_path = enabled; }

const ValidationResult& RequestValidator::validate_padded(Route route, const char* data, size_t len,
                                                          size_t body_limit) {
  return impl_->run(route, data, len, body_limit, true);
}

// Reads any JSON value completely, so that nothing the body holds goes
// unchecked: On-Demand only validates what it is asked to read.
bool RequestValidator::Impl::consume(ondemand::value value, int depth) {
  if (depth > kMaxDepth) return false;
  ondemand::json_type type;
  if (value.type().get(type)) return false;
  switch (type) {
    case ondemand::json_type::object: {
      ondemand::object object;
      if (value.get_object().get(object)) return false;
      for (auto field : object) {
        std::string_view key;
        ondemand::value member;
        if (field.unescaped_key(false).get(key) || field.value().get(member)) return false;
        if (!consume(member, depth + 1)) return false;
      }
      return true;
    }
    case ondemand::json_type::array: {
      ondemand::array array;
      if (value.get_array().get(array)) return false;
      for (auto element : array) {
        ondemand::value item;
        if (element.get(item) || !consume(item, depth + 1)) return false;
      }
      return true;
    }
    case ondemand::json_type::string: {
      std::string_view text;
      return !value.get_string().get(text);
    }
    case ondemand::json_type::number:
      return is_json_number(trim_right(value.raw_json_token()));
    case ondemand::json_type::boolean: {
      std::string_view token = trim_right(value.raw_json_token());
      return token == "true" || token == "false";
    }
    case ondemand::json_type::null:
      return trim_right(value.raw_json_token()) == "null";
  }
  return false;
}

bool RequestValidator::Impl::read_member(simdjson::simdjson_result<ondemand::field> field) {
  Member m{};
  ondemand::value value;
  if (field.unescaped_key(false).get(m.key) || field.value().get(value)) return false;
  ondemand::json_type type;
  if (value.type().get(type)) return false;
  if (type == ondemand::json_type::string) {
    m.kind = Kind::kString;
    if (value.get_string().get(m.text)) return false;
  } else if (type == ondemand::json_type::null) {
    m.kind = Kind::kNull;
    if (trim_right(value.raw_json_token()) != "null") return false;
  } else {
    m.kind = Kind::kOther;
    if (!consume(value, 1)) return false;
  }
  add_member(m);
  return true;
}

void RequestValidator::Impl::add_member(Member m) {
  m.field = lookup_field(m.key);
  if (m.field >= 0 && first[m.field] < 0) first[m.field] = static_cast<int32_t>(members.size());
  members.push_back(m);
}

void RequestValidator::Impl::clear_members() {
  members.clear();
  std::fill(std::begin(first), std::end(first), -1);
}

namespace {

const char* skip_space(const char* p, const char* end) {
  while (p < end && is_json_space(*p)) ++p;
  return p;
}

// A string of printable ASCII without escapes; returns the position after
// its closing quote, or null.
const char* scan_plain_string(const char* p, const char* end, std::string_view* out) {
  if (p >= end || *p != '"') return nullptr;
  const char* start = ++p;
  while (p < end) {
    auto c = static_cast<unsigned char>(*p);
    if (c == '"') {
      *out = std::string_view(start, static_cast<size_t>(p - start));
      return p + 1;
    }
    if (c < 0x20 || c > 0x7E || c == '\\') return nullptr;
    ++p;
  }
  return nullptr;
}

// A literal or number value; returns the position after it, or null.
const char* scan_scalar(const char* p, const char* end, Kind* kind) {
  const char* start = p;
  while (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
                     *p == '+' || *p == '.' || *p == 'E')) {
    ++p;
  }
  std::string_view token(start, static_cast<size_t>(p - start));
  if (token == "null") {
    *kind = Kind::kNull;
  } else if (token == "true" || token == "false" || is_json_number(token)) {
    *kind = Kind::kOther;
  } else {
    return nullptr;
  }
  return p;
}

}  // namespace

// The fast path for the bodies people actually send: one object whose keys
// are strings of printable ASCII without escapes, and whose values are such
// strings, literals or numbers. Such a body is
// valid JSON and valid UTF-8 by construction, and its members are its raw
// bytes, so the result equals simdjson's (the fuzzer checks that it does).
// Objects and arrays as values, escapes and non-ASCII text all go to simdjson.
// Anything else returns false and goes through simdjson.
bool RequestValidator::Impl::parse_plain(std::string_view body) {
  const char* p = body.data();
  const char* end = p + body.size();
  p = skip_space(p, end);
  if (p >= end || *p != '{') return false;
  p = skip_space(p + 1, end);
  if (p < end && *p == '}') return skip_space(p + 1, end) == end;
  while (true) {
    Member m{};
    m.kind = Kind::kString;
    p = scan_plain_string(p, end, &m.key);
    if (!p) return false;
    p = skip_space(p, end);
    if (p >= end || *p != ':') return false;
    p = skip_space(p + 1, end);
    p = p < end && *p == '"' ? scan_plain_string(p, end, &m.text) : scan_scalar(p, end, &m.kind);
    if (!p) return false;
    add_member(m);
    p = skip_space(p, end);
    if (p >= end) return false;
    if (*p == '}') return skip_space(p + 1, end) == end;
    if (*p != ',') return false;
    p = skip_space(p + 1, end);
  }
}

// Step 6: one JSON object, valid UTF-8, no duplicate keys.
bool RequestValidator::Impl::parse(std::string_view body, bool is_padded) {
  // RFC 8259 §8.1 lets a parser ignore a byte order mark; we ignore one.
  // A second is refused here, before simdjson (which skips one) could.
  auto starts_with_bom = [&] { return body.size() >= 3 && std::memcmp(body.data(), "\xEF\xBB\xBF", 3) == 0; };
  if (starts_with_bom()) body.remove_prefix(3);
  if (starts_with_bom()) return false;
  const char* json = body.data();
  if (!is_padded) {
    padded.assign(body.data(), body.size());
    padded.append(simdjson::SIMDJSON_PADDING, '\0');
    json = padded.data();
  }
  if (fast_path && parse_plain(std::string_view(json, body.size()))) return true;
  clear_members();

  ondemand::document doc;
  if (parser.iterate(json, body.size(), body.size() + simdjson::SIMDJSON_PADDING).get(doc)) return false;
  ondemand::json_type type;
  if (doc.type().get(type) || type != ondemand::json_type::object) return false;
  ondemand::object object;
  if (doc.get_object().get(object)) return false;
  for (auto field : object) {
    if (!read_member(field)) return false;
  }
  return doc.at_end();
}

// The smallest key that appears twice, if any. Bodies usually hold a few
// members, compared pairwise without allocating; long ones are sorted.
std::optional<std::string_view> RequestValidator::Impl::duplicate_key() {
  std::optional<std::string_view> dup;
  if (members.size() <= 8) {
    for (size_t i = 0; i < members.size(); ++i) {
      for (size_t j = i + 1; j < members.size(); ++j) {
        if (members[i].key == members[j].key && (!dup || members[i].key < *dup)) dup = members[i].key;
      }
    }
    return dup;
  }
  keys.clear();
  for (const auto& m : members) keys.push_back(m.key);
  std::sort(keys.begin(), keys.end());
  auto it = std::adjacent_find(keys.begin(), keys.end());
  if (it != keys.end()) dup = *it;
  return dup;
}

const Member* RequestValidator::Impl::find(Field f) const {
  int at = first[static_cast<int>(f)];
  return at < 0 ? nullptr : &members[static_cast<size_t>(at)];
}

bool RequestValidator::Impl::present(Field f) const {
  const Member* m = find(f);
  return m && !(m->kind == Kind::kNull || (m->kind == Kind::kString && m->text.empty()));
}

const ValidationResult& RequestValidator::Impl::run(Route route, const char* data, size_t len,
                                                    size_t limit, bool is_padded) {
  result.error = ErrorCode::kNone;
  result.status = 200;
  result.entries.clear();
  clear_members();
  const RouteSchema& schema = kSchemas[static_cast<int>(route)];

  // Step 5: size.
  if (len > limit) {
    fail(ErrorCode::kBadRequest);
    result.status = 413;
    return result;
  }
  // Step 6: one JSON object.
  if (!parse(std::string_view(data, len), is_padded)) return fail(ErrorCode::kBadRequest);
  if (auto dup = duplicate_key()) {
    note(lookup_field(*dup), *dup, reason_text(Reason::kDuplicate));
    return fail(ErrorCode::kBadRequest);
  }
  // Step 7: fields outside the route's schema, in body order.
  for (const auto& m : members) {
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
  for (const auto& m : members) {
    if (m.kind == Kind::kString && !m.text.empty()) note(m.field, m.key, m.text);
  }
  return result;
}

}  // namespace identity_mfa
