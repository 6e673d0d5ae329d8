// sim/harness/simulation.hpp
//
// One world and the engine under test, on the simulated network (the scheduler's virtual
// clock and the in-memory network) or on loopback (real sockets on 127.0.0.0/8, the real
// clock counted from the world's start, ports at a base offset): the mocks of a world_spec and a delivery::engine
// configured for that world, with its mail log kept in memory. Integration tests, `send`
// on the simulated network and the scenario runner drive it the same way: submit
// messages, run virtual time, read outcomes, log lines, TLS-RPT records and the world's
// transcript. restart_engine() replaces the engine by a new one that starts from the
// persisted form of the old one's policy cache, as a gateway restart would.
#pragma once

#include "engine/core/result.hpp"
#include "engine/core/time.hpp"
#include "engine/delivery/engine.hpp"
#include "engine/log/mail_log.hpp"
#include "sim/world/world_spec.hpp"

#include <cstddef>
#include <memory>
#include <string>

namespace sts::sim {

class world;

enum class network_kind { simulated, loopback };

struct simulation_options {
    network_kind network = network_kind::simulated;
    // Loopback only: every service listens on port_base + its well-known port.
    std::uint16_t port_base = 32000;
};

class simulation {
public:
    static core::result<std::unique_ptr<simulation>, std::string> start(world_spec spec,
                                                                       simulation_options options = {});
    ~simulation();
    simulation(const simulation&) = delete;
    simulation& operator=(const simulation&) = delete;

    delivery::engine& engine() { return *engine_; }
    sim::world& world() { return *world_; }
    network_kind kind() const { return options_.network; }
    // The address prefix of the world's hosts: "10" simulated, "127" loopback.
    std::string address_prefix() const;
    const log::memory_sink& log() const { return log_.memory(); }
    std::vector<std::string> log_lines() const { return log_.memory().lines(); }
    // Lines after which accepted = delivered + bounced + queued did not hold: the engine
    // writes a line after or between every state change it makes, so this checks the
    // invariant at every step, not only at the end.
    std::size_t conservation_violations() const { return log_.violations(); }
    core::time_point now() const;

    std::uint64_t submit(delivery::message m);
    // Simulated: runs every event up to `limit` of virtual time from now (the clock then
    // stands there, or at the last event when the world went idle first).
    // Loopback: runs in real time until no delivery is in flight or `limit` passed.
    void run_for(core::duration limit);
    // Stops the engine and starts a new one whose policy cache is restored from the text
    // form the old one would have written to its cache file (engine/mtasts/cache_file.hpp).
    core::result<std::monostate, std::string> restart_engine();

private:
    simulation() = default;
    core::result<std::monostate, std::string> make_engine(const std::vector<mtasts::cache_entry>& restored);

    simulation_options options_;
    struct runtime;
    std::unique_ptr<runtime> runtime_;
    std::unique_ptr<sim::world> world_;
    // Keeps every line and checks conservation on the current engine after each one.
    class checked_log final : public log::sink {
    public:
        explicit checked_log(const simulation& owner) : owner_(&owner) {}
        void write(const log::entry& e) override;
        const log::memory_sink& memory() const { return memory_; }
        std::size_t violations() const { return violations_; }
        void stop_checking() { owner_ = nullptr; }

    private:
        const simulation* owner_;
        log::memory_sink memory_;
        std::size_t violations_ = 0;
    };
    checked_log log_{*this};
    std::unique_ptr<delivery::engine> engine_;
    std::vector<std::unique_ptr<delivery::engine>> stopped_engines_;  // handlers may still name them
};

}  // namespace sts::sim
