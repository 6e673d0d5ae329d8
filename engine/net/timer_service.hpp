// engine/net/timer_service.hpp
//
// port: timers on the world's clock. The simulated network fires them in virtual time
// (a 60 s timeout costs microseconds of real time); the loopback network in real time.
// A handler runs exactly once: with no error at or after its deadline, or with
// operation_aborted when cancelled first. Equal deadlines fire in scheduling order.
#pragma once

#include "engine/core/time.hpp"
#include "engine/core/unique_function.hpp"

#include <boost/system/error_code.hpp>

#include <cstdint>

namespace sts::net {

using timer_id = std::uint64_t;
using timer_handler = core::unique_function<void(boost::system::error_code)>;

class timer_service {
public:
    virtual ~timer_service() = default;
    virtual timer_id schedule(core::time_point deadline, timer_handler handler) = 0;
    // Cancelling a timer that already fired or was cancelled does nothing.
    virtual void cancel(timer_id id) = 0;
};

}  // namespace sts::net
