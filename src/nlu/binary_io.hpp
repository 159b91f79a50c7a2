#pragma once

// Helpers for the model file: fixed-size values in host byte order and length-prefixed strings.
// NOTE: a model file moves only between machines of the same byte order (x86-64 and ARM64 are
// both little-endian). Nothing in the file records the order.

#include <cstdint>
#include <istream>
#include <ostream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace mobilelink::nlu::io {

template <typename T>
void Put(std::ostream& out, const T& value) {
  static_assert(std::is_trivially_copyable_v<T>);
  out.write(reinterpret_cast<const char*>(&value), sizeof(T));
}

template <typename T>
T Get(std::istream& in) {
  static_assert(std::is_trivially_copyable_v<T>);
  T value{};
  if (!in.read(reinterpret_cast<char*>(&value), sizeof(T))) {
    throw std::runtime_error("model file is truncated");
  }
  return value;
}

template <typename T>
void PutVector(std::ostream& out, const std::vector<T>& values) {
  Put<std::uint64_t>(out, values.size());
  out.write(reinterpret_cast<const char*>(values.data()),
            static_cast<std::streamsize>(values.size() * sizeof(T)));
}

// `max_size` guards against allocating from a corrupt length.
template <typename T>
std::vector<T> GetVector(std::istream& in, std::uint64_t max_size) {
  const auto size = Get<std::uint64_t>(in);
  if (size > max_size) {
    throw std::runtime_error("model file has an invalid array length");
  }
  std::vector<T> values(size);
  if (!in.read(reinterpret_cast<char*>(values.data()),
               static_cast<std::streamsize>(size * sizeof(T)))) {
    throw std::runtime_error("model file is truncated");
  }
  return values;
}

inline void PutString(std::ostream& out, const std::string& value) {
  PutVector(out, std::vector<char>(value.begin(), value.end()));
}

inline std::string GetString(std::istream& in, std::uint64_t max_size) {
  const auto bytes = GetVector<char>(in, max_size);
  return {bytes.begin(), bytes.end()};
}

}  // namespace mobilelink::nlu::io
