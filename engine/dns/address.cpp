#include "engine/dns/address.hpp"

#include <fmt/format.h>

#include <cstddef>

namespace sts::dns {

namespace {

constexpr std::size_t ipv6_groups = 8;

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Parses `text` as colon-separated hex groups (no "::"), appending them to `groups`; a
// dotted IPv4 tail counts as two groups when `allow_ipv4_tail`. False on any bad group.
bool parse_groups(std::string_view text, std::array<std::uint16_t, ipv6_groups>& groups, std::size_t& count,
                  bool allow_ipv4_tail) noexcept {
    if (text.empty()) return true;
    std::size_t start = 0;
    for (;;) {
        const std::size_t colon = text.find(':', start);
        const std::string_view group = text.substr(start, colon == std::string_view::npos ? std::string_view::npos
                                                                                        : colon - start);
        if (colon == std::string_view::npos && allow_ipv4_tail && group.find('.') != std::string_view::npos) {
            const auto v4 = parse_ipv4(group);
            if (!v4 || count + 2 > ipv6_groups) return false;
            groups[count++] = static_cast<std::uint16_t>(((*v4)[0] << 8) | (*v4)[1]);
            groups[count++] = static_cast<std::uint16_t>(((*v4)[2] << 8) | (*v4)[3]);
            return true;
        }
        if (group.empty() || group.size() > 4 || count >= ipv6_groups) return false;
        unsigned value = 0;
        for (const char c : group) {
            const int digit = hex_value(c);
            if (digit < 0) return false;
            value = value * 16 + static_cast<unsigned>(digit);
        }
        groups[count++] = static_cast<std::uint16_t>(value);
        if (colon == std::string_view::npos) return true;
        start = colon + 1;
        if (start == text.size()) return false;  // trailing single colon
    }
}

}  // namespace

std::optional<ipv4_bytes> parse_ipv4(std::string_view text) noexcept {
    ipv4_bytes out{};
    std::size_t part = 0;
    std::size_t i = 0;
    while (part < 4) {
        const std::size_t start = i;
        unsigned value = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 3) {
            value = value * 10 + static_cast<unsigned>(text[i] - '0');
            ++i;
        }
        const std::size_t digits = i - start;
        if (digits == 0 || value > 255 || (digits > 1 && text[start] == '0')) return std::nullopt;
        out[part++] = static_cast<std::uint8_t>(value);
        if (part < 4) {
            if (i >= text.size() || text[i] != '.') return std::nullopt;
            ++i;
        }
    }
    if (i != text.size()) return std::nullopt;
    return out;
}

std::optional<ipv6_bytes> parse_ipv6(std::string_view text) noexcept {
    std::array<std::uint16_t, ipv6_groups> head{};
    std::array<std::uint16_t, ipv6_groups> tail{};
    std::size_t head_count = 0;
    std::size_t tail_count = 0;
    const std::size_t gap = text.find("::");
    if (gap == std::string_view::npos) {
        if (!parse_groups(text, head, head_count, true) || head_count != ipv6_groups) return std::nullopt;
    } else {
        const std::string_view before = text.substr(0, gap);
        const std::string_view after = text.substr(gap + 2);
        if (after.find("::") != std::string_view::npos) return std::nullopt;
        if (!before.empty() && before.back() == ':') return std::nullopt;
        if (!after.empty() && after.front() == ':') return std::nullopt;
        if (!parse_groups(before, head, head_count, false)) return std::nullopt;
        if (!parse_groups(after, tail, tail_count, true)) return std::nullopt;
        // RFC 4291 §2.2: "::" stands for one or more groups of zeros.
        if (head_count + tail_count >= ipv6_groups) return std::nullopt;
    }
    ipv6_bytes out{};
    const auto put = [&out](std::size_t group_index, std::uint16_t value) {
        out[2 * group_index] = static_cast<std::uint8_t>(value >> 8);
        out[2 * group_index + 1] = static_cast<std::uint8_t>(value & 0xFF);
    };
    for (std::size_t i = 0; i < head_count; ++i) put(i, head[i]);
    for (std::size_t i = 0; i < tail_count; ++i) put(ipv6_groups - tail_count + i, tail[i]);
    return out;
}

std::string format_ipv4(const ipv4_bytes& address) {
    return fmt::format("{}.{}.{}.{}", address[0], address[1], address[2], address[3]);
}

std::string format_ipv6(const ipv6_bytes& address) {
    std::array<std::uint16_t, ipv6_groups> groups{};
    for (std::size_t i = 0; i < ipv6_groups; ++i) {
        groups[i] = static_cast<std::uint16_t>((address[2 * i] << 8) | address[2 * i + 1]);
    }
    // RFC 5952 §5: an IPv4-mapped address shows its last 32 bits in dotted decimal.
    if (groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 && groups[4] == 0 &&
        groups[5] == 0xFFFF) {
        return fmt::format("::ffff:{}", format_ipv4({address[12], address[13], address[14], address[15]}));
    }
    // RFC 5952 §4.2: shorten the longest run of at least two zero groups, the first on a tie.
    std::size_t best_start = ipv6_groups;
    std::size_t best_length = 1;
    for (std::size_t i = 0; i < ipv6_groups;) {
        if (groups[i] != 0) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < ipv6_groups && groups[j] == 0) ++j;
        if (j - i > best_length) {
            best_start = i;
            best_length = j - i;
        }
        i = j;
    }
    std::string out;
    for (std::size_t i = 0; i < ipv6_groups; ++i) {
        if (i == best_start) {
            out += "::";
            i += best_length - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':') out += ':';
        // RFC 5952 §4.1 and §4.3: no leading zeros, lower-case hex.
        out += fmt::format("{:x}", groups[i]);
    }
    return out;
}

}  // namespace sts::dns
