// engine/delivery/retry_schedule.hpp
//
// When a deferred recipient is tried again, and when the queue gives up on it. RFC 5321
// §4.5.4.1 asks for retries spaced by at least 30 minutes and a give-up time of 4-5 days;
// gateways make both configurable, and so does the engine: a list of delays, the delay
// before each retry in turn with the last one repeating, and a queue lifetime counted from
// the moment the message was accepted.
//
// The last attempt is made at the give-up deadline itself (a retry that would fall after
// it is brought forward to it), so a message gets every chance the lifetime allows and
// bounces only after an attempt at or past the deadline has failed. For an MTA-STS enforce
// failure the engine still checks DNS for a newer policy before the bounce
// (RFC 8461 §5.1 [STS-APPLY-14]); that step lives in engine.cpp, not here.
//
// Pure: it reads no clock, every call takes the times it needs.
#pragma once

#include "engine/core/result.hpp"
#include "engine/core/time.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace sts::delivery {

struct retry_config {
    std::vector<std::chrono::seconds> delays;  // non-empty, each positive
    std::chrono::seconds queue_lifetime{};     // positive
};

class retry_schedule {
public:
    // The error says which setting is unusable: an empty list or a delay that is not
    // positive would retry at the same virtual instant forever.
    static core::result<retry_schedule, std::string> create(retry_config config);

    // The instant after which the queue gives up: accepted + queue_lifetime.
    core::time_point bounce_deadline(core::time_point accepted_at) const;

    // After `failed_attempts` (≥ 1) attempts, the last of which failed at `failed_at`: the
    // time of the next attempt, or nothing when the message has reached its deadline and
    // must bounce (or, for an enforce failure, be re-checked first).
    std::optional<core::time_point> next_attempt(core::time_point accepted_at, unsigned failed_attempts,
                                                 core::time_point failed_at) const;

    // The delay before the retry that follows the n-th failed attempt (n ≥ 1).
    std::chrono::seconds delay_after(unsigned failed_attempts) const;

    const retry_config& config() const { return config_; }

private:
    explicit retry_schedule(retry_config config) : config_(std::move(config)) {}
    retry_config config_;
};

}  // namespace sts::delivery
