// engine/mtasts/policy_parser.hpp
//
// Parsing an MTA-STS policy file (the body of https://mta-sts.<domain>/.well-known/
// mta-sts.txt, RFC 8461 §3.2) into the policy model of engine/mtasts/policy.hpp.
//
// The parser reads one complete body (the fetcher has already capped it at
// core::limits::policy_body_bytes_max) and checks it against the ABNF of §3.2: `key: value`
// lines ended by LF or CRLF, case-sensitive keys and values, the version/mode/max_age/mx
// fields with their value grammars, and extension lines. It reports every rule the body
// breaks, each with its line, column and requirement id, so that `check` can show a
// publisher all problems at once; it stops after core::limits::policy_findings_max.
//
// Where the RFC is ambiguous (duplicate fields, blank lines at the end, max_age above a year:
// ambiguities A2, A3, A6, A7 of requirements.md §13) the choices are in the "Policy files"
// section of docs/interpretations.md; deviations we tolerate are reported as notes.
//
// It deliberately does not fetch, check the Content-Type, cache, or match MX hosts
// (engine/mtasts/mx_pattern.hpp does that); a body that fails here is a failure to obtain
// a valid policy, and what happens next is the caller's business (STS-PARSE-18).
#pragma once

#include "engine/core/finding.hpp"
#include "engine/mtasts/policy.hpp"

#include <optional>
#include <string_view>

namespace sts::mtasts {

struct policy_parse_result {
    std::optional<policy> parsed;  // set only when the body is a valid policy
    core::findings errors;         // every rule the body breaks, each with line, column, rule, requirement id
    core::findings notes;          // tolerated deviations from strict ABNF (see interpretations), with line
};

// Parses a complete policy body.
//
// Success: `parsed` holds the policy and `errors` is empty. The mx patterns are lower-cased,
// max_age is clamped to one year (a note says so), and `policy_strings` holds the body's
// lines as declared (without terminators and without the tolerated empty lines at the end).
// `notes` may still list tolerated deviations (ignored duplicate fields, empty lines at the
// end of the body, a clamped max_age); they change nothing.
//
// Failure: `parsed` is empty and `errors` lists each broken rule. Line-level errors carry
// the 1-based line and byte column; errors about the body as a whole (a missing field, a
// body over the size cap) carry line 0. The caller must treat the body as "no valid policy
// obtained": keep using a non-expired cached policy, otherwise deliver without MTA-STS, and
// report `sts-policy-invalid` (RFC 8461 §3.3, §6; RFC 8460 §4.3.2.2) [STS-PARSE-18].
policy_parse_result parse_policy(std::string_view body);

}  // namespace sts::mtasts
