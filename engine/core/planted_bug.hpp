// engine/core/planted_bug.hpp
//
// Bugs that can be planted in the engine on purpose, to prove that the scenario suite
// catches them (issue 5, item 6: negative scenarios). A conformance suite that still
// passes with a planted bug does not test what it claims; `mtasts-sim run --plant BUG`
// and the suite's own tests (tests/integration/planted_bugs_test.cpp) run the suite with
// each one and require at least one scenario to fail.
//
// Production configurations leave this at `none`; nothing reads it except the few checks
// that name a bug, each next to the rule it breaks and marked `planted bug (tests only)`.
// The list is deliberately short: one bug per rule family whose loss would be a
// conformance failure users care about. It is not a fault injector for the world (the
// mocks do that); it changes what the engine decides, never what it is told.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace sts::core {

enum class planted_bug {
    none,
    // [STS-DISC-11] several `v=STSv1` TXT records: the first is used instead of none.
    multiple_txt_records_accepted,
    // [STS-CACHE-02] a cached policy whose id equals the TXT id is fetched again.
    refetch_on_same_id,
    // [STS-MX-01] every MX host is taken to match the policy's mx patterns.
    skip_mx_match,
    // [STS-APPLY-09] an enforce policy is applied as if its mode were testing.
    enforce_treated_as_testing,
    // [STS-APPLY-12] a testing policy is applied as if its mode were enforce.
    testing_treated_as_enforce,
    // [DANE-10, STS-DANE-01] usable or unusable secure TLSA records are disregarded.
    dane_ignored,
    // [TLSRPT-10] TLS-RPT report mail is delivered under the rua domain's own profile,
    // MTA-STS and DANE included.
    report_mail_under_policy,
};

std::string_view to_string(planted_bug b);
std::optional<planted_bug> planted_bug_named(std::string_view name);
// Every bug except `none`, in declaration order.
std::span<const planted_bug> planted_bugs();

}  // namespace sts::core
