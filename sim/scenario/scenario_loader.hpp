// sim/scenario/scenario_loader.hpp
//
// Reads a scenario file (docs/scenario-format.md) into a scenario_spec: the world keys
// through read_world() (sim/world/world_loader.hpp), and [scenario], [[step]] and
// [[expect]] here. As with worlds, every mistake of the file is reported at once as an
// input_error naming the file, line, column, key and the expected form: a wrong type, an
// unknown key, a bad duration or time, a requirement id the catalogue does not know, a
// step or expectation that says nothing or two things, a missing [scenario] table. A file
// with any mistake yields no spec, so nothing runs from it.
//
// `start` and `seed` may be given in [scenario] or in [world], not in both: they are the
// world's, and certificate validity counts from that one start. Likewise `semantics` in
// [scenario] and `route_mode` in [engine] say the same thing, so only one may be given.
//
// Steps that change the world are read by the world loader's own entry readers
// (read_policy_host_table() ...), so a change is checked exactly as the table it changes,
// and must name a host the world has.
//
// Bounds: the file size (world_file_bytes_max) and the number of steps and expectations.
#pragma once

#include "engine/core/result.hpp"
#include "sim/scenario/scenario_spec.hpp"
#include "sim/toml/input_error.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace sts::sim {

// A scenario is a story of a few messages; ten thousand steps or expectations is far
// beyond any real one and keeps a hostile file's memory bounded.
inline constexpr std::size_t scenario_steps_max = 10'000;
inline constexpr std::size_t scenario_expectations_max = 10'000;

core::result<scenario_spec, input_errors> load_scenario_text(std::string_view text, const std::string& file);
core::result<scenario_spec, input_errors> load_scenario_file(const std::string& path);

}  // namespace sts::sim
