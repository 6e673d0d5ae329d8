// mocks/smtp/receiver_config.hpp
//
// What a mock SMTP receiver is (issue 3, item 6), as plain data the world loader fills in:
// its name and address, what it offers (EHLO keywords, STARTTLS per RFC 3207), its TLS
// identity and version caps (mocks/tls/server_tls.hpp), and the faults of the field it
// can be made to show. Faults are data, never code paths of their own:
//
// - A reply_override replaces the normal answer at one step of the dialogue (the greeting,
//   EHLO, STARTTLS, MAIL, RCPT, DATA, the end of data, RSET, NOOP, QUIT), every time or
//   only the Nth time, and can then close the connection or stall. "Stall after EHLO",
//   "454 to STARTTLS", "421 at the greeting of the first connection only" and "550 to the
//   second RCPT" are all overrides (see the named constructors below).
// - A handshake_fault breaks the TLS handshake right after the 220 to STARTTLS.
// - Plaintext injected after STARTTLS rides in the same write as the 220, the
//   CVE-2011-0411 class of attack the client must defeat by discarding it.
//
// It deliberately does not model authentication, BDAT/CHUNKING, DSN parameters or relay
// rules: an MTA-STS sender's behaviour does not depend on them.
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

// The points of an SMTP dialogue a fault can be attached to. `ehlo` covers HELO too;
// `tls_established` is reached when a STARTTLS handshake completes (nothing is said there,
// so only its `then` is used: "stall after the handshake").
enum class smtp_step : std::uint8_t {
    greeting,
    ehlo,
    starttls,
    tls_established,
    mail,
    rcpt,
    data,
    end_of_data,
    rset,
    noop,
    quit,
};

const char* to_string(smtp_step step);

enum class after_reply : std::uint8_t {
    carry_on,  // the dialogue goes on (a 4xx/5xx reply makes the command fail)
    close,     // the receiver closes the connection after the reply
    stall,     // the receiver answers nothing more, but keeps the connection open until the peer closes
};

struct reply_override {
    smtp_step step = smtp_step::greeting;
    // 0: every time the step is reached; N: only the Nth time, counted over the receiver's
    // whole life (so "the first connection's greeting" is occurrence 1 of the greeting).
    unsigned occurrence = 0;
    // std::nullopt keeps the normal reply; "" says nothing at all. Otherwise the complete
    // reply, lines separated by '\n' and each starting with its code, e.g.
    // "451 4.3.0 Try again later". A 2xx/3xx override succeeds with a different text, a
    // 4xx/5xx one makes the command fail. A 421 reply always closes (RFC 5321 §3.8).
    std::optional<std::string> reply;
    after_reply then = after_reply::carry_on;
    // The reply never ends: its lines go out as continuation lines ("250-..."), then more
    // continuation lines of its code follow until receiver_config::endless_reply_bytes_max,
    // and then the receiver stalls. RFC 5321 §4.2.1 puts no bound on the lines of a reply,
    // so only the client's own bound ends it.
    bool endless = false;
};

// Named forms of the common faults, as scenarios speak of them.
reply_override fail_at(smtp_step step, std::string reply, unsigned occurrence = 0);
reply_override stall_after(smtp_step step, unsigned occurrence = 0);  // answers normally, then stalls
reply_override stall_before_greeting();                               // accepts and never says a word
reply_override refuse_starttls(std::string reply = "454 4.7.0 TLS not available");

enum class handshake_fault : std::uint8_t {
    none,
    close_after_reply,  // the 220 to STARTTLS, then the connection closes
    garbage_reply,      // the ClientHello is answered with bytes that are not TLS, then a close
};

struct receiver_config {
    std::string host_name;  // in the greeting, the EHLO reply and every transcript entry
    net::endpoint listen{"", 25};
    std::string greeting_text = "ESMTP mock";  // "220 <host_name> <greeting_text>"
    // Advertised in this order after the host line; STARTTLS is added last when offered.
    std::vector<std::string> ehlo_keywords = {"PIPELINING", "SIZE 10240000", "8BITMIME",
                                              "ENHANCEDSTATUSCODES"};
    bool starttls_offered = true;
    tls_server_config tls;
    handshake_fault handshake = handshake_fault::none;
    // Plaintext sent in the same write as "220 2.0.0 Ready to start TLS", e.g.
    // "250 injected\r\n". A correct client never lets it reach its TLS or SMTP layer.
    std::string starttls_injection;
    std::vector<reply_override> overrides;

    // Bounds on what a peer can make the receiver hold or do. RFC 5321 §4.5.3.1.4 and
    // §4.5.3.1.6 allow 512-octet commands and 1000-octet text lines; the mock accepts more,
    // since judging the client's line lengths is not its job, but a longer line gets
    // "500 5.5.2 line too long" and a close.
    std::size_t line_bytes_max = 4096;
    // The SIZE it advertises by default; a longer message is read to its end and refused
    // with 552 (RFC 1870; RFC 5321 §4.5.3.1.7).
    std::size_t message_bytes_max = 10'240'000;
    // Bytes of each delivered message kept for assertions; the size is always recorded.
    std::size_t stored_message_bytes_max = 64 * 1024;
    // RFC 5321 §4.5.3.1.8 requires at least 100 recipients per message.
    std::size_t recipients_max = 100;
    // Commands on one connection (not counting message lines): a client that loops on
    // NOOP or RSET cannot grow the transcript without end.
    std::size_t commands_per_connection_max = 10'000;
    std::size_t concurrent_connections_max = 256;
    std::size_t received_messages_max = 100'000;
    // RFC 5321 §4.5.3.2.7: a server should wait at least 5 minutes for the next command.
    // A stalling receiver never times out: it waits for the peer to close.
    core::duration idle_timeout = std::chrono::minutes{5};
    // The simulated network has no flow control, so an endless reply stops after this many
    // bytes (about 16000 lines) and the receiver stalls: far past any client's bound.
    std::size_t endless_reply_bytes_max = 1024 * 1024;
};

// An empty string when the receiver can run with `config`, else the first problem found:
// a missing host name or listen address, an override reply that is not a list of
// "NNN text" lines, a text override on a step that says nothing, a zero bound.
std::string validate(const receiver_config& config);

}  // namespace sts::mocks
