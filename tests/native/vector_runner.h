// Runs the shared vectors (tests/vectors/*.json) through the native core.
// Used by the GoogleTest suite, which checks each expectation, and by
// identity_mfa_dump, which prints every result for the native/wasm parity test.
#ifndef IDENTITY_MFA_TESTS_VECTOR_RUNNER_H_
#define IDENTITY_MFA_TESTS_VECTOR_RUNNER_H_

#include <functional>
#include <string>
#include <vector>

#include "simdjson.h"

namespace identity_mfa::vectors {

// A loaded vector file; elements stay valid while the file lives.
struct File {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
};
// Loads tests/vectors/<name>, or aborts the process with a message.
void load(const std::string& name, File* file);

// The bytes of a validation case (body, bodyHex or bodyRepeat).
std::string case_body(simdjson::dom::element c);

// A validation case's outcome as JSON, in the JS API's shape:
// {"ok":true,"value":{...}} or {"ok":false,"status":N,"error":{code,title,message[,fields]}}.
std::string validation_outcome(simdjson::dom::element c);
// The same reduced to what a case expects: {"ok":false,"status":N,"code":...[,"fields"]}.
// `fast_path` false validates every body through simdjson alone.
std::string validation_expectable(simdjson::dom::element c, bool fast_path = true);

// Runs one scenario; calls `each(step, outcome_json)` per step, where the
// outcome is {status, code, body, retryAfter, audit, stateChanged, newState, outbound}.
void run_scenario(simdjson::dom::element scenario, const std::string& pepper,
                  const std::function<void(simdjson::dom::element, const std::string&)>& each);

// Checks a step outcome against the step's `expect`; returns "" or a reason.
std::string check_step(simdjson::dom::element expect, simdjson::dom::element outcome);

// Structural JSON equality (object member order ignored).
bool json_equal(simdjson::dom::element a, simdjson::dom::element b);
std::string to_json(simdjson::dom::element e);

// The array member `key` of `e` (empty when absent), by value: ranging over a
// temporary simdjson_result would dangle.
simdjson::dom::array array_of(simdjson::dom::element e, const char* key);

// Bytes from lower-case hex.
std::string from_hex(std::string_view hex);

}  // namespace identity_mfa::vectors

#endif  // IDENTITY_MFA_TESTS_VECTOR_RUNNER_H_
