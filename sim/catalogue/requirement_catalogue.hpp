// sim/catalogue/requirement_catalogue.hpp
//
// The requirement catalogue: every id of ../shared/spec/requirements.md (RFC 8461, 8460,
// 7672) with its level, RFC section and a one-line rule in our words, kept in
// docs/requirements.toml and compiled into the tool. Tests and scenarios name these ids;
// reports are keyed by them; a test fails when anything names an id that is not here.
//
// `strength` says how a verdict on the requirement is judged:
//   must        MUST / MUST NOT / SHALL: pass or fail
//   should      SHOULD / SHOULD NOT / RECOMMENDED: pass, or a declared deviation
//   may         MAY / OPTIONAL: observed behaviour only
//   def         definitions and ABNF facts: pass or fail (they define valid input)
//   informative lower-case keywords, examples, notes: observed behaviour only
// `side` is "sender" for obligations on the engine and "publisher" for obligations the
// mock world models (the rows marked (P) in requirements.md).
#pragma once

#include "engine/core/finding.hpp"
#include "engine/core/result.hpp"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sts::sim {

enum class strength { must, should, may, def, informative };

std::string_view to_string(strength s);

struct requirement {
    std::string id;       // "STS-DISC-06"
    std::string level;    // as written in requirements.md: "MUST", "DEF (ABNF)", "SHOULD (P)"
    strength strength_ = strength::def;
    std::string side;     // "sender" | "publisher"
    std::string section;  // "RFC 8461 §3.1"
    std::string rule;     // one line, our words
};

class requirement_catalogue {
public:
    // Parses catalogue TOML. Every mistake is a finding naming the line and the key.
    static core::result<requirement_catalogue, core::findings> parse(std::string_view toml_text,
                                                                      std::string_view source_name);

    const requirement* find(std::string_view id) const;
    std::span<const requirement> all() const { return requirements_; }

private:
    std::vector<requirement> requirements_;  // in file order
};

// The catalogue compiled into the tool from docs/requirements.toml. A broken embedded
// catalogue is a build defect: this aborts with the findings printed.
const requirement_catalogue& builtin_catalogue();

// The ids named in a text (test source, scenario file): tokens shaped like catalogue ids
// with one of the catalogue's prefixes (STS-DISC-, DANE-, TLSRPT-, ...), in order of
// appearance, duplicates kept.
std::vector<std::string> requirement_ids_named_in(std::string_view text);

}  // namespace sts::sim
