// sim/scenario/scenario_spec.hpp
//
// A scenario as data (issue 5, item 1; the file format is docs/scenario-format.md): the
// world it runs in, what it is about ([scenario]: name, summary, the requirement ids it
// covers), the steps that drive the engine in order ([[step]]: send a message, advance
// virtual time, restart the engine keeping its cache) and what must hold afterwards
// ([[expect]]: a recipient's outcome, log lines present or absent, hosts contacted or
// not, the number of policy fetches). The conservation invariant (every accepted
// recipient is delivered, bounced or still queued) is checked after every scenario
// without being written down.
//
// The spec says nothing about how it is run (scenario_runner.hpp) or read
// (scenario_loader.hpp); every value in it has already been checked by the loader.
#pragma once

#include "engine/core/time.hpp"
#include "sim/world/world_spec.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sts::sim {

struct scenario_step {
    enum class kind { send, advance, restart };
    kind what = kind::advance;
    std::size_t line = 0;  // where the [[step]] is, for failure messages
    // send
    std::string from;
    std::vector<std::string> to;
    // advance
    core::duration advance{};
};

enum class expected_outcome { delivered, queued, bounced };

struct scenario_expectation {
    enum class kind { recipient, log_present, log_absent, contacted, not_contacted, policy_fetches };
    kind what = kind::recipient;
    std::size_t line = 0;
    // recipient: the address; log_*: the line's text (without timestamp and level);
    // contacted / not_contacted: the mock host's name.
    std::string subject;
    // recipient
    expected_outcome outcome = expected_outcome::delivered;
    std::optional<std::string> via;  // MX host name
    std::optional<std::string> tls;  // "TLSv1.3", ... or "none" for clear text
    // policy_fetches
    std::uint64_t count = 0;
};

struct scenario_spec {
    std::string file;
    std::string name;
    std::string summary;
    std::vector<std::string> covers;  // requirement ids, each in the catalogue
    world_spec world;
    std::vector<scenario_step> steps;
    std::vector<scenario_expectation> expectations;
};

// One line naming what an expectation asks, as the file says it:
// `recipient b@example.test outcome delivered via mx1.example.test tls TLSv1.3`.
std::string describe(const scenario_expectation& e);
std::string_view to_string(expected_outcome o);

}  // namespace sts::sim
