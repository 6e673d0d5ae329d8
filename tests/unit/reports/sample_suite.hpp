// tests/unit/reports/sample_suite.hpp
//
// Small suite_records for the report tests, built in code so each test states exactly the
// rows, scenarios and results it judges. The ids are real catalogue ids; their strengths
// here are whatever the test needs (reports/ judges the strength it is given).
#pragma once

#include "reports/suite_record.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace sts::test {

// Text a hostile peer could have put into a log line, a reply or a name.
inline const std::string hostile_text = "<script>alert(1)</script> & ]]> a|b `tick`";

inline reports::requirement_row row(std::string id, std::string strength, std::string side = "sender") {
    return {.id = std::move(id), .level = "LEVEL", .strength = std::move(strength), .side = std::move(side),
            .section = "RFC 8461 §3.1", .rule = "a rule"};
}

inline reports::scenario_record scenario(std::string name, bool passed, std::vector<std::string> covers) {
    reports::scenario_record s;
    s.name = std::move(name);
    s.file = "scenarios/" + s.name + ".toml";
    s.summary = "what " + s.name + " shows";
    s.covers = std::move(covers);
    s.file_sha256 = std::string(64, 'a');
    s.passed = passed;
    s.expectations.push_back({.description = "recipient b@example.test outcome delivered", .line = 12,
                              .passed = passed, .detail = passed ? "" : "bounced: 550 no"});
    s.expectations.push_back({.description = "conserved", .line = 0, .passed = true, .detail = ""});
    if (!passed) {
        s.first_failure = 0;
        s.failure_log = {"2024-09-26T10:00:00.000Z warning delivery bounced"};
    }
    s.log_lines = {"2024-09-26T10:00:00.000Z info Starting delivery", "2024-09-26T10:00:01.000Z info done"};
    const auto t0 = core::time_point(std::chrono::milliseconds(1'727'344'800'000));  // 2024-09-26T10:00:00Z
    s.timeline = {{.at = t0, .host = "ns.test", .kind = "dns", .text = "_mta-sts.example.test TXT"},
                  {.at = t0 + std::chrono::milliseconds(250), .host = "mta-sts.example.test", .kind = "http",
                   .text = "GET /.well-known/mta-sts.txt"},
                  {.at = t0 + std::chrono::milliseconds(1500), .host = "mx1.example.test", .kind = "smtp<",
                   .text = "220 mx1 ready"}};
    s.rerun = "mtasts-sim run " + s.file;
    return s;
}

// Two scenarios (one failing) over rows of every strength.
inline reports::suite_record sample_suite() {
    reports::suite_record suite;
    suite.tool_version = "0.1.0";
    suite.semantics = "gateway";
    suite.network = "simulated";
    suite.requirements = {row("STS-MX-01", "must"),       row("STS-DISC-01", "def"),
                          row("STS-DISC-02", "must", "publisher"), row("STS-FETCH-11", "should"),
                          row("STS-CACHE-07", "should"),  row("STS-FETCH-05", "may"),
                          row("STS-PARSE-19", "informative")};
    suite.deviations = {{.id = "STS-CACHE-07", .reason = "no proactive refresh in a simulated run"}};
    suite.scenarios = {scenario("mx/pattern-match", true, {"STS-MX-01", "STS-DISC-01", "STS-FETCH-05"}),
                       scenario("fetch/media-type", false, {"STS-FETCH-11", "STS-DISC-01"})};
    return suite;
}

}  // namespace sts::test
