// Recovery codes: generated from host-supplied random bytes, typed back by a
// person, stored only as peppered HMACs.
#ifndef IDENTITY_MFA_RECOVERY_CODES_H_
#define IDENTITY_MFA_RECOVERY_CODES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "identity_mfa/crypto_host.h"

namespace identity_mfa {

// Codes per set (docs/contract.md §5).
constexpr size_t kRecoveryCodeCount = 10;
// Random bytes consumed per code: 60 of their 64 bits make the code.
constexpr size_t kRecoveryCodeRandomBytes = 8;

// "XXXX-XXXX-XXXX": 12 characters of 5 bits (60 bits) from an alphabet
// without 0/O and 1/I. `random` must hold kRecoveryCodeRandomBytes bytes.
std::string recovery_code_from_random(std::string_view random);

// Upper-cases and drops spaces, tabs and hyphens, so "abcd efgh-jkmn" and
// "ABCD-EFGH-JKMN" are the same code.
std::string normalize_recovery_code(std::string_view input);

// Lower-case hex of the peppered HMAC of the normalised code.
std::optional<std::string> hash_recovery_code(CryptoHost& host, std::string_view input);

// Index of `candidate_hash` in `hashes`, or -1. Every entry is compared in
// constant time, whatever matches, so timing does not reveal the position.
int find_hash(const std::vector<std::string>& hashes, std::string_view candidate_hash);

// Lower-case hex of bytes.
std::string to_hex(std::string_view bytes);

}  // namespace identity_mfa

#endif  // IDENTITY_MFA_RECOVERY_CODES_H_
