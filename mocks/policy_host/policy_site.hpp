// mocks/policy_host/policy_site.hpp
//
// What a mock HTTPS policy host is (issue 3, item 4), as plain data the world loader fills
// in: the host `mta-sts.<domain>` (RFC 8461 §3.2), where it listens, its TLS identity and
// version caps (mocks/tls/server_tls.hpp), and the answer it gives at
// `/.well-known/mta-sts.txt`: any status, any headers, any Content-Type or none, any body.
// The faults of the field are data too: stalls before or after TLS or after the headers,
// a reset after the request, chunked or connection-delimited framing, padding after a valid
// policy (oversize), a slow drip of the body in virtual time, and an endless body.
//
// What the mock does with the data is in policy_host.hpp. It deliberately does not judge the
// client: a request for another path gets 404, any other method 405, and everything is
// recorded; deciding whether the client behaved is the scenario's job.
//
// Bounds: every limit on what a peer can make the host hold (header and request sizes,
// requests per connection, recorded requests) is a field below; validate() also bounds the
// sizes a world file may ask for, so a typo cannot make the mock allocate gigabytes.
#pragma once

#include "engine/core/time.hpp"
#include "engine/net/endpoint.hpp"
#include "mocks/tls/server_tls.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sts::mocks {

struct http_field {
    std::string name;
    std::string value;

    friend bool operator==(const http_field&, const http_field&) = default;
};

// How the end of the body is shown to the client (RFC 9112 §6).
enum class body_framing : std::uint8_t {
    content_length,  // Content-Length: body + padding (refused for an endless body)
    chunked,         // Transfer-Encoding: chunked, one chunk per write (or per drip)
    until_close,     // neither: the body ends when the host closes (Connection: close)
};

enum class policy_host_fault : std::uint8_t {
    none,
    stall_before_tls,     // accepts, never answers the ClientHello
    stall_after_tls,      // completes the handshake, reads and records the request, never answers
    stall_after_headers,  // sends the status line and headers, then nothing more
    reset,                // reads and records the request, then drops the connection without a byte
                          // of answer and without a TLS close_notify (a truncated stream)
};

// The body goes out `bytes` at a time with `interval` of virtual time before each piece,
// after the headers (which go at once): a body of B bytes takes ceil(B / bytes) intervals.
// bytes == 0 turns the drip off.
struct slow_drip {
    std::size_t bytes = 0;
    core::duration interval{0};
};

struct policy_response {
    unsigned status = 200;  // any code from 100 to 999
    std::string reason;     // empty: the standard phrase for the status ("Unknown" if none)
    // std::nullopt sends no Content-Type header at all (STS-FETCH-11, ambiguity A4).
    std::optional<std::string> content_type = "text/plain";
    // Sent after Content-Type, in this order: ETag, Cache-Control, Location for a 3xx, ...
    std::vector<http_field> headers;
    std::string body;
    body_framing framing = body_framing::content_length;
    // Bytes appended after `body`: lines "x-pad: xxx...x\r\n" of 64 bytes (the last one
    // longer, to hit the count exactly), which a policy parser takes as extension fields,
    // so a padded valid policy stays valid for a client without a size cap (STS-FETCH-14).
    // Under 10 bytes no line fits and the padding is that many LF bytes.
    std::size_t padding_bytes = 0;
    // After `body`, padding lines without end (chunked or until_close framing only).
    bool endless = false;
    slow_drip drip;
    // Header fields "x-hdr-pad-N: xxx...x" after `headers`, each line (with its CRLF)
    // header_padding_line_bytes long, the last taking the remainder, header_padding_bytes
    // in all: a head of many header lines or of one very long line (STS-SEC-08).
    std::size_t header_padding_bytes = 0;
    std::size_t header_padding_line_bytes = 64;
};

// The response of a redirecting host: `status` (301, 302, 307, 308 ...) with Location.
policy_response redirect_response(unsigned status, std::string location);

struct policy_host_config {
    std::string host_name;  // "mta-sts.example.com": every transcript entry names it
    net::endpoint listen{"", 443};
    tls_server_config tls;
    std::string path = "/.well-known/mta-sts.txt";  // RFC 8461 §3.2
    policy_response response;
    policy_host_fault fault = policy_host_fault::none;
    // Set for a TLS-RPT report endpoint (RFC 8460 §5.4): a POST to `path` is answered
    // with this status, and its body is kept in requests(). Unset, a POST gets 405 as any
    // method other than GET and HEAD does.
    std::optional<unsigned> post_status;

    // The request line and header fields together; a larger request header gets
    // "431 Request Header Fields Too Large" (RFC 6585 §5) and a close. 8 KiB is what
    // common servers allow.
    std::size_t header_bytes_max = 8 * 1024;
    // A request body larger than this gets 413 and a close (a GET has none).
    std::size_t request_body_bytes_max = 64 * 1024;
    std::size_t requests_per_connection_max = 100;
    std::size_t concurrent_connections_max = 256;
    // Requests kept in requests(); all of them still reach the transcript.
    std::size_t recorded_requests_max = 10'000;
    // The simulated network has no flow control, so an endless body stops after this many
    // bytes and the host then stalls: the client's own cap or timeout still ends the fetch,
    // without the world exhausting memory for a client that never stops reading.
    std::size_t endless_bytes_max = 16 * 1024 * 1024;
    // How long the host waits for a handshake or a (next) request before it closes. A
    // stalling host never times out: it waits for the client to give up.
    core::duration request_timeout = std::chrono::seconds{60};
};

// Bounds on sizes a world file may ask for.
inline constexpr std::size_t policy_body_bytes_config_max = 64 * 1024 * 1024;
inline constexpr std::size_t policy_padding_bytes_config_max = 256 * 1024 * 1024;
inline constexpr std::size_t policy_headers_config_max = 100;
inline constexpr std::size_t policy_header_padding_bytes_config_max = 16 * 1024 * 1024;
// "x-hdr-pad-N: x" and CRLF: the shortest padding line that still has a value.
inline constexpr std::size_t policy_header_padding_line_bytes_min = 32;

// An empty string when a host can run with `config`, else the first problem found: no
// host name, a status outside 100..999, a header name or value that is not a valid field
// (RFC 9110 §5.1, §5.5: no CR, LF or NUL can smuggle a second header), an endless body
// with Content-Length framing, a drip without an interval, a zero bound, a size over the
// limits above.
std::string validate(const policy_host_config& config);

const char* to_string(policy_host_fault fault);
const char* to_string(body_framing framing);

}  // namespace sts::mocks
