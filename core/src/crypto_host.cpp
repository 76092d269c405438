#include "identity_mfa/crypto_host.h"

#include "identity_mfa/contract.h"

namespace identity_mfa {

// HashAlg's order is the contract's list of TOTP algorithms.
constexpr int kHashAlgCount = 3;
static_assert(sizeof(kTotpAlgorithmNames) / sizeof(kTotpAlgorithmNames[0]) == kHashAlgCount,
              "HashAlg must name every TOTP algorithm of the contract");

const char* hash_alg_name(HashAlg alg) { return kTotpAlgorithmNames[static_cast<int>(alg)]; }

std::optional<HashAlg> parse_hash_alg(std::string_view name) {
  for (int i = 0; i < kHashAlgCount; ++i) {
    if (name == kTotpAlgorithmNames[i]) return static_cast<HashAlg>(i);
  }
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
