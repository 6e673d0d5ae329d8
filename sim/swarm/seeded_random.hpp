// sim/swarm/seeded_random.hpp
//
// The swarm's only source of randomness (issue 7, item 5): a std::mt19937_64 seeded
// explicitly with the swarm seed, and the few reductions the world generator needs, written
// here rather than taken from <random>'s distributions. The engine's output sequence is
// fixed by the C++ standard (its 10000th value is specified), but the distributions
// (std::uniform_int_distribution ...) are implementation-defined, so the same seed would
// give another world with another standard library. Everything here is a pure function of
// the engine's outputs: the same seed gives the same world on every machine.
//
// It deliberately has no std::random_device or clock seeding: a swarm world must be
// replayable from its seed alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <random>
#include <span>

namespace sts::sim {

class seeded_random {
public:
    explicit seeded_random(std::uint64_t seed) : engine_(seed) {}

    std::uint64_t next() { return engine_(); }
    // Uniform in [0, n); n must be at least 1.
    std::uint64_t below(std::uint64_t n);
    // Uniform in [low, high], both included; low <= high.
    std::uint64_t between(std::uint64_t low, std::uint64_t high);
    // True with probability percent / 100.
    bool percent(unsigned percent);
    // An index into `weights`, each chosen with probability weight / sum; the sum must
    // not be zero.
    std::size_t weighted(std::initializer_list<unsigned> weights);

    template <typename T>
    const T& pick(std::span<const T> items) {
        return items[static_cast<std::size_t>(below(items.size()))];
    }

private:
    std::mt19937_64 engine_;
};

}  // namespace sts::sim
