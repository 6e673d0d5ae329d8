// sim/replay/what_if.hpp
//
// One change to an inferred world (issue 6, item 4): `replay ... --set profile.tls=
// required-verify-hosted` reruns the customer's story with that change, which turns the
// troubleshooting advice of seg-behaviour.md into a command ("peer cert does not match
// domain" → a hosted domain → setting 6). A change applies to every replayed domain (and for
// `mx.*`, to every MX host of them); `--domain` narrows the replay first.
//
// Keys and values (what_if_keys lists them for the usage text):
//   profile.tls       no preferred required preferred-verify required-verify required-verify-hosted
//   profile.dane      none opportunistic mandatory
//   profile.mta_sts   on off
//   policy.mode       enforce testing none
//   policy.fetch      ok timeout
//   txt               present absent
//   mx.cert           valid expired mismatch untrusted self-signed
//   mx.starttls       on off
//   mx.tls_max        1.0 1.1 1.2 1.3
#pragma once

#include "engine/core/result.hpp"
#include "sim/replay/inferred_world.hpp"

#include <string>
#include <string_view>

namespace sts::sim {

struct what_if {
    std::string key;
    std::string value;
};

extern const std::string_view what_if_keys;

// Reads `key=value`; the error names the key or value and lists what is accepted.
core::result<what_if, std::string> parse_what_if(std::string_view text);

// The world with the change made; the change is also recorded as a fact.
inferred_world apply_what_if(inferred_world w, const what_if& change);

}  // namespace sts::sim
