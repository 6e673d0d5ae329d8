// engine/log/delivery_lines.cpp
#include "engine/log/delivery_lines.hpp"

#include "engine/core/peer_text.hpp"
#include "engine/log/mail_log.hpp"

#include <fmt/format.h>

namespace sts::log {
namespace {

// Quoted text inside '...' must not end the quotes early: the same escaping the SMTP
// reply helpers use for their lines.
std::string quote_in_single_quotes(std::string_view text) {
    std::string out;
    for (const char c : core::quote_peer_text(text)) {
        if (c == '\'') out += '\\';
        out += c;
    }
    return out;
}

std::string recipient_line(std::string_view family, const recipient_event& e) {
    return fmt::format("{}: DCID {} MID {} From: <{}> To: <{}> RID {} - {} - {} {}", family, e.dcid, e.mid,
                       core::quote_peer_text(e.from), core::quote_peer_text(e.to), e.rid, e.status, e.text,
                       e.reply_tuple);
}

}  // namespace

std::string rid_list(std::span<const unsigned> rids) { return fmt::format("[{}]", fmt::join(rids, ", ")); }

std::string queued_for_delivery(std::uint64_t mid) { return fmt::format("MID {} queued for delivery", mid); }

std::string new_smtp_connection(std::uint64_t dcid, std::string_view interface_address, std::string_view address,
                                std::uint16_t port) {
    return fmt::format("New SMTP DCID {} interface {} address {} port {}", dcid, interface_address, address, port);
}

std::string tls_success(std::uint64_t dcid, std::string_view protocol, std::string_view cipher) {
    return fmt::format("DCID {} TLS success protocol {} cipher {}", dcid, core::quote_peer_text(protocol),
                       core::quote_peer_text(cipher));
}

std::string starttls_not_supported(std::uint64_t dcid) {
    return fmt::format("DCID {} STARTTLS command not supported.", dcid);
}

std::string tls_failed(std::uint64_t dcid, std::string_view reason) {
    return fmt::format("DCID {} TLS failed: {}", dcid, core::quote_peer_text(reason));
}

std::string tls_deferring_verify_error(std::uint64_t dcid, std::string_view reason) {
    return fmt::format("DCID {} TLS deferring: verify error: {}", dcid, core::quote_peer_text(reason));
}

std::string tls_required_not_negotiated(std::uint64_t dcid) {
    return fmt::format("DCID {} TLS was required but could not be successfully negotiated", dcid);
}

std::string policy_successful(std::string_view domain) {
    return fmt::format("MTA-STS policy for the domain ({}) Successful.", core::quote_peer_text(domain));
}

std::string delivery_start(std::uint64_t dcid, std::uint64_t mid, std::span<const unsigned> rids) {
    return fmt::format("Delivery start DCID {} MID {} to RID {}", dcid, mid, rid_list(rids));
}

std::string message_done(std::uint64_t dcid, std::uint64_t mid, std::span<const unsigned> rids) {
    return fmt::format("Message done DCID {} MID {} to RID {}", dcid, mid, rid_list(rids));
}

std::string response(std::uint64_t mid, std::span<const unsigned> rids, const smtp::reply& reply) {
    return fmt::format("MID {} RID {} Response '{}'", mid, rid_list(rids), smtp::log_response_text(reply));
}

std::string message_finished(std::uint64_t mid) { return fmt::format("Message finished MID {} done", mid); }

std::string connection_close(std::uint64_t dcid) { return fmt::format("DCID {} close", dcid); }

std::string delayed(const recipient_event& e) { return recipient_line("Delayed", e); }

std::string bounced(const recipient_event& e) { return recipient_line("Bounced", e); }

std::string no_reply_tuple(std::string_view words) {
    if (words.empty()) return "('000', [])";
    return fmt::format("('000', ['{}'])", quote_in_single_quotes(words));
}

std::string connection_error(std::uint64_t dcid, std::string_view domain, std::string_view address,
                             std::uint16_t port, std::string_view details, std::string_view interface_address,
                             std::string_view reason) {
    return fmt::format("Connection Error: DCID {} domain: {} IP: {} port: {} details: {} interface: {} reason: {}",
                       dcid, domain, address, port, core::quote_peer_text(details), interface_address, reason);
}

std::string tls_verify_error_not_enforced(std::uint64_t dcid, std::string_view reason) {
    return fmt::format("DCID {} TLS verify error: {} (not enforced)", dcid, core::quote_peer_text(reason));
}

std::string starttls_plaintext_discarded(std::uint64_t dcid) {
    return fmt::format("DCID {} STARTTLS plaintext after the 220 reply discarded", dcid);
}

std::string next_attempt(std::uint64_t mid, std::span<const unsigned> rids, core::time_point at) {
    return fmt::format("MID {} RID {} next attempt at {}", mid, rid_list(rids), format_timestamp(at));
}

std::string dsn_generated(std::uint64_t mid, std::span<const unsigned> rids, std::string_view sender) {
    return fmt::format("MID {} RID {} bounce DSN generated to <{}>", mid, rid_list(rids),
                       core::quote_peer_text(sender));
}

std::string bounce_recheck(std::uint64_t mid, std::string_view domain, std::string_view verdict) {
    return fmt::format("MID {} MTA-STS policy for the domain ({}) re-checked before bounce: {}", mid, domain,
                       verdict);
}

std::string conservation_violated(std::uint64_t accepted, std::uint64_t delivered, std::uint64_t bounced,
                                  std::uint64_t queued) {
    return fmt::format("Message conservation violated: accepted {} delivered {} bounced {} queued {}", accepted,
                       delivered, bounced, queued);
}

}  // namespace sts::log
