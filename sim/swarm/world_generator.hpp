// sim/swarm/world_generator.hpp
//
// Generates one random scenario from a seed (issue 7, item 5; `mtasts-sim run --swarm`):
// 1-4 recipient domains, each with a random destination-control profile (TLS setting,
// DANE, MTA-STS), 0-4 MX hosts and MX receivers with random faults (no STARTTLS, a
// STARTTLS refusal, expired, misnamed, self-signed or untrusted certificates, TLS 1.1 at
// most, 4xx/5xx replies at some step, stalls, broken handshakes, STARTTLS injection), a
// random `_mta-sts` TXT record (valid, invalid, two records, none), a policy host answering
// a valid enforce, testing or none policy or one with wrong mx patterns, a 404, a stall, an
// invalid body, an expired or misnamed certificate, TLS 1.1, a redirect; DNSSEC statuses
// and DANE TLSA records (matching, wrong hash, unusable; secure, insecure, bogus), DNS
// faults, SMTP routes and a CONNECT proxy; then 1-20 messages to random recipients at
// random times and up to three mid-run changes (a new policy id, a new policy body, new
// receiver faults, a DNS fault, a proxy fault).
//
// The scenario is TOML text, a normal scenario file without expectations (the runner's
// conservation check still applies), so a failing seed can be written out and run or
// turned into a regression scenario. Alongside it the generator writes down what the
// world promises (swarm_facts.hpp), which sim/swarm/swarm_invariants.hpp checks.
//
// The text is a pure function of the seed (seeded_random.hpp): no clock, no
// random_device, no standard distribution.
#pragma once

#include "sim/swarm/swarm_facts.hpp"

#include <cstdint>
#include <string>

namespace sts::sim {

struct swarm_case {
    std::uint64_t seed = 0;
    std::string name;  // "swarm/seed-<seed>"
    std::string toml;  // a complete scenario file
    swarm_facts facts;
};

swarm_case generate_swarm_case(std::uint64_t seed);

}  // namespace sts::sim
