#include "sim/swarm/seeded_random.hpp"

namespace sts::sim {

std::uint64_t seeded_random::below(std::uint64_t n) {
    if (n <= 1) return 0;
    // Rejection sampling: outputs below 2^64 mod n are skipped, so the rest is a whole
    // number of copies of [0, n) and the remainder is uniform (no modulo bias).
    const std::uint64_t skip = (0 - n) % n;
    for (;;) {
        const auto r = next();
        if (r >= skip) return r % n;
    }
}

std::uint64_t seeded_random::between(std::uint64_t low, std::uint64_t high) {
    if (high <= low) return low;
    if (high - low == UINT64_MAX) return next();
    return low + below(high - low + 1);
}

bool seeded_random::percent(unsigned percent) { return below(100) < percent; }

std::size_t seeded_random::weighted(std::initializer_list<unsigned> weights) {
    std::uint64_t sum = 0;
    for (const auto w : weights) sum += w;
    auto r = below(sum);
    std::size_t index = 0;
    for (const auto w : weights) {
        if (r < w) return index;
        r -= w;
        ++index;
    }
    return weights.size() - 1;
}

}  // namespace sts::sim
