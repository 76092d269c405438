// Error catalog (docs/contract.md §4): codes as values, never exceptions.
#ifndef IDENTITY_MFA_ERRORS_H_
#define IDENTITY_MFA_ERRORS_H_

#include <cstddef>
#include <cstdint>

namespace identity_mfa {

enum class ErrorCode : uint8_t {
  kNone = 0,  // no error: the request or operation succeeded
#define IDENTITY_MFA_ERROR(name, code, status, title, message) name,
#include "identity_mfa/errors.def"
#undef IDENTITY_MFA_ERROR
};

struct CatalogEntry {
  ErrorCode id;
  const char* code;  // "IDE-0001"
  int status;        // HTTP status
  const char* title;
  const char* message;
};

// Every catalog entry, in errors.def order.
const CatalogEntry* catalog_begin();
size_t catalog_size();

// The entry of one error; `id` must not be kNone.
const CatalogEntry& catalog_entry(ErrorCode id);

}  // namespace identity_mfa

#endif  // IDENTITY_MFA_ERRORS_H_
