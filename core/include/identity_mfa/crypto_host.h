// The keyed hashes and the sealing the core needs, implemented by the host:
// OpenSSL in native tests, node:crypto in the package's Node host. The core
// has no cryptography of its own.
#ifndef IDENTITY_MFA_CRYPTO_HOST_H_
#define IDENTITY_MFA_CRYPTO_HOST_H_

#include <optional>
#include <string>
#include <string_view>

namespace identity_mfa {

enum class HashAlg : uint8_t { kSha1, kSha256, kSha512 };

// "SHA1", "SHA256", "SHA512" (the otpauth spelling).
const char* hash_alg_name(HashAlg alg);
std::optional<HashAlg> parse_hash_alg(std::string_view name);
// Digest length in bytes.
size_t hash_alg_size(HashAlg alg);

class CryptoHost {
 public:
  virtual ~CryptoHost() = default;
  // HMAC(key, message) with `alg`, or nullopt when the host failed.
  virtual std::optional<std::string> hmac(HashAlg alg, std::string_view key,
                                          std::string_view message) = 0;
  // HMAC-SHA-256 under the server's pepper, which never enters the core.
  // Used for recovery codes and email/SMS codes at rest.
  virtual std::optional<std::string> peppered_hash(std::string_view message) = 0;

  // TOTP secrets at rest. A host that seals (the sidecar's: AES-256-GCM
  // under its keys) turns each secret into the text the state stores, and
  // back; `context` (the user id) binds the sealed text to its owner, so it
  // does not open for another. The keys never enter the core. A host that
  // does not seal leaves secrets in clear in the state.
  virtual bool seals() const { return false; }
  virtual std::optional<std::string> seal(std::string_view context, std::string_view secret) {
    (void)context, (void)secret;
    return std::nullopt;
  }
  virtual std::optional<std::string> open(std::string_view context, std::string_view sealed) {
    (void)context, (void)sealed;
    return std::nullopt;
  }
};

// Compares two byte strings in time that depends only on their lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace identity_mfa

#endif  // IDENTITY_MFA_CRYPTO_HOST_H_
