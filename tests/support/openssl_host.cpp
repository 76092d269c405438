#include "openssl_host.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace identity_mfa {

std::optional<std::string> OpenSslHost::hmac(HashAlg alg, std::string_view key,
                                             std::string_view message) {
  const EVP_MD* md = alg == HashAlg::kSha1     ? EVP_sha1()
                     : alg == HashAlg::kSha256 ? EVP_sha256()
                                               : EVP_sha512();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(md, key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &len)) {
    return std::nullopt;
  }
  return std::string(reinterpret_cast<char*>(out), len);
}

std::optional<std::string> OpenSslHost::peppered_hash(std::string_view message) {
  return hmac(HashAlg::kSha256, pepper_, message);
}

}  // namespace identity_mfa
