#include "engine/dns/tcp_framing.hpp"

#include "engine/dns/wire.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sts::dns {

namespace {

constexpr std::size_t prefix_bytes = 2;

}  // namespace

core::result<std::vector<std::vector<std::uint8_t>>, core::finding> tcp_frame_reader::feed(
    std::span<const std::uint8_t> chunk) {
    if (error_) return core::failure(*error_);
    std::vector<std::vector<std::uint8_t>> frames;
    std::size_t i = 0;
    while (i < chunk.size()) {
        if (prefix_bytes_ < prefix_bytes) {
            prefix_[prefix_bytes_++] = chunk[i++];
            ++stream_offset_;
            if (prefix_bytes_ < prefix_bytes) continue;
            frame_bytes_ = (std::size_t{prefix_[0]} << 8) | prefix_[1];
            const std::size_t prefix_at = stream_offset_ - prefix_bytes;
            if (frame_bytes_ > frame_bytes_max_) {
                error_ = wire_reader::fail_at(prefix_at, fmt::format("TCP frame of {} bytes is longer than the limit of {}",
                                                                     frame_bytes_, frame_bytes_max_))
                             .error;
                return core::failure(*error_);
            }
            if (frame_bytes_ < header_bytes) {
                error_ = wire_reader::fail_at(prefix_at, fmt::format("TCP frame of {} bytes is shorter than the {}-byte "
                                                                     "DNS header",
                                                                     frame_bytes_, header_bytes))
                             .error;
                return core::failure(*error_);
            }
            body_.reserve(frame_bytes_);
            continue;
        }
        const std::size_t take = std::min(frame_bytes_ - body_.size(), chunk.size() - i);
        body_.insert(body_.end(), chunk.begin() + static_cast<std::ptrdiff_t>(i),
                     chunk.begin() + static_cast<std::ptrdiff_t>(i + take));
        i += take;
        stream_offset_ += take;
        if (body_.size() == frame_bytes_) {
            frames.push_back(std::move(body_));
            body_ = {};
            prefix_bytes_ = 0;
            frame_bytes_ = 0;
        }
    }
    return frames;
}

core::result<std::vector<std::uint8_t>, core::finding> frame_for_tcp(std::span<const std::uint8_t> message) {
    // RFC 1035 §4.2.2: the prefix is 16 bits, so nothing longer can be framed.
    if (message.size() > core::limits::dns_message_bytes_max) {
        core::finding f;
        f.rule = fmt::format("message of {} bytes is too long for a TCP frame (at most {})", message.size(),
                             core::limits::dns_message_bytes_max);
        return core::failure(std::move(f));
    }
    std::vector<std::uint8_t> out;
    out.reserve(prefix_bytes + message.size());
    out.push_back(static_cast<std::uint8_t>(message.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(message.size() & 0xFF));
    out.insert(out.end(), message.begin(), message.end());
    return out;
}

}  // namespace sts::dns
