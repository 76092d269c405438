#include "identity_mfa/recovery_codes.h"

#include <cstdint>

namespace identity_mfa {
namespace {

// 32 symbols, so 5 random bits map to one symbol without bias.
constexpr char kAlphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

}  // namespace

std::string recovery_code_from_random(std::string_view random) {
  uint64_t bits = 0;
  for (size_t i = 0; i < kRecoveryCodeRandomBytes && i < random.size(); ++i) {
    bits = (bits << 8) | static_cast<unsigned char>(random[i]);
  }
  std::string code;
  code.reserve(14);
  for (int i = 0; i < 12; ++i) {
    if (i == 4 || i == 8) code.push_back('-');
    code.push_back(kAlphabet[(bits >> (5 * (11 - i))) & 31]);
  }
  return code;
}

std::string normalize_recovery_code(std::string_view input) {
  std::string out;
  out.reserve(input.size());
  for (char c : input) {
    if (c == ' ' || c == '-' || c == '\t') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    out.push_back(c);
  }
  return out;
}

std::optional<std::string> hash_recovery_code(CryptoHost& host, std::string_view input) {
  auto mac = host.peppered_hash(normalize_recovery_code(input));
  if (!mac || mac->size() != 32) return std::nullopt;
  return to_hex(*mac);
}

int find_hash(const std::vector<std::string>& hashes, std::string_view candidate_hash) {
  int found = -1;
  for (size_t i = 0; i < hashes.size(); ++i) {
    bool match = constant_time_equal(hashes[i], candidate_hash);
    if (match && found < 0) found = static_cast<int>(i);
  }
  return found;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kDigits[b >> 4];
    out[2 * i + 1] = kDigits[b & 15];
  }
  return out;
}

}  // namespace identity_mfa
