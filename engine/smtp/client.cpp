// engine/smtp/client.cpp
//
// One SMTP session as an Asio C++20 coroutine over the byte-stream port. Every wait is
// bounded by a deadline on the timer port that closes the stream when it expires, so a
// stalled server costs virtual time only. Replies are parsed by reply_reader, which bounds
// what a peer can make us buffer; the read buffer is read from only when no complete reply
// is waiting, so the queue of parsed replies is bounded by one read.
#include "engine/smtp/client.hpp"

#include <utility>  // Boost 1.74's Asio uses std::exchange without including <utility>

#include "engine/core/clock.hpp"
#include "engine/core/peer_text.hpp"
#include "engine/net/asio_stream.hpp"
#include "engine/net/asio_connect.hpp"
#include "engine/net/asio_timer.hpp"
#include "engine/tls/borrowed_context.hpp"
#include "engine/net/network.hpp"
#include "engine/smtp/ehlo.hpp"
#include "engine/tls/client_tls.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <array>
#include <cassert>
#include <deque>
#include <exception>

namespace sts::smtp {

namespace {

namespace asio = boost::asio;
using tlsrpt::failure_reason;

// The body goes out in pieces of this size, each under the RFC 5321 §4.5.3.2.5 data-block
// timeout, so a slow reader is timed per block as the RFC intends, not per message.
constexpr std::size_t data_block_bytes = 64 * 1024;

// RFC 5321 §4.5.2: a line of message content that starts with "." gets one more "."; the
// content ends with CRLF "." CRLF (§4.1.1.4). Content that lacks a final CRLF gets one.
std::string dot_stuffed(const std::string& data) {
    std::string out;
    out.reserve(data.size() + data.size() / 64 + 8);
    bool line_start = true;
    for (const char c : data) {
        if (line_start && c == '.') out.push_back('.');
        out.push_back(c);
        line_start = c == '\n';
    }
    if (!out.empty() && !(out.size() >= 2 && out.compare(out.size() - 2, 2, "\r\n") == 0)) out += "\r\n";
    out += ".\r\n";
    return out;
}

// Which rule produced the requirement's names decides whether a subject CN may stand in
// for a missing SAN dNSName: never for MTA-STS (RFC 8461 §4.2 [STS-APPLY-04]), yes for the
// gateway's own verification (seg-behaviour.md).
bool names_from_mta_sts(tls::decision_rule rule) {
    switch (rule) {
        case tls::decision_rule::sts_enforce:
        case tls::decision_rule::sts_enforce_mx_mismatch:
        case tls::decision_rule::sts_testing:
        case tls::decision_rule::sts_testing_mx_mismatch:
        case tls::decision_rule::dane_unusable_sts_enforce:
        case tls::decision_rule::dane_unusable_sts_enforce_mx_mismatch:
        case tls::decision_rule::dane_unusable_sts_testing:
        case tls::decision_rule::dane_unusable_sts_testing_mx_mismatch:
            return true;
        default:
            return false;
    }
}

// Replaces a coarse reason the verdict gave with the precise one the TLS layer saw
// (expired vs not yet valid, untrusted vs self-signed), in every field that carries it.
void refine(tls::connection_verdict& v, failure_reason coarse, failure_reason precise) {
    if (v.failure == coarse) v.failure = precise;
    if (v.reported == coarse) v.reported = precise;
}

// Why an exchange with the server stopped.
enum class io_failure { none, timeout, lost, malformed };

class session {
public:
    session(session_ports ports, session_request request, session_observer& observer)
        : ports_(ports), request_(std::move(request)), observer_(observer) {
        for (const auto& m : request_.messages) {
            for (std::size_t i = 0; i < m.rcpt_to.size(); ++i) {
                recipient_result r;
                r.mid = m.mid;
                r.rid = i < m.rids.size() ? m.rids[i] : static_cast<unsigned>(i);
                result_.recipients.push_back(std::move(r));
            }
        }
    }

    asio::awaitable<void> run() {
        const tls::action what = request_.requirement.what;
        if (what == tls::action::skip_mx || what == tls::action::defer) {
            // decide() said not to contact this host; the caller should not have asked.
            result_.tls.verdict = tls::evaluate(request_.requirement, tls::handshake_facts{});
            end(session_end::tls_refused, request_.requirement.report_reason,
                "the TLS requirement forbids contacting this host");
            co_return;
        }
        if (!co_await connect()) co_return;
        if (!co_await greeting()) co_return;
        if (!co_await ehlo()) co_return;
        if (!co_await negotiate_tls()) co_return;
        co_await send_messages();
    }

    session_result take_result() { return std::move(result_); }

    // An unexpected exception (a programming error) still ends the session with a result.
    void fail_on_exception(const std::string& what) {
        if (!ended_)
            end(session_end::protocol_failed, failure_reason::mx_connection_lost, "internal error: " + what);
    }

private:
    // --- ending -------------------------------------------------------------------------

    void end(session_end how, std::optional<failure_reason> why, std::string detail) {
        if (ended_) return;
        ended_ = true;
        result_.end = how;
        result_.failure = why;
        result_.detail = std::move(detail);
        if (stream_) stream_->close();
    }

    void end_after_io_failure(io_failure f, std::string_view during) {
        switch (f) {
            case io_failure::timeout:
                end(session_end::protocol_failed, failure_reason::smtp_timeout,
                    fmt::format("timeout {}", during));
                return;
            case io_failure::malformed:
                end(session_end::protocol_failed, failure_reason::smtp_reply_malformed,
                    fmt::format("malformed reply {}: {}", during, malformed_detail_));
                return;
            case io_failure::lost:
            case io_failure::none:
                end(session_end::protocol_failed, failure_reason::mx_connection_lost,
                    fmt::format("connection lost {}", during));
                return;
        }
    }

    // RFC 5321 §4.1.1.10: a client that gives up on a usable session says QUIT. Its answer
    // is awaited (under the command timeout) but changes nothing.
    asio::awaitable<void> quit() {
        const std::string line = "QUIT\r\n";
        if (co_await write(line, request_.timeouts.command) == io_failure::none) {
            std::optional<reply> answer;
            co_await read_reply(request_.timeouts.command, answer);
        }
    }

    // --- I/O ----------------------------------------------------------------------------

    asio::awaitable<io_failure> write(const std::string& bytes, core::duration timeout) {
        const core::time_point deadline = ports_.clock.now() + timeout;
        net::deadline_guard guard(ports_.timers, deadline, [s = stream_.get()] { s->close(); });
        boost::system::error_code ec;
        const auto buffer = asio::buffer(bytes);
        if (tls_) {
            co_await asio::async_write(*tls_, buffer, asio::redirect_error(asio::use_awaitable, ec));
        } else {
            co_await asio::async_write(*plain_, buffer, asio::redirect_error(asio::use_awaitable, ec));
        }
        if (guard.expired()) co_return io_failure::timeout;
        co_return ec ? io_failure::lost : io_failure::none;
    }

    asio::awaitable<io_failure> read_reply(core::duration timeout, std::optional<reply>& out) {
        out.reset();
        const core::time_point deadline = ports_.clock.now() + timeout;
        net::deadline_guard guard(ports_.timers, deadline, [s = stream_.get()] { s->close(); });
        for (;;) {
            if (!pending_.empty()) {
                out = std::move(pending_.front());
                pending_.pop_front();
                co_return io_failure::none;
            }
            if (reader_.failed()) co_return io_failure::malformed;
            boost::system::error_code ec;
            std::size_t n = 0;
            const auto buffer = asio::buffer(buffer_);
            if (tls_) {
                n = co_await tls_->async_read_some(buffer, asio::redirect_error(asio::use_awaitable, ec));
            } else {
                n = co_await plain_->async_read_some(buffer, asio::redirect_error(asio::use_awaitable, ec));
            }
            if (guard.expired()) co_return io_failure::timeout;
            if (ec) co_return io_failure::lost;
            feed_result fed = reader_.feed(std::span<const char>(buffer_.data(), n));
            for (auto& r : fed.replies) pending_.push_back(std::move(r));
            if (fed.error) malformed_detail_ = fmt::format("{}: {}", fed.error->rule, fed.error->detail);
        }
    }

    // Sends one command line and reads its reply; the io_failure says why there is none.
    asio::awaitable<io_failure> command(const std::string& line, core::duration timeout,
                                        std::optional<reply>& out) {
        const std::string wire = line + "\r\n";
        const io_failure written = co_await write(wire, timeout);
        if (written != io_failure::none) co_return written;
        co_return co_await read_reply(timeout, out);
    }

    // --- the dialogue -------------------------------------------------------------------

    asio::awaitable<bool> connect() {
        auto id = std::make_shared<std::optional<net::connect_id>>();
        const core::time_point deadline = ports_.clock.now() + request_.timeouts.connect;
        net::network* network = &ports_.network;
        net::deadline_guard guard(ports_.timers, deadline, [network, id] {
            if (*id) network->cancel_connect(**id);
        });
        boost::system::error_code ec;
        std::unique_ptr<net::byte_stream> stream =
            co_await net::async_connect(ports_.network, request_.source_address, request_.server, id,
                                   asio::redirect_error(asio::use_awaitable, ec));
        if (guard.expired() || (ec == asio::error::operation_aborted)) {
            end(session_end::connect_failed, failure_reason::mx_connect_timeout,
                fmt::format("connect to {} timed out", net::to_string(request_.server)));
            co_return false;
        }
        if (ec || !stream) {
            end(session_end::connect_failed, failure_reason::mx_connect_refused,
                fmt::format("connect to {}: {}", net::to_string(request_.server), ec.message()));
            co_return false;
        }
        guard.disarm();
        stream_ = std::move(stream);
        plain_.emplace(ports_.io.get_executor(), *stream_);
        result_.local = stream_->local_endpoint();
        observer_.on_connected(result_.local, stream_->remote_endpoint());
        co_return true;
    }

    asio::awaitable<bool> greeting() {
        std::optional<reply> r;
        const io_failure f = co_await read_reply(request_.timeouts.greeting, r);
        if (f != io_failure::none) {
            end_after_io_failure(f, "waiting for the greeting");
            co_return false;
        }
        // RFC 5321 §3.1, §4.3.2: the greeting is 220; 554 (or 421) refuses the session.
        if (r->code != 220) {
            const auto reason = r->is_transient_negative() ? failure_reason::smtp_command_transient_failure
                                                           : failure_reason::smtp_command_permanent_failure;
            const std::string detail = "greeting: " + std::to_string(r->code) + " " + log_response_text(*r);
            co_await quit();
            end(session_end::greeting_refused, reason, detail);
            co_return false;
        }
        co_return true;
    }

    asio::awaitable<bool> ehlo() {
        std::optional<reply> r;
        const std::string line = "EHLO " + request_.ehlo_name;
        io_failure f = co_await command(line, request_.timeouts.command, r);
        if (f != io_failure::none) {
            end_after_io_failure(f, "after EHLO");
            co_return false;
        }
        if (r->code == 250) {
            auto parsed = ehlo_response::parse(*r);
            if (parsed.has_value()) {
                extensions_ = std::move(*parsed);
                co_return true;
            }
        }
        // RFC 5321 §3.2: a server that does not know EHLO may be greeted with HELO. Only a
        // session that could end in clear text anyway does so, since HELO offers no STARTTLS.
        if (r->is_permanent_negative() && tls::may_fall_back_to_clear(request_.requirement.security)) {
            const std::string helo = "HELO " + request_.ehlo_name;
            f = co_await command(helo, request_.timeouts.command, r);
            if (f != io_failure::none) {
                end_after_io_failure(f, "after HELO");
                co_return false;
            }
            if (r->is_positive_completion()) {
                extensions_ = ehlo_response{};
                co_return true;
            }
        }
        const std::string detail = "EHLO: " + std::to_string(r->code) + " " + log_response_text(*r);
        co_await quit();
        end(session_end::protocol_failed,
            r->is_transient_negative() ? failure_reason::smtp_command_transient_failure
                                       : failure_reason::smtp_command_permanent_failure,
            detail);
        co_return false;
    }

    tls::peer_check peer_check() const {
        const tls::connection_requirement& req = request_.requirement;
        tls::peer_check check;
        // RFC 8461 §7.1 [STS-APPLY-06], RFC 7672 §8.1: SNI is the MX host name.
        check.sni = request_.server_name;
        check.reference_names = req.reference_names;
        check.audit_names = req.audit_names;
        check.min_version = req.tls_version_min;
        const bool sts = names_from_mta_sts(req.rule);
        check.reference_cn_fallback = !sts;
        check.audit_cn_fallback = req.audit == tls::audit_kind::log_only;
        if (req.what == tls::action::require_dane) {
            check.dane = true;
            check.tlsa = request_.tlsa;
            if (check.reference_names.empty()) check.reference_names = {request_.server_name};
        }
        return check;
    }

    // Runs STARTTLS as the requirement says and applies the verdict. True: go on sending (over
    // TLS, or in clear where the verdict allows it).
    asio::awaitable<bool> negotiate_tls() {
        const tls::connection_requirement& req = request_.requirement;
        tls_report& report = result_.tls;
        if (req.what == tls::action::no_tls) {
            report.verdict = tls::evaluate(req, report.facts);
            co_return true;
        }
        // RFC 3207 §4 [STS-APPLY-19, DANE-10]: STARTTLS only when offered.
        if (!extensions_.has("STARTTLS")) {
            report.facts.starttls = tls::starttls_result::not_offered;
            observer_.on_starttls_missing();
            co_return co_await apply_pre_220_verdict("STARTTLS not offered");
        }
        report.attempted = true;
        std::optional<reply> r;
        const std::string line = "STARTTLS";
        const io_failure f = co_await command(line, request_.timeouts.command, r);
        if (f != io_failure::none) {
            end_after_io_failure(f, "after STARTTLS");
            co_return false;
        }
        if (r->code != 220) {
            report.facts.starttls = r->is_transient_negative() ? tls::starttls_result::refused_transient
                                                               : tls::starttls_result::refused_permanent;
            const std::string detail = "STARTTLS: " + std::to_string(r->code) + " " + log_response_text(*r);
            co_return co_await apply_pre_220_verdict(detail);
        }
        // RFC 3207 §4.2 (CVE-2011-0411): nothing may follow the 220 in clear text. What did
        // arrives before any TLS and is thrown away unread, never fed to TLS or SMTP.
        if (reader_.has_buffered_bytes() || !pending_.empty() || reader_.failed()) {
            report.plaintext_discarded = true;
            pending_.clear();
            reader_ = reply_reader{};
        }
        co_return co_await handshake();
    }

    // STARTTLS failed before its 220 (not offered, refused): the verdict says whether this
    // session may carry the mail in clear text.
    asio::awaitable<bool> apply_pre_220_verdict(std::string detail) {
        tls_report& report = result_.tls;
        report.verdict = tls::evaluate(request_.requirement, report.facts);
        report.failure_detail = std::move(detail);
        observer_.on_tls(report);
        if (report.verdict.what == tls::next_step::refuse) {
            // RFC 8461 §5 [STS-APPLY-09, STS-SEC-01], RFC 7672 §2.2 [DANE-10]: nothing is sent.
            co_await quit();
            end(session_end::tls_refused, report.verdict.failure, report.failure_detail);
            co_return false;
        }
        co_return true;
    }

    asio::awaitable<bool> handshake() {
        tls_report& report = result_.tls;
        const tls::peer_check check = peer_check();
        ssl_context_.emplace(tls::borrow_context(ports_.tls.context()));
        tls_.emplace(*plain_, *ssl_context_);
        SSL* ssl = tls_->native_handle();

        std::optional<std::pair<failure_reason, std::string>> failed;
        const auto prepared = ports_.tls.prepare(ssl, check);
        if (!prepared.has_value()) {
            failed.emplace(failure_reason::tls_handshake_failed, prepared.error());
        } else {
            const core::time_point deadline = ports_.clock.now() + request_.timeouts.tls_handshake;
            net::deadline_guard guard(ports_.timers, deadline, [s = stream_.get()] { s->close(); });
            boost::system::error_code ec;
            co_await tls_->async_handshake(asio::ssl::stream_base::client,
                                           asio::redirect_error(asio::use_awaitable, ec));
            if (guard.expired()) {
                failed.emplace(failure_reason::tls_handshake_failed, "TLS handshake timed out");
            } else if (ec) {
                const unsigned long reported = ec.category() == asio::error::get_ssl_category()
                                                   ? static_cast<unsigned long>(ec.value())
                                                   : 0;
                failed = ports_.tls.handshake_failure(ssl, reported);
            }
        }

        if (failed) {
            report.facts.starttls = tls::starttls_result::handshake_failed;
            report.verdict = tls::evaluate(request_.requirement, report.facts);
            // A16: a peer that only speaks a protocol below the floor is reported as such,
            // as when an established session shows the old version.
            refine(report.verdict, failure_reason::tls_handshake_failed, failed->first);
            report.failure_detail = failed->second;
            observer_.on_tls(report);
            // seg-behaviour.md: after the 220 there is no clear-text fallback on this session,
            // whatever the requirement; the stream's state is unknown, so it is just closed.
            const bool tls_required = request_.requirement.what != tls::action::try_tls;
            end(tls_required ? session_end::tls_refused : session_end::protocol_failed, failed->first,
                "TLS handshake failed: " + failed->second);
            co_return false;
        }

        const tls::peer_observation seen = ports_.tls.observe(ssl, check);
        tls_active_ = true;
        report.facts.starttls = tls::starttls_result::established;
        report.facts.version = seen.version;
        report.facts.chain = seen.chain;
        report.facts.reference_name_match = seen.reference_name_match;
        report.facts.audit_name_match = seen.audit_name_match;
        report.facts.tlsa_match = seen.tlsa_match;
        report.protocol = seen.protocol;
        report.cipher = seen.cipher;
        report.peer_subject = seen.leaf_subject;
        report.verdict = tls::evaluate(request_.requirement, report.facts);
        if (seen.chain_failure) {
            refine(report.verdict, failure_reason::mx_certificate_untrusted, *seen.chain_failure);
            refine(report.verdict, failure_reason::mx_certificate_expired, *seen.chain_failure);
        }
        if (report.verdict.failure) {
            const bool chain_reason =
                report.verdict.failure != failure_reason::mx_certificate_host_mismatch &&
                report.verdict.failure != failure_reason::tls_version_too_old;
            report.failure_detail = chain_reason && !seen.chain_detail.empty()
                                        ? seen.chain_detail
                                        : std::string(tls::log_wording(*report.verdict.failure));
        }
        observer_.on_tls(report);
        if (report.verdict.what == tls::next_step::refuse) {
            co_await quit();
            end(session_end::tls_refused, report.verdict.failure, report.failure_detail);
            co_return false;
        }
        // RFC 3207 §4.2: the server's extensions are learnt afresh over TLS.
        co_return co_await ehlo();
    }

    // --- messages -----------------------------------------------------------------------

    asio::awaitable<void> send_messages() {
        // RFC 8461 §4.2, RFC 7672 §2.2: a requirement that must encrypt never reaches MAIL
        // in clear text. The verdict already refused such sessions; this is the backstop.
        if (tls::must_encrypt(request_.requirement.security) && !tls_active_) {
            assert(false && "clear-text MAIL under a requirement that must encrypt");
            end(session_end::tls_refused, failure_reason::starttls_not_offered,
                "refusing to send in clear text: the requirement must encrypt");
            co_return;
        }
        std::size_t first = 0;
        for (std::size_t m = 0; m < request_.messages.size(); ++m) {
            const outgoing_message& message = request_.messages[m];
            if (m > 0) {
                // RFC 5321 §4.1.1.5: a clean transaction state for the next message.
                std::optional<reply> r;
                const std::string line = "RSET";
                const io_failure f = co_await command(line, request_.timeouts.command, r);
                if (f != io_failure::none) {
                    end_after_io_failure(f, "after RSET");
                    co_return;
                }
                if (!r->is_positive_completion()) {
                    const std::string detail =
                        "RSET: " + std::to_string(r->code) + " " + log_response_text(*r);
                    co_await quit();
                    end(session_end::protocol_failed, failure_reason::smtp_command_transient_failure, detail);
                    co_return;
                }
            }
            const bool alive = co_await send_message(message, first);
            first += message.rcpt_to.size();
            if (!alive) co_return;
        }
        co_await quit();
        end(session_end::completed, std::nullopt, "");
    }

    static void decide(recipient_result& r, const reply& answer) {
        r.status = answer.is_positive_completion()  ? recipient_status::delivered
                   : answer.is_permanent_negative() ? recipient_status::permanent
                                                    : recipient_status::transient;
        r.decisive_reply = answer;
    }

    // One transaction. False when the session died; the message's undecided recipients are
    // then transient (the session failed before an answer).
    asio::awaitable<bool> send_message(const outgoing_message& message, std::size_t first) {
        observer_.on_message_start(message);
        const std::size_t count = message.rcpt_to.size();
        auto results = [&]() -> std::vector<recipient_result> {
            return {result_.recipients.begin() + static_cast<std::ptrdiff_t>(first),
                    result_.recipients.begin() + static_cast<std::ptrdiff_t>(first + count)};
        };
        auto fail_undecided = [&](io_failure f, std::string_view during) {
            for (std::size_t i = first; i < first + count; ++i) {
                auto& r = result_.recipients[i];
                if (r.status == recipient_status::not_attempted || r.status == recipient_status::delivered) {
                    r.status = recipient_status::transient;
                }
            }
            observer_.on_message_done(message, results());
            end_after_io_failure(f, during);
        };
        auto reject_all = [&](const reply& answer, const std::vector<std::size_t>& which) {
            for (const std::size_t i : which) decide(result_.recipients[i], answer);
        };

        std::optional<reply> r;
        const std::string mail = "MAIL FROM:<" + message.mail_from + ">";
        io_failure f = co_await command(mail, request_.timeouts.mail, r);
        if (f != io_failure::none) {
            fail_undecided(f, "after MAIL FROM");
            co_return false;
        }
        if (!r->is_positive_completion()) {
            std::vector<std::size_t> everyone;
            for (std::size_t i = first; i < first + count; ++i) everyone.push_back(i);
            reject_all(*r, everyone);
            observer_.on_message_done(message, results());
            co_return true;
        }

        std::vector<std::size_t> accepted;
        for (std::size_t i = 0; i < count; ++i) {
            const std::string rcpt = "RCPT TO:<" + message.rcpt_to[i] + ">";
            f = co_await command(rcpt, request_.timeouts.rcpt, r);
            if (f != io_failure::none) {
                fail_undecided(f, "after RCPT TO");
                co_return false;
            }
            if (r->is_positive_completion()) {
                accepted.push_back(first + i);
            } else {
                decide(result_.recipients[first + i], *r);  // RFC 5321 §4.2.5: 4xx try later, 5xx never
            }
        }
        if (accepted.empty()) {
            observer_.on_message_done(message, results());
            co_return true;
        }

        const std::string data = "DATA";
        f = co_await command(data, request_.timeouts.data_init, r);
        if (f != io_failure::none) {
            fail_undecided(f, "after DATA");
            co_return false;
        }
        if (r->code != 354) {
            reject_all(*r, accepted);
            observer_.on_message_done(message, results());
            co_return true;
        }

        const std::string body = dot_stuffed(message.data);
        for (std::size_t at = 0; at < body.size(); at += data_block_bytes) {
            const std::string block = body.substr(at, data_block_bytes);
            f = co_await write(block, request_.timeouts.data_block);
            if (f != io_failure::none) {
                fail_undecided(f, "while sending the message");
                co_return false;
            }
        }
        f = co_await read_reply(request_.timeouts.data_term, r);
        if (f != io_failure::none) {
            fail_undecided(f, "after the end of data");
            co_return false;
        }
        reject_all(*r, accepted);  // the final reply decides for every accepted recipient
        observer_.on_message_done(message, results());
        co_return true;
    }

    session_ports ports_;
    session_request request_;
    session_observer& observer_;
    session_result result_;
    bool ended_ = false;

    // Destroyed in reverse: the TLS stream before the adapter before the byte stream.
    std::unique_ptr<net::byte_stream> stream_;
    std::optional<net::asio_stream> plain_;
    std::optional<asio::ssl::context> ssl_context_;
    std::optional<asio::ssl::stream<net::asio_stream&>> tls_;
    bool tls_active_ = false;

    reply_reader reader_;
    std::deque<reply> pending_;  // complete replies from the last read, not yet consumed
    std::string malformed_detail_;
    std::array<char, 4096> buffer_{};
    ehlo_response extensions_;
};

}  // namespace

void run_session(session_ports ports, session_request request, session_observer& observer,
                 session_handler handler) {
    auto s = std::make_shared<session>(ports, std::move(request), observer);
    // co_spawn starts the coroutine from the executor, never inside this call, and so the
    // handler too runs later, exactly once: here, when the coroutine has finished.
    asio::co_spawn(ports.io, s->run(), [s, h = std::move(handler)](std::exception_ptr e) mutable {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                s->fail_on_exception(ex.what());
            } catch (...) {
                s->fail_on_exception("unknown exception");
            }
        }
        std::move(h)(s->take_result());
    });
}

}  // namespace sts::smtp
