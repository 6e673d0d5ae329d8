// fuzz/fuzz_policy_response.cpp
//
// libFuzzer target for the HTTP response of a policy fetch (engine/mtasts/policy_response.hpp):
// the bytes a hostile policy host sends after the GET, read with the fetcher's Beast parser,
// head limit and body cap, and the body then handed to the policy parser as the fetcher
// does. The first byte chooses how many bytes the parser is given at a time (0: all at
// once), the second the body cap (0: the real 64 KiB cap, else a small one so the cap is
// often reached). Besides "no crash, no sanitizer report" it checks:
//   - the result does not depend on how the bytes were split (for a malformed response,
//     only Beast's words for what is wrong may);
//   - a body that is returned fits the cap;
//   - a refusal has our words, with no byte of peer text unquoted (no control bytes).
// Seeds: fuzz/corpus/fuzz_policy_response/.
#include "engine/core/limits.hpp"
#include "engine/mtasts/policy_parser.hpp"
#include "engine/mtasts/policy_response.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

void require(bool condition) {
    if (!condition) __builtin_trap();
}

// The same refusal. Beast names a malformed head by the first rule it finds broken, and
// how far it has looked depends on how much it was given: with the whole head at once it
// may see a bad reason phrase, with two bytes at a time it may first see the stream end.
// So only the words of a malformed response may differ with the split.
bool same(const sts::mtasts::policy_response_failure& a, const sts::mtasts::policy_response_failure& b) {
    return a.reason == b.reason && a.kind == b.kind &&
           (a.reason == sts::tlsrpt::failure_reason::policy_http_malformed || a.detail == b.detail);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::size_t chunk_bytes = data[0];
    const std::size_t body_bytes_max =
        data[1] == 0 ? sts::core::limits::policy_body_bytes_max : static_cast<std::size_t>(data[1]) * 4;
    const std::string_view bytes(reinterpret_cast<const char*>(data) + 2, size - 2);
    constexpr std::string_view host = "mta-sts.example.com";

    const auto whole = sts::mtasts::read_policy_response(bytes, host, body_bytes_max);
    const auto split = sts::mtasts::read_policy_response(bytes, host, body_bytes_max, chunk_bytes);
    require(whole.has_value() == split.has_value());
    if (whole) {
        require(*whole == *split);
        require(whole->size() <= body_bytes_max);
        const auto policy = sts::mtasts::parse_policy(*whole);
        require(policy.parsed.has_value() == policy.errors.empty());
    } else {
        require(same(whole.error(), split.error()));
        require(!whole.error().detail.empty());
        for (const char c : whole.error().detail) require(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f);
    }
    return 0;
}
