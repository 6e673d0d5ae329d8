// engine/dns/tcp_framing.hpp
//
// DNS over TCP (RFC 1035 §4.2.2, RFC 7766 §8): each message is preceded by a two-byte
// length in network byte order. frame_for_tcp() adds the prefix; tcp_frame_reader takes the
// stream in whatever chunks the connection delivers (one byte, half a prefix, three
// messages at once) and hands back the complete messages in order.
//
// The reader holds at most one partial frame, so its memory is bounded by the frame limit
// (65535 bytes by default, which the two-byte prefix cannot exceed; a caller may choose
// less). A frame over the limit, or shorter than the 12-byte header any message needs, is
// an error that ends the stream: the reader stays failed, since the bytes after a bad
// prefix cannot be framed reliably. Findings put the 1-based stream offset of the prefix
// in `column`. Messages are not decoded here; pass them to decode() (message.hpp).
#pragma once

#include "engine/core/finding.hpp"
#include "engine/core/limits.hpp"
#include "engine/core/result.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace sts::dns {

class tcp_frame_reader {
public:
    explicit tcp_frame_reader(std::size_t frame_bytes_max = core::limits::dns_message_bytes_max) noexcept
        : frame_bytes_max_(frame_bytes_max) {}

    // Consumes the chunk and returns the messages it completed, possibly none.
    core::result<std::vector<std::vector<std::uint8_t>>, core::finding> feed(std::span<const std::uint8_t> chunk);

    // True when no partial frame is buffered, so the stream may end here cleanly; a peer
    // that closes while this is false cut a message short.
    bool at_frame_boundary() const noexcept { return prefix_bytes_ == 0; }
    bool failed() const noexcept { return error_.has_value(); }

private:
    std::size_t frame_bytes_max_;
    std::array<std::uint8_t, 2> prefix_{};
    std::size_t prefix_bytes_ = 0;  // 0, 1 or 2 bytes of the current prefix seen
    std::size_t frame_bytes_ = 0;   // the current frame's length, once the prefix is complete
    std::vector<std::uint8_t> body_;
    std::size_t stream_offset_ = 0;  // bytes consumed so far
    std::optional<core::finding> error_;
};

// The message with its two-byte length prefix; fails for a message over 65535 bytes.
core::result<std::vector<std::uint8_t>, core::finding> frame_for_tcp(std::span<const std::uint8_t> message);

}  // namespace sts::dns
