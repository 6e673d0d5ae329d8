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
#include <utility>
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

// Findings of one input, bounded: hostile input must not make a parser build an endless
// list. The last place goes to a finding (under `overflow_requirement`) saying the rest of
// the input was not examined; add() returns false from then on, so the caller stops.
class bounded_findings {
public:
    bounded_findings(std::size_t max, std::string overflow_requirement)
        : max_(max), overflow_requirement_(std::move(overflow_requirement)) {}

    bool add(finding f) {
        if (full()) return false;
        if (items_.size() + 1 == max_) {
            items_.push_back(finding{overflow_requirement_,
                                     "too many problems; the rest of the record was not examined", 0, f.column, {}});
            return false;
        }
        items_.push_back(std::move(f));
        return true;
    }
    bool full() const noexcept { return items_.size() >= max_; }
    bool empty() const noexcept { return items_.empty(); }
    findings take() { return std::move(items_); }

private:
    std::size_t max_;
    std::string overflow_requirement_;
    findings items_;
};

}  // namespace sts::core
