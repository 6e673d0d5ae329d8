// fuzz/fuzz_world_toml.cpp
//
// libFuzzer target for the world loader (sim/world/world_loader.hpp): the world part of a
// scenario file — DNS records with their RDATA, policy hosts, SMTP hosts and their
// certificates, proxies, profiles — is outside input, and any text must give a world spec
// or a list of input errors, never a crash, an exception or unbounded memory. Besides that
// it checks that a refusal has at least one error, each naming the file and saying what was
// expected.
// Seeds: fuzz/corpus/fuzz_world_toml/ (worlds from examples/ and scenarios/).
#include "sim/world/world_loader.hpp"

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
    const auto loaded = sts::sim::load_world_text(text, file);
    if (!loaded) {
        require(!loaded.error().empty());
        for (const auto& e : loaded.error()) {
            require(e.file == file);
            require(!e.message.empty());
        }
    }
    return 0;
}
