// engine/delivery/message.hpp
//
// A message as the engine accepts it: the SMTP envelope (RFC 5321 §3.3: one reverse-path,
// one or more forward-paths) and the content (RFC 5322 header and body). The engine never
// rewrites the content; it adds nothing to it (no Received: line) so that a receiver's
// transcript can be compared byte for byte with what was submitted.
//
// It is also the form of the DSNs the engine generates (engine/delivery/dsn.hpp): null
// reverse-path, the original sender as the one forward-path.
#pragma once

#include <string>
#include <vector>

namespace sts::delivery {

struct message {
    std::string mail_from;              // reverse-path without brackets; empty = null sender
    std::vector<std::string> rcpt_to;   // forward-paths without brackets
    std::string data;                   // header + body, CRLF line endings
    // A TLS-RPT report mail (engine/delivery/tlsrpt_reporter.hpp): RFC 8460 §3, §5.3
    // [TLSRPT-09, TLSRPT-10] have it delivered whatever MTA-STS and DANE say, in clear
    // if TLS fails, and its sessions are not counted in later reports.
    bool tlsrpt_report = false;

    friend bool operator==(const message&, const message&) = default;
};

}  // namespace sts::delivery
