// engine/delivery/retry_schedule.cpp
#include "engine/delivery/retry_schedule.hpp"

#include <algorithm>
#include <utility>

namespace sts::delivery {

core::result<retry_schedule, std::string> retry_schedule::create(retry_config config) {
    if (config.delays.empty()) return core::failure(std::string("retry delays: at least one delay is needed"));
    for (const auto d : config.delays) {
        if (d <= std::chrono::seconds::zero())
            return core::failure(std::string("retry delays: every delay must be positive"));
    }
    if (config.queue_lifetime <= std::chrono::seconds::zero())
        return core::failure(std::string("queue lifetime: must be positive"));
    return retry_schedule(std::move(config));
}

core::time_point retry_schedule::bounce_deadline(core::time_point accepted_at) const {
    return accepted_at + config_.queue_lifetime;
}

std::chrono::seconds retry_schedule::delay_after(unsigned failed_attempts) const {
    const std::size_t last = config_.delays.size() - 1;
    const std::size_t index = failed_attempts == 0 ? 0 : std::min<std::size_t>(failed_attempts - 1, last);
    return config_.delays[index];
}

std::optional<core::time_point> retry_schedule::next_attempt(core::time_point accepted_at, unsigned failed_attempts,
                                                             core::time_point failed_at) const {
    const core::time_point deadline = bounce_deadline(accepted_at);
    // RFC 5321 §4.5.4.1: give up once the message has been queued for the lifetime; the
    // attempt that failed at (or after) the deadline was the last one.
    if (failed_at >= deadline) return std::nullopt;
    // The final retry happens at the deadline rather than being skipped.
    return std::min(failed_at + delay_after(failed_attempts), deadline);
}

}  // namespace sts::delivery
