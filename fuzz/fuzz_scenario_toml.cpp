// fuzz/fuzz_scenario_toml.cpp
//
// libFuzzer target for the scenario loader (sim/scenario/scenario_loader.hpp): a scenario
// file is outside input a person (or another tool) wrote, and the loader must turn any text
// into a spec or a list of input errors, never a crash, an exception or unbounded memory —
// toml++'s parser included. Besides that it checks that a refusal has at least one error,
// each naming the file and saying what was expected, and that a loaded spec respects the
// loader's bounds on steps and expectations.
// Seeds: fuzz/corpus/fuzz_scenario_toml/ (small scenarios from scenarios/ and examples/).
#include "sim/scenario/scenario_loader.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

void require(bool condition) {
    if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const std::string file = "fuzz.toml";
    const auto loaded = sts::sim::load_scenario_text(text, file);
    if (!loaded) {
        require(!loaded.error().empty());
        for (const auto& e : loaded.error()) {
            require(e.file == file);
            require(!e.message.empty());
            require(!e.to_string().empty());
        }
        return 0;
    }
    require(loaded->steps.size() <= sts::sim::scenario_steps_max);
    require(loaded->expectations.size() <= sts::sim::scenario_expectations_max);
    return 0;
}
