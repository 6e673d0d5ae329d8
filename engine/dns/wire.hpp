// engine/dns/wire.hpp
//
// The byte level of the DNS codec: a bounded read cursor over one whole message and an
// append-only writer with the name-compression table. Every multi-byte field is in network
// byte order (RFC 1035 §2.3.2).
//
// The reader never reads past the message: each read checks the remaining length first and
// reports "not enough bytes" as an empty optional, so the caller decides which field was
// cut short and turns that into a finding. The reader needs the whole message (not just
// the current field) because compression pointers (RFC 1035 §4.1.4) point back into it.
//
// The writer records the offset of every name suffix it writes so later names can point
// at it. It does not decide where compression is allowed; name.cpp and record.cpp do.
// Both classes are internal to engine/dns/: other modules use message.hpp.
#pragma once

#include "engine/core/finding.hpp"
#include "engine/core/result.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sts::dns {

// RFC 1035 §4.1.1: the fixed header is 12 bytes (ID, flags and the four counts).
inline constexpr std::size_t header_bytes = 12;

class wire_reader {
public:
    explicit wire_reader(std::span<const std::uint8_t> message) noexcept : message_(message) {}

    std::span<const std::uint8_t> message() const noexcept { return message_; }
    std::size_t offset() const noexcept { return offset_; }
    std::size_t remaining() const noexcept { return message_.size() - offset_; }
    // Moves the cursor; callers only seek to offsets they have already bounds-checked.
    void seek(std::size_t offset) noexcept { offset_ = offset <= message_.size() ? offset : message_.size(); }

    std::optional<std::uint8_t> u8() noexcept;
    std::optional<std::uint16_t> u16() noexcept;
    std::optional<std::uint32_t> u32() noexcept;
    std::optional<std::span<const std::uint8_t>> bytes(std::size_t count) noexcept;

    // A finding for a broken rule at byte `offset` of the message; finding.column is that
    // offset, 1-based, because the finding type counts columns from 1.
    static core::failure_value<core::finding> fail_at(std::size_t offset, std::string rule,
                                                      std::string detail = {});
    // The same at the cursor.
    core::failure_value<core::finding> fail(std::string rule, std::string detail = {}) const {
        return fail_at(offset_, std::move(rule), std::move(detail));
    }

private:
    std::span<const std::uint8_t> message_;
    std::size_t offset_ = 0;
};

class wire_writer {
public:
    explicit wire_writer(bool compress) : compress_(compress) {}

    bool compress() const noexcept { return compress_; }
    std::size_t size() const noexcept { return bytes_.size(); }

    void u8(std::uint8_t value) { bytes_.push_back(value); }
    void u16(std::uint16_t value);
    void u32(std::uint32_t value);
    void bytes(std::span<const std::uint8_t> data) { bytes_.insert(bytes_.end(), data.begin(), data.end()); }
    void bytes(std::string_view data) { bytes_.insert(bytes_.end(), data.begin(), data.end()); }
    // Overwrites two bytes written earlier (a count or an RDLENGTH known only afterwards).
    void patch_u16(std::size_t offset, std::uint16_t value) noexcept;

    // The offset of an earlier name suffix with exactly this uncompressed wire form, if
    // one was remembered. Byte-exact on purpose: see name.hpp on case preservation.
    std::optional<std::uint16_t> find_suffix(std::string_view suffix_wire) const;
    // Remembers a suffix written at `offset`; the first writer of a suffix wins, and offsets
    // a 14-bit pointer cannot reach are not remembered.
    void remember_suffix(std::string_view suffix_wire, std::size_t offset);

    std::vector<std::uint8_t> release() && { return std::move(bytes_); }

private:
    bool compress_;
    std::vector<std::uint8_t> bytes_;
    std::unordered_map<std::string, std::uint16_t> suffixes_;
};

}  // namespace sts::dns
