// engine/core/ascii_case.hpp
//
// ASCII lower case, for names and keywords compared case-insensitively (domain names, RFC
// 4343; mail-log words). Bytes outside A–Z pass unchanged, whatever the locale: peer text
// must not change meaning with the machine it is read on.
#pragma once

#include <string>
#include <string_view>

namespace sts::core {

inline std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

}  // namespace sts::core
