#include "identity_mfa/errors.h"

namespace identity_mfa {
namespace {

constexpr CatalogEntry kCatalog[] = {
#define IDENTITY_MFA_ERROR(name, code, status, title, message) \
  {ErrorCode::name, code, status, title, message},
#include "identity_mfa/errors.def"
#undef IDENTITY_MFA_ERROR
};

}  // namespace

const CatalogEntry* catalog_begin() { return kCatalog; }
size_t catalog_size() { return sizeof(kCatalog) / sizeof(kCatalog[0]); }

const CatalogEntry& catalog_entry(ErrorCode id) {
  // Enumerators are declared in table order after kNone.
  return kCatalog[static_cast<size_t>(id) - 1];
}

}  // namespace identity_mfa
