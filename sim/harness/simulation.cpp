// sim/harness/simulation.cpp
#include "sim/harness/simulation.hpp"

#include "engine/mtasts/cache_file.hpp"
#include "sim/network/sim_network.hpp"
#include "sim/network/socket_network.hpp"
#include "sim/scheduler.hpp"
#include "sim/world/engine_setup.hpp"
#include "sim/world/world.hpp"

#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include <chrono>

namespace sts::sim {

// What runs the world: one of the two networks with its clock and timers.
struct simulation::runtime {
    // Simulated.
    std::unique_ptr<sim::scheduler> scheduler;
    std::unique_ptr<sim::sim_network> sim_net;
    // Loopback.
    std::unique_ptr<boost::asio::io_context> io;
    std::unique_ptr<real_time_clock> clock;
    std::unique_ptr<real_timer_service> timers;
    std::unique_ptr<socket_network> socket_net;

    boost::asio::io_context& context() { return scheduler ? scheduler->io() : *io; }
    net::network& network() { return scheduler ? static_cast<net::network&>(*sim_net) : *socket_net; }
    net::timer_service& timer_service() { return scheduler ? static_cast<net::timer_service&>(*scheduler) : *timers; }
    const core::clock& time() const { return scheduler ? static_cast<const core::clock&>(*scheduler) : *clock; }
};

std::string simulation::address_prefix() const { return options_.network == network_kind::simulated ? "10" : "127"; }

core::result<std::unique_ptr<simulation>, std::string> simulation::start(world_spec spec, simulation_options options) {
    std::unique_ptr<simulation> s(new simulation());
    s->options_ = options;
    s->runtime_ = std::make_unique<runtime>();
    auto& rt = *s->runtime_;
    if (options.network == network_kind::simulated) {
        rt.scheduler = std::make_unique<sim::scheduler>(spec.settings.start);
        rt.sim_net = std::make_unique<sim::sim_network>(*rt.scheduler);
        rt.sim_net->set_latency(spec.settings.latency);
    } else {
        rt.io = std::make_unique<boost::asio::io_context>();
        rt.clock = std::make_unique<real_time_clock>(spec.settings.start);
        rt.timers = std::make_unique<real_timer_service>(*rt.io, *rt.clock);
        rt.socket_net = std::make_unique<socket_network>(*rt.io);
    }
    s->world_ = std::make_unique<sim::world>(
        std::move(spec), world_network{rt.context(), rt.network(), rt.timer_service(), rt.time(), s->address_prefix(),
                                       options.network == network_kind::simulated ? port_plan::well_known
                                                                                  : port_plan::offset,
                                       options.port_base});
    if (auto started = s->world_->start(); !started.has_value()) return core::failure(started.error());
    if (auto made = s->make_engine({}); !made.has_value()) return core::failure(made.error());
    return s;
}

void simulation::checked_log::write(const log::entry& e) {
    memory_.write(e);
    if (owner_ != nullptr && owner_->engine_ && !owner_->engine_->counts().conserved()) ++violations_;
}

simulation::~simulation() {
    log_.stop_checking();  // the engine must not be asked while it is being torn down
    if (engine_) engine_->stop();
    if (world_) world_->stop();
    // Let aborted handlers run while everything they name is still alive.
    if (runtime_ && runtime_->scheduler) runtime_->scheduler->run_until(runtime_->scheduler->now());
    if (runtime_ && runtime_->io) runtime_->io->poll();
}

core::time_point simulation::now() const { return runtime_->time().now(); }

core::result<std::monostate, std::string> simulation::make_engine(const std::vector<mtasts::cache_entry>& restored) {
    auto config = engine_config_for(*world_, address_prefix());
    if (!config.has_value()) return core::failure(config.error());
    auto& rt = *runtime_;
    auto made = delivery::engine::create(std::move(config).value(),
                                         delivery::engine_ports{rt.context(), rt.network(), rt.timer_service(), rt.time(), log_});
    if (!made.has_value()) return core::failure(made.error());
    engine_ = std::move(made).value();
    if (const auto refused = engine_->restore_cache(restored); !refused.empty())
        return core::failure(fmt::format("cache entry refused: {}", refused.front()));
    return std::monostate{};
}

std::uint64_t simulation::submit(delivery::message m) { return engine_->submit(std::move(m)); }

void simulation::run_for(core::duration limit) {
    auto& rt = *runtime_;
    if (rt.scheduler) {
        rt.scheduler->run_until(rt.scheduler->now() + limit);
        return;
    }
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        rt.io->run_one_for(std::chrono::milliseconds(20));
        if (engine_->counts().in_flight == 0) {
            rt.io->poll();
            if (engine_->counts().in_flight == 0) return;
        }
    }
}

core::result<std::monostate, std::string> simulation::restart_engine() {
    const auto text = mtasts::encode_cache(engine_->cache().entries());
    auto decoded = mtasts::decode_cache(text, "restart");
    engine_->stop();
    if (runtime_->scheduler) runtime_->scheduler->run_until(runtime_->scheduler->now());
    if (runtime_->io) runtime_->io->poll();
    stopped_engines_.push_back(std::move(engine_));
    return make_engine(decoded.entries);
}

}  // namespace sts::sim
