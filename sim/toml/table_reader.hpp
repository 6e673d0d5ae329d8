// sim/toml/table_reader.hpp
//
// Typed, checked access to one TOML table of a world or scenario file. Every getter
// records an input_error (file, line, key, expected form) instead of throwing, so a loader
// reports all mistakes of a file at once; finish() reports every key nobody asked for as
// unknown, so a typo is an error rather than a silently ignored setting.
//
// Forms understood beyond TOML's own types:
//   duration  "250ms", "90s", "5m", "1h", "2d", optionally signed ("-1d") where allowed
//   time      a TOML offset date-time (2024-09-26T15:23:39Z) or the same as a string
#pragma once

#include "engine/core/time.hpp"
#include "sim/toml/input_error.hpp"

#include <toml++/toml.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sts::sim {

// Parses "250ms", "90s", "5m", "1h", "2d" (and a leading '-' when allow_negative).
std::optional<core::duration> parse_duration(std::string_view text, bool allow_negative);

class table_reader {
public:
    table_reader(const toml::table& table, std::string path, std::string file, input_errors& errors);

    std::optional<std::string> text(std::string_view key, bool required = false);
    std::optional<bool> boolean(std::string_view key, bool required = false);
    std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max,
                                        bool required = false);
    std::optional<core::duration> duration(std::string_view key, bool allow_negative = false, bool required = false);
    std::optional<core::time_point> time(std::string_view key, bool required = false);
    // A string or an array of strings; a single string becomes a one-element list.
    std::optional<std::vector<std::string>> text_list(std::string_view key, bool required = false);
    // One of `choices` (exact spelling); the error lists them all.
    std::optional<std::string> choice(std::string_view key, const std::vector<std::string_view>& choices,
                                      bool required = false);
    const toml::table* table(std::string_view key, bool required = false);
    const toml::array* array(std::string_view key, bool required = false);

    // A value of any type, for keys whose type the caller checks itself.
    const toml::node* any(std::string_view key, bool required = false);

    bool has(std::string_view key) const;
    // Records an error about `key` (or the table itself when empty) at its position.
    void error(std::string_view key, std::string message);
    // Reports every key that no getter asked for.
    void finish();

    const std::string& path() const { return path_; }
    const std::string& file() const { return file_; }
    std::string key_path(std::string_view key) const;
    input_errors& errors() { return *errors_; }

private:
    const toml::node* lookup(std::string_view key, bool required, std::string_view expected);
    void error_at(const toml::node* node, std::string_view key, std::string message);

    const toml::table* table_;
    std::string path_;
    std::string file_;
    input_errors* errors_;
    std::set<std::string, std::less<>> used_;
};

}  // namespace sts::sim
