// engine/tlsrpt/https_report_poster.hpp
//
// Uploads one TLS-RPT aggregate report to an `https:` rua endpoint (RFC 8460 §5.4): an
// HTTPS POST of the report, gzip-compressed or not, with the matching Content-Type
// (application/tlsrpt+gzip or application/tlsrpt+json) [TLSRPT-17], over the network
// port with real OpenSSL TLS (tls::client_tls) and Boost.Beast. The endpoint accepts the
// report with any 2xx status; anything else — another status, no answer, a TLS or
// connection failure, the deadline — is a failed upload the reporter may retry or try at
// its next rua [TLSRPT-07].
//
// interpretation (TLSRPT-08): RFC 8460 §5.4 lets a reporter ignore certificate errors at
// the report endpoint. This one does not: the chain and the host name are verified as for
// a policy host, because a report names the sender's peers and their failures and should
// reach only the party the domain published. A failed verification is a failed upload.
//
// Deliberately not here: building the report (aggregate_report.hpp), finding the rua
// endpoints (the `_smtp._tls` TXT record), scheduling and retrying (the engine's
// reporter), and mailto endpoints (report mail goes through the engine's own queue).
//
// Lifetime: the ports given to the constructor must outlive every upload in flight.
#pragma once

#include "engine/core/time.hpp"
#include "engine/core/unique_function.hpp"
#include "engine/tlsrpt/https_uri.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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

namespace sts::tlsrpt {

struct report_upload {
    https_uri endpoint;
    std::string content_type;  // application/tlsrpt+gzip or application/tlsrpt+json
    std::string body;
};

struct upload_result {
    bool accepted = false;     // a 2xx answer
    unsigned http_status = 0;  // 0 when no answer was read
    std::string connected_to;  // "address:port", empty when no connection was made
    std::string detail;        // why the upload failed, in our words; empty on success
};

using upload_handler = core::unique_function<void(upload_result)>;

struct https_report_poster_config {
    std::string source_address;
    // Used when the URI names no port. Only a world whose hosts listen at an offset
    // (loopback with a port base) sets another.
    std::uint16_t port = 443;
    // interpretation: the same one minute a policy fetch gets (RFC 8461 §3.3).
    core::duration timeout = std::chrono::seconds{60};
    // The answer's head is read and the body ignored; a larger head is a failed upload.
    std::size_t header_bytes_max = 8 * 1024;
};

class https_report_poster {
public:
    https_report_poster(boost::asio::io_context& io, net::network& network, net::timer_service& timers,
                        const core::clock& clock, dns::resolver& resolver, tls::client_tls& tls,
                        https_report_poster_config config);

    // The handler is called exactly once, never from inside post().
    void post(report_upload upload, upload_handler handler);

private:
    boost::asio::io_context* io_;
    net::network* network_;
    net::timer_service* timers_;
    const core::clock* clock_;
    dns::resolver* resolver_;
    tls::client_tls* tls_;
    https_report_poster_config config_;
};

}  // namespace sts::tlsrpt
