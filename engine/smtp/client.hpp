// engine/smtp/client.hpp
//
// The SMTP client session (RFC 5321, RFC 3207): one TCP connection to one MX host,
// greeting, EHLO, STARTTLS when the connection_requirement asks for it, the TLS handshake
// (engine/tls/client_tls.hpp), EHLO again, then MAIL / RCPT / DATA for each message in
// turn, QUIT. No pipelining. Every command has its own timeout on the world's timer port
// (RFC 5321 §4.5.3.2 values, scaled by the configuration).
//
// The session applies the TLS verdict itself (engine/tls/verdict.hpp): after STARTTLS it
// reduces what it saw to handshake_facts, asks tls::evaluate(), and then sends, falls back
// to clear text on this session, or gives up. It never sends a MAIL command in clear text
// when the requirement must_encrypt() (RFC 8461 §4.2, RFC 7672 §2.2): a refused session
// ends before MAIL. Plaintext the server sent after its 220 to STARTTLS is discarded and
// reported as starttls_response_injection (RFC 3207 §4.2).
//
// The observer hears the session's events in order so the engine can write the mail log
// lines between them (log-format.md); the final session_result says what happened to
// every recipient of every message.
#pragma once

#include "engine/core/unique_function.hpp"
#include "engine/dns/record.hpp"
#include "engine/net/endpoint.hpp"
#include "engine/smtp/reply.hpp"
#include "engine/tls/requirement.hpp"
#include "engine/tls/verdict.hpp"
#include "engine/tlsrpt/failure_reason.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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
namespace sts::tls {
class client_tls;
}

namespace sts::smtp {

struct outgoing_message {
    std::uint64_t mid = 0;
    std::string mail_from;             // reverse-path without brackets; empty = null sender
    std::vector<std::string> rcpt_to;  // forward-paths without brackets
    std::vector<unsigned> rids;        // the RID of each rcpt_to entry
    std::string data;                  // header + body, CRLF line endings, no final "."
};

// RFC 5321 §4.5.3.2 minimums, as durations on the world's clock.
struct session_timeouts {
    std::chrono::milliseconds connect{std::chrono::seconds(30)};
    std::chrono::milliseconds greeting{std::chrono::minutes(5)};
    std::chrono::milliseconds command{std::chrono::minutes(5)};  // EHLO, STARTTLS, RSET, QUIT
    std::chrono::milliseconds tls_handshake{std::chrono::seconds(60)};
    std::chrono::milliseconds mail{std::chrono::minutes(5)};
    std::chrono::milliseconds rcpt{std::chrono::minutes(5)};
    std::chrono::milliseconds data_init{std::chrono::minutes(2)};
    std::chrono::milliseconds data_block{std::chrono::minutes(3)};
    std::chrono::milliseconds data_term{std::chrono::minutes(10)};
};

struct session_request {
    std::string source_address;  // the gateway's interface
    net::endpoint server;        // the MX address and port
    std::string server_name;     // the MX host name: SNI and, for DANE, the TLSA base
    std::string ehlo_name;
    tls::connection_requirement requirement;  // action must be no_tls, try_tls or require_*
    // The usable TLSA records for require_dane (RFC 7672 §3.1), already filtered.
    std::vector<dns::tlsa_rdata> tlsa;
    std::vector<outgoing_message> messages;
    session_timeouts timeouts;
};

// What became of one recipient on this session.
enum class recipient_status {
    delivered,      // 2xx to RCPT and to the end of DATA
    transient,      // 4xx, or the session failed before an answer: try again later
    permanent,      // 5xx: bounce
    not_attempted,  // the session ended before this recipient's message was started
};

struct recipient_result {
    std::uint64_t mid = 0;
    unsigned rid = 0;
    recipient_status status = recipient_status::not_attempted;
    // The reply that decided (RCPT's on rejection, DATA's final one on acceptance), when
    // there was one.
    std::optional<reply> decisive_reply;
};

// Everything the log and TLS-RPT need to know about the TLS part of the session.
struct tls_report {
    bool attempted = false;  // STARTTLS was sent
    tls::handshake_facts facts;
    tls::connection_verdict verdict;
    std::string protocol;      // "TLSv1.3"; empty without TLS
    std::string cipher;        // OpenSSL name, e.g. "TLS_AES_256_GCM_SHA384"
    std::string peer_subject;  // leaf subject (for debug lines), empty without a certificate
    // Why the handshake or verification failed, in OpenSSL's or our words, for the log
    // ("certificate has expired", "peer cert does not match domain").
    std::string failure_detail;
    // Bytes after the 220 to STARTTLS were thrown away (RFC 3207 §4.2): the caller reports
    // starttls_response_injection; the session itself carries on with the handshake.
    bool plaintext_discarded = false;
};

enum class session_end {
    completed,         // QUIT sent after the last message (or the server closed after it)
    connect_failed,    // refused, unreachable, timed out before the greeting
    greeting_refused,  // 4xx/5xx greeting (RFC 5321 §3.1 554 / 421)
    // The verdict refused the connection (STARTTLS missing or refused, or a failed
    // handshake or check under a require_* action): no MAIL was sent.
    tls_refused,
    // Timeout, malformed reply, connection lost after the greeting; also a try_tls handshake
    // that failed after the 220 (no clear-text fallback then, seg-behaviour.md).
    protocol_failed,
};

struct session_result {
    session_end end = session_end::connect_failed;
    // Why the session did not complete; for TLS failures the precise reason the TLS layer
    // saw (tls_version_too_old, mx_certificate_self_signed, ...), which tls.verdict carries too.
    std::optional<tlsrpt::failure_reason> failure;
    std::string detail;   // our words, for the log
    net::endpoint local;  // the source port actually used
    tls_report tls;
    std::vector<recipient_result> recipients;  // every recipient of every message
    bool connected() const { return end != session_end::connect_failed; }
};

// Called in this order, each at most once per session (message ones once per message);
// every call happens on the world's executor.
class session_observer {
public:
    virtual ~session_observer() = default;
    virtual void on_connected(const net::endpoint& local, const net::endpoint& remote) = 0;
    // STARTTLS not offered while the requirement wanted TLS (on_tls follows with the verdict).
    virtual void on_starttls_missing() = 0;
    // After STARTTLS and the verdict (also when the verdict refused, and after
    // on_starttls_missing); never for action no_tls.
    virtual void on_tls(const tls_report& report) = 0;
    virtual void on_message_start(const outgoing_message& message) = 0;
    virtual void on_message_done(const outgoing_message& message,
                                 const std::vector<recipient_result>& results) = 0;
};

struct session_ports {
    boost::asio::io_context& io;
    net::network& network;
    net::timer_service& timers;
    const core::clock& clock;
    tls::client_tls& tls;
};

using session_handler = core::unique_function<void(session_result)>;

// Runs one session; `observer` must outlive it. The handler runs exactly once, never
// from inside the call.
void run_session(session_ports ports, session_request request, session_observer& observer,
                 session_handler handler);

}  // namespace sts::smtp
