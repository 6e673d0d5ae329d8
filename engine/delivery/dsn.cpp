// engine/delivery/dsn.cpp
#include "engine/delivery/dsn.hpp"

#include "engine/core/calendar.hpp"
#include "engine/core/limits.hpp"

#include <fmt/format.h>

#include <chrono>
#include <string_view>

namespace sts::delivery {
namespace {

constexpr std::string_view crlf = "\r\n";

// Submitted addresses and our own reasons go into header fields; a CR or LF in them would
// start a new field (header injection), so every control character becomes a space.
std::string one_line(std::string_view text) {
    std::string out(text);
    for (auto& c : out) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) c = ' ';
    }
    return out;
}

// RFC 3462 §2: the header section of the original, up to its first empty line, cut at a
// line boundary when it exceeds the limit.
std::string original_headers(std::string_view data) {
    std::size_t end = data.find("\r\n\r\n");
    if (end != std::string_view::npos) {
        end += 2;  // keep the CRLF that ends the last header line
    } else {
        end = data.size();
    }
    std::string_view headers = data.substr(0, end);
    if (headers.size() > core::limits::dsn_original_headers_bytes_max) {
        headers = headers.substr(0, core::limits::dsn_original_headers_bytes_max);
        const auto last = headers.rfind(crlf);
        headers = last == std::string_view::npos ? std::string_view{} : headers.substr(0, last + 2);
    }
    std::string out(headers);
    if (!out.empty() && !out.ends_with(crlf)) out += crlf;
    return out;
}

}  // namespace

std::string rfc5322_date(core::time_point at) {
    const auto t = core::break_down_utc(at);
    return fmt::format("{}, {} {} {} {:02}:{:02}:{:02} +0000", t.weekday_name, t.day, t.month_name, t.year, t.hour,
                       t.minute, t.second);
}

std::optional<message> make_dsn(const dsn_request& request) {
    // RFC 5321 §4.5.5: never a notification about a notification (null reverse-path).
    if (request.original.mail_from.empty() || request.recipients.empty()) return std::nullopt;

    const std::string reporting = one_line(request.reporting_mta);
    const std::string sender = one_line(request.original.mail_from);
    const std::string headers = original_headers(request.original.data);

    // A boundary that occurs nowhere in the parts (RFC 2046 §5.1.1); only the copied
    // header section is not ours, so trying the next suffix is enough.
    std::string boundary;
    for (unsigned n = 0;; ++n) {
        boundary = fmt::format("=_mtasts-sim-dsn-{}-{}", request.mid, n);
        if (headers.find(boundary) == std::string::npos) break;
    }

    std::string out;
    const auto line = [&out](std::string_view text) {
        out += text;
        out += crlf;
    };
    line(fmt::format("From: Mail Delivery System <MAILER-DAEMON@{}>", reporting));
    line(fmt::format("To: <{}>", sender));
    line("Subject: Undelivered Mail Returned to Sender");
    line(fmt::format("Date: {}", rfc5322_date(request.generated_at)));
    line(fmt::format("Message-ID: <dsn.{}.{}@{}>", request.mid,
                     request.generated_at.time_since_epoch().count(), reporting));
    // RFC 3834 §5: an automatic response, so auto-responders stay quiet.
    line("Auto-Submitted: auto-replied");
    line("MIME-Version: 1.0");
    // RFC 6522 §3: multipart/report with report-type delivery-status (RFC 3464 §2).
    line("Content-Type: multipart/report; report-type=delivery-status;");
    line(fmt::format("\tboundary=\"{}\"", boundary));
    line("");
    line("This is a MIME-encapsulated message.");
    line("");

    line(fmt::format("--{}", boundary));
    line("Content-Description: Notification");
    line("Content-Type: text/plain; charset=us-ascii");
    line("");
    line(fmt::format("This is the mail system at host {}.", reporting));
    line("");
    line(fmt::format("Your message (MID {}) could not be delivered to one or more recipients.", request.mid));
    line("It has been given up on; the reasons follow.");
    line("");
    for (const auto& r : request.recipients) {
        line(fmt::format("<{}>: {}", one_line(r.address), one_line(r.reason)));
    }
    line("");

    line(fmt::format("--{}", boundary));
    line("Content-Description: Delivery report");
    line("Content-Type: message/delivery-status");
    line("");
    // RFC 3464 §2.2: per-message fields.
    line(fmt::format("Reporting-MTA: dns; {}", reporting));
    line(fmt::format("Arrival-Date: {}", rfc5322_date(request.arrival)));
    for (const auto& r : request.recipients) {
        // RFC 3464 §2.3: per-recipient fields, each group preceded by an empty line.
        line("");
        line(fmt::format("Final-Recipient: rfc822; {}", one_line(r.address)));
        line("Action: failed");
        line(fmt::format("Status: {}", one_line(r.status)));
        if (!r.remote_mta.empty()) line(fmt::format("Remote-MTA: dns; {}", one_line(r.remote_mta)));
        if (!r.diagnostic.empty()) line(fmt::format("Diagnostic-Code: smtp; {}", one_line(r.diagnostic)));
        line(fmt::format("Last-Attempt-Date: {}", rfc5322_date(r.last_attempt_at)));
    }
    line("");

    line(fmt::format("--{}", boundary));
    line("Content-Description: Undelivered Message Headers");
    line("Content-Type: text/rfc822-headers");
    line("");
    out += headers;
    line("");
    line(fmt::format("--{}--", boundary));

    message dsn;
    dsn.mail_from = "";  // RFC 5321 §4.5.5: null reverse-path
    dsn.rcpt_to.push_back(request.original.mail_from);
    dsn.data = std::move(out);
    return dsn;
}

}  // namespace sts::delivery
