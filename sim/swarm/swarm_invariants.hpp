// sim/swarm/swarm_invariants.hpp
//
// The rules every swarm world must keep whatever its faults (issue 7, item 5), checked on
// a finished run (scenario_result: the recipient outcomes, the world's transcript) against
// what its generator promised (swarm_facts.hpp):
//
// - finished: the run reached its end (no internal error, no change that failed to apply);
// - conservation: every accepted recipient is delivered, bounced or still queued (the
//   runner's own check), each submitted recipient has exactly one outcome, each delivered
//   outcome was received by the host it names, and no recipient was received more often
//   than it was sent;
// - plaintext: no message reaches a host over a session without TLS when its domain's
//   profile requires TLS or DANE (Mandatory), while an enforce policy governs the domain
//   (RFC 8461 §5 [STS-APPLY-02, STS-APPLY-09]), or when the host has a secure TLSA RRset
//   (RFC 7672 §2.2 [DANE-10, DANE-25]);
// - unlisted MX: no connection to an MX host that no enforce policy of its domain lists
//   while one governs it (RFC 8461 §4.1 [STS-MX-01]), except under DANE (A20);
// - bounded fetches: per policy host and TXT record version, at most
//   swarm_fetches_per_window_max policy requests in any policy_fetch_backoff window
//   (RFC 8461 §3.3 [STS-CACHE-02]).
//
// It reads the mock world's transcript, the ground truth of what reached the wire, rather
// than the engine's log: a check that believed the engine could not catch it lying. It
// matches MX patterns with its own few lines (RFC 8461 §4.1), not the engine's matcher.
#pragma once

#include "sim/scenario/scenario_runner.hpp"
#include "sim/swarm/swarm_facts.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sts::sim {

// A fetch, its retry after the back-off, and one more for a refresh or a new id that
// fall in the same window; anything beyond is a fetch loop.
inline constexpr std::size_t swarm_fetches_per_window_max = 2;

struct swarm_violation {
    std::string invariant;  // "finished", "conservation", "plaintext", "unlisted_mx", "fetch_bound"
    std::string detail;
};

std::vector<swarm_violation> check_swarm_invariants(const swarm_facts& facts, const scenario_result& result);

// RFC 8461 §4.1: a pattern is a host name, or "*." and a name, which matches one more
// label on the left; both compare case-insensitively, without a trailing dot.
bool swarm_mx_pattern_matches(std::string_view pattern, std::string_view host);

}  // namespace sts::sim
