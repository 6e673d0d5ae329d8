// engine/log/delivery_lines.hpp
//
// The wording of every mail-log line the delivery queue writes (log-format.md, "Delivery
// lines around them"): one function per line family, returning the text after the
// `<timestamp> <Level>: ` prefix that engine/log/mail_log.hpp adds. The product's
// long-standing forms are reproduced exactly, spacing quirks included (`From: <a>` with a
// space, RID lists as `[0, 1]`, `STARTTLS command not supported.` with its full stop);
// customers' tooling greps them.
//
// Lines the product's documentation does not show (a report-only verify error, plaintext
// discarded after STARTTLS, the retry time, the DSN, the bounce re-check, a broken
// conservation count) are ours, in the same style, and marked
// "ours" below; the README's log reference lists them.
//
// The planning phase (DNS, TXT record, policy fetch, MX hosts a policy does not list,
// `DNS Temporary Failure`) is engine/log/policy_lines.hpp's.
//
// Everything that came from a peer (reply text, OpenSSL's reason for a failed handshake)
// or from a submitter (addresses) goes through core::quote_peer_text here, so a caller can
// never forget it. SMTP replies use smtp::log_response_text / log_reply_tuple, which quote
// each line themselves.
#pragma once

#include "engine/core/time.hpp"
#include "engine/smtp/reply.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace sts::log {

// `[0, 1]`
std::string rid_list(std::span<const unsigned> rids);

// `MID <m> queued for delivery`
std::string queued_for_delivery(std::uint64_t mid);
// `New SMTP DCID <d> interface <src ip> address <dst ip> port <port>`
std::string new_smtp_connection(std::uint64_t dcid, std::string_view interface_address,
                                std::string_view address, std::uint16_t port);
// `DCID <d> TLS success protocol <p> cipher <c>`
std::string tls_success(std::uint64_t dcid, std::string_view protocol, std::string_view cipher);
// `DCID <d> STARTTLS command not supported.`
std::string starttls_not_supported(std::uint64_t dcid);
// `DCID <d> TLS failed: <reason>`
std::string tls_failed(std::uint64_t dcid, std::string_view reason);
// `DCID <d> TLS deferring: verify error: <reason>`
std::string tls_deferring_verify_error(std::uint64_t dcid, std::string_view reason);
// `DCID <d> TLS was required but could not be successfully negotiated`
std::string tls_required_not_negotiated(std::uint64_t dcid);
// `MTA-STS policy for the domain (<domain>) Successful.`: the session met the policy.
std::string policy_successful(std::string_view domain);
// `Delivery start DCID <d> MID <m> to RID [<r>, ...]`
std::string delivery_start(std::uint64_t dcid, std::uint64_t mid, std::span<const unsigned> rids);
// `Message done DCID <d> MID <m> to RID [<r>, ...]`
std::string message_done(std::uint64_t dcid, std::uint64_t mid, std::span<const unsigned> rids);
// `MID <m> RID [<r>, ...] Response '<reply text>'`
std::string response(std::uint64_t mid, std::span<const unsigned> rids, const smtp::reply& reply);
// `Message finished MID <m> done`
std::string message_finished(std::uint64_t mid);
// `DCID <d> close`
std::string connection_close(std::uint64_t dcid);

// The fields of a Delayed: or Bounced: line.
struct recipient_event {
    std::uint64_t dcid = 0;  // 0 when no connection was made
    std::uint64_t mid = 0;
    std::string_view from;
    std::string_view to;
    unsigned rid = 0;
    std::string_view status;       // "4.7.5"
    std::string_view text;         // our words
    std::string_view reply_tuple;  // "('451', ['4.7.1 later'])", see reply_tuple() below
};
// `Delayed: DCID <d> MID <m> From: <<a>> To: <<b>> RID <r> - <4.x.y> - <text> ('<code>', ['<reply>'])`
std::string delayed(const recipient_event& e);
// `Bounced: DCID <d> MID <m> From: <<a>> To: <<b>> RID <r> - <5.x.y> - <text> ('<code>', ['<reply>'])`
std::string bounced(const recipient_event& e);
// The reply part of those lines when there was no SMTP reply: `('000', ['<our words>'])`,
// or `('000', [])` for no words.
std::string no_reply_tuple(std::string_view words);

// `Connection Error: DCID <d> domain: <domain> IP: <ip> port: <port> details: <err> interface: <ip> reason: <reason>`
std::string connection_error(std::uint64_t dcid, std::string_view domain, std::string_view address,
                             std::uint16_t port, std::string_view details, std::string_view interface_address,
                             std::string_view reason);

// ours: a verification failure that a Preferred-Verify profile or a testing policy only
// records: `DCID <d> TLS verify error: <reason> (not enforced)`
std::string tls_verify_error_not_enforced(std::uint64_t dcid, std::string_view reason);
// ours: `DCID <d> STARTTLS plaintext after the 220 reply discarded`
std::string starttls_plaintext_discarded(std::uint64_t dcid);
// ours, debug: `MID <m> RID [<r>, ...] next attempt at <timestamp>`
std::string next_attempt(std::uint64_t mid, std::span<const unsigned> rids, core::time_point at);
// ours: `MID <m> RID [<r>, ...] bounce DSN generated to <<sender>>`
std::string dsn_generated(std::uint64_t mid, std::span<const unsigned> rids, std::string_view sender);
// ours: `MID <m> MTA-STS policy for the domain (<domain>) re-checked before bounce: <verdict>`
std::string bounce_recheck(std::uint64_t mid, std::string_view domain, std::string_view verdict);
// ours, critical: `Message conservation violated: accepted <a> delivered <d> bounced <b> queued <q>`
std::string conservation_violated(std::uint64_t accepted, std::uint64_t delivered, std::uint64_t bounced,
                                  std::uint64_t queued);

}  // namespace sts::log
