// sim/report/suite_digest.hpp
//
// The suite digest of a certificate (issue 5, item 4): one SHA-256 naming every scenario
// file of a suite by its name relative to the folder it was found in and its bytes, so
// the same suite checked out anywhere gives the same digest and any change to any file,
// its name, or the set of files gives another. Each file contributes
//   <relative name> LF <size in decimal> LF <bytes>
// in order of relative name (byte-wise), so no two different suites can concatenate to
// the same input.
#pragma once

#include <span>
#include <string>

namespace sts::sim {

struct suite_file {
    std::string relative_name;  // '/' separators: "discovery/txt-missing.toml"
    std::string bytes;
};

// Hex SHA-256. The order of `files` does not matter.
std::string suite_digest(std::span<const suite_file> files);

}  // namespace sts::sim
