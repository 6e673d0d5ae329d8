// fuzz/fuzz_smtp_reply.cpp
//
// libFuzzer target for engine/smtp/reply.hpp and engine/smtp/ehlo.hpp. The first byte says
// how many chunk sizes follow (1 to 8), the next bytes are those sizes (1 to 256), and the
// rest is a reply stream fed to a reply_reader in chunks of those sizes, cycling. Besides
// "no crash, no unbounded memory" it checks the reader's own promises: the chunked feed
// gives exactly what one feed of the whole stream gives, every reply respects the limits,
// and the EHLO parser and the log renderers accept every 250 reply it produces.
#include "engine/core/limits.hpp"
#include "engine/smtp/ehlo.hpp"
#include "engine/smtp/reply.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace {

void require(bool condition) {
    if (!condition) __builtin_trap();
}

void check_reply(const sts::smtp::reply& r) {
    namespace limits = sts::core::limits;
    require(r.code >= 200 && r.code <= 559);
    require(!r.lines.empty() && r.lines.size() <= limits::smtp_reply_lines_max);
    for (const auto& line : r.lines) require(line.size() < limits::smtp_reply_line_bytes_max);
    if (r.enhanced) require(r.enhanced->status_class == r.code / 100);
    require(!sts::smtp::log_reply_tuple(r).empty());
    (void)sts::smtp::log_response_text(r);
    if (r.code == 250) {
        const auto ehlo = sts::smtp::ehlo_response::parse(r);
        require(ehlo.has_value());
        // Every line after the greeting is a keyword, a repeat of one, or skipped.
        require(ehlo->keywords().size() + ehlo->skipped_lines() <= r.lines.size() - 1);
        for (const auto& k : ehlo->keywords()) require(ehlo->has(k.name));
        (void)ehlo->has("STARTTLS");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t sizes_count = static_cast<std::size_t>(data[0] % 8) + 1;
    if (size < 1 + sizes_count) return 0;
    std::vector<std::size_t> sizes;
    for (std::size_t i = 0; i < sizes_count; ++i) sizes.push_back(static_cast<std::size_t>(data[1 + i]) + 1);
    const std::string_view stream(reinterpret_cast<const char*>(data) + 1 + sizes_count, size - 1 - sizes_count);

    sts::smtp::reply_reader whole_reader;
    const auto whole = whole_reader.feed(stream);
    require(whole.error.has_value() == whole_reader.failed());

    sts::smtp::reply_reader chunked_reader;
    sts::smtp::feed_result chunked;
    std::size_t pos = 0;
    for (std::size_t i = 0; pos < stream.size(); ++i) {
        const std::size_t n = std::min(sizes[i % sizes.size()], stream.size() - pos);
        auto out = chunked_reader.feed(stream.substr(pos, n));
        pos += n;
        for (auto& r : out.replies) chunked.replies.push_back(std::move(r));
        if (out.error) {
            chunked.error = out.error;
            break;
        }
        // Never more than one reply's worth of bytes is held.
        require(chunked_reader.buffered_bytes() <=
                sts::core::limits::smtp_reply_lines_max * sts::core::limits::smtp_reply_line_bytes_max);
    }

    require(chunked.replies == whole.replies);
    require(chunked.error == whole.error);
    if (!whole.error) require(chunked_reader.buffered_bytes() == whole_reader.buffered_bytes());
    for (const auto& r : whole.replies) check_reply(r);
    return 0;
}
