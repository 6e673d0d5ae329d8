// engine/tlsrpt/report_message.hpp
//
// The mail that carries a TLS-RPT report to a mailto: rua endpoint (RFC 8460 §5.3): a
// multipart/report with report-type="tlsrpt" [TLSRPT-12] holding a short text/plain part
// for people and the gzipped report as application/tlsrpt+gzip, base64-encoded, under its
// §5.1 file name [TLSRPT-15, TLSRPT-16]. The header carries TLS-Report-Domain and
// TLS-Report-Submitter [TLSRPT-13] and the Subject of §5.3 [TLSRPT-14]; with a key the
// message is DKIM-signed over From, To, Date, Subject, Message-ID, both TLS-Report
// headers and the MIME headers [TLSRPT-11].
//
// Everything is derived from the report and the given fields: the MIME boundary and the
// Message-ID come from the report-id, the Date from the given time, so the same report
// gives the same bytes.
//
// Not here: the SMTP delivery of the message, which must go through even when TLS fails
// and ignores MTA-STS and DANE (TLSRPT-09, TLSRPT-10), and retries (TLSRPT-18).
#pragma once

#include "engine/core/result.hpp"
#include "engine/core/time.hpp"
#include "engine/tlsrpt/aggregate_report.hpp"
#include "engine/tlsrpt/dkim_signature.hpp"

#include <string>
#include <string_view>

namespace sts::tlsrpt {

struct report_message_fields {
    std::string from_address;  // addr-spec of the reporter, e.g. "tlsrpt@sender.example"
    std::string to_address;    // the mailbox of the rua mailto: URI
    core::time_point date{};   // the Date header
};

// The header fields the signature covers, in h= order.
inline constexpr std::string_view report_signed_headers[] = {
    "From", "To", "Date", "Subject", "Message-ID", "TLS-Report-Domain", "TLS-Report-Submitter",
    "MIME-Version", "Content-Type"};

// The complete message, CRLF line ends, DKIM-signed when `key` is given. Fails only when
// signing fails (unreadable or non-RSA key).
core::result<std::string, std::string> compose_report_message(const report_file& report,
                                                              const reporter_identity& reporter,
                                                              const report_message_fields& fields,
                                                              const dkim_key* key);

}  // namespace sts::tlsrpt
