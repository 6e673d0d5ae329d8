// sim/swarm/swarm_facts.hpp
//
// What a generated swarm world promises (issue 7, item 5), written down by the generator
// that built it and read by the invariant checker (swarm_invariants.hpp): for each
// recipient domain, which rules must hold for deliveries to it and until when. The
// checker never re-derives these from the TOML text: the generator knows what it meant
// (a healthy policy host serving an enforce policy, secure TLSA records) and says so here.
//
// Every promise is conservative. A domain is taken to be governed by an enforce policy
// only while nothing could keep the engine from learning it: its TXT record is valid, its
// policy host serves a valid enforce policy with a valid certificate and no fault, no DNS
// fault touches its _mta-sts or mta-sts names, and the proxy its fetches go through (if
// any) passes them on. The first mid-run change that could disturb that ends the promise
// (`enforce_until`); deliveries after it are not judged. DANE promises work the same way.
//
// It deliberately says nothing about outcomes (delivered, queued, bounced): a random world
// has no expected outcome, only rules no outcome may break.
#pragma once

#include "engine/core/time.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sts::sim {

struct swarm_domain_facts {
    std::string name;  // lower-case recipient domain
    // Mail to it goes over an SMTP route: MTA-STS does not apply, only the profile's TLS
    // setting (seg-behaviour.md "Precedence").
    bool routed = false;
    // The profile's TLS setting is Required, Required-Verify or -Hosted, or (not routed)
    // its DANE support is Mandatory: no message may be received without TLS.
    bool tls_required = false;
    // The hosts of its MX records: the generator never shares one between domains, so a
    // connection to one of them was made for this domain.
    std::vector<std::string> mx_hosts;
    // Governed by an enforce policy from the start until this time (excluded).
    std::optional<core::time_point> enforce_until;
    // Every mx pattern of every enforce policy its host served before enforce_until: a
    // cached older policy may still be the one applied, so any of them may allow a host.
    std::vector<std::string> enforce_mx_patterns;
    // Hosts with a secure, non-empty TLSA RRset (and secure MX and address records), until
    // when: no message may reach them without TLS (RFC 7672 §2.2, DANE-25).
    std::map<std::string, core::time_point> dane_hosts;
    // The profile's DANE support is not None: hosts with any TLSA record are left out of
    // the listing check, since a DANE pass may deliver to an MX the enforce policy does
    // not list (interpretation A20, STS-DANE-03).
    bool dane_enabled = false;
    std::vector<std::string> tlsa_hosts;
    // The policy host (mta-sts.<domain>) when the world has one, and the TXT record's
    // versions over time: fetches are counted per version (the policy id it announces).
    std::string policy_host;
    std::vector<core::time_point> txt_changes;  // when the record changed after the start
};

struct swarm_facts {
    std::uint64_t seed = 0;
    std::vector<swarm_domain_facts> domains;
    // Every recipient of every message submitted, in order (one entry per message and
    // recipient).
    std::vector<std::string> recipients;
};

}  // namespace sts::sim
