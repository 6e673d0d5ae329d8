// fuzz/fuzz_dns_message.cpp
//
// libFuzzer target for the DNS message codec (engine/dns/message.hpp). Any input must give
// a model or a finding, never a crash, a hang or unbounded memory. A finding must point
// inside the input (or just past its end, for input that stops short).
//
// When an input decodes, the model is canonical: names in escaped presentation form with
// their letter case, addresses in RFC 5952 text, every TXT string and RDATA typed. The
// invariant is then that re-encoding it (with and without compression) gives a message
// that decodes to the same model, and that encoding is deterministic. The bytes themselves
// need not match the input: the input may compress differently, or not at all, or point
// into RDATA the encoder never indexes. For the same reason re-encoding may fail, but only
// because the result would exceed 65535 bytes.
#include "engine/dns/message.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> input(data, size);
    const auto decoded = sts::dns::decode(input);
    if (!decoded) {
        const auto column = decoded.error().column;
        if (column < 1 || column > size + 1 || decoded.error().rule.empty()) std::abort();
        return 0;
    }
    for (const auto* section : {&decoded->answers, &decoded->authorities, &decoded->additionals}) {
        for (const auto& r : *section) {
            if (sts::dns::record_to_text(r).empty()) std::abort();
        }
    }
    for (const bool compress : {true, false}) {
        const auto encoded = sts::dns::encode(*decoded, {compress});
        if (!encoded) {
            if (encoded.error().rule.find("longer than 65535") == std::string::npos) std::abort();
            continue;
        }
        const auto again = sts::dns::decode(*encoded);
        if (!again || !(*again == *decoded)) std::abort();
        const auto encoded_again = sts::dns::encode(*again, {compress});
        if (!encoded_again || *encoded_again != *encoded) std::abort();
    }
    return 0;
}
