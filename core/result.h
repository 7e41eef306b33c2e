#pragma once
// Errors are values (leveldb's Status, without exceptions across our APIs).

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace aksarc {

enum class ErrorCode {
  kInvalidArgument,
  kNotFound,
  kParse,
  kIo,
  kUnauthorized,
  kForbidden,
  kUnavailable,
  kInternal
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

inline Error invalid_argument(std::string msg) {
  return {ErrorCode::kInvalidArgument, std::move(msg)};
}
inline Error parse_error(std::string msg) { return {ErrorCode::kParse, std::move(msg)}; }
inline Error io_error(std::string msg) { return {ErrorCode::kIo, std::move(msg)}; }

// Result<T> holds either a T or an Error. Check ok() before value(); value() on an error (or
// error() on a value) is a programming error and aborts via std::get.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Status is a Result with no value.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return !error_.has_value(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

}  // namespace aksarc
