// Reads a request body into its top-level members: docs/contract.md §3 step 6 (one
// JSON object, valid UTF-8, nothing left unchecked). Internal to the core;
// request.cpp applies steps 7-11 to the members.
#ifndef IDENTITY_MFA_JSON_BODY_H_
#define IDENTITY_MFA_JSON_BODY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "identity_mfa/request.h"

namespace identity_mfa {

enum class Kind : uint8_t { kString, kNull, kOther };

// A top-level member of the body. Views stay valid until the next read().
struct Member {
  std::string_view key;   // unescaped
  int field;              // Field, or -1 when the name is in no schema
  Kind kind;
  std::string_view text;  // unescaped, for kString
};

// The Field named `name`, or -1.
int lookup_field(std::string_view name);

class BodyReader {
 public:
  BodyReader();
  ~BodyReader();
  BodyReader(const BodyReader&) = delete;
  BodyReader& operator=(const BodyReader&) = delete;

  // Reads `body`; when `padded`, kInputPadding readable bytes (any content)
  // follow it and it is read in place, else it is copied first. False when
  // the body is not one valid JSON object; duplicates are left to the caller.
  bool read(std::string_view body, bool padded);

  const std::vector<Member>& members() const;
  // The first member named `f`, or null.
  const Member* find(Field f) const;
  // The smallest key given twice, if any.
  std::optional<std::string_view> duplicate_key();

  // Plain bodies take a fast path that reads exactly as simdjson does;
  // tests and the fuzzer turn it off to compare the two.
  void set_fast_path(bool enabled);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace identity_mfa

#endif  // IDENTITY_MFA_JSON_BODY_H_
