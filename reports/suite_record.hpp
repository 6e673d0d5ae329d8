// reports/suite_record.hpp
//
// What one run of a scenario suite produced, as plain data for the report writers
// (issue 5, item 3): the requirement catalogue rows and the declared deviations, and per
// scenario its verdict, expectations, the first unmet one with the engine log around it,
// the timeline of what the world saw (DNS → HTTPS → SMTP with virtual times), the mail
// log and the TLS-RPT report files the engine would send. sim/ fills it from scenario
// results; reports/ only renders it, so every report of one record says the same thing.
//
// Everything peer-supplied in here (log lines, transcript text, replies) is text as the
// engine and mocks kept it — already quoted where it came from a peer — and the writers
// still escape it for their format (HTML, XML, JSON, Markdown).
#pragma once

#include "engine/core/time.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sts::reports {

// One row of docs/requirements.toml.
struct requirement_row {
    std::string id;        // "STS-DISC-06"
    std::string level;     // as written in requirements.md
    std::string strength;  // "must" | "should" | "may" | "def" | "informative"
    std::string side;      // "sender" | "publisher"
    std::string section;   // "RFC 8461 §3.1"
    std::string rule;      // one line, our words
};

// A SHOULD the engine deliberately does not follow, with the reason (docs/deviations.toml).
struct deviation {
    std::string id;
    std::string reason;
};

struct expectation_record {
    std::string description;  // as the scenario file states it
    std::size_t line = 0;     // of the [[expect]]; 0 for implicit checks
    bool passed = false;
    std::string detail;       // what was found instead, when unmet
};

// One thing the world saw: a DNS query, an HTTP request, a CONNECT, an SMTP command or
// reply, a TLS handshake, a delivery, or an event.
struct timeline_event {
    core::time_point at{};
    std::string host;
    std::string kind;  // mocks::to_string(transcript_kind): "dns", "http", "connect", "smtp>",
                       // "smtp<", "tls", "delivery", "event"
    std::string text;
};

// A TLS-RPT aggregate report (RFC 8460) the engine would send, one per policy domain and
// UTC day: the file name of RFC 8460 §5.1 and the JSON text.
struct tlsrpt_file {
    std::string policy_domain;
    std::string name;
    std::string json;
};

struct scenario_record {
    std::string name;
    std::string file;
    std::string summary;
    std::vector<std::string> covers;  // requirement ids
    std::string file_sha256;          // hex, of the scenario file's bytes
    bool passed = false;
    std::string error;  // set when it could not run to its end
    std::vector<expectation_record> expectations;
    std::optional<std::size_t> first_failure;  // index into expectations
    std::vector<std::string> failure_log;      // engine log lines around the first failure
    std::vector<std::string> log_lines;        // the whole mail log
    std::vector<timeline_event> timeline;
    std::vector<tlsrpt_file> tlsrpt;
    std::string rerun;  // the command that reruns it alone
};

struct suite_record {
    std::string tool_version;   // "0.1.0"
    std::string build_id;       // identifies the engine build (certify)
    std::string semantics;      // the engine semantics profile the suite ran under
    std::string network;        // "simulated" | "loopback"
    std::optional<std::uint64_t> seed;  // --seed, when it overrode the scenarios' seeds
    std::vector<requirement_row> requirements;  // catalogue order
    std::vector<deviation> deviations;
    std::vector<scenario_record> scenarios;     // in run order (sorted by file)
};

}  // namespace sts::reports
