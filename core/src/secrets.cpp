// TOTP secrets between the state's text and the decisions: opened through the
// host when needed, sealed through it when written (state.h).
#include "identity_mfa/state.h"

#include "identity_mfa/recovery_codes.h"

namespace identity_mfa {

bool open_secret(Secret& secret, std::string_view context, CryptoHost& host) {
  if (secret.opened) return true;
  if (!host.seals()) {
    secret.clear = secret.stored;
  } else {
    auto clear = host.open(context, secret.stored);
    if (!clear) return false;
    secret.clear = std::move(*clear);
    // Sealed anew if the state is written: under the host's current key, so
    // users who sign in move to a new key by themselves.
    secret.fresh = true;
  }
  secret.opened = true;
  return true;
}

std::optional<std::string> secret_digest(std::string_view clear, std::string_view context, CryptoHost& host) {
  // A prefix of its own: no recovery code (no ':') or "otp:" message is the same text.
  std::string message = "secret:";
  message += context;
  message += ':';
  message += clear;
  auto mac = host.peppered_hash(message);
  if (!mac) return std::nullopt;
  return to_hex(*mac);
}

bool open_by_digest(Secret& secret, std::string_view sent, std::string_view context, CryptoHost& host) {
  if (secret.opened || secret.digest.empty()) return false;
  auto digest = secret_digest(sent, context, host);
  if (!digest || !constant_time_equal(*digest, secret.digest)) return false;
  secret.clear.assign(sent);
  secret.opened = true;
  return true;
}

bool seal_fresh_secrets(MfaState& state, std::string_view context, CryptoHost& host) {
  bool ok = true;
  for_each_secret(state, [&](Secret& secret) {
    if (!secret.fresh || !ok) return;
    if (!host.seals()) {
      secret.stored = secret.clear;
    } else if (auto sealed = host.seal(context, secret.clear)) {
      secret.stored = std::move(*sealed);
    } else {
      ok = false;
      return;
    }
    secret.fresh = false;
  });
  return ok;
}

std::optional<std::string> reseal_state(std::string_view text, std::string_view context, CryptoHost& host) {
  auto state = parse_state(text);
  if (!state) return std::nullopt;
  bool ok = true;
  for_each_secret(*state, [&](Secret& secret) {
    ok = ok && open_secret(secret, context, host);
    secret.fresh = true;
  });
  if (!ok || !seal_fresh_secrets(*state, context, host)) return std::nullopt;
  return serialize_state(*state);
}

std::optional<std::vector<std::string>> stored_secrets(std::string_view text) {
  auto state = parse_state(text);
  if (!state) return std::nullopt;
  std::vector<std::string> out;
  for_each_secret(*state, [&](Secret& secret) { out.push_back(secret.stored); });
  return out;
}

}  // namespace identity_mfa
