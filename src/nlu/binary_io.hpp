#pragma once

// Helpers for the model file: fixed-size values in host byte order and length-prefixed strings.
// NOTE: a model file moves only between machines of the same byte order (x86-64 and ARM64 are
// both little-endian). Nothing in the file records the order.

#include <cstddef>
#include <cstdint>
#include <istream>
#include <ostream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace mobilelink::nlu::io {

inline constexpr std::uint64_t kFnv64Offset = 14695981039346656037ull;

/// Continues a 64-bit FNV-1a hash from `hash` over `bytes`. Each step is a bijection of the
/// hash for a fixed byte, so two inputs of the same length that differ in one byte always hash
/// differently. It detects damage, it does not resist tampering.
inline std::uint64_t Fnv1a64(std::string_view bytes, std::uint64_t hash = kFnv64Offset) {
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

/// Read-only stream buffer over bytes that the caller keeps alive, so that a checked file body
/// is parsed without a second copy.
class MemoryBuffer final : public std::streambuf {
 public:
  explicit MemoryBuffer(std::string_view bytes) {
    char* begin = const_cast<char*>(bytes.data());
    setg(begin, begin, begin + bytes.size());
  }

  /// Bytes not read yet.
  [[nodiscard]] std::size_t Remaining() const { return static_cast<std::size_t>(egptr() - gptr()); }
};

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

// `max_size` guards against allocating from a corrupt length. Over a MemoryBuffer, a length
// longer than the unread bytes is rejected before anything is allocated too.
template <typename T>
std::vector<T> GetVector(std::istream& in, std::uint64_t max_size) {
  const auto size = Get<std::uint64_t>(in);
  if (size > max_size) {
    throw std::runtime_error("model file has an invalid array length");
  }
  if (const auto* memory = dynamic_cast<const MemoryBuffer*>(in.rdbuf());
      memory != nullptr && size > memory->Remaining() / sizeof(T)) {
    throw std::runtime_error("model file has an array of " + std::to_string(size) +
                             " elements, longer than the " + std::to_string(memory->Remaining()) +
                             " bytes left in the body");
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
