// engine/core/planted_bug.hpp
//
// Bugs that can be planted in the engine on purpose, to prove that the scenario suite
// catches them (issue 5, item 6: negative scenarios). A conformance suite that still
// passes with a planted bug does not test what it claims; `mtasts-sim run --plant BUG`
// and the suite's own tests run the suite with each one and require a failure.
//
// Production configurations leave this at `none`; nothing reads it except the few checks
// that name a bug, each next to the rule it breaks. The list is deliberately short: one
// bug per rule family whose loss would be a conformance failure users care about.
#pragma once

#include <optional>
#include <string_view>

namespace sts::core {

enum class planted_bug {
    none,
};

std::string_view to_string(planted_bug b);
std::optional<planted_bug> planted_bug_named(std::string_view name);

}  // namespace sts::core
