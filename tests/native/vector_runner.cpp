#include "vector_runner.h"

#include <cstdio>
#include <cstdlib>

#include "identity_mfa/decide.h"
#include "identity_mfa/request.h"
#include "json_writer.h"
#include "openssl_host.h"

namespace identity_mfa::vectors {
namespace dom = simdjson::dom;

void load(const std::string& name, File* file) {
  std::string path = std::string(IDENTITY_MFA_VECTORS_DIR) + "/" + name;
  if (file->parser.load(path).get(file->root)) {
    std::fprintf(stderr, "cannot load vectors %s\n", path.c_str());
    std::abort();
  }
}

dom::array array_of(dom::element e, const char* key) {
  dom::array a;
  (void)e[key].get(a);
  return a;
}

std::string from_hex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// UTF-8 text to Latin-1 bytes (for bodyRepeat with "latin1": true).
static std::string latin1(std::string_view utf8) {
  std::string out;
  for (size_t i = 0; i < utf8.size(); ++i) {
    auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back(static_cast<char>(((c & 0x1F) << 6) | (utf8[++i] & 0x3F)));
    }
  }
  return out;
}

std::string case_body(dom::element c) {
  std::string_view text;
  if (!c["body"].get(text)) return std::string(text);
  if (!c["bodyHex"].get(text)) return from_hex(text);
  dom::object repeat;
  if (c["bodyRepeat"].get(repeat)) return "";
  std::string_view prefix, unit, suffix;
  int64_t count = 0;
  bool is_latin1 = false;
  (void)repeat["prefix"].get(prefix);
  (void)repeat["unit"].get(unit);
  (void)repeat["suffix"].get(suffix);
  (void)repeat["count"].get(count);
  (void)repeat["latin1"].get(is_latin1);
  std::string body(prefix);
  for (int64_t i = 0; i < count; ++i) body += unit;
  body += suffix;
  return is_latin1 ? latin1(body) : body;
}

static const ValidationResult& validate_case(dom::element c, RequestValidator& v) {
  std::string_view route_name;
  (void)c["route"].get(route_name);
  int route = 0;
  for (int i = 0; i < kRouteCount; ++i) {
    if (route_name == kRouteNames[i]) route = i;
  }
  uint64_t limit = kDefaultBodyLimit;
  (void)c["bodyLimit"].get(limit);
  static std::string body;  // results hold views into the validator, not this
  body = case_body(c);
  return v.validate(static_cast<Route>(route), body, limit);
}

static void write_fields(JsonWriter& w, const std::vector<FieldEntry>& entries) {
  w.begin_object();
  for (const auto& e : entries) w.key(e.name).string(e.text);
  w.end_object();
}

// {"ok":true,"value":{...}}, or for an error either the JS API's shape
// ("error": the whole catalog body) or the vectors' ("code" and "fields").
static std::string result_json(const ValidationResult& r, bool whole_error) {
  JsonWriter w;
  w.begin_object();
  w.key("ok").boolean(r.ok());
  if (r.ok()) {
    w.key("value");
    write_fields(w, r.entries);
    return w.end_object().take();
  }
  const CatalogEntry& e = catalog_entry(r.error);
  w.key("status").number(r.status);
  if (whole_error) {
    w.key("error").begin_object();
    w.key("code").string(e.code).key("title").string(e.title).key("message").string(e.message);
  } else {
    w.key("code").string(e.code);
  }
  if (!r.entries.empty()) {
    w.key("fields");
    write_fields(w, r.entries);
  }
  if (whole_error) w.end_object();
  return w.end_object().take();
}

std::string validation_outcome(dom::element c) {
  static RequestValidator v;
  return result_json(validate_case(c, v), true);
}

std::string validation_expectable(dom::element c, bool fast_path) {
  static RequestValidator v;
  v.set_fast_path(fast_path);
  return result_json(validate_case(c, v), false);
}

namespace {

// A host whose every call fails, for the "host failure" steps.
class FailingHost : public CryptoHost {
 public:
  std::optional<std::string> hmac(HashAlg, std::string_view, std::string_view) override {
    return std::nullopt;
  }
  std::optional<std::string> peppered_hash(std::string_view) override { return std::nullopt; }
};

Settings read_settings(dom::element scenario) {
  Settings s;
  dom::object js;
  if (scenario["settings"].get(js)) return s;
  std::string_view text;
  int64_t n;
  if (!js["issuer"].get(text)) s.issuer = std::string(text);
  if (!js["algorithm"].get(text)) s.totp.alg = *parse_hash_alg(text);
  if (!js["digits"].get(n)) s.totp.digits = static_cast<int>(n);
  if (!js["period"].get(n)) s.totp.period = static_cast<int>(n);
  if (!js["pendingTtlMs"].get(n)) s.pending_ttl_ms = n;
  if (!js["bodyLimit"].get(n)) s.body_limit = static_cast<size_t>(n);
  return s;
}

UserProfile read_user(dom::element scenario) {
  UserProfile u;
  dom::object js;
  if (scenario["user"].get(js)) {
    u.exists = false;
    return u;
  }
  std::string_view text;
  if (!js["username"].get(text)) u.username = std::string(text);
  if (!js["email"].get(text)) u.email = std::string(text);
  if (!js["phone"].get(text)) u.phone = std::string(text);
  return u;
}

std::string step_outcome(const Decision& d) {
  JsonWriter w;
  w.begin_object();
  w.key("status").number(d.status);
  w.key("code");
  if (d.error == ErrorCode::kNone) {
    w.null();
  } else {
    w.string(catalog_entry(d.error).code);
  }
  w.key("retryAfter").number(d.retry_after_s);
  std::vector<std::string> audit;
  for (AuditEvent e : d.audit) audit.emplace_back(kAuditEventNames[static_cast<int>(e)]);
  w.key("audit").strings(audit);
  w.key("stateChanged").boolean(d.state_changed);
  w.key("newState");
  if (d.state_changed) {
    w.string(d.new_state);
  } else {
    w.null();
  }
  w.key("outbound");
  if (d.outbound.channel.empty()) {
    w.null();
  } else {
    w.begin_object()
        .key("channel").string(d.outbound.channel)
        .key("to").string(d.outbound.to)
        .key("text").string(d.outbound.text)
        .end_object();
  }
  w.key("mfaType");
  if (d.mfa_type.empty()) {
    w.null();
  } else {
    w.string(d.mfa_type);
  }
  w.key("body");
  return w.take() + d.body + "}";
}

}  // namespace

void run_scenario(dom::element scenario, const std::string& pepper,
                  const std::function<void(dom::element, const std::string&)>& each) {
  OpenSslHost host(pepper);
  FailingHost failing;
  DecisionScratch scratch;
  std::string state;
  std::string_view initial;
  if (!scenario["state"].get(initial)) state = std::string(initial);

  dom::array steps;
  (void)scenario["steps"].get(steps);
  for (dom::element step : steps) {
    std::string_view op_name, body, random_hex;
    (void)step["op"].get(op_name);
    (void)step["body"].get(body);
    (void)step["randomHex"].get(random_hex);
    int64_t now = 0;
    (void)step["now"].get(now);
    bool admin = false, host_fails = false, step_up = false;
    (void)step["admin"].get(admin);
    (void)step["stepUp"].get(step_up);
    (void)step["hostFails"].get(host_fails);

    DecisionInput in;
    for (int i = 0; i < kOperationCount; ++i) {
      if (op_name == kOperationNames[i]) in.op = static_cast<Operation>(i);
    }
    std::string random = from_hex(random_hex);
    in.body = body;
    in.state = state;
    in.now_ms = now;
    in.admin = admin;
    in.step_up = step_up;
    in.random = random;
    in.user = read_user(scenario);
    in.settings = read_settings(scenario);
    Decision d = host_fails ? decide(in, failing, scratch) : decide(in, host, scratch);
    if (d.state_changed) state = d.new_state;
    each(step, step_outcome(d));
  }
}

bool json_equal(dom::element a, dom::element b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case dom::element_type::ARRAY: {
      dom::array x = a.get_array().value_unsafe(), y = b.get_array().value_unsafe();
      if (x.size() != y.size()) return false;
      auto i = x.begin(), j = y.begin();
      for (; i != x.end(); ++i, ++j) {
        if (!json_equal(*i, *j)) return false;
      }
      return true;
    }
    case dom::element_type::OBJECT: {
      dom::object x = a.get_object().value_unsafe(), y = b.get_object().value_unsafe();
      if (x.size() != y.size()) return false;
      for (auto field : x) {
        dom::element other;
        if (y.at_key(field.key).get(other) || !json_equal(field.value, other)) return false;
      }
      return true;
    }
    case dom::element_type::STRING:
      return a.get_string().value_unsafe() == b.get_string().value_unsafe();
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE:
      return a.get_double().value_unsafe() == b.get_double().value_unsafe();
    case dom::element_type::BOOL:
      return a.get_bool().value_unsafe() == b.get_bool().value_unsafe();
    case dom::element_type::NULL_VALUE:
      return true;
  }
  return false;
}

std::string to_json(dom::element e) { return simdjson::to_string(e); }

std::string check_step(dom::element expect, dom::element outcome) {
  auto differs = [&](const char* key) {
    dom::element want, got;
    if (expect[key].get(want)) return false;  // not expected: not checked
    if (outcome[key].get(got)) return true;
    return !json_equal(want, got);
  };
  for (const char* key : {"status", "code", "body", "retryAfter", "audit", "stateChanged", "outbound"}) {
    if (differs(key)) return std::string("`") + key + "` differs";
  }
  // An expected error: the body is the catalog's, with exactly the fields named.
  std::string_view code;
  if (!expect["code"].get(code)) {
    dom::element body = outcome["body"].value_unsafe();
    std::string_view body_code;
    if (body["code"].get(body_code) || body_code != code) return "body.code differs";
    dom::element want_fields, got_fields;
    bool want = !expect["fields"].get(want_fields);
    bool got = !body["fields"].get(got_fields);
    if (want != got || (want && !json_equal(want_fields, got_fields))) return "body.fields differ";
  }
  return "";
}

}  // namespace identity_mfa::vectors
