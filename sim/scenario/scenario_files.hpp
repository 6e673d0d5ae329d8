// sim/scenario/scenario_files.hpp
//
// Which files a suite is made of: every PATH given to `run` or `certify` is a scenario file
// or a folder searched recursively for `*.toml`. The list is sorted by path and has no
// duplicates, so every command runs (and digests) a suite in the same order on every
// machine.
#pragma once

#include "engine/core/result.hpp"

#include <string>
#include <vector>

namespace sts::sim {

struct scenario_file {
    std::string path;           // as it is opened and shown: PATH joined with the rest
    std::string relative_name;  // relative to the folder PATH, or the file name
};

// The error names the path that is neither a file nor a readable folder.
core::result<std::vector<scenario_file>, std::string> find_scenario_files(const std::vector<std::string>& paths);

}  // namespace sts::sim
