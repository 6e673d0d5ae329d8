// sim/toml/input_error.hpp
//
// A mistake in a file a person wrote (a world, a scenario): which file, where, which key,
// and what was expected there. Loaders collect every mistake they find before giving up,
// and nothing runs from a file that has any.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace sts::sim {

struct input_error {
    std::string file;
    std::size_t line = 0;    // 1-based; 0 when the mistake is about the file as a whole
    std::size_t column = 0;  // 1-based; 0 when unknown
    std::string key;         // dotted path, e.g. smtp."mx1.example.test".cert.not_after
    std::string message;     // what was expected, and what was found

    // "file:line:column: key: message"
    std::string to_string() const;
};

using input_errors = std::vector<input_error>;

}  // namespace sts::sim
