// Request validation, steps 5–11 of docs/contract.md: a pure function of the
// body, run by the server and, through the wasm package, by browsers. The
// routes, fields, formats and reasons are the contract's (contract.h).
#ifndef IDENTITY_MFA_REQUEST_H_
#define IDENTITY_MFA_REQUEST_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "identity_mfa/contract.h"
#include "identity_mfa/errors.h"

namespace identity_mfa {

const char* field_name(Field field);
const char* mfa_type_name(MfaType type);
std::optional<MfaType> parse_mfa_type(std::string_view name);

// Bytes the JSON parser may read past a body's end (simdjson's padding).
constexpr size_t kInputPadding = 64;

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
