// engine/core/clock.hpp
//
// port: the clock. The simulator implements it with its virtual clock; `mtasts-sim send`
// with the system clock (outside engine/). Engine code never reads the system or
// steady clock itself: scripts/check-engine-purity, run as a test, enforces it.
#pragma once

#include "engine/core/time.hpp"

namespace sts::core {

class clock {
public:
    virtual ~clock() = default;
    virtual time_point now() const = 0;
};

}  // namespace sts::core
