// sim/world/engine_setup.hpp
//
// The engine's configuration for a running world: the profiles, routes and engine
// settings of the world file (world_spec::engine), the world's DNS server as the
// nameserver, its test CA as the trust store, and the proxies' assigned addresses. The
// gateway sends from its own address on the world's network (P.0.0.1, P the world's
// address prefix), so the contacts log tells the engine's connections apart.
#pragma once

#include "engine/core/result.hpp"
#include "engine/delivery/engine.hpp"

#include <string>

namespace sts::sim {

class world;

// The interface the engine sends from: "10.0.0.1" on the simulated network.
std::string gateway_address(const std::string& address_prefix);

struct world_spec;

// What the world file says about the engine itself, without a running world: profiles,
// routes and the [engine] settings. `send --nameserver` uses it for its --config file.
core::result<delivery::engine_config, std::string> engine_settings_of(const world_spec& spec);

// ... plus what only the running world knows: its resolver, trust store, proxies and ports.
core::result<delivery::engine_config, std::string> engine_config_for(const world& w,
                                                                     const std::string& address_prefix);

}  // namespace sts::sim
