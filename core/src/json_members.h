// Walking a JSON object's members with simdjson On-Demand. Internal.
#ifndef IDENTITY_MFA_JSON_MEMBERS_H_
#define IDENTITY_MFA_JSON_MEMBERS_H_

#include <string_view>

#include "simdjson.h"

namespace identity_mfa {

// Calls `visit(key, value)` for each member of the object `value`, keys
// unescaped; false (a visit's, or a malformed object's) stops with failure.
template <class Visit>
bool each_member(simdjson::ondemand::value value, Visit&& visit) {
  simdjson::ondemand::object object;
  if (value.get_object().get(object)) return false;
  for (auto field : object) {
    std::string_view key;
    simdjson::ondemand::value member;
    if (field.unescaped_key(false).get(key) || field.value().get(member)) return false;
    if (!visit(key, member)) return false;
  }
  return true;
}

}  // namespace identity_mfa

#endif  // IDENTITY_MFA_JSON_MEMBERS_H_
