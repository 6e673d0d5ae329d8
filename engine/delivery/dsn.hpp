// engine/delivery/dsn.hpp
//
// The delivery status notification the engine sends to the sender of a message whose
// recipients bounced: an RFC 3464 multipart/report (RFC 6522) with three parts, a
// human-readable explanation, the message/delivery-status fields (per message: Reporting-
// MTA, Arrival-Date; per recipient: Final-Recipient, Action: failed, Status, Remote-MTA,
// Diagnostic-Code, Last-Attempt-Date), and the original message's header section
// (text/rfc822-headers, so the DSN never carries the body back, RFC 3462 §2).
//
// Deterministic by construction: dates come from the time points passed in (the world's
// virtual clock), the boundary and Message-ID from the MID. RFC 5321 §4.5.5: the DSN has a
// null reverse-path, and a message that itself had a null reverse-path gets no DSN, so two
// servers can never bounce a bounce to each other forever.
//
// Peer text (SMTP replies) arrives already quoted by core::quote_peer_text; this file
// quotes again nothing, and caps the original header section at
// limits::dsn_original_headers_bytes_max.
#pragma once

#include "engine/core/time.hpp"
#include "engine/delivery/message.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sts::delivery {

struct dsn_recipient {
    std::string address;            // the forward-path as submitted
    std::string status;             // RFC 3463 code, "5.1.1" or "4.7.5"
    std::string remote_mta;         // MX host name; empty: no Remote-MTA field
    std::string diagnostic;         // SMTP reply ("550 5.1.1 no such user"); empty: none
    std::string reason;             // our words, for the human-readable part
    core::time_point last_attempt_at{};
};

struct dsn_request {
    std::string reporting_mta;        // the gateway's host name (its EHLO name)
    std::uint64_t mid = 0;            // the original message's MID
    core::time_point arrival{};       // when the original was accepted
    core::time_point generated_at{};  // now, on the world's clock
    message original;
    std::vector<dsn_recipient> recipients;  // the recipients that bounced, at least one
};

// The DSN, or nothing when RFC 5321 §4.5.5 forbids one (null sender, or no recipient).
std::optional<message> make_dsn(const dsn_request& request);

// RFC 5322 §3.3 date-time in UTC: "Thu, 26 Sep 2024 15:23:39 +0000".
std::string rfc5322_date(core::time_point at);

}  // namespace sts::delivery
