// engine/core/time.hpp
//
// The engine's notion of time. Everything that reads time (cache ages, max_age, back-off,
// certificate validity, retry schedule, log timestamps) takes a time_point that came from
// the injected clock (engine/core/clock.hpp); pure code takes it as a parameter. Nothing
// in engine/ reads the system clock: the simulator's virtual clock and the real clock of
// `mtasts-sim send` are both behind the same port. Millisecond resolution is enough for
// every timer the engine and the mock world use.
#pragma once

#include <chrono>

namespace sts::core {

using duration = std::chrono::milliseconds;
using time_point = std::chrono::sys_time<duration>;

}  // namespace sts::core
