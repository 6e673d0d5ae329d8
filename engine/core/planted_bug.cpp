#include "engine/core/planted_bug.hpp"

namespace sts::core {

std::string_view to_string(planted_bug b) {
    switch (b) {
        case planted_bug::none: return "none";
    }
    return "none";
}

std::optional<planted_bug> planted_bug_named(std::string_view name) {
    if (name == "none") return planted_bug::none;
    return std::nullopt;
}

}  // namespace sts::core
