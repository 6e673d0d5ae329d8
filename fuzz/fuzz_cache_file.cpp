// fuzz/fuzz_cache_file.cpp
//
// libFuzzer target for the policy cache file codec (engine/mtasts/cache_file.hpp): the file
// is read at start-up and may have been damaged, truncated or edited by hand, so any text
// must give entries and findings, never a crash. Besides "no crash, no sanitizer report" it
// checks the codec's promises:
//   - findings stay within the bound (plus the one saying how many were left out), and
//     each has a rule; a text that is not a cache file gives no entries;
//   - at most entries_max entries, each one passing policy_cache::restore()'s checks;
//   - the entries round-trip: encoding them and decoding the text gives the same entries
//     with no findings, and encoding is deterministic;
//   - a time the time parser accepts prints and parses back to the same instant.
// The first byte chooses entries_max (1 to 8, or the real bound) so the cap is reached.
// Seeds: fuzz/corpus/fuzz_cache_file/.
#include "engine/core/limits.hpp"
#include "engine/mtasts/cache_file.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

void require(bool condition) {
    if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t entries_max =
        data[0] < 0x80 ? sts::core::limits::policy_cache_entries_max : static_cast<std::size_t>(data[0] % 8) + 1;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

    const auto read = sts::mtasts::decode_cache(text, "fuzz.cache", entries_max);
    require(read.findings.size() <= sts::core::limits::cache_file_findings_max + 1);
    for (const auto& f : read.findings) require(!f.rule.empty());
    if (!read.recognised) require(read.entries.empty());
    require(read.entries.size() <= entries_max);
    for (const auto& e : read.entries) {
        require(!e.domain.empty());
        require(!e.policy_id.empty() && e.policy_id.size() <= 32);
    }

    const auto encoded = sts::mtasts::encode_cache(read.entries);
    require(sts::mtasts::encode_cache(read.entries) == encoded);
    const auto again = sts::mtasts::decode_cache(encoded, "fuzz.cache", entries_max);
    require(again.recognised && again.findings.empty());
    // The encoder sorts by domain, so compare as sorted: decode keeps the first of equal
    // domains, and read.entries has none (duplicates are dropped).
    require(again.entries.size() == read.entries.size());
    require(sts::mtasts::encode_cache(again.entries) == encoded);

    if (const auto t = sts::mtasts::parse_cache_time(text)) {
        const auto printed = sts::mtasts::format_cache_time(*t);
        const auto back = sts::mtasts::parse_cache_time(printed);
        require(back.has_value() && *back == *t);
    }
    return 0;
}
