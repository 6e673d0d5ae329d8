// Lets Boost.Test print the engine/tls enums, and the engine/tlsrpt enums they use (also
// inside std::optional), by name in failure messages ("got skip_mx, want require_pkix";
// "got certificate-expired, want <none>") instead of refusing to compile BOOST_TEST(a == b)
// on them. The operators live in the enums' own namespaces so that argument-dependent
// lookup finds them from inside Boost.Test.
#pragma once

#include <optional>
#include <ostream>
#include <type_traits>

namespace sts::tls {

template <class E>
    requires std::is_enum_v<E> && requires(E e) { to_string(e); }
std::ostream& operator<<(std::ostream& out, E e) {
    return out << to_string(e);
}

}  // namespace sts::tls

namespace sts::tlsrpt {

template <class E>
    requires std::is_enum_v<E> && requires(E e) { to_string(e); }
std::ostream& operator<<(std::ostream& out, E e) {
    return out << to_string(e);
}

template <class E>
    requires std::is_enum_v<E> && requires(E e) { to_string(e); }
std::ostream& operator<<(std::ostream& out, const std::optional<E>& e) {
    if (!e) return out << "<none>";
    return out << to_string(*e);
}

}  // namespace sts::tlsrpt
