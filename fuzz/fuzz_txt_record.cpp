// libFuzzer target for the `_mta-sts` TXT record (engine/mtasts/record.hpp) and MX pattern
// matching (engine/mtasts/mx_pattern.hpp), the two places where DNS data from an attacker
// meets our grammar code.
//
// The input is split on 0x00 into records and on 0x01 into character-strings within a
// record, so the fuzzer can build RRsets of 1-4 records of several strings each. Every
// result must be a value that agrees with itself: a found record always parses on its own,
// and a parse never yields an id outside the grammar.
#include "engine/mtasts/mx_pattern.hpp"
#include "engine/mtasts/record.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

void require(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    // The whole input as one record.
    const auto parsed = sts::mtasts::parse_record(input);
    if (parsed) {
        const auto& id = parsed->id;
        require(!id.empty() && id.size() <= 32);
        for (const char c : id) {
            require((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
        }
    } else {
        require(!parsed.error().empty());
        for (const auto& f : parsed.error()) require(!f.requirement.empty() && f.column <= input.size() + 1);
    }

    // The input as an RRset of up to four records of character-strings.
    std::vector<std::vector<std::string>> rrset(1);
    rrset.back().emplace_back();
    for (const char c : input) {
        if (c == '\0' && rrset.size() < 4) {
            rrset.emplace_back();
            rrset.back().emplace_back();
        } else if (c == '\x01') {
            rrset.back().emplace_back();
        } else {
            rrset.back().back() += c;
        }
    }
    const auto found = sts::mtasts::discover_record(rrset);
    require((found.status == sts::mtasts::discovery_status::found) == found.record.has_value());
    if (found.record) {
        std::string joined;
        for (const auto& rr : rrset) {
            std::string text;
            for (const auto& s : rr) text += s;
            if (text.starts_with("v=STSv1;")) joined = text;
        }
        const auto again = sts::mtasts::parse_record(joined);
        require(again.has_value() && again->id == found.record->id);
    }

    // Halves of the input as pattern and host: matching must agree with its own rules.
    const auto pattern = input.substr(0, size / 2);
    const auto host = input.substr(size / 2);
    const auto m = sts::mtasts::match_mx_pattern(pattern, host);
    require(sts::mtasts::mx_pattern_matches(pattern, host) ==
            (m == sts::mtasts::mx_match::exact || m == sts::mtasts::mx_match::wildcard));
    if (m != sts::mtasts::mx_match::invalid_pattern) require(sts::mtasts::is_valid_mx_pattern(pattern));
    if (sts::mtasts::is_valid_mx_pattern(pattern) && !pattern.starts_with("*.")) {
        // A valid exact pattern always matches itself.
        require(sts::mtasts::mx_pattern_matches(pattern, pattern));
    }
    return 0;
}
