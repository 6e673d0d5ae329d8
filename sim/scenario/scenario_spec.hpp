// sim/scenario/scenario_spec.hpp
//
// A scenario as data (issue 5, item 1; the file format is docs/scenario-format.md): the
// world it runs in, what it is about ([scenario]: name, summary, the requirement ids it
// covers, the engine semantics profile), the steps that drive the engine and the world in
// order ([[step]]: send a message, advance virtual time, restart the engine keeping its
// cache, change DNS records or faults, a policy host, an SMTP host or a proxy mid-run)
// and what must hold afterwards ([[expect]]: a recipient's outcome, log lines present,
// absent or in order, hosts contacted or not, policy fetches, DNS queries, TLS-RPT
// records, the policy cache). The conservation invariant (every accepted recipient is
// delivered, bounced or still queued) is checked after every scenario without being
// written down.
//
// Mid-run changes reuse the world's own data (world_spec.hpp): a DNS record of a step is
// a dns_entry, a policy host a policy_host_spec, read by the same code as the world's.
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
    enum class kind { send, advance, restart, dns_set, dns_remove, dns_fault, policy, smtp, proxy };
    kind what = kind::advance;
    std::size_t line = 0;  // where the [[step]] is, for failure messages
    // send
    std::string from;
    std::vector<std::string> to;
    // advance
    core::duration advance{};
    // dns_set: the records; each replaces the RRset of its name and type.
    std::vector<dns_entry> records;
    // dns_remove: the name, and the type when only that RRset goes.
    std::string name;
    std::optional<dns::rr_type> type;
    // dns_fault: the fault (kind none without a delay clears the name's faults).
    std::optional<mocks::dns_fault> fault;
    // policy / smtp / proxy: the host as its world table would describe it.
    std::optional<policy_host_spec> policy;
    std::optional<smtp_host_spec> smtp;
    std::optional<proxy_spec> proxy;
    bool new_certificate = false;  // policy / smtp: the step has a `cert` key
    // What the change is, one line, as the transcript's event shows it.
    std::string description;
};

enum class expected_outcome { delivered, queued, deferred, bounced };

struct scenario_expectation {
    enum class kind {
        recipient,
        log_present,
        log_absent,
        log_order,
        log_contains,
        log_contains_absent,
        contacted,
        not_contacted,
        policy_fetches,
        dns_queries,
        tlsrpt,
        tlsrpt_report,
        received,
        received_absent,
        cache,
    };
    kind what = kind::recipient;
    std::size_t line = 0;
    // recipient: the address; log_*: the line's text (without timestamp and level) or the
    // substring; contacted / not_contacted: the mock host's name; dns_queries: the name;
    // tlsrpt: the policy domain (empty: any); cache: the domain.
    std::string subject;
    // recipient
    expected_outcome outcome = expected_outcome::delivered;
    std::optional<std::string> via;  // MX host name
    std::optional<std::string> tls;  // "TLSv1.3", ... or "none" for clear text
    std::optional<unsigned> attempts;
    std::optional<bool> dsn;
    // log_order: the lines, in the order they must appear.
    std::vector<std::string> lines;
    // policy_fetches, dns_queries, tlsrpt: the count; at_least makes it a lower bound.
    std::uint64_t count = 0;
    bool at_least = false;
    // dns_queries
    dns::rr_type type = dns::rr_type::txt;
    // tlsrpt
    std::optional<std::string> result;  // RFC 8460 result type, e.g. "certificate-expired"
    std::optional<std::string> policy;  // "sts", "tlsa" or "no-policy-found"
    std::optional<bool> success;
    // tlsrpt_report: subject is the policy domain; a JSON pointer into its first report
    // and what must be there (equals, as JSON text) or whether anything is (exists).
    std::string pointer;
    std::optional<std::string> equals_json;
    std::optional<bool> exists;
    // received / received_absent: subject is the SMTP host; the text its messages contain.
    std::string text;
    // cache
    bool present = true;
    std::optional<std::string> policy_id;
    std::optional<std::string> mode;  // "enforce", "testing" or "none"
};

// The engine semantics profile (`[scenario] semantics`): how the engine treats SMTP
// routes, which is what tells a gateway from an RFC 8461 §3.4 smart host.
enum class semantics_profile { gateway, rfc8461 };

struct scenario_spec {
    std::string file;
    std::string name;
    std::string summary;
    std::vector<std::string> covers;  // requirement ids, each in the catalogue
    // The file's `semantics`, or what its [engine] route_mode amounts to.
    semantics_profile semantics = semantics_profile::gateway;
    world_spec world;
    std::vector<scenario_step> steps;
    std::vector<scenario_expectation> expectations;
};

// One line naming what an expectation asks, as the file says it:
// `recipient b@example.test outcome delivered via mx1.example.test tls TLSv1.3`.
std::string describe(const scenario_expectation& e);
std::string_view to_string(expected_outcome o);
std::string_view to_string(semantics_profile p);

}  // namespace sts::sim
