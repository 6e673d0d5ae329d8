// mocks/mock_context.hpp
//
// What every mock server needs from the world it lives in: the executor its coroutines
// run on, the network to listen on, timers and the clock (virtual on the simulated
// network, real on loopback), and the transcript to record into. The same mock code runs
// on both networks because it only ever sees these.
#pragma once

#include "engine/core/clock.hpp"
#include "engine/net/network.hpp"
#include "engine/net/timer_service.hpp"
#include "mocks/transcript.hpp"

namespace boost::asio {
class io_context;
}

namespace sts::mocks {

struct mock_context {
    boost::asio::io_context& io;
    net::network& network;
    net::timer_service& timers;
    const core::clock& clock;
    transcript& record;
};

}  // namespace sts::mocks
