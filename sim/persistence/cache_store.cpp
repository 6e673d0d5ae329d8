// sim/persistence/cache_store.cpp
#include "sim/persistence/cache_store.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <exception>
#include <new>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sts::sim {
namespace {

std::error_code last_error() { return {errno, std::generic_category()}; }

// Closes a descriptor on every path out of a function.
class file_descriptor {
public:
    explicit file_descriptor(int fd) : fd_(fd) {}
    file_descriptor(const file_descriptor&) = delete;
    file_descriptor& operator=(const file_descriptor&) = delete;
    ~file_descriptor() {
        if (fd_ >= 0) ::close(fd_);
    }

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    // Closes now, so that a failing close (a late write error on some file systems) is
    // seen; the error, or nothing.
    std::optional<std::error_code> close() {
        const int fd = std::exchange(fd_, -1);
        if (fd >= 0 && ::close(fd) != 0) return last_error();
        return std::nullopt;
    }

private:
    int fd_;
};

// Appends at most `bytes_max` bytes of the file to `text`; false (errno set) on a read error.
bool read_bounded(int fd, std::size_t bytes_max, std::string& text) {
    constexpr std::size_t chunk_bytes = 64 * 1024;
    while (text.size() < bytes_max) {
        const std::size_t old_size = text.size();
        const std::size_t want = std::min(chunk_bytes, bytes_max - old_size);
        text.resize(old_size + want);
        const ssize_t n = ::read(fd, text.data() + old_size, want);
        if (n < 0) {
            text.resize(old_size);
            if (errno == EINTR) continue;
            return false;
        }
        text.resize(old_size + static_cast<std::size_t>(n));
        if (n == 0) break;
    }
    return true;
}

bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

}  // namespace

std::string cache_store_error::message() const {
    return fmt::format("cannot {} '{}': {}", operation, path.string(), code.message());
}

cache_store::cache_store(std::filesystem::path path, std::size_t entries_max)
    : path_(std::move(path)), entries_max_(entries_max) {}

std::filesystem::path cache_store::temporary_path() const {
    std::filesystem::path tmp = path_;
    tmp += ".tmp";
    return tmp;
}

bool cache_store::exists() const {
    std::error_code ec;
    return std::filesystem::exists(path_, ec);
}

core::result<mtasts::cache_file_contents, cache_store_error> cache_store::load() const {
    try {
        // O_NONBLOCK: opening a FIFO put in the file's place must not wait for a writer.
        const file_descriptor fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
        if (!fd.valid()) {
            // No file yet: the first run, or one that never cached anything.
            if (errno == ENOENT) return mtasts::cache_file_contents{{}, {}, true};
            return core::failure(cache_store_error{"open", path_, last_error()});
        }
        struct stat info {};
        if (::fstat(fd.get(), &info) != 0) return core::failure(cache_store_error{"stat", path_, last_error()});
        if (!S_ISREG(info.st_mode)) {
            // A directory or a device is never a cache file; reading a FIFO could block.
            return core::failure(cache_store_error{
                "read", path_, std::make_error_code(S_ISDIR(info.st_mode) ? std::errc::is_a_directory
                                                                          : std::errc::invalid_argument)});
        }
        std::string text;
        if (!read_bounded(fd.get(), core::limits::cache_file_bytes_max + 1, text)) {
            return core::failure(cache_store_error{"read", path_, last_error()});
        }
        const bool oversized = text.size() > core::limits::cache_file_bytes_max;
        if (oversized) text.resize(core::limits::cache_file_bytes_max);
        auto contents = mtasts::decode_cache(text, "'" + path_.string() + "'", entries_max_);
        if (oversized) {
            contents.findings.push_back(core::finding{
                "STS-SEC-04",
                fmt::format("the cache file is larger than {} bytes; only that much was read",
                            core::limits::cache_file_bytes_max),
                0, 0, {}});
        }
        return contents;
    } catch (const std::bad_alloc&) {
        return core::failure(cache_store_error{"read", path_, std::make_error_code(std::errc::not_enough_memory)});
    } catch (const std::exception&) {
        return core::failure(cache_store_error{"read", path_, std::make_error_code(std::errc::io_error)});
    }
}

std::optional<cache_store_error> cache_store::save(const std::vector<mtasts::cache_entry>& entries) const {
    try {
        const std::string text = mtasts::encode_cache(entries);
        const std::filesystem::path tmp = temporary_path();
        const auto fail_and_clean = [&](std::string operation, std::error_code code,
                                        const std::filesystem::path& where) {
            ::unlink(tmp.c_str());
            return cache_store_error{std::move(operation), where, code};
        };
        {
            file_descriptor fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
            if (!fd.valid()) return cache_store_error{"create", tmp, last_error()};
            if (!write_all(fd.get(), text)) return fail_and_clean("write", last_error(), tmp);
            // The data must be on disk before the rename makes it the cache file.
            if (::fsync(fd.get()) != 0) return fail_and_clean("fsync", last_error(), tmp);
            if (const auto ec = fd.close()) return fail_and_clean("close", *ec, tmp);
        }
        if (::rename(tmp.c_str(), path_.c_str()) != 0) return fail_and_clean("rename", last_error(), tmp);
        // The rename itself is durable only once the directory is flushed.
        std::filesystem::path directory = path_.parent_path();
        if (directory.empty()) directory = ".";
        file_descriptor dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!dir.valid()) return cache_store_error{"open directory", directory, last_error()};
        // Some file systems cannot fsync a directory (EINVAL); the rename is done anyway.
        if (::fsync(dir.get()) != 0 && errno != EINVAL) {
            return cache_store_error{"fsync directory", directory, last_error()};
        }
        return std::nullopt;
    } catch (const std::bad_alloc&) {
        return cache_store_error{"write", path_, std::make_error_code(std::errc::not_enough_memory)};
    } catch (const std::exception&) {
        return cache_store_error{"write", path_, std::make_error_code(std::errc::io_error)};
    }
}

core::findings restore_into(mtasts::policy_cache& cache, const mtasts::cache_file_contents& contents) {
    core::findings refused;
    for (const auto& entry : contents.entries) {
        if (const auto error = cache.restore(entry)) {
            refused.push_back(core::finding{
                "STS-SEC-04",
                fmt::format("the cached policy for {} was not restored: {}", entry.domain, mtasts::to_string(*error)),
                0, 0, {}});
        }
    }
    return refused;
}

}  // namespace sts::sim
