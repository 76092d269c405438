// CryptoHost over OpenSSL, for native tests, tools and benchmarks.
#ifndef IDENTITY_MFA_TESTS_OPENSSL_HOST_H_
#define IDENTITY_MFA_TESTS_OPENSSL_HOST_H_

#include <string>

#include "identity_mfa/crypto_host.h"

namespace identity_mfa {

class OpenSslHost : public CryptoHost {
 public:
  explicit OpenSslHost(std::string pepper) : pepper_(std::move(pepper)) {}
  std::optional<std::string> hmac(HashAlg alg, std::string_view key,
                                  std::string_view message) override;
  std::optional<std::string> peppered_hash(std::string_view message) override;

 private:
  std::string pepper_;
};

}  // namespace identity_mfa

#endif  // IDENTITY_MFA_TESTS_OPENSSL_HOST_H_
