// engine/mtasts/https_policy_fetcher.hpp
//
// The engine's policy fetcher: one HTTPS GET of
// https://mta-sts.<domain>/.well-known/mta-sts.txt (RFC 8461 §3.3) over the network port,
// directly or through an HTTP CONNECT proxy (RFC 9110 §9.3.6), with real OpenSSL TLS
// (tls::client_tls) and Boost.Beast HTTP/1.1 on engine/net/asio_stream.hpp.
//
// A fetch resolves the Policy Host's A records (directly only: through a proxy, the proxy
// resolves the name it is asked to CONNECT to), connects to port 443, runs TLS 1.2 or later
// with SNI, verifies the chain at the world's clock and the DNS-ID mta-sts.<domain>, sends
// a GET without any caching header, accepts only status 200 with media type text/plain and
// a body no larger than the configured cap, and hands the body to the policy parser. The
// whole fetch, DNS included, runs under one deadline on the timer port. Each way it can go
// wrong ends as a fetch_report whose outcome kind the policy cache reads and whose
// tlsrpt::failure_reason the mail log and TLS-RPT read.
//
// Deliberately not here: caching and back-off (engine/mtasts/policy_cache.hpp), the TXT
// record (engine/mtasts/record.hpp), and the policy grammar (policy_parser.hpp). Redirects
// are never followed and HTTP caching is never used (RFC 8461 §3.3).
//
// Lifetime: the ports given to the constructor must outlive every fetch in flight; the
// fetcher object itself may be destroyed earlier.
#pragma once

#include "engine/core/limits.hpp"
#include "engine/core/time.hpp"
#include "engine/mtasts/policy_fetcher.hpp"

#include <cstddef>
#include <string>

namespace boost::asio {
class io_context;
}

namespace sts::core {
class clock;
}

namespace sts::net {
class network;
class timer_service;
}  // namespace sts::net

namespace sts::dns {
class resolver;
}

namespace sts::tls {
class client_tls;
}

namespace sts::mtasts {

struct https_policy_fetcher_config {
    // The interface connections leave from (network::async_connect).
    std::string source_address;
    // RFC 8461 §3.3 [STS-FETCH-02]: HTTPS on its default port. Only a world whose hosts
    // listen at an offset (loopback with a port base) sets another; the CONNECT target
    // through a proxy carries the same port.
    std::uint16_t port = 443;
    // RFC 8461 §3.3 suggests a one-minute timeout for the whole fetch [STS-FETCH-13].
    core::duration timeout = core::limits::policy_fetch_timeout;
    // RFC 8461 §3.3 suggests a 64 KB cap on the body [STS-FETCH-14].
    std::size_t body_bytes_max = core::limits::policy_body_bytes_max;
};

class https_policy_fetcher final : public policy_fetcher {
public:
    https_policy_fetcher(boost::asio::io_context& io, net::network& network, net::timer_service& timers,
                         const core::clock& clock, dns::resolver& resolver, tls::client_tls& tls,
                         https_policy_fetcher_config config);

    void fetch(const fetch_request& request, fetch_handler handler) override;

    const https_policy_fetcher_config& config() const { return config_; }

private:
    boost::asio::io_context* io_;
    net::network* network_;
    net::timer_service* timers_;
    const core::clock* clock_;
    dns::resolver* resolver_;
    tls::client_tls* tls_;
    https_policy_fetcher_config config_;
};

}  // namespace sts::mtasts
