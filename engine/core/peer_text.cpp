#include "engine/core/peer_text.hpp"

#include <fmt/format.h>

namespace sts::core {

std::string quote_peer_text(std::string_view text, std::size_t max_bytes) {
    std::string out;
    const std::size_t shown = text.size() < max_bytes ? text.size() : max_bytes;
    out.reserve(shown + 16);
    for (std::size_t i = 0; i < shown; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\\' || c == '"') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            out += fmt::format("\\x{:02x}", c);
        }
    }
    if (shown < text.size()) out += fmt::format("...({} more bytes)", text.size() - shown);
    return out;
}

}  // namespace sts::core
