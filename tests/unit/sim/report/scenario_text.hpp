// tests/unit/sim/report/scenario_text.hpp
//
// A small scenario file for the report and certify tests: an enforce policy whose listed
// MX takes the mail over TLS. `outcome` is what the file expects for b@example.test, so
// "bounced" gives a scenario that fails.
#pragma once

#include <string>
#include <string_view>

namespace sts::test {

inline std::string enforce_scenario(std::string_view name, std::string_view outcome,
                                    std::string_view summary = "enforce policy, listed MX delivers") {
    return "[scenario]\nname = \"" + std::string(name) + "\"\nsummary = \"" + std::string(summary) + "\"\n" + R"(
covers = ["STS-APPLY-01", "STS-APPLY-10"]
start = 2024-09-26T15:23:39Z
seed = 24

[profile."example.test"]
tls = "preferred"
mta_sts = true

[profile.default]
tls = "preferred"

[[dns]]
name = "example.test"
type = "MX"
data = "10 mx1.example.test"

[[dns]]
name = "_mta-sts.example.test"
type = "TXT"
data = "v=STSv1; id=20240926T1;"

[policy_host."example.test"]
body = """
version: STSv1
mode: enforce
mx: mx1.example.test
max_age: 86400
"""

[smtp."mx1.example.test"]

[[step]]
send = { from = "a@sender.test", to = ["b@example.test"] }

[[step]]
advance = "1h"

[[expect]]
recipient = "b@example.test"
outcome = ")" + std::string(outcome) + "\"\n";
}

}  // namespace sts::test
