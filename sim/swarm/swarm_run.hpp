// sim/swarm/swarm_run.hpp
//
// Runs swarm seeds (issue 7, item 5; `mtasts-sim run --swarm N --seed S`): for each seed
// the generated scenario (world_generator.hpp) is loaded like any scenario file, run on
// the simulated network and checked against its invariants (swarm_invariants.hpp). A
// scenario that does not load, a run that throws, and every broken invariant are each a
// violation of that seed; nothing stops the other seeds.
//
// Seeds run on `jobs` threads, each with its own world and engine as `run --jobs` does,
// and are reported in seed order, so the output does not depend on the thread count.
#pragma once

#include "engine/core/planted_bug.hpp"
#include "sim/swarm/swarm_invariants.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sts::sim {

// What a seed's run amounted to, summed over a swarm so its summary shows that the worlds
// exercised the rules (a swarm where nothing is ever delivered proves little).
struct swarm_tally {
    std::uint64_t delivered = 0;
    std::uint64_t delivered_in_clear = 0;
    std::uint64_t bounced = 0;
    std::uint64_t queued = 0;
    std::uint64_t enforce_domains = 0;  // domains an enforce policy governs from the start
    std::uint64_t dane_hosts = 0;       // hosts with secure TLSA records from the start

    swarm_tally& operator+=(const swarm_tally& o);
};

struct swarm_seed_result {
    std::uint64_t seed = 0;
    std::string name;  // "swarm/seed-<seed>"
    std::string toml;  // the generated scenario file
    std::vector<swarm_violation> violations;
    swarm_tally tally;
    bool passed() const { return violations.empty(); }
};

swarm_seed_result run_swarm_seed(std::uint64_t seed, core::planted_bug bug = core::planted_bug::none);

// Runs seeds first, first + 1, ..., first + count - 1 and hands each result to `report`
// in that order.
void run_swarm(std::uint64_t first, std::uint64_t count, unsigned jobs, core::planted_bug bug,
               const std::function<void(const swarm_seed_result&)>& report);

}  // namespace sts::sim
