// engine/mtasts/cache_file.hpp
//
// The text form of the MTA-STS policy cache, so that a restart keeps every cached policy
// and with it the protection RFC 8461 §10.2 relies on: an attacker who suppresses the
// `_mta-sts` TXT record or the policy host after a restart must still meet the enforce
// policy cached before it [STS-SEC-04, STS-CACHE-04]. This is a pure codec: text in,
// entries and findings out, and back. Reading and replacing the file atomically is the
// simulator's job (sim/persistence/cache_store.hpp).
//
// The format is line-oriented, versioned and meant to be read (and, carefully, edited) by
// operators. Version 1:
//
//   mtasts-sim-cache 1                       first line: format name and version
//   # comment                                '#' lines and blank lines are ignored
//   domain example.com                       one block per entry, in domain order
//   policy_id 20240101T000000
//   fetched_at 2024-05-01T10:00:00.000Z      ISO 8601, UTC, milliseconds
//   last_used_at 2024-05-01T10:00:00.000Z
//   refresh_due_at 2024-05-02T10:00:00.000Z  or "none"
//   refresh_failures 0
//   refresh_alert no                         or "yes"
//   mode enforce
//   max_age 604800
//   mx mail.example.com                      zero or more, in policy order
//   policy_line version: STSv1               zero or more: the policy's lines as published
//   end
//   end-of-file 1                            last line: the number of entries written
//
// Each line is a key, one space and a value. Values are escaped: a backslash, bytes outside
// printable ASCII, and spaces at either end of a value are written as \\ or \xNN. The
// mode, max_age and mx lines are authoritative; the policy lines are kept only for TLS-RPT's
// policy-string (RFC 8460 §4.5) and are never reparsed.
//
// A damaged file never stops a restart: each bad entry is reported with its line and
// column and dropped, the good ones are kept. Deliberately not here: file I/O, the clock,
// merging with a live cache (policy_cache::restore() does that).
#pragma once

#include "engine/core/finding.hpp"
#include "engine/core/limits.hpp"
#include "engine/core/time.hpp"
#include "engine/mtasts/policy_cache.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sts::mtasts {

// The first line's words; a file of another version is not read at all.
inline constexpr std::string_view cache_file_magic = "mtasts-sim-cache";
inline constexpr unsigned cache_file_version = 1;

struct cache_file_contents {
    // The well-formed entries, in file order, at most the decoder's entries_max. Each one
    // passes policy_cache::restore()'s checks (restore can still refuse one when full).
    std::vector<cache_entry> entries;
    // Every rule the text breaks, with 1-based line and column (line 0: the file as a
    // whole), at most core::limits::cache_file_findings_max plus one saying how many more.
    core::findings findings;
    // False when the text is not a version-1 cache file at all (no or wrong first line):
    // then there are no entries, and a caller must not overwrite the file with its own,
    // which could destroy a newer format's data.
    bool recognised = false;
};

// The file's text for `entries`, sorted by domain (stable, so equal domains keep their
// order and the decoder keeps the first). Always the same text for the same entries.
// Times outside the years 0000..9999 are clamped to that range.
std::string encode_cache(const std::vector<cache_entry>& entries);

// Reads a cache file's text. `source_name` (a path, say) names the file in findings about
// it as a whole. Never fails: what cannot be read becomes findings.
//
// interpretation (duplicate domains): the first entry for a domain wins and each later
// one is reported and dropped, as RFC 8461 §3.2 uses only the first of duplicate fields;
// a file this codec wrote never has duplicates.
cache_file_contents decode_cache(std::string_view text, std::string_view source_name,
                                 std::size_t entries_max = core::limits::policy_cache_entries_max);

// The file's time format, "2024-05-01T10:00:00.000Z" (ISO 8601, UTC, milliseconds), also
// used by operators' command lines. The parser also accepts the form without the fraction.
std::string format_cache_time(core::time_point t);
std::optional<core::time_point> parse_cache_time(std::string_view text);

}  // namespace sts::mtasts
