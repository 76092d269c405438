// RFC 4648 base32 (the alphabet TOTP secrets use).
#ifndef IDENTITY_MFA_BASE32_H_
#define IDENTITY_MFA_BASE32_H_

#include <optional>
#include <string>
#include <string_view>

namespace identity_mfa {

// Encodes bytes; `pad` adds '=' up to a multiple of 8 characters.
std::string base32_encode(std::string_view bytes, bool pad);

// Decodes upper- or lower-case base32, with or without trailing padding.
// Returns nullopt on any character outside the alphabet, misplaced padding,
// an impossible length, or non-zero trailing bits (non-canonical input).
std::optional<std::string> base32_decode(std::string_view text);

}  // namespace identity_mfa

#endif  // IDENTITY_MFA_BASE32_H_
