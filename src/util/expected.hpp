#pragma once
// A small subset of std::expected (C++23) for GCC 12 in C++20 mode: swapping it for the standard
// one later is a `using`. One error vocabulary for the whole project: lg::Error.

#include <string>
#include <utility>
#include <variant>

namespace lg {

/// Kinds of failure that callers branch on. The message carries the detail for people.
enum class ErrorKind {
  config,       ///< the user's configuration is wrong
  usage,        ///< a command line or argument is wrong
  io,           ///< a file could not be read or written
  parse,        ///< input bytes are malformed
  network,      ///< a connection failed, timed out or was refused
  out_of_scope, ///< a request would leave the configured scope
  budget,       ///< a request budget or size cap was exhausted
  auth,         ///< a login or session recipe failed
  internal,     ///< a bug or an unexpected library failure
};

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string message;
};

/// Builds an Error; `make_error(ErrorKind::io, "cannot open x")`.
inline Error make_error(ErrorKind kind, std::string message) {
  return Error{kind, std::move(message)};
}

template <class E> class Unexpected {
public:
  explicit Unexpected(E e) : m_error(std::move(e)) {}
  E& error() & { return m_error; }
  E&& error() && { return std::move(m_error); }

private:
  E m_error;
};

inline Unexpected<Error> unexpected(Error e) {
  return Unexpected<Error>(std::move(e));
}
inline Unexpected<Error> unexpected(ErrorKind kind, std::string message) {
  return Unexpected<Error>(Error{kind, std::move(message)});
}

/// Holds a T or an Error. Mirrors std::expected's has_value/value/error/operator*/operator->.
template <class T> class [[nodiscard]] Expected {
public:
  Expected(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
  Expected(Unexpected<Error> e) : m_v(std::in_place_index<1>, std::move(e).error()) {}

  bool has_value() const { return m_v.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { return std::get<0>(m_v); }
  const T& value() const& { return std::get<0>(m_v); }
  T&& value() && { return std::get<0>(std::move(m_v)); }
  const Error& error() const& { return std::get<1>(m_v); }
  Error&& error() && { return std::get<1>(std::move(m_v)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  template <class U> T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

private:
  std::variant<T, Error> m_v;
};

template <> class [[nodiscard]] Expected<void> {
public:
  Expected() = default;
  Expected(Unexpected<Error> e) : m_error(std::move(e).error()), m_ok(false) {}
  bool has_value() const { return m_ok; }
  explicit operator bool() const { return m_ok; }
  const Error& error() const { return m_error; }

private:
  Error m_error;
  bool m_ok = true;
};

} // namespace lg

/// Propagates the error of an Expected expression, or yields its value (GNU statement expression).
#define LG_TRY(expr)                                                                               \
  __extension__({                                                                                  \
    auto lg_try_result_ = (expr);                                                                  \
    if (!lg_try_result_)                                                                           \
      return ::lg::unexpected(std::move(lg_try_result_).error());                                  \
    std::move(lg_try_result_).value();                                                             \
  })

/// Propagates the error of an Expected<void> expression.
#define LG_TRY_VOID(expr)                                                                          \
  do {                                                                                             \
    auto lg_try_result_ = (expr);                                                                  \
    if (!lg_try_result_)                                                                           \
      return ::lg::unexpected(lg_try_result_.error());                                             \
  } while (false)
