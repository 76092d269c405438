// A user's stored MFA state. The core reads it as JSON and writes it back as
// JSON; the host stores the text and never needs to understand it.
#ifndef IDENTITY_MFA_STATE_H_
#define IDENTITY_MFA_STATE_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "identity_mfa/otp.h"
#include "identity_mfa/request.h"

namespace identity_mfa {

// A TOTP secret as the state holds it: sealed by the host when the host
// seals (CryptoHost::seals), in clear otherwise. The core opens it only when
// a decision needs it, so reading a state decrypts nothing.
struct Secret {
  std::string stored;   // the state's text for it: sealed, or the clear secret
  std::string clear;    // the base32 secret, once opened (or made)
  bool opened = false;  // `clear` holds it
  bool fresh = false;   // made, or opened by a sealing host: sealed anew when written
  // With a sealing host: the hex peppered HMAC of the secret for its owner
  // (secret_digest), so that a secret sent back is checked without opening
  // the sealed one. "" in states written before it, or without sealing.
  std::string digest;

  bool empty() const { return stored.empty() && !fresh; }
};

// An enabled factor.
struct Factor {
  bool enabled = false;
  Secret secret;           // app: the TOTP secret
  TotpParams totp;         // app
  int64_t last_step = -1;  // app: last accepted TOTP step (replay guard)
  // email / sms: the sign-in code of the last challenge
  std::string code_hash;        // hex peppered HMAC; "" when none or used
  int64_t sent_at = 0;          // ms; 0 when never sent (the resend throttle)
  int64_t code_expires_at = 0;  // ms
};

// A pending enrollment, created by setup and consumed by enable.
struct Pending {
  bool active = false;
  int64_t created_at = 0;  // ms
  int64_t expires_at = 0;  // ms; the enrollment is void from this time on
  bool verified = false;
  std::vector<std::string> recovery_hashes;  // the set issued with this setup
  // app
  Secret secret;
  TotpParams totp;
  int64_t last_step = -1;
  // email / sms
  std::string code_hash;        // hex peppered HMAC; "" once used
  int64_t sent_at = 0;          // ms
  int64_t code_expires_at = 0;  // ms
};

struct MfaState {
  std::array<Factor, kMfaTypeCount> factors;
  std::array<Pending, kMfaTypeCount> pending;
  std::optional<MfaType> preferred;
  std::vector<std::string> recovery_hashes;  // the active set, unused codes only
  int failures = 0;                          // consecutive failed attempts
  int64_t locked_until = 0;                  // ms; 0 when not locked
  int64_t checked_at = 0;                    // ms of the last successful check: step-up

  Factor& factor(MfaType t) { return factors[static_cast<size_t>(t)]; }
  const Factor& factor(MfaType t) const { return factors[static_cast<size_t>(t)]; }
  Pending& pending_for(MfaType t) { return pending[static_cast<size_t>(t)]; }
  bool any_enabled() const;
};

constexpr int kStateVersion = 1;

// Parses stored states, keeping its parser and buffer between calls (a
// parser allocates on first use: once per reader, not once per request).
class StateReader {
 public:
  StateReader();
  ~StateReader();
  StateReader(const StateReader&) = delete;
  StateReader& operator=(const StateReader&) = delete;

  // "" means a user who never set MFA up. Returns nullopt for a state this
  // version cannot read.
  std::optional<MfaState> read(std::string_view json);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The same with a reader of its own, for one-off use.
std::optional<MfaState> parse_state(std::string_view json);
// The state as JSON: each secret as `Secret::stored` (fresh ones must have
// been sealed into it first: see seal_fresh_secrets in decide.h).
std::string serialize_state(const MfaState& state);

// The clear secret of `secret`, opening it through `host` on first use
// (`context`: the user id it was sealed for). False when the host failed or
// the sealed text does not open.
bool open_secret(Secret& secret, std::string_view context, CryptoHost& host);
// The digest a sealing host's state keeps beside a secret it makes: the
// peppered HMAC of "secret:<context>:<clear>", hex (bound to its owner, as
// the sealed text is). nullopt when the host failed.
std::optional<std::string> secret_digest(std::string_view clear, std::string_view context, CryptoHost& host);
// Whether `sent` is the secret, by its digest alone: on a match `secret`
// counts as opened (its clear text is `sent`, its sealed text is kept as
// stored). False without a digest or on a mismatch, and then nothing is
// known: the caller opens the secret and compares, as for a state written
// before digests (a wrong secret, a changed pepper, a row copied from
// another user all land there).
bool open_by_digest(Secret& secret, std::string_view sent, std::string_view context, CryptoHost& host);
// Seals every fresh secret of `state` into its stored text (in clear when the
// host does not seal). False when the host failed.
bool seal_fresh_secrets(MfaState& state, std::string_view context, CryptoHost& host);
// The state with every secret opened and sealed again by `host` (which seals
// under its current key: key rotation), or nullopt when the state cannot be
// read or a secret does not open.
std::optional<std::string> reseal_state(std::string_view state, std::string_view context, CryptoHost& host);
// The stored text of every secret in a state (what a host sealed), or
// nullopt for a state that cannot be read.
std::optional<std::vector<std::string>> stored_secrets(std::string_view state);

// Every secret the state holds, for a visit (app factor and pending app
// enrollment).
template <class Visit>
void for_each_secret(MfaState& state, Visit&& visit) {
  Secret& factor = state.factor(MfaType::kApp).secret;
  if (!factor.empty()) visit(factor);
  Secret& pending = state.pending_for(MfaType::kApp).secret;
  if (!pending.empty()) visit(pending);
}

}  // namespace identity_mfa

#endif  // IDENTITY_MFA_STATE_H_
