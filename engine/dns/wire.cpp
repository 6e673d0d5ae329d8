#include "engine/dns/wire.hpp"

namespace sts::dns {

namespace {

// RFC 1035 §4.1.4: a pointer holds a 14-bit offset.
constexpr std::size_t pointer_offset_max = 0x3FFF;

}  // namespace

std::optional<std::uint8_t> wire_reader::u8() noexcept {
    if (remaining() < 1) return std::nullopt;
    return message_[offset_++];
}

std::optional<std::uint16_t> wire_reader::u16() noexcept {
    if (remaining() < 2) return std::nullopt;
    const auto value = static_cast<std::uint16_t>((message_[offset_] << 8) | message_[offset_ + 1]);
    offset_ += 2;
    return value;
}

std::optional<std::uint32_t> wire_reader::u32() noexcept {
    if (remaining() < 4) return std::nullopt;
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i) value = (value << 8) | message_[offset_ + i];
    offset_ += 4;
    return value;
}

std::optional<std::span<const std::uint8_t>> wire_reader::bytes(std::size_t count) noexcept {
    if (remaining() < count) return std::nullopt;
    const auto out = message_.subspan(offset_, count);
    offset_ += count;
    return out;
}

core::failure_value<core::finding> wire_reader::fail_at(std::size_t offset, std::string rule,
                                                        std::string detail) {
    core::finding f;
    f.rule = std::move(rule);
    f.column = offset + 1;
    f.detail = std::move(detail);
    return core::failure(std::move(f));
}

void wire_writer::u16(std::uint16_t value) {
    bytes_.push_back(static_cast<std::uint8_t>(value >> 8));
    bytes_.push_back(static_cast<std::uint8_t>(value & 0xFF));
}

void wire_writer::u32(std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes_.push_back(static_cast<std::uint8_t>((value >> shift) & 0xFF));
}

void wire_writer::patch_u16(std::size_t offset, std::uint16_t value) noexcept {
    bytes_[offset] = static_cast<std::uint8_t>(value >> 8);
    bytes_[offset + 1] = static_cast<std::uint8_t>(value & 0xFF);
}

std::optional<std::uint16_t> wire_writer::find_suffix(std::string_view suffix_wire) const {
    const auto it = suffixes_.find(std::string(suffix_wire));
    if (it == suffixes_.end()) return std::nullopt;
    return it->second;
}

void wire_writer::remember_suffix(std::string_view suffix_wire, std::size_t offset) {
    if (offset > pointer_offset_max) return;
    suffixes_.emplace(std::string(suffix_wire), static_cast<std::uint16_t>(offset));
}

}  // namespace sts::dns
