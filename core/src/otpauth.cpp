#include "identity_mfa/otpauth.h"

namespace identity_mfa {

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                      (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string otpauth_url(std::string_view issuer, std::string_view account,
                        std::string_view base32_secret, const TotpParams& params) {
  std::string url = "otpauth://totp/";
  url += percent_encode(issuer);
  url += ':';
  url += percent_encode(account);
  url += "?secret=";
  url += base32_secret;
  url += "&issuer=";
  url += percent_encode(issuer);
  url += "&algorithm=";
  url += hash_alg_name(params.alg);
  url += "&digits=";
  url += std::to_string(params.digits);
  url += "&period=";
  url += std::to_string(params.period);
  return url;
}

}  // namespace identity_mfa
