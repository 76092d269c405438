#include "identity_mfa/otp.h"

namespace identity_mfa {

std::optional<std::string> hotp(CryptoHost& host, HashAlg alg, std::string_view key,
                                uint64_t counter, int digits) {
  if (digits < 6 || digits > 8) return std::nullopt;
  char message[8];
  for (int i = 7; i >= 0; --i) {
    message[i] = static_cast<char>(counter & 0xFF);
    counter >>= 8;
  }
  auto mac = host.hmac(alg, key, std::string_view(message, sizeof message));
  if (!mac || mac->size() != hash_alg_size(alg)) return std::nullopt;

  // RFC 4226 §5.3 dynamic truncation.
  const auto* bytes = reinterpret_cast<const unsigned char*>(mac->data());
  size_t offset = bytes[mac->size() - 1] & 0x0F;
  uint32_t binary = (static_cast<uint32_t>(bytes[offset] & 0x7F) << 24) |
                    (static_cast<uint32_t>(bytes[offset + 1]) << 16) |
                    (static_cast<uint32_t>(bytes[offset + 2]) << 8) |
                    static_cast<uint32_t>(bytes[offset + 3]);
  uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  uint32_t value = binary % modulus;

  std::string code(static_cast<size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i) {
    code[static_cast<size_t>(i)] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return code;
}

int64_t totp_step(int64_t unix_seconds, int period) {
  // Floor division: times before 1970 never reach here, but stay defined.
  int64_t step = unix_seconds / period;
  if (unix_seconds % period < 0) --step;
  return step;
}

TotpResult totp_verify(CryptoHost& host, std::string_view key, const TotpParams& params,
                       int64_t now_ms, std::string_view passcode, int64_t last_step) {
  int64_t now_step = totp_step(now_ms / 1000, params.period);
  bool shape_ok = passcode.size() == static_cast<size_t>(params.digits);
  TotpResult result{TotpCheck::kRejected, 0};
  for (int64_t step = now_step - 1; step <= now_step + 1; ++step) {
    if (step < 0) continue;
    auto expected = hotp(host, params.alg, key, static_cast<uint64_t>(step), params.digits);
    if (!expected) return {TotpCheck::kHostFailure, 0};
    bool match = shape_ok && constant_time_equal(*expected, passcode);
    if (match && step > last_step && result.check != TotpCheck::kAccepted) {
      result = {TotpCheck::kAccepted, step};
    }
  }
  return result;
}

}  // namespace identity_mfa
