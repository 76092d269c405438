#include "json_body.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "json_members.h"
#include "simdjson.h"

namespace identity_mfa {
namespace ondemand = simdjson::ondemand;

static_assert(kInputPadding == simdjson::SIMDJSON_PADDING, "kInputPadding must match simdjson");

int lookup_field(std::string_view name) { return field_by_name(name); }

namespace {

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && is_json_space(s.back())) s.remove_suffix(1);
  return s;
}

// RFC 8259 number grammar. simdjson's number parsers reject values that do
// not fit a double or 64-bit integer, but 1e400 is still valid JSON.
bool is_json_number(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

const char* skip_space(const char* p, const char* end) {
  while (p < end && is_json_space(*p)) ++p;
  return p;
}

// A string of printable ASCII without escapes; returns the position after
// its closing quote, or null.
const char* scan_plain_string(const char* p, const char* end, std::string_view* out) {
  if (p >= end || *p != '"') return nullptr;
  const char* start = ++p;
  while (p < end) {
    auto c = static_cast<unsigned char>(*p);
    if (c == '"') {
      *out = std::string_view(start, static_cast<size_t>(p - start));
      return p + 1;
    }
    if (c < 0x20 || c > 0x7E || c == '\\') return nullptr;
    ++p;
  }
  return nullptr;
}

// A literal or number value; returns the position after it, or null.
const char* scan_scalar(const char* p, const char* end, Kind* kind) {
  const char* start = p;
  while (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
                     *p == '+' || *p == '.' || *p == 'E')) {
    ++p;
  }
  std::string_view token(start, static_cast<size_t>(p - start));
  if (token == "null") {
    *kind = Kind::kNull;
  } else if (token == "true" || token == "false" || is_json_number(token)) {
    *kind = Kind::kOther;
  } else {
    return nullptr;
  }
  return p;
}

}  // namespace

struct BodyReader::Impl {
  ondemand::parser parser;
  std::string padded;  // the body plus simdjson's read-ahead padding
  std::vector<Member> members;
  int32_t first[kFieldCount];          // index in `members` of each field's first occurrence, or -1
  std::vector<std::string_view> keys;  // scratch for duplicate detection
  bool fast_path = true;

  bool read(std::string_view body, bool is_padded);
  bool parse_plain(std::string_view body);
  bool read_member(simdjson::simdjson_result<ondemand::field> field);
  bool consume(ondemand::value value, int depth);
  void add_member(Member m);
  void clear_members();
  std::optional<std::string_view> duplicate_key();
  const Member* find(Field f) const;
};

BodyReader::BodyReader() : impl_(new Impl) { impl_->clear_members(); }
BodyReader::~BodyReader() = default;
bool BodyReader::read(std::string_view body, bool padded) { return impl_->read(body, padded); }
const std::vector<Member>& BodyReader::members() const { return impl_->members; }
const Member* BodyReader::find(Field f) const { return impl_->find(f); }
std::optional<std::string_view> BodyReader::duplicate_key() { return impl_->duplicate_key(); }
void BodyReader::set_fast_path(bool enabled) { impl_->fast_path = enabled; }

// Step 6: one JSON object of valid UTF-8 (duplicate keys: the caller's).
bool BodyReader::Impl::read(std::string_view body, bool is_padded) {
  clear_members();
  // RFC 8259 §8.1 lets a parser ignore a byte order mark; we ignore one.
  // A second is refused here, before simdjson (which skips one) could.
  auto starts_with_bom = [&] { return body.size() >= 3 && std::memcmp(body.data(), "\xEF\xBB\xBF", 3) == 0; };
  if (starts_with_bom()) body.remove_prefix(3);
  if (starts_with_bom()) return false;
  const char* json = body.data();
  if (!is_padded) {
    padded.assign(body.data(), body.size());
    padded.append(simdjson::SIMDJSON_PADDING, '\0');
    json = padded.data();
  }
  if (fast_path && parse_plain(std::string_view(json, body.size()))) return true;
  clear_members();

  ondemand::document doc;
  if (parser.iterate(json, body.size(), body.size() + simdjson::SIMDJSON_PADDING).get(doc)) return false;
  ondemand::json_type type;
  if (doc.type().get(type) || type != ondemand::json_type::object) return false;
  ondemand::object object;
  if (doc.get_object().get(object)) return false;
  for (auto field : object) {
    if (!read_member(field)) return false;
  }
  return doc.at_end();
}

// The fast path for the bodies people actually send: one object whose keys
// are strings of printable ASCII without escapes, and whose values are such
// strings, literals or numbers. Such a body is valid JSON and valid UTF-8 by
// construction, and its members are its raw bytes, so the result equals
// simdjson's (the fuzzer checks that it does). Anything else (escapes,
// non-ASCII text, objects or arrays as values) returns false and goes
// through simdjson.
bool BodyReader::Impl::parse_plain(std::string_view body) {
  const char* p = body.data();
  const char* end = p + body.size();
  p = skip_space(p, end);
  if (p >= end || *p != '{') return false;
  p = skip_space(p + 1, end);
  if (p < end && *p == '}') return skip_space(p + 1, end) == end;
  while (true) {
    Member m{};
    m.kind = Kind::kString;
    p = scan_plain_string(p, end, &m.key);
    if (!p) return false;
    p = skip_space(p, end);
    if (p >= end || *p != ':') return false;
    p = skip_space(p + 1, end);
    p = p < end && *p == '"' ? scan_plain_string(p, end, &m.text) : scan_scalar(p, end, &m.kind);
    if (!p) return false;
    add_member(m);
    p = skip_space(p, end);
    if (p >= end) return false;
    if (*p == '}') return skip_space(p + 1, end) == end;
    if (*p != ',') return false;
    p = skip_space(p + 1, end);
  }
}

bool BodyReader::Impl::read_member(simdjson::simdjson_result<ondemand::field> field) {
  Member m{};
  ondemand::value value;
  if (field.unescaped_key(false).get(m.key) || field.value().get(value)) return false;
  ondemand::json_type type;
  if (value.type().get(type)) return false;
  if (type == ondemand::json_type::string) {
    m.kind = Kind::kString;
    if (value.get_string().get(m.text)) return false;
  } else if (type == ondemand::json_type::null) {
    m.kind = Kind::kNull;
    if (trim_right(value.raw_json_token()) != "null") return false;
  } else {
    m.kind = Kind::kOther;
    if (!consume(value, 1)) return false;
  }
  add_member(m);
  return true;
}

// Reads any JSON value completely, so that nothing the body holds goes
// unchecked: On-Demand only validates what it is asked to read.
bool BodyReader::Impl::consume(ondemand::value value, int depth) {
  if (depth > kMaxDepth) return false;
  ondemand::json_type type;
  if (value.type().get(type)) return false;
  switch (type) {
    case ondemand::json_type::object:
      // Keys are unescaped too: an invalid escape in a key is invalid JSON.
      return each_member(value, [&](std::string_view, ondemand::value member) { return consume(member, depth + 1); });
    case ondemand::json_type::array: {
      ondemand::array array;
      if (value.get_array().get(array)) return false;
      for (auto element : array) {
        ondemand::value item;
        if (element.get(item) || !consume(item, depth + 1)) return false;
      }
      return true;
    }
    case ondemand::json_type::string: {
      std::string_view text;
      return !value.get_string().get(text);
    }
    case ondemand::json_type::number:
      return is_json_number(trim_right(value.raw_json_token()));
    case ondemand::json_type::boolean: {
      std::string_view token = trim_right(value.raw_json_token());
      return token == "true" || token == "false";
    }
    case ondemand::json_type::null:
      return trim_right(value.raw_json_token()) == "null";
  }
  return false;
}

void BodyReader::Impl::add_member(Member m) {
  m.field = lookup_field(m.key);
  if (m.field >= 0 && first[m.field] < 0) first[m.field] = static_cast<int32_t>(members.size());
  members.push_back(m);
}

void BodyReader::Impl::clear_members() {
  members.clear();
  std::fill(std::begin(first), std::end(first), -1);
}

// The smallest key that appears twice, if any. Bodies usually hold a few
// members, compared pairwise without allocating; long ones are sorted.
std::optional<std::string_view> BodyReader::Impl::duplicate_key() {
  std::optional<std::string_view> dup;
  if (members.size() <= 8) {
    for (size_t i = 0; i < members.size(); ++i) {
      for (size_t j = i + 1; j < members.size(); ++j) {
        if (members[i].key == members[j].key && (!dup || members[i].key < *dup)) dup = members[i].key;
      }
    }
    return dup;
  }
  keys.clear();
  for (const auto& m : members) keys.push_back(m.key);
  std::sort(keys.begin(), keys.end());
  auto it = std::adjacent_find(keys.begin(), keys.end());
  if (it != keys.end()) dup = *it;
  return dup;
}

const Member* BodyReader::Impl::find(Field f) const {
  int at = first[static_cast<int>(f)];
  return at < 0 ? nullptr : &members[static_cast<size_t>(at)];
}

}  // namespace identity_mfa
