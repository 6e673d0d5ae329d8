#include "engine/dns/name.hpp"

#include "engine/core/domain_name.hpp"
#include "engine/core/limits.hpp"
#include "engine/core/peer_text.hpp"

#include <fmt/format.h>

#include <optional>

namespace sts::dns {

namespace {

namespace limits = core::limits;

core::failure_value<core::finding> text_failure(std::size_t position, std::string rule, std::string_view text) {
    core::finding f;
    f.rule = std::move(rule);
    f.column = position + 1;
    f.detail = core::quote_peer_text(text);
    return core::failure(std::move(f));
}

// RFC 1035 §5.1: these have a meaning in master files, so a label holding one shows it
// escaped as \X; every other printable ASCII byte stands for itself.
bool needs_backslash(char c) noexcept {
    switch (c) {
        case '.': case '\\': case '"': case '(': case ')': case ';': case '@': case '$':
            return true;
        default:
            return false;
    }
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Uncompressed wire form of the labels from `first` on, root label included.
std::string suffix_wire(const label_sequence& labels, std::size_t first) {
    std::string out;
    for (std::size_t i = first; i < labels.size(); ++i) {
        out += static_cast<char>(labels[i].size());
        out += labels[i];
    }
    out += '\0';
    return out;
}

// The label walk shared by message names and standalone names. `allow_pointers` is false
// for a name with no message around it. Sets `next` to the offset after the in-place part.
core::result<label_sequence, core::finding> read_labels(std::span<const std::uint8_t> message, std::size_t start,
                                                         std::size_t in_place_end, bool allow_pointers,
                                                         std::size_t& next) {
    label_sequence labels;
    std::size_t pos = start;
    std::size_t limit = in_place_end;
    std::size_t chunk_start = start;       // where the labels of the current hop begin
    std::optional<std::size_t> resume;     // offset after the first pointer
    std::size_t pointers = 0;
    std::size_t wire_bytes = 0;
    for (;;) {
        if (pos >= limit) {
            return wire_reader::fail_at(pos, resume ? "domain name runs past the end of the message"
                                                    : "domain name runs past the end of its field");
        }
        const std::uint8_t length_byte = message[pos];
        const auto label_type = length_byte & 0xC0;
        if (label_type == 0xC0) {
            if (!allow_pointers) return wire_reader::fail_at(pos, "compression pointer in a standalone domain name");
            if (pos + 2 > limit) return wire_reader::fail_at(pos, "compression pointer is cut short");
            const std::size_t target = (static_cast<std::size_t>(length_byte & 0x3F) << 8) | message[pos + 1];
            // RFC 1035 §4.1.4 only says a pointer points at a "prior occurrence"; requiring it
            // to point before the labels that led to it makes every hop strictly backwards,
            // so loops are impossible rather than merely counted.
            if (target >= chunk_start) {
                return wire_reader::fail_at(
                    pos, fmt::format("compression pointer to offset {} does not point backwards", target));
            }
            if (target < header_bytes) {
                return wire_reader::fail_at(pos,
                                            fmt::format("compression pointer to offset {} points into the header", target));
            }
            if (++pointers > limits::dns_compression_pointers_max) {
                return wire_reader::fail_at(pos, fmt::format("domain name follows more than {} compression pointers",
                                                             limits::dns_compression_pointers_max));
            }
            if (!resume) resume = pos + 2;
            pos = target;
            chunk_start = target;
            limit = message.size();
            continue;
        }
        if (label_type != 0) {
            return wire_reader::fail_at(
                pos, fmt::format("label length byte 0x{:02x} uses a reserved label type (labels are at most {} bytes)",
                                 length_byte, limits::dns_label_bytes_max));
        }
        // RFC 1035 §2.3.4: at most 255 bytes, counting every length byte and the root.
        wire_bytes += 1 + std::size_t{length_byte};
        if (wire_bytes > limits::dns_name_bytes_max) {
            return wire_reader::fail_at(pos, fmt::format("domain name is longer than {} bytes", limits::dns_name_bytes_max));
        }
        if (length_byte == 0) {
            next = resume ? *resume : pos + 1;
            return labels;
        }
        if (pos + 1 + length_byte > limit) return wire_reader::fail_at(pos, "label runs past the end of its field");
        labels.emplace_back(reinterpret_cast<const char*>(message.data() + pos + 1), length_byte);
        pos += 1 + std::size_t{length_byte};
    }
}

}  // namespace

core::result<label_sequence, core::finding> parse_name(std::string_view text) {
    label_sequence labels;
    if (text == "." || text.empty()) return labels;
    std::size_t wire_bytes = 1;  // the root label
    std::string label;
    std::size_t label_start = 0;
    const auto finish_label = [&](std::size_t at) -> std::optional<core::failure_value<core::finding>> {
        if (label.empty()) return text_failure(at, "domain name has an empty label", text);
        if (label.size() > limits::dns_label_bytes_max) {
            return text_failure(label_start, fmt::format("label is longer than {} bytes", limits::dns_label_bytes_max), text);
        }
        wire_bytes += 1 + label.size();
        if (wire_bytes > limits::dns_name_bytes_max) {
            return text_failure(at, fmt::format("domain name is longer than {} bytes", limits::dns_name_bytes_max), text);
        }
        labels.push_back(std::move(label));
        label.clear();
        label_start = at + 1;
        return std::nullopt;
    };
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (c == '.') {
            if (auto error = finish_label(i)) return *error;
            ++i;
            // One trailing dot marks the name absolute and adds nothing.
            if (i == text.size()) return labels;
            continue;
        }
        if (c != '\\') {
            label += c;
            ++i;
            continue;
        }
        if (i + 1 >= text.size()) return text_failure(i, "backslash at the end of a domain name", text);
        if (!is_digit(text[i + 1])) {
            label += text[i + 1];
            i += 2;
            continue;
        }
        // RFC 1035 §5.1: \DDD is exactly three decimal digits naming one byte.
        if (i + 3 >= text.size() || !is_digit(text[i + 2]) || !is_digit(text[i + 3])) {
            return text_failure(i, "\\DDD escape needs three digits", text);
        }
        const int value = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
        if (value > 255) return text_failure(i, "\\DDD escape is above 255", text);
        label += static_cast<char>(value);
        i += 4;
    }
    if (auto error = finish_label(text.size())) return *error;
    return labels;
}

std::string format_name(const label_sequence& labels) {
    if (labels.empty()) return ".";
    std::string out;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i != 0) out += '.';
        for (const char c : labels[i]) {
            const auto byte = static_cast<unsigned char>(c);
            if (needs_backslash(c)) {
                out += '\\';
                out += c;
            } else if (byte > 0x20 && byte < 0x7F) {
                out += c;
            } else {
                out += fmt::format("\\{:03d}", byte);
            }
        }
    }
    return out;
}

core::result<std::vector<std::uint8_t>, core::finding> name_to_wire(std::string_view text) {
    auto labels = parse_name(text);
    if (!labels) return core::failure(std::move(labels).error());
    const std::string wire = suffix_wire(*labels, 0);
    return std::vector<std::uint8_t>(wire.begin(), wire.end());
}

core::result<std::string, core::finding> name_from_wire(std::span<const std::uint8_t> wire) {
    std::size_t next = 0;
    auto labels = read_labels(wire, 0, wire.size(), false, next);
    if (!labels) return core::failure(std::move(labels).error());
    if (next != wire.size()) return wire_reader::fail_at(next, "bytes follow the root label of a domain name");
    return format_name(*labels);
}

bool same_name(std::string_view a, std::string_view b) {
    const auto left = parse_name(a);
    const auto right = parse_name(b);
    if (!left || !right || left->size() != right->size()) return false;
    for (std::size_t i = 0; i < left->size(); ++i) {
        const std::string& x = (*left)[i];
        const std::string& y = (*right)[i];
        if (x.size() != y.size()) return false;
        for (std::size_t j = 0; j < x.size(); ++j) {
            if (core::ascii_lower(x[j]) != core::ascii_lower(y[j])) return false;
        }
    }
    return true;
}

core::result<label_sequence, core::finding> read_name(wire_reader& reader, std::size_t in_place_end) {
    std::size_t next = 0;
    auto labels = read_labels(reader.message(), reader.offset(), in_place_end, true, next);
    if (labels) reader.seek(next);
    return labels;
}

void write_name(wire_writer& writer, const label_sequence& labels) {
    const std::string wire = suffix_wire(labels, 0);
    if (!writer.compress()) {
        writer.bytes(wire);
        return;
    }
    std::size_t suffix_offset = 0;  // offset of labels[i] within `wire`
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const std::string_view suffix = std::string_view(wire).substr(suffix_offset);
        if (const auto target = writer.find_suffix(suffix)) {
            writer.u16(static_cast<std::uint16_t>(0xC000 | *target));
            return;
        }
        writer.remember_suffix(suffix, writer.size());
        writer.bytes(std::string_view(wire).substr(suffix_offset, 1 + labels[i].size()));
        suffix_offset += 1 + labels[i].size();
    }
    writer.u8(0);
}

}  // namespace sts::dns
