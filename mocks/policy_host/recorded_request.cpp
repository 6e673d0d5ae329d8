#include "mocks/policy_host/recorded_request.hpp"

#include <algorithm>

namespace sts::mocks {

namespace {

char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equal_nocase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return ascii_lower(x) == ascii_lower(y);
           });
}

}  // namespace

std::optional<std::string> recorded_request::header(std::string_view name) const {
    for (const auto& field : headers) {
        if (equal_nocase(field.name, name)) return field.value;
    }
    return std::nullopt;
}

std::string recorded_request::host() const {
    return header("Host").value_or(std::string());
}

}  // namespace sts::mocks
