#include "sim/toml/table_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>

namespace sts::sim {

std::string input_error::to_string() const {
    std::string where = file;
    if (line != 0) where += fmt::format(":{}", line);
    if (column != 0) where += fmt::format(":{}", column);
    return key.empty() ? fmt::format("{}: {}", where, message) : fmt::format("{}: {}: {}", where, key, message);
}

std::optional<core::duration> parse_duration(std::string_view text, bool allow_negative) {
    bool negative = false;
    if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
        negative = text.front() == '-';
        if (negative && !allow_negative) return std::nullopt;
        text.remove_prefix(1);
    }
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [rest, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || rest == text.data() || value < 0) return std::nullopt;
    const std::string_view unit(rest, static_cast<std::size_t>(end - rest));
    std::int64_t ms_per_unit = 0;
    if (unit == "ms") ms_per_unit = 1;
    else if (unit == "s") ms_per_unit = 1000;
    else if (unit == "m") ms_per_unit = 60'000;
    else if (unit == "h") ms_per_unit = 3'600'000;
    else if (unit == "d") ms_per_unit = 86'400'000;
    else return std::nullopt;
    // 10 000 years is more than any scenario needs and keeps the product far from overflow.
    if (value > 10'000LL * 365 * 86'400'000 / ms_per_unit) return std::nullopt;
    const core::duration d{value * ms_per_unit};
    return negative ? -d : d;
}

table_reader::table_reader(const toml::table& table, std::string path, std::string file, input_errors& errors)
    : table_(&table), path_(std::move(path)), file_(std::move(file)), errors_(&errors) {}

std::string table_reader::key_path(std::string_view key) const {
    if (key.empty()) return path_;
    // Keys that are not bare TOML keys are quoted, as in the file.
    bool bare = true;
    for (char c : key) bare = bare && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-');
    const std::string k = bare ? std::string(key) : fmt::format("\"{}\"", key);
    return path_.empty() ? k : path_ + "." + k;
}

void table_reader::error_at(const toml::node* node, std::string_view key, std::string message) {
    const auto& src = node != nullptr ? node->source() : table_->source();
    errors_->push_back({file_, static_cast<std::size_t>(src.begin.line), static_cast<std::size_t>(src.begin.column),
                        key_path(key), std::move(message)});
}

void table_reader::error(std::string_view key, std::string message) {
    error_at(key.empty() ? nullptr : table_->get(key), key, std::move(message));
}

bool table_reader::has(std::string_view key) const { return table_->contains(key); }

const toml::node* table_reader::lookup(std::string_view key, bool required, std::string_view expected) {
    used_.emplace(key);
    const toml::node* node = table_->get(key);
    if (node == nullptr && required) error_at(nullptr, key, fmt::format("missing; expected {}", expected));
    return node;
}

const toml::node* table_reader::any(std::string_view key, bool required) {
    return lookup(key, required, "a value");
}

namespace {
std::string_view type_name(const toml::node& n) {
    switch (n.type()) {
        case toml::node_type::string: return "a string";
        case toml::node_type::integer: return "an integer";
        case toml::node_type::floating_point: return "a number";
        case toml::node_type::boolean: return "a boolean";
        case toml::node_type::date: return "a date";
        case toml::node_type::time: return "a time";
        case toml::node_type::date_time: return "a date-time";
        case toml::node_type::array: return "an array";
        case toml::node_type::table: return "a table";
        default: return "nothing";
    }
}
}  // namespace

std::optional<std::string> table_reader::text(std::string_view key, bool required) {
    const auto* node = lookup(key, required, "a string");
    if (node == nullptr) return std::nullopt;
    if (const auto* s = node->as_string()) return s->get();
    error_at(node, key, fmt::format("expected a string, found {}", type_name(*node)));
    return std::nullopt;
}

std::optional<bool> table_reader::boolean(std::string_view key, bool required) {
    const auto* node = lookup(key, required, "true or false");
    if (node == nullptr) return std::nullopt;
    if (const auto* b = node->as_boolean()) return b->get();
    error_at(node, key, fmt::format("expected true or false, found {}", type_name(*node)));
    return std::nullopt;
}

std::optional<std::int64_t> table_reader::integer(std::string_view key, std::int64_t min, std::int64_t max,
                                                  bool required) {
    const auto expected = fmt::format("an integer from {} to {}", min, max);
    const auto* node = lookup(key, required, expected);
    if (node == nullptr) return std::nullopt;
    const auto* i = node->as_integer();
    if (i == nullptr) {
        error_at(node, key, fmt::format("expected {}, found {}", expected, type_name(*node)));
        return std::nullopt;
    }
    if (i->get() < min || i->get() > max) {
        error_at(node, key, fmt::format("expected {}, found {}", expected, i->get()));
        return std::nullopt;
    }
    return i->get();
}

std::optional<core::duration> table_reader::duration(std::string_view key, bool allow_negative, bool required) {
    const auto expected = allow_negative ? "a duration such as \"90s\", \"5m\", \"1h\", \"2d\" or \"-1d\""
                                         : "a duration such as \"250ms\", \"90s\", \"5m\", \"1h\" or \"2d\"";
    const auto* node = lookup(key, required, expected);
    if (node == nullptr) return std::nullopt;
    const auto* s = node->as_string();
    if (s != nullptr) {
        if (auto d = parse_duration(s->get(), allow_negative)) return d;
        error_at(node, key, fmt::format("expected {}, found \"{}\"", expected, s->get()));
    } else {
        error_at(node, key, fmt::format("expected {}, found {}", expected, type_name(*node)));
    }
    return std::nullopt;
}

std::optional<core::time_point> table_reader::time(std::string_view key, bool required) {
    constexpr std::string_view expected = "a date-time with a UTC offset, such as 2024-09-26T15:23:39Z";
    const auto* node = lookup(key, required, expected);
    if (node == nullptr) return std::nullopt;
    std::optional<toml::date_time> dt;
    if (const auto* v = node->as_date_time()) {
        dt = v->get();
    } else if (const auto* s = node->as_string()) {
        try {
            const auto parsed = toml::parse("v = " + s->get());
            if (const auto* d = parsed["v"].as_date_time()) dt = d->get();
        } catch (const toml::parse_error&) {
        }
    }
    if (!dt || !dt->offset) {
        error_at(node, key, fmt::format("expected {}", expected));
        return std::nullopt;
    }
    using namespace std::chrono;
    const sys_days day = year{dt->date.year} / month{dt->date.month} / std::chrono::day{dt->date.day};
    const auto t = day + hours{dt->time.hour} + minutes{dt->time.minute} + seconds{dt->time.second} +
                   milliseconds{dt->time.nanosecond / 1'000'000} - minutes{dt->offset->minutes};
    return core::time_point{duration_cast<core::duration>(t.time_since_epoch())};
}

std::optional<std::vector<std::string>> table_reader::text_list(std::string_view key, bool required) {
    const auto* node = lookup(key, required, "a string or an array of strings");
    if (node == nullptr) return std::nullopt;
    if (const auto* s = node->as_string()) return std::vector<std::string>{s->get()};
    if (const auto* a = node->as_array()) {
        std::vector<std::string> out;
        for (const auto& item : *a) {
            const auto* s = item.as_string();
            if (s == nullptr) {
                error_at(&item, key, fmt::format("expected an array of strings, found {} in it", type_name(item)));
                return std::nullopt;
            }
            out.push_back(s->get());
        }
        return out;
    }
    error_at(node, key, fmt::format("expected a string or an array of strings, found {}", type_name(*node)));
    return std::nullopt;
}

std::optional<std::string> table_reader::choice(std::string_view key, const std::vector<std::string_view>& choices,
                                                bool required) {
    std::string expected = "one of";
    for (std::size_t i = 0; i < choices.size(); ++i) expected += fmt::format("{} \"{}\"", i == 0 ? "" : ",", choices[i]);
    const auto* node = lookup(key, required, expected);
    if (node == nullptr) return std::nullopt;
    const auto* s = node->as_string();
    if (s != nullptr && std::find(choices.begin(), choices.end(), s->get()) != choices.end()) return s->get();
    error_at(node, key,
             s != nullptr ? fmt::format("expected {}, found \"{}\"", expected, s->get())
                          : fmt::format("expected {}, found {}", expected, type_name(*node)));
    return std::nullopt;
}

const toml::table* table_reader::table(std::string_view key, bool required) {
    const auto* node = lookup(key, required, "a table");
    if (node == nullptr) return nullptr;
    if (const auto* t = node->as_table()) return t;
    error_at(node, key, fmt::format("expected a table, found {}", type_name(*node)));
    return nullptr;
}

const toml::array* table_reader::array(std::string_view key, bool required) {
    const auto* node = lookup(key, required, "an array");
    if (node == nullptr) return nullptr;
    if (const auto* a = node->as_array()) return a;
    error_at(node, key, fmt::format("expected an array, found {}", type_name(*node)));
    return nullptr;
}

void table_reader::finish() {
    for (const auto& [k, v] : *table_) {
        if (!used_.contains(k.str())) error_at(&v, k.str(), "unknown key");
    }
}

}  // namespace sts::sim
