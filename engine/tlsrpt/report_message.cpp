#include "engine/tlsrpt/report_message.hpp"

#include "engine/core/calendar.hpp"
#include "engine/tlsrpt/a_label.hpp"

#include <openssl/evp.h>

#include <fmt/format.h>

#include <vector>

namespace sts::tlsrpt {

namespace {

// RFC 2045 §6.8: encoded lines are at most 76 characters.
constexpr std::size_t base64_line_chars = 76;

std::string base64_lines(const std::vector<std::uint8_t>& data) {
    std::string encoded(4 * ((data.size() + 2) / 3) + 1, '\0');
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()), data.data(),
                                        static_cast<int>(data.size()));
    encoded.resize(static_cast<std::size_t>(written));
    std::string out;
    for (std::size_t pos = 0; pos < encoded.size(); pos += base64_line_chars) {
        out += encoded.substr(pos, base64_line_chars);
        out += "\r\n";
    }
    return out;
}

// RFC 5322 §3.3 date-time in UTC.
std::string mail_date(core::time_point at) {
    const auto t = core::break_down_utc(at);
    return fmt::format("{}, {} {} {:04} {:02}:{:02}:{:02} +0000", t.weekday_name, t.day, t.month_name, t.year, t.hour,
                       t.minute, t.second);
}

}  // namespace

core::result<std::string, std::string> compose_report_message(const report_file& report,
                                                              const reporter_identity& reporter,
                                                              const report_message_fields& fields,
                                                              const dkim_key* key) {
    const std::string submitter = to_a_label_domain(reporter.submitter_domain).value_or("invalid");
    // The boundary must not occur in the parts; base64 and our text never contain "=_".
    const std::string boundary = "=_tlsrpt_" + report.report_id.substr(0, report.report_id.find('@'));

    std::string header;
    header += "From: " + fields.from_address + "\r\n";
    header += "To: " + fields.to_address + "\r\n";
    header += "Date: " + mail_date(fields.date) + "\r\n";
    // RFC 8460 §5.3 [TLSRPT-14]: "Report Domain: ... Submitter: ... Report-ID: <...>".
    header += "Subject: Report Domain: " + report.policy_domain + " Submitter: " + submitter + " Report-ID: <" +
              report.report_id + ">\r\n";
    header += "Message-ID: <" + report.report_id + ">\r\n";
    // RFC 8460 §5.3 [TLSRPT-13]: the policy domain and the submitter (the domain of
    // contact-info) as their own headers.
    header += "TLS-Report-Domain: " + report.policy_domain + "\r\n";
    header += "TLS-Report-Submitter: " + submitter + "\r\n";
    header += "MIME-Version: 1.0\r\n";
    // RFC 8460 §5.3 [TLSRPT-12]: multipart/report; report-type="tlsrpt".
    header += "Content-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"" + boundary + "\"\r\n";

    std::string body;
    body += "This is a multipart message in MIME format.\r\n\r\n";
    body += "--" + boundary + "\r\n";
    body += "Content-Type: text/plain; charset=us-ascii\r\n";
    body += "Content-Transfer-Encoding: 7bit\r\n\r\n";
    body += "This is an aggregate TLS report from " + submitter + " for " + report.policy_domain + ".\r\n";
    body += "The report (RFC 8460) is attached as " + report.file_name + ".\r\n\r\n";
    body += "--" + boundary + "\r\n";
    // RFC 8460 §5.2, §5.3 [TLSRPT-16]: the gzipped report, base64 for a 7-bit transport.
    body += std::string("Content-Type: ") + std::string(gzip_media_type) + "\r\n";
    body += "Content-Transfer-Encoding: base64\r\n";
    body += "Content-Disposition: attachment; filename=\"" + report.file_name + "\"\r\n\r\n";
    body += base64_lines(report.gzip_bytes);
    body += "\r\n--" + boundary + "--\r\n";

    std::string message = header + "\r\n" + body;
    if (key == nullptr) return message;
    std::vector<std::string> names(std::begin(report_signed_headers), std::end(report_signed_headers));
    auto signature = dkim_signature(message, *key, names);
    if (!signature) return core::failure(std::string(signature.error()));
    return signature.value() + message;
}

}  // namespace sts::tlsrpt
