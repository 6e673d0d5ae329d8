// sim/report/build_id.hpp
//
// The engine build id a certificate names (issue 5, item 4): SHA-256 over the bytes of the
// running executable. It changes whenever the code, the compiler or the flags change, and
// stays the same for every run of one build, so two certifications of one build agree.
// It is read from /proc/self/exe (Linux), the only machine-specific input of `certify`,
// and only its digest is kept — never the path.
#pragma once

#include <optional>
#include <string>

namespace sts::sim {

// Hex SHA-256 of the running executable, or nothing when it cannot be read.
std::optional<std::string> engine_build_id();

}  // namespace sts::sim
