// mocks/transcript.hpp
//
// What the mock world saw, in order: every DNS query, HTTP request, CONNECT, SMTP command
// and reply, TLS handshake, stall and fault, with the virtual time and the host that saw
// it. Scenarios assert on it ("mx2 was never contacted", "one policy fetch"), reports draw
// their timelines from it, and two runs of one world must produce identical transcripts.
// Peer bytes are stored escaped (core::quote_peer_text), never raw.
#pragma once

#include "engine/core/time.hpp"

#include <string>
#include <vector>

namespace sts::mocks {

enum class transcript_kind {
    dns_query,     // a question reached a DNS server
    http_request,  // a request line and headers reached a policy host
    connect,       // a CONNECT request reached a proxy
    smtp_command,  // the client said something to an SMTP receiver
    smtp_reply,    // an SMTP receiver answered
    tls,           // a handshake finished or failed
    delivery,      // an SMTP receiver accepted a message
    event,         // anything else: accepted connection, stall, injected fault, close
};

struct transcript_entry {
    core::time_point at;
    std::string host;  // the mock host's name, e.g. "mx1.example.test"
    transcript_kind kind;
    std::string text;  // one line, escaped
};

const char* to_string(transcript_kind kind);

class transcript {
public:
    void add(core::time_point at, std::string host, transcript_kind kind, std::string text);
    const std::vector<transcript_entry>& entries() const { return entries_; }
    // One line per entry: "<ISO time> <host> <kind> <text>".
    std::string render() const;

private:
    std::vector<transcript_entry> entries_;
};

}  // namespace sts::mocks
