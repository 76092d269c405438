#include "json_writer.h"


namespace identity_mfa {

void JsonWriter::separate() {
  if (need_comma_) out_.push_back(',');
  need_comma_ = true;
}

JsonWriter& JsonWriter::begin_object() {
  separate();
  out_.push_back('{');
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  out_.push_back('}');
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  separate();
  out_.push_back('[');
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  out_.push_back(']');
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  string(name);
  out_.push_back(':');
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  separate();
  out_.push_back('"');
  // Runs that need no escape are appended whole: most strings are one run,
  // and a character at a time costs a call each in the -Os wasm build.
  size_t run = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    auto u = static_cast<unsigned char>(value[i]);
    if (u >= 0x20 && u != '"' && u != '\\') continue;
    out_.append(value.data() + run, i - run);
    run = i + 1;
    if (u >= 0x20) {
      const char escaped[2] = {'\\', static_cast<char>(u)};
      out_.append(escaped, 2);
    } else {
      const char escaped[6] = {'\\', 'u', '0', '0', kHex[u >> 4], kHex[u & 15]};
      out_.append(escaped, 6);
    }
  }
  out_.append(value.data() + run, value.size() - run);
  out_.push_back('"');
  return *this;
}

JsonWriter& JsonWriter::number(int64_t value) {
  separate();
  out_ += std::to_string(value);
  return *this;
}

JsonWriter& JsonWriter::boolean(bool value) {
  separate();
  out_ += value ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::strings(const std::vector<std::string>& values) {
  begin_array();
  for (const auto& v : values) string(v);
  return end_array();
}

std::string iso_time(int64_t unix_ms) {
  int64_t ms = unix_ms % 1000;
  int64_t secs = unix_ms / 1000;
  if (ms < 0) {
    ms += 1000;
    --secs;
  }
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  // Civil date from days since 1970-01-01 (proleptic Gregorian), after
  // Howard Hinnant's "days_from_civil" derivation.
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t year = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t day = doy - (153 * mp + 2) / 5 + 1;
  int64_t month = mp < 10 ? mp + 3 : mp - 9;
  if (month <= 2) ++year;

  // Fixed-width fields, written by hand: printf would add kilobytes to the wasm.
  std::string out;
  // At least `width` digits, more when the value needs them (years past 9999).
  auto put = [&out](int64_t value, int width) {
    if (value < 0) {
      out.push_back('-');
      value = -value;
    }
    char digits[24];
    int n = 0;
    do {
      digits[n++] = static_cast<char>('0' + value % 10);
      value /= 10;
    } while (value > 0 || n < width);
    while (n > 0) out.push_back(digits[--n]);
  };
  put(year, 4);
  out.push_back('-');
  put(month, 2);
  out.push_back('-');
  put(day, 2);
  out.push_back('T');
  put(rem / 3600, 2);
  out.push_back(':');
  put(rem % 3600 / 60, 2);
  out.push_back(':');
  put(rem % 60, 2);
  out.push_back('.');
  put(ms, 3);
  out.push_back('Z');
  return out;
}

}  // namespace identity_mfa
