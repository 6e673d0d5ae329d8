#include "engine/tlsrpt/https_uri.hpp"

#include "engine/core/domain_name.hpp"
#include "engine/core/peer_text.hpp"

#include <fmt/format.h>

#include <charconv>
#include <system_error>

namespace sts::tlsrpt {

std::optional<https_uri> parse_https_uri(std::string_view uri, std::string* why) {
    const auto fail = [&](std::string text) -> std::optional<https_uri> {
        if (why != nullptr) *why = fmt::format("{}: {}", core::quote_peer_text(uri), text);
        return std::nullopt;
    };
    constexpr std::string_view scheme = "https://";
    if (uri.size() < scheme.size() || !core::equal_ignoring_case(uri.substr(0, scheme.size()), scheme))
        return fail("not an https: URI");
    std::string_view rest = uri.substr(scheme.size());
    const auto slash = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, slash);
    https_uri out;
    if (slash != std::string_view::npos) {
        out.target = std::string(rest.substr(slash));
        if (out.target.front() == '?') out.target.insert(out.target.begin(), '/');
    }
    if (authority.find('@') != std::string_view::npos) return fail("user information is not allowed");
    if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        const auto digits = authority.substr(colon + 1);
        unsigned port = 0;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
        if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || port == 0 || port > 65535)
            return fail("the port is not a number from 1 to 65535");
        out.port = static_cast<std::uint16_t>(port);
        authority = authority.substr(0, colon);
    }
    const auto name = core::strip_root_dot(authority);
    if (!core::is_ldh_domain(name)) return fail("the host is not a domain name");
    out.host = core::to_ascii_lower(name);
    for (const char c : out.target)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return fail("the path holds a space or a control byte");
    return out;
}

}  // namespace sts::tlsrpt
