// sim/replay/scenario_writer.hpp
//
// Renders an inferred world (inferred_world.hpp) as a scenario file (docs/scenario-format.md)
// that `run` can run on its own: the world tables, one `send` step per traced message at its
// time, `advance` steps to the trace's last line, and an expectation per recipient with the
// outcome the trace showed. The inference's facts and open choices become comments at the
// top, so the file explains itself when a support engineer attaches it to a case.
//
// A policy that was cached before the trace began is rebuilt by a warm-up: the scenario
// starts warm_up_lead earlier, sends one message to the domain, and restarts the engine from
// its persisted cache, as a gateway that has been running would be; the replay compares
// only what happens from the trace's first timestamp on.
//
// The text is deterministic: the same world gives the same bytes.
#pragma once

#include "engine/core/time.hpp"
#include "sim/replay/inferred_world.hpp"

#include <chrono>
#include <string>

namespace sts::sim {

inline constexpr core::duration warm_up_lead = std::chrono::minutes{10};

// Where the scenario's first step starts: the trace's start, or warm_up_lead before it.
core::time_point scenario_start(const inferred_world& w);

std::string write_scenario(const inferred_world& w);

}  // namespace sts::sim
