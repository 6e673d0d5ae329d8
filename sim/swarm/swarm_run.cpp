#include "sim/swarm/swarm_run.hpp"

#include "sim/scenario/scenario_loader.hpp"
#include "sim/scenario/scenario_runner.hpp"
#include "sim/swarm/world_generator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

namespace sts::sim {

swarm_tally& swarm_tally::operator+=(const swarm_tally& o) {
    delivered += o.delivered;
    delivered_in_clear += o.delivered_in_clear;
    bounced += o.bounced;
    queued += o.queued;
    enforce_domains += o.enforce_domains;
    dane_hosts += o.dane_hosts;
    return *this;
}

swarm_seed_result run_swarm_seed(std::uint64_t seed, core::planted_bug bug) {
    auto generated = generate_swarm_case(seed);
    swarm_seed_result out;
    out.seed = seed;
    out.name = generated.name;
    out.toml = std::move(generated.toml);
    const auto spec = load_scenario_text(out.toml, fmt::format("swarm-seed-{}.toml", seed));
    if (!spec) {
        for (const auto& e : spec.error()) out.violations.push_back({"loads", e.to_string()});
        return out;
    }
    scenario_run_options options;
    options.planted_bug = bug;
    // A bug may throw; it is this seed's violation, not the end of the swarm.
    try {
        const auto result = run_scenario(*spec, options);
        out.violations = check_swarm_invariants(generated.facts, result);
        for (const auto& o : result.outcomes) {
            switch (o.state) {
                case delivery::recipient_state::delivered:
                    ++out.tally.delivered;
                    if (o.tls_protocol.empty()) ++out.tally.delivered_in_clear;
                    break;
                case delivery::recipient_state::bounced: ++out.tally.bounced; break;
                case delivery::recipient_state::queued: ++out.tally.queued; break;
            }
        }
        for (const auto& d : generated.facts.domains) {
            if (d.enforce_until) ++out.tally.enforce_domains;
            out.tally.dane_hosts += d.dane_hosts.size();
        }
    } catch (const std::exception& e) {
        out.violations.push_back({"finished", fmt::format("internal error: {}", e.what())});
    }
    return out;
}

void run_swarm(std::uint64_t first, std::uint64_t count, unsigned jobs, core::planted_bug bug,
               const std::function<void(const swarm_seed_result&)>& report) {
    if (jobs <= 1 || count <= 1) {
        for (std::uint64_t i = 0; i < count; ++i) report(run_swarm_seed(first + i, bug));
        return;
    }
    // Results wait here until every earlier seed has been reported; a finished result is
    // released as soon as it is, so memory follows the threads' spread, not the count.
    std::vector<std::optional<swarm_seed_result>> done(static_cast<std::size_t>(count));
    std::mutex mutex;
    std::condition_variable ready;
    std::atomic<std::uint64_t> next{0};
    const auto worker = [&] {
        for (auto i = next++; i < count; i = next++) {
            auto r = run_swarm_seed(first + i, bug);
            const std::lock_guard lock{mutex};
            done[static_cast<std::size_t>(i)] = std::move(r);
            ready.notify_all();
        }
    };
    std::vector<std::jthread> threads;
    for (unsigned t = 0; t < std::min<std::uint64_t>(jobs, count); ++t) threads.emplace_back(worker);
    for (std::size_t i = 0; i < done.size(); ++i) {
        std::unique_lock lock{mutex};
        ready.wait(lock, [&] { return done[i].has_value(); });
        auto r = std::move(*done[i]);
        done[i].reset();
        lock.unlock();
        report(r);
    }
}

}  // namespace sts::sim
