// sim/replay/trace_inference.hpp
//
// From a customer's trace to the world that explains it (issue 6, item 2). Each line family
// says something about the world: `Successfully fetched MTA-STS TXT record` that the TXT
// record exists, `DNS encache (_mta-sts....)` its id, `Request to fetch STS policy failed due
// to connection timeout` that the policy host does not answer, `New SMTP DCID ... address`
// the MX addresses, `TLS success protocol TLSv1.2` the receiver's highest version, `TLS
// deferring: verify error: peer cert does not match domain` a certificate that names another
// host, `Delayed:`/`Bounced:` the outcome and the receiver's reply. Where lines only narrow
// the choice (an enforce and a testing policy log the same successful delivery; Preferred
// and Required TLS log the same success) the inference picks a documented default and says
// so in inferred_world::open_choices. docs/replay.md lists every rule.
//
// The inference reads only the trace; it never runs anything (replay_command.cpp does).
#pragma once

#include "sim/replay/inferred_world.hpp"
#include "sim/replay/trace.hpp"

#include <string>
#include <vector>

namespace sts::sim {

struct inference_options {
    // The recipient domains to replay; empty: every domain of the trace. A message no line
    // ties to a domain is taken to go to the first of these (or to `example.com`).
    std::vector<std::string> domains;
    std::string source;  // the trace's file name, for the written scenario
};

inferred_world infer_world(const trace& t, const inference_options& options);

}  // namespace sts::sim
