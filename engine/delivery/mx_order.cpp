// engine/delivery/mx_order.cpp
#include "engine/delivery/mx_order.hpp"

#include "engine/core/domain_name.hpp"

#include <algorithm>
#include <tuple>

namespace sts::delivery {

namespace {

// SplitMix64's finaliser: a cheap bijective mix whose output bits each depend on all input
// bits, so sorting by it is a shuffle.
std::uint64_t mix(std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// FNV-1a over the text, folded into the running state.
std::uint64_t absorb(std::uint64_t state, std::string_view text) {
    std::uint64_t h = 0xcbf29ce484222325ULL ^ state;
    for (const char c : text) {
        h ^= static_cast<unsigned char>(core::ascii_lower(c));
        h *= 0x100000001b3ULL;
    }
    return mix(h);
}

}  // namespace

std::vector<mx_candidate> order_mx(std::vector<mx_candidate> records, std::string_view domain, std::uint64_t seed) {
    // The same exchange twice is one host: keep its best preference.
    std::sort(records.begin(), records.end(), [](const mx_candidate& a, const mx_candidate& b) {
        return std::tie(a.host, a.preference) < std::tie(b.host, b.preference);
    });
    records.erase(std::unique(records.begin(), records.end(),
                              [](const mx_candidate& a, const mx_candidate& b) { return a.host == b.host; }),
                  records.end());

    // RFC 5321 §5.1: ascending preference; equal preferences in a random order, here a
    // key drawn from (seed, domain, host). The host name breaks a (practically impossible)
    // key tie so the order stays total.
    const std::uint64_t domain_state = absorb(mix(seed), domain);
    struct keyed {
        std::uint64_t key;
        mx_candidate candidate;
    };
    std::vector<keyed> keyed_records;
    keyed_records.reserve(records.size());
    for (auto& r : records) {
        const std::uint64_t key = absorb(domain_state, r.host);
        keyed_records.push_back({key, std::move(r)});
    }
    std::sort(keyed_records.begin(), keyed_records.end(), [](const keyed& a, const keyed& b) {
        return std::tie(a.candidate.preference, a.key, a.candidate.host) <
               std::tie(b.candidate.preference, b.key, b.candidate.host);
    });

    std::vector<mx_candidate> out;
    out.reserve(keyed_records.size());
    for (auto& k : keyed_records) out.push_back(std::move(k.candidate));
    return out;
}

}  // namespace sts::delivery
