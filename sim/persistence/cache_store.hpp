// sim/persistence/cache_store.hpp
//
// The policy cache's file on disk: where a restart finds the policies cached before it,
// so enforce protection outlives the process (RFC 8461 §10.2, STS-SEC-04). The text format
// and its checks are engine/mtasts/cache_file.hpp; this is only the file I/O around it.
//
// Loading reads at most core::limits::cache_file_bytes_max bytes. A missing file is an empty
// cache, not an error: the first run has none. A damaged file still yields its good
// entries, with findings for the rest.
//
// Saving replaces the file atomically: the text goes to `<path>.tmp` in the same directory,
// is flushed to the disk (fsync), and is renamed over the file, and then the directory is
// flushed, so a crash at any moment leaves either the old file or the new one, never a
// mix. Two processes saving the same path at once are not coordinated (the last rename
// wins); one engine owns one cache file.
//
// Errors are values: no exception leaves these functions.
#pragma once

#include "engine/core/limits.hpp"
#include "engine/core/result.hpp"
#include "engine/mtasts/cache_file.hpp"
#include "engine/mtasts/policy_cache.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace sts::sim {

// Why a load or save failed: what was being done, to which file, and the system's reason.
struct cache_store_error {
    std::string operation;  // "open", "read", "write", "fsync", "rename", ...
    std::filesystem::path path;
    std::error_code code;

    // "cannot rename '/var/cache.tmp' to '/var/cache': Permission denied"-style text.
    std::string message() const;
};

class cache_store {
public:
    explicit cache_store(std::filesystem::path path,
                         std::size_t entries_max = core::limits::policy_cache_entries_max);

    const std::filesystem::path& path() const { return path_; }
    // `<path>.tmp`, where save() writes before the rename.
    std::filesystem::path temporary_path() const;

    // Whether the file exists (as anything: a directory there makes load() fail).
    bool exists() const;

    // The file's entries and findings; an empty, recognised cache when there is no file.
    // An error only when the file exists but cannot be read.
    core::result<mtasts::cache_file_contents, cache_store_error> load() const;

    // Replaces the file with `entries`. Nothing on success; on failure the old file is
    // untouched and the temporary file removed.
    std::optional<cache_store_error> save(const std::vector<mtasts::cache_entry>& entries) const;

private:
    std::filesystem::path path_;
    std::size_t entries_max_;
};

// Restores `contents`' entries into `cache` and returns a finding for each one refused
// (a full cache, say); the entries the decoder accepted pass restore()'s other checks.
core::findings restore_into(mtasts::policy_cache& cache, const mtasts::cache_file_contents& contents);

}  // namespace sts::sim
