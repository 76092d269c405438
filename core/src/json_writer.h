// A minimal JSON writer for the bodies and states the core emits. Internal.
#ifndef IDENTITY_MFA_JSON_WRITER_H_
#define IDENTITY_MFA_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace identity_mfa {

class JsonWriter {
 public:
  // Room for a typical body or state up front: growing a string step by step
  // costs more than the bytes.
  JsonWriter() { out_.reserve(512); }
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& string(std::string_view value);
  JsonWriter& number(int64_t value);
  JsonWriter& boolean(bool value);
  JsonWriter& null();
  // A string array from a list of strings.
  JsonWriter& strings(const std::vector<std::string>& values);

  std::string take() { return std::move(out_); }

 private:
  void separate();
  std::string out_;
  bool need_comma_ = false;
};

// Milliseconds since the Unix epoch as "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC).
std::string iso_time(int64_t unix_ms);

}  // namespace identity_mfa

#endif  // IDENTITY_MFA_JSON_WRITER_H_
