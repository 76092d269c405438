// HOTP (RFC 4226) and TOTP (RFC 6238) over the host's HMAC.
#ifndef IDENTITY_MFA_OTP_H_
#define IDENTITY_MFA_OTP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "identity_mfa/contract.h"
#include "identity_mfa/crypto_host.h"

namespace identity_mfa {

// The parameters of an app factor; the contract's defaults.
struct TotpParams {
  HashAlg alg = static_cast<HashAlg>(kTotpDefaultAlgorithm);
  int digits = kTotpDefaultDigits;
  int period = kTotpDefaultPeriod;  // seconds
};

// Whether an enrollment may use these parameters (the contract's one set).
inline bool totp_params_allowed(const TotpParams& p) {
  return totp_digits_allowed(p.digits) && totp_period_allowed(p.period);
}

// The zero-padded `digits`-long code for `counter`, or nullopt when the host
// HMAC failed or `digits` is outside 6..8.
std::optional<std::string> hotp(CryptoHost& host, HashAlg alg, std::string_view key,
                                uint64_t counter, int digits);

// The time step that holds `unix_seconds`.
int64_t totp_step(int64_t unix_seconds, int period);

enum class TotpCheck : uint8_t {
  kAccepted,     // `step` holds the accepted time step
  kRejected,     // wrong, reused or outside T-1..T+1
  kHostFailure,  // the host HMAC failed
};

struct TotpResult {
  TotpCheck check;
  int64_t step;
};

// Checks `passcode` against steps T-1, T and T+1 around `now_ms`, accepting
// only a step later than `last_step` (the replay guard). Every candidate is
// computed and compared in constant time, so timing does not reveal which
// window matched.
TotpResult totp_verify(CryptoHost& host, std::string_view key, const TotpParams& params,
                       int64_t now_ms, std::string_view passcode, int64_t last_step);

}  // namespace identity_mfa

#endif  // IDENTITY_MFA_OTP_H_
