#include "identity_mfa/crypto_host.h"

namespace identity_mfa {

const char* hash_alg_name(HashAlg alg) {
  switch (alg) {
    case HashAlg::kSha1: return "SHA1";
    case HashAlg::kSha256: return "SHA256";
    case HashAlg::kSha512: return "SHA512";
  }
  return "SHA1";
}

std::optional<HashAlg> parse_hash_alg(std::string_view name) {
  if (name == "SHA1") return HashAlg::kSha1;
  if (name == "SHA256") return HashAlg::kSha256;
  if (name == "SHA512") return HashAlg::kSha512;
  return std::nullopt;
}

size_t hash_alg_size(HashAlg alg) {
  switch (alg) {
    case HashAlg::kSha1: return 20;
    case HashAlg::kSha256: return 32;
    case HashAlg::kSha512: return 64;
  }
  return 0;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

}  // namespace identity_mfa
