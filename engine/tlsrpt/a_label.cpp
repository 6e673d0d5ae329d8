#include "engine/tlsrpt/a_label.hpp"

#include "engine/core/domain_name.hpp"

#include <cstdint>
#include <limits>
#include <vector>

namespace sts::tlsrpt {

namespace {

// RFC 3492 §5: the Punycode parameters for IDNA.
constexpr std::uint32_t base = 36;
constexpr std::uint32_t t_min = 1;
constexpr std::uint32_t t_max = 26;
constexpr std::uint32_t skew = 38;
constexpr std::uint32_t damp = 700;
constexpr std::uint32_t initial_bias = 72;
constexpr std::uint32_t initial_n = 128;
// RFC 5890 §2.3.2.1: the ACE prefix.
constexpr std::string_view ace_prefix = "xn--";

// RFC 3492 §6.1.
std::uint32_t adapt(std::uint32_t delta, std::uint32_t points, bool first) {
    delta = first ? delta / damp : delta / 2;
    delta += delta / points;
    std::uint32_t k = 0;
    while (delta > ((base - t_min) * t_max) / 2) {
        delta /= base - t_min;
        k += base;
    }
    return k + (base - t_min + 1) * delta / (delta + skew);
}

char digit(std::uint32_t d) { return static_cast<char>(d < 26 ? 'a' + d : '0' + (d - 26)); }

// The code points of `text`, or nothing when it is not valid UTF-8 (RFC 3629).
std::optional<std::vector<std::uint32_t>> decode_utf8(std::string_view text) {
    std::vector<std::uint32_t> out;
    std::size_t i = 0;
    while (i < text.size()) {
        const auto b0 = static_cast<unsigned char>(text[i]);
        std::size_t length = 0;
        std::uint32_t code = 0;
        if (b0 < 0x80) {
            length = 1;
            code = b0;
        } else if (b0 >= 0xC2 && b0 <= 0xDF) {
            length = 2;
            code = b0 & 0x1Fu;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            length = 3;
            code = b0 & 0x0Fu;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            length = 4;
            code = b0 & 0x07u;
        } else {
            return std::nullopt;
        }
        if (text.size() - i < length) return std::nullopt;
        for (std::size_t k = 1; k < length; ++k) {
            const auto b = static_cast<unsigned char>(text[i + k]);
            if ((b & 0xC0u) != 0x80u) return std::nullopt;
            code = (code << 6) | (b & 0x3Fu);
        }
        const bool overlong = (length == 3 && code < 0x800) || (length == 4 && code < 0x10000);
        if (overlong || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) return std::nullopt;
        out.push_back(code);
        i += length;
    }
    return out;
}

// RFC 3492 §6.3: the Punycode of `input`, or nothing on overflow (only for absurd labels).
std::optional<std::string> punycode(const std::vector<std::uint32_t>& input) {
    std::string out;
    for (const auto c : input) {
        if (c < 0x80) out += static_cast<char>(c);
    }
    const auto basic = static_cast<std::uint32_t>(out.size());
    std::uint32_t handled = basic;
    if (basic > 0) out += '-';
    std::uint32_t n = initial_n;
    std::uint32_t delta = 0;
    std::uint32_t bias = initial_bias;
    constexpr auto max = std::numeric_limits<std::uint32_t>::max();
    while (handled < input.size()) {
        std::uint32_t m = max;
        for (const auto c : input) {
            if (c >= n && c < m) m = c;
        }
        if (m - n > (max - delta) / (handled + 1)) return std::nullopt;
        delta += (m - n) * (handled + 1);
        n = m;
        for (const auto c : input) {
            if (c < n && ++delta == 0) return std::nullopt;
            if (c != n) continue;
            std::uint32_t q = delta;
            for (std::uint32_t k = base;; k += base) {
                const std::uint32_t t = k <= bias ? t_min : (k >= bias + t_max ? t_max : k - bias);
                if (q < t) break;
                out += digit(t + (q - t) % (base - t));
                q = (q - t) / (base - t);
            }
            out += digit(q);
            bias = adapt(delta, handled + 1, handled == basic);
            delta = 0;
            ++handled;
        }
        ++delta;
        ++n;
    }
    return out;
}

}  // namespace

std::optional<std::string> to_a_label_domain(std::string_view domain) {
    domain = core::strip_root_dot(domain);
    // A domain is at most 253 octets; a longer input cannot become one, so it is not
    // examined further (and never costs more than that much work).
    if (domain.empty() || domain.size() > 4 * 253) return std::nullopt;
    std::string out;
    std::size_t pos = 0;
    while (true) {
        const auto dot = domain.find('.', pos);
        const auto label = domain.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
        auto points = decode_utf8(label);
        if (!points) return std::nullopt;
        bool ascii = true;
        for (auto& c : *points) {
            if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
            if (c >= 0x80) ascii = false;
        }
        if (ascii) {
            out += core::to_ascii_lower(label);
        } else {
            auto encoded = punycode(*points);
            if (!encoded) return std::nullopt;
            out += ace_prefix;
            out += *encoded;
        }
        if (dot == std::string_view::npos) break;
        out += '.';
        pos = dot + 1;
    }
    if (!core::is_ldh_domain(out)) return std::nullopt;
    return out;
}

}  // namespace sts::tlsrpt
