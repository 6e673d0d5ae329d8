// sim/world/world_loader.hpp
//
// Reads the world part of a scenario file (issue 3, item 8; the format is documented in
// docs/world-format.md) into a world_spec. Every mistake is an input_error with the file,
// line, key and the expected form, and every one in the file is reported, not only the
// first: a wrong type, an unknown key (a typo is never silently ignored), a bad duration
// or time, an enum spelling outside its list, a missing required key, RDATA that does not
// parse, a TLSA record that refers to a host without a certificate, a mock config its mock
// would refuse. A file with any mistake yields no spec at all, so nothing runs from it.
//
// The scenario loader reuses read_world() on its own parsed document and checks the other
// top-level keys ([scenario], [[step]], [[expect]]) itself; load_world_*() accept only the
// world keys. Bounds: the file size (world_file_bytes_max) and the number of entries of
// each kind (world_entries_max) so a hostile file cannot make the loader hold unbounded data.
#pragma once

#include "engine/core/result.hpp"
#include "sim/toml/input_error.hpp"
#include "sim/toml/table_reader.hpp"
#include "sim/world/world_spec.hpp"

#include <toml++/toml.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sts::sim {

// A world file is a page of text; 4 MiB leaves room for large policy bodies.
inline constexpr std::size_t world_file_bytes_max = 4 * 1024 * 1024;
// DNS records, hosts, proxies and profiles, each.
inline constexpr std::size_t world_entries_max = 10'000;
// RFC 1035 §3.2.1: RDLENGTH is 16 bits, so a TXT record (data_repeat) holds at most this.
inline constexpr std::size_t dns_txt_rdata_bytes_max = 65535;
// A [[dns]] entry's `repeat`: thousands of MX records are a hostile world's business; the
// records of all repeats together stay within twice world_entries_max.
inline constexpr std::size_t dns_repeat_max = world_entries_max;

// The top-level keys read_world() understands.
const std::vector<std::string_view>& world_top_level_keys();

// Reads the world keys of an already-parsed document, appending mistakes to `errors`.
// The result is meaningful only when no error was added.
world_spec read_world(const toml::table& root, const std::string& file, input_errors& errors);

// The readers of single world entries, for scenario steps that describe a change in the
// world's own words. Each reads the keys of `t` through `r` (whose path names the entry in
// messages) and ends with r.finish(), so a caller reads its own extra keys (`domain`,
// `host`) through `r` first. `start` anchors certificate validity.
dns_entry read_dns_entry_table(table_reader& r, const toml::table& t);
policy_host_spec read_policy_host_table(table_reader& r, const toml::table& t, const std::string& domain,
                                        core::time_point start);
smtp_host_spec read_smtp_host_table(table_reader& r, const toml::table& t, const std::string& host,
                                    core::time_point start);
proxy_spec read_proxy_table(table_reader& r, const std::string& name);
// `A`, `AAAA`, `CNAME`, `MX`, `TXT`, `TLSA`, `NS` or `SOA`.
std::optional<dns::rr_type> read_rr_type(table_reader& r, std::string_view key, bool required = false);

core::result<world_spec, input_errors> load_world_text(std::string_view text, const std::string& file);
core::result<world_spec, input_errors> load_world_file(const std::string& path);

}  // namespace sts::sim
