// fuzz/fuzz_dns_tcp_framing.cpp
//
// libFuzzer target for DNS over TCP framing (engine/dns/tcp_framing.hpp): the stream a DNS
// server (or, for the mock server, a client) sends, in whatever pieces the connection
// delivers. The first byte chooses the frame limit (65535, or 13 to 139 so the limit is
// often crossed), the second how many chunk sizes follow (1 to 8), the next bytes are those
// sizes (1 to 256); the rest is the stream, fed in chunks of those sizes, cycling. Besides
// "no crash, no unbounded memory" it checks the reader's promises: the chunked feed gives
// the error one feed of the whole stream gives, at the same offset, or else exactly the
// same messages; every message is 12 bytes or more and within the limit; a failed reader
// stays failed; and framing a message again reads back the same.
// Seeds: fuzz/corpus/fuzz_dns_tcp_framing/.
#include "engine/dns/tcp_framing.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace {

void require(bool condition) {
    if (!condition) __builtin_trap();
}

using message = std::vector<std::uint8_t>;

struct outcome {
    std::vector<message> messages;
    std::optional<sts::core::finding> error;
};

void take(sts::dns::tcp_frame_reader& reader, std::span<const std::uint8_t> chunk, outcome& out) {
    if (out.error) {
        // A failed reader refuses everything after.
        require(!reader.feed(chunk).has_value());
        return;
    }
    auto fed = reader.feed(chunk);
    if (!fed) {
        out.error = fed.error();
        require(reader.failed());
        return;
    }
    for (auto& m : *fed) out.messages.push_back(std::move(m));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::size_t frame_bytes_max = data[0] < 0x80 ? std::size_t{65535} : std::size_t{12} + data[0];
    const std::size_t sizes_count = static_cast<std::size_t>(data[1] % 8) + 1;
    if (size < 2 + sizes_count) return 0;
    std::vector<std::size_t> sizes;
    for (std::size_t i = 0; i < sizes_count; ++i) sizes.push_back(static_cast<std::size_t>(data[2 + i]) + 1);
    const std::span<const std::uint8_t> stream(data + 2 + sizes_count, size - 2 - sizes_count);

    sts::dns::tcp_frame_reader whole_reader(frame_bytes_max);
    outcome whole;
    take(whole_reader, stream, whole);

    sts::dns::tcp_frame_reader split_reader(frame_bytes_max);
    outcome split;
    std::size_t at = 0;
    for (std::size_t i = 0; at < stream.size(); ++i) {
        const std::size_t n = std::min(sizes[i % sizes.size()], stream.size() - at);
        take(split_reader, stream.subspan(at, n), split);
        at += n;
    }

    require(whole.error.has_value() == split.error.has_value());
    if (whole.error) {
        // A failing feed returns only the error, so the split feed may have handed out
        // messages before the chunk that failed; the whole feed never does.
        require(whole.messages.empty());
        require(whole.error->column == split.error->column && whole.error->rule == split.error->rule);
        require(whole.error->column >= 1 && whole.error->column <= stream.size());
    } else {
        require(whole.messages == split.messages);
        require(whole_reader.at_frame_boundary() == split_reader.at_frame_boundary());
    }
    for (const auto& m : whole.messages) {
        require(m.size() >= 12 && m.size() <= frame_bytes_max);
        const auto framed = sts::dns::frame_for_tcp(m);
        require(framed.has_value());
        sts::dns::tcp_frame_reader again;
        const auto back = again.feed(*framed);
        require(back.has_value() && back->size() == 1 && back->front() == m && again.at_frame_boundary());
    }
    return 0;
}
