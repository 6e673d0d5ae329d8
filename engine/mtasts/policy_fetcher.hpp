// engine/mtasts/policy_fetcher.hpp
//
// port: one HTTPS GET of https://mta-sts.<domain>/.well-known/mta-sts.txt (RFC 8461 §3.3),
// parsed and validated, through a callback. The engine's implementation is
// engine/mtasts/https_policy_fetcher.hpp (Beast over asio::ssl over the network port,
// optionally through an HTTP CONNECT proxy); tests of the delivery logic may use a table.
//
// The report keeps two vocabularies side by side because two consumers read it: the
// policy cache only needs to know "a policy, or why not" (fetch_outcome, whose kinds are
// all the same event for it, STS-FETCH-18), while the mail log and TLS-RPT name the
// precise failure (tlsrpt::failure_reason, RFC 8460 §4.3.2.2).
#pragma once

#include "engine/core/unique_function.hpp"
#include "engine/mtasts/fetch_outcome.hpp"
#include "engine/net/endpoint.hpp"
#include "engine/tlsrpt/failure_reason.hpp"

#include <optional>
#include <string>
#include <vector>

namespace sts::mtasts {

struct fetch_request {
    std::string domain;  // the Policy Domain, lower-case A-labels, no trailing dot
    // The HTTP CONNECT proxy to go through (per profile or global), or nothing for a
    // direct connection.
    std::optional<net::endpoint> proxy;
};

struct fetch_report {
    fetch_outcome outcome = core::failure(fetch_failure{});
    // Set exactly when the outcome is a failure.
    std::optional<tlsrpt::failure_reason> reason;
    bool via_proxy = false;
    // What was connected to (the policy host's or the proxy's address and port), empty
    // when the name did not resolve.
    std::string connected_to;
    // The HTTP status line's code when the policy host's response head arrived, else 0.
    unsigned http_status = 0;
    // The proxy's answer to CONNECT when one arrived (via_proxy only), else 0.
    unsigned proxy_status = 0;
    // Warnings and notes of the policy parser for a policy that was accepted (unknown
    // keys, for instance); each already in our words.
    std::vector<std::string> parser_notes;
};

using fetch_handler = core::unique_function<void(fetch_report)>;

class policy_fetcher {
public:
    virtual ~policy_fetcher() = default;
    // The handler runs exactly once, never from inside the call.
    virtual void fetch(const fetch_request& request, fetch_handler handler) = 0;
};

}  // namespace sts::mtasts
