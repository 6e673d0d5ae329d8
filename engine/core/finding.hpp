// engine/core/finding.hpp
//
// A finding is what a parser of outside input reports when the input breaks a rule: the
// rule in our words, the requirement id from docs/requirements.toml that states it, and
// where in the input it happened. Findings are values (never exceptions) so that `check`,
// the mail log and the conformance reports can all say exactly why an input was refused.
//
// `detail` may quote the offending input; it is peer text and always passes through
// core::quote_peer_text (escaped, length-capped) before it is stored here.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace sts::core {

struct finding {
    std::string requirement;  // catalogue id, e.g. "STS-DISC-06"
    std::string rule;         // the rule that was broken, one sentence, ASCII
    std::size_t line = 0;     // 1-based; 0 when the input is not line-oriented
    std::size_t column = 0;   // 1-based byte offset within the line; 0 when unknown
    std::string detail;       // quoted excerpt of the input (escaped peer text), may be empty

    friend bool operator==(const finding&, const finding&) = default;
};

using findings = std::vector<finding>;

}  // namespace sts::core
