#include "identity_mfa/state.h"

#include "json_members.h"
#include "json_writer.h"
#include "simdjson.h"

namespace identity_mfa {
namespace ondemand = simdjson::ondemand;

namespace {

void write_totp(JsonWriter& w, const Secret& secret, const TotpParams& p, int64_t last_step) {
  w.key("secret").string(secret.stored);
  if (!secret.digest.empty()) w.key("secretDigest").string(secret.digest);
  w.key("algorithm").string(hash_alg_name(p.alg));
  w.key("digits").number(p.digits);
  w.key("period").number(p.period);
  w.key("lastStep").number(last_step);
}

// A one-time code: its hash, when it was sent and until when it holds.
void write_code(JsonWriter& w, const std::string& hash, int64_t sent_at, int64_t expires_at) {
  w.key("codeHash").string(hash);
  w.key("sentAt").number(sent_at);
  w.key("codeExpiresAt").number(expires_at);
}

void write_factor(JsonWriter& w, MfaType type, const Factor& f) {
  w.key(mfa_type_name(type)).begin_object();
  if (type == MfaType::kApp) {
    write_totp(w, f.secret, f.totp, f.last_step);
  } else if (f.sent_at != 0) {
    write_code(w, f.code_hash, f.sent_at, f.code_expires_at);
  }
  w.end_object();
}

void write_pending(JsonWriter& w, MfaType type, const Pending& p) {
  w.key(mfa_type_name(type)).begin_object();
  w.key("createdAt").number(p.created_at);
  w.key("expiresAt").number(p.expires_at);
  w.key("verified").boolean(p.verified);
  w.key("recoveryCodes").strings(p.recovery_hashes);
  if (type == MfaType::kApp) {
    write_totp(w, p.secret, p.totp, p.last_step);
  } else {
    write_code(w, p.code_hash, p.sent_at, p.code_expires_at);
  }
  w.end_object();
}

bool read_value(ondemand::value v, int64_t* out) { return !v.get_int64().get(*out); }
bool read_value(ondemand::value v, bool* out) { return !v.get_bool().get(*out); }
bool read_value(ondemand::value v, std::string* out) {
  std::string_view s;
  if (v.get_string().get(s)) return false;
  out->assign(s);
  return true;
}
bool read_value(ondemand::value v, int* out) {
  int64_t n;
  if (v.get_int64().get(n) || n < -1000000000 || n > 1000000000) return false;
  *out = static_cast<int>(n);
  return true;
}
bool read_value(ondemand::value v, std::vector<std::string>* out) {
  ondemand::array array;
  if (v.get_array().get(array)) return false;
  out->clear();
  for (auto element : array) {
    std::string_view s;
    if (element.get_string().get(s)) return false;
    out->emplace_back(s);
  }
  return true;
}

// The TOTP members shared by factors and pending enrollments.
bool read_totp_member(std::string_view key, ondemand::value v, Secret* secret, TotpParams* p,
                      int64_t* last_step, bool* known) {
  *known = true;
  if (key == "secret") return read_value(v, &secret->stored);
  if (key == "secretDigest") return read_value(v, &secret->digest);
  if (key == "digits") return read_value(v, &p->digits) && totp_digits_allowed(p->digits);
  if (key == "period") return read_value(v, &p->period) && totp_period_allowed(p->period);
  if (key == "lastStep") return read_value(v, last_step);
  if (key == "algorithm") {
    std::string name;
    if (!read_value(v, &name)) return false;
    auto alg = parse_hash_alg(name);
    if (!alg) return false;
    p->alg = *alg;
    return true;
  }
  *known = false;
  return true;
}

// The one-time code members shared by factors and pending enrollments.
bool read_code_member(std::string_view key, ondemand::value v, std::string* hash, int64_t* sent_at,
                      int64_t* expires_at, bool* known) {
  *known = true;
  if (key == "codeHash") return read_value(v, hash);
  if (key == "sentAt") return read_value(v, sent_at);
  if (key == "codeExpiresAt") return read_value(v, expires_at);
  *known = false;
  return true;
}

bool read_factor(ondemand::value v, Factor* f) {
  f->enabled = true;
  return each_member(v, [&](std::string_view key, ondemand::value member) {
    bool known;
    if (!read_totp_member(key, member, &f->secret, &f->totp, &f->last_step, &known)) return false;
    if (known) return true;
    return read_code_member(key, member, &f->code_hash, &f->sent_at, &f->code_expires_at, &known);
  });
}

bool read_pending(ondemand::value v, Pending* p) {
  p->active = true;
  return each_member(v, [&](std::string_view key, ondemand::value m) {
    bool known;
    if (!read_totp_member(key, m, &p->secret, &p->totp, &p->last_step, &known)) return false;
    if (known) return true;
    if (!read_code_member(key, m, &p->code_hash, &p->sent_at, &p->code_expires_at, &known)) return false;
    if (known) return true;
    if (key == "createdAt") return read_value(m, &p->created_at);
    if (key == "expiresAt") return read_value(m, &p->expires_at);
    if (key == "verified") return read_value(m, &p->verified);
    if (key == "recoveryCodes") return read_value(m, &p->recovery_hashes);
    return true;  // newer members are ignored, not fatal
  });
}

// Reads {"app": {...}, "email": {...}} into one slot per type.
template <class Slots, class ReadOne>
bool read_by_type(ondemand::value v, Slots& slots, ReadOne&& read_one) {
  return each_member(v, [&](std::string_view key, ondemand::value m) {
    auto type = parse_mfa_type(key);
    if (!type) return false;
    return read_one(m, &slots[static_cast<size_t>(*type)]);
  });
}

}  // namespace

bool MfaState::any_enabled() const {
  for (const auto& f : factors) {
    if (f.enabled) return true;
  }
  return false;
}

std::string serialize_state(const MfaState& s) {
  JsonWriter w;
  w.begin_object();
  w.key("v").number(kStateVersion);
  w.key("preferredType");
  if (s.preferred) {
    w.string(mfa_type_name(*s.preferred));
  } else {
    w.null();
  }
  w.key("failures").number(s.failures);
  w.key("lockedUntil").number(s.locked_until);
  if (s.checked_at != 0) w.key("checkedAt").number(s.checked_at);
  w.key("recoveryCodes").strings(s.recovery_hashes);
  w.key("factors").begin_object();
  for (int t = 0; t < kMfaTypeCount; ++t) {
    if (s.factors[t].enabled) write_factor(w, static_cast<MfaType>(t), s.factors[t]);
  }
  w.end_object();
  w.key("pending").begin_object();
  for (int t = 0; t < kMfaTypeCount; ++t) {
    if (s.pending[t].active) write_pending(w, static_cast<MfaType>(t), s.pending[t]);
  }
  w.end_object();
  w.end_object();
  return w.take();
}

struct StateReader::Impl {
  ondemand::parser parser;
  std::string padded;  // the state plus simdjson's read-ahead padding
};

StateReader::StateReader() : impl_(new Impl) {}
StateReader::~StateReader() = default;

std::optional<MfaState> parse_state(std::string_view json) { return StateReader().read(json); }

std::optional<MfaState> StateReader::read(std::string_view json) {
  MfaState state;
  if (json.empty()) return state;

  impl_->padded.assign(json.data(), json.size());
  impl_->padded.append(simdjson::SIMDJSON_PADDING, '\0');
  ondemand::document doc;
  if (impl_->parser.iterate(impl_->padded.data(), json.size(), impl_->padded.size()).get(doc)) return std::nullopt;
  ondemand::value root;
  if (doc.get_value().get(root)) return std::nullopt;

  int64_t version = 0;
  bool ok = each_member(root, [&](std::string_view key, ondemand::value v) {
    if (key == "v") return read_value(v, &version);
    if (key == "failures") return read_value(v, &state.failures);
    if (key == "lockedUntil") return read_value(v, &state.locked_until);
    if (key == "checkedAt") return read_value(v, &state.checked_at);
    if (key == "recoveryCodes") return read_value(v, &state.recovery_hashes);
    if (key == "factors") return read_by_type(v, state.factors, read_factor);
    if (key == "pending") return read_by_type(v, state.pending, read_pending);
    if (key == "preferredType") {
      bool is_null = false;
      if (!v.is_null().get(is_null) && is_null) return true;
      std::string name;
      if (!read_value(v, &name)) return false;
      state.preferred = parse_mfa_type(name);
      return state.preferred.has_value();
    }
    return true;
  });
  if (!ok || version != kStateVersion || !doc.at_end()) return std::nullopt;
  return state;
}

}  // namespace identity_mfa
