// The MFA state machine (docs/contract.md, "The enable flow"): one decision
// per request.
//
// Given the operation, the raw body, the user's stored state, the time and
// random bytes, `decide` returns either a catalog error or the new state plus
// the response body. The host loads the state before and stores `new_state`
// after, with a compare-and-set in one transaction.
#ifndef IDENTITY_MFA_DECIDE_H_
#define IDENTITY_MFA_DECIDE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "identity_mfa/crypto_host.h"
#include "identity_mfa/errors.h"
#include "identity_mfa/otp.h"
#include "identity_mfa/request.h"
#include "identity_mfa/state.h"

namespace identity_mfa {

// The operations (Operation, in contract.h) each take the body of their
// Route, if any: kOperationRoute.
inline bool has_body(Operation op) { return kOperationRoute[static_cast<int>(op)] >= 0; }
inline Route route_of(Operation op) { return static_cast<Route>(kOperationRoute[static_cast<int>(op)]); }

// The timings (kCodeTtlMs, kLockMs, …) are the contract's: contract.h.
// Random bytes a decision may consume (TOTP secret, recovery codes, a code).
constexpr size_t kRandomBytesNeeded = 128;

struct UserProfile {
  bool exists = true;
  std::string id;        // what secrets are sealed for (CryptoHost::seal's context)
  std::string username;  // the otpauth account label
  std::string email;     // "" when the user has none
  std::string phone;     // E.164, "" when the user has none
};

struct Settings {
  std::string issuer = "identity-mfa";
  TotpParams totp;  // for new app enrollments
  int64_t pending_ttl_ms = kDefaultPendingTtlMs;
  size_t body_limit = kDefaultBodyLimit;
};

struct DecisionInput {
  Operation op = Operation::kStatus;
  std::string_view body;   // raw request body (ignored for kStatus)
  std::string_view state;  // stored state JSON, "" for none
  int64_t now_ms = 0;      // Unix time in milliseconds
  bool admin = false;      // the token is an administrator's
  bool step_up = false;    // the token proves a recent second factor (amr "mfa", fresh auth_time)
  std::string_view random; // kRandomBytesNeeded bytes from a CSPRNG
  UserProfile user;
  Settings settings;
};

// A message for the host's sender (email or SMS setup).
struct Outbound {
  std::string channel;  // "email" or "sms"; "" when nothing is to be sent
  std::string to;
  std::string text;     // holds the one-time code: never log it
};

struct Decision {
  int status = 200;
  ErrorCode error = ErrorCode::kNone;
  std::string body;            // the JSON response body (success or error)
  int64_t retry_after_s = 0;   // > 0 with 429: the Retry-After header
  bool state_changed = false;  // store `new_state` (failures count too)
  std::string new_state;
  Outbound outbound;
  std::string mfa_type;             // the type the request concerned, or ""
  std::vector<AuditEvent> audit;    // in order (kAuditEventNames)
};

// What a decision works in: parsers and buffers kept between decisions, so
// that one allocates nothing once warm. Not thread-safe: one per thread.
struct DecisionScratch {
  RequestValidator validator;
  StateReader states;
};

Decision decide(const DecisionInput& input, CryptoHost& host, DecisionScratch& scratch);

// The JSON error body {code,title,message[,fields]} for a catalog error.
std::string error_body(ErrorCode code, const std::vector<FieldEntry>& fields);

}  // namespace identity_mfa

#endif  // IDENTITY_MFA_DECIDE_H_
