// otpauth:// URLs (the Key URI Format authenticator apps read from QR codes).
#ifndef IDENTITY_MFA_OTPAUTH_H_
#define IDENTITY_MFA_OTPAUTH_H_

#include <string>
#include <string_view>

#include "identity_mfa/otp.h"

namespace identity_mfa {

// RFC 3986 percent-encoding: every byte except unreserved ASCII
// (A-Z a-z 0-9 - . _ ~) becomes %XX, so ':' '@' '/' '?' '&' '=' '+' and
// spaces inside a label or parameter cannot change the URL's structure.
std::string percent_encode(std::string_view text);

// otpauth://totp/<issuer>:<account>?secret=…&issuer=<issuer>&algorithm=…&digits=…&period=…
std::string otpauth_url(std::string_view issuer, std::string_view account,
                        std::string_view base32_secret, const TotpParams& params);

}  // namespace identity_mfa

#endif  // IDENTITY_MFA_OTPAUTH_H_
