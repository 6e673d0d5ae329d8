// sim/catalogue/deviation_list.hpp
//
// The declared deviations: SHOULD-level requirements the engine deliberately does not
// follow, each with its reason, kept in docs/deviations.toml and compiled into the tool
// like the requirement catalogue. The conformance reports turn a SHOULD row that fails or
// is not covered into `deviation` with this reason (reports/requirement_verdict.hpp).
//
// Only SHOULD rows may be declared: a MUST or definition row decides a certificate, and
// letting a file excuse it would make `certify` meaningless. An id the catalogue does not
// know, a duplicate, an unknown key or an empty reason is a finding naming the line.
#pragma once

#include "engine/core/finding.hpp"
#include "engine/core/result.hpp"
#include "sim/catalogue/requirement_catalogue.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sts::sim {

struct declared_deviation {
    std::string id;
    std::string reason;
    std::size_t line = 0;  // of the [[deviation]] table
};

// A reason is one line for a report cell; a longer text belongs in docs/.
inline constexpr std::size_t deviation_reason_bytes_max = 1'000;

core::result<std::vector<declared_deviation>, core::findings> parse_deviations(
    std::string_view toml_text, std::string_view source_name, const requirement_catalogue& catalogue);

// The deviations compiled into the tool from docs/deviations.toml, in file order, checked
// against builtin_catalogue(). A broken embedded file is a build defect: this aborts with
// the findings printed (the deviation tests catch it first).
const std::vector<declared_deviation>& builtin_deviations();

}  // namespace sts::sim
