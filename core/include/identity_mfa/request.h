// Request validation, CONTRACT §3 steps 5–11: a pure function of the body,
// run by the server and, through the wasm package, by browsers.
#ifndef IDENTITY_MFA_REQUEST_H_
#define IDENTITY_MFA_REQUEST_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "identity_mfa/errors.h"

namespace identity_mfa {

// Routes with a JSON body (CONTRACT §1).
enum class Route : uint8_t {
  kSetup,          // POST /v1/users/{id}/mfa/setup
  kVerify,         // POST /v1/users/{id}/mfa/verify
  kEnable,         // POST /v1/users/{id}/mfa/enable
  kPreferred,      // PATCH /v1/users/{id}/mfa/preferred
  kDisable,        // POST /v1/users/{id}/mfa/disable
  kRecoveryCodes,  // POST /v1/users/{id}/mfa/recovery-codes
};
constexpr int kRouteCount = 6;

// Every field any route accepts; each route allows a subset.
enum class Field : uint8_t { kMfaType, kSecret, kRecoveryCode, kPasscode, kCountryCode };
constexpr int kFieldCount = 5;
const char* field_name(Field field);

enum class MfaType : uint8_t { kApp, kEmail, kSms };
constexpr int kMfaTypeCount = 3;
const char* mfa_type_name(MfaType type);
std::optional<MfaType> parse_mfa_type(std::string_view name);

constexpr size_t kDefaultBodyLimit = 16 * 1024;
// Bytes the JSON parser may read past a body's end (simdjson's padding).
constexpr size_t kInputPadding = 64;
// Bounds that keep any input cheap (CONTRACT §5 "Limits").
constexpr int kMaxDepth = 32;
constexpr size_t kMaxSecretLength = 128;        // code points
constexpr size_t kMaxRecoveryCodeLength = 64;   // code points

// Why an error names a field: one fixed text each (see request.cpp).
enum class Reason : uint8_t {
  kUnexpected,      // step 7
  kRequired,        // step 8
  kSecretForApp,    // step 11
  kNotString,       // step 9: wrong JSON type
  kPasscode,        // step 9: not 6-8 ASCII digits
  kCountryCode,     // step 9: not two ASCII letters
  kSecretLength,    // step 9: secret too long
  kRecoveryLength,  // step 9: recovery code too long
  kOnlyOne,         // step 9: both passcode and recoveryCode
  kOneOf,           // step 8: neither passcode nor recoveryCode
  kPasscodeApp,     // a passcode can only disable the app factor
  kDuplicate,       // step 6: a key given twice
};
constexpr int kReasonCount = 12;
std::string_view reason_text(Reason reason);
// The Reason whose text `text` is (the same characters in memory, as
// FieldEntry::text of an error holds), or -1 for any other text.
int reason_of(std::string_view text);

// One entry of a result. On success: a field present in the body and its
// (unescaped) value. On failure: a field named in `fields` and the reason.
struct FieldEntry {
  int field;              // a Field, or -1 for a name outside the schema
  std::string_view name;  // the field's name as sent
  std::string_view text;  // value (success) or reason (failure)
};

struct ValidationResult {
  ErrorCode error = ErrorCode::kNone;  // kNone: the body is valid
  int status = 200;                    // HTTP status of `error`
  std::vector<FieldEntry> entries;

  bool ok() const { return error == ErrorCode::kNone; }
  // The value of a field of a valid body, or nullopt when absent.
  std::optional<std::string_view> get(Field field) const;
};

// Owns the parser and buffers, so repeated validation allocates nothing.
// Views in a result stay valid until the next call on the same validator
// (with validate_padded, they may point into the caller's buffer).
// Not thread-safe: use one per thread.
class RequestValidator {
 public:
  RequestValidator();
  ~RequestValidator();
  RequestValidator(const RequestValidator&) = delete;
  RequestValidator& operator=(const RequestValidator&) = delete;

  // Validates `len` bytes at `data`. When `len` exceeds `body_limit` only the
  // length is read (413), so `data` may then be null.
  const ValidationResult& validate(Route route, const char* data, size_t len,
                                   size_t body_limit = kDefaultBodyLimit);
  const ValidationResult& validate(Route route, std::string_view body,
                                   size_t body_limit = kDefaultBodyLimit) {
    return validate(route, body.data(), body.size(), body_limit);
  }
  // The same without copying the body, for callers that own a buffer with
  // kInputPadding readable bytes (any content) after the body.
  const ValidationResult& validate_padded(Route route, const char* data, size_t len,
                                          size_t body_limit = kDefaultBodyLimit);

  // Bodies of plain ASCII strings take a fast path that gives the same
  // results as simdjson; tests and the fuzzer turn it off to compare.
  void set_fast_path(bool enabled);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace identity_mfa

#endif  // IDENTITY_MFA_REQUEST_H_
