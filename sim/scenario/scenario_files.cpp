#include "sim/scenario/scenario_files.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace sts::sim {

namespace fs = std::filesystem;

core::result<std::vector<scenario_file>, std::string> find_scenario_files(const std::vector<std::string>& paths) {
    std::vector<scenario_file> files;
    for (const auto& p : paths) {
        std::error_code ec;
        if (fs::is_regular_file(p, ec)) {
            const fs::path path = fs::path(p).lexically_normal();
            files.push_back({path.generic_string(), path.filename().generic_string()});
        } else if (fs::is_directory(p, ec)) {
            const fs::path root = fs::path(p).lexically_normal();
            for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
                if (it->is_regular_file(ec) && it->path().extension() == ".toml")
                    files.push_back({it->path().lexically_normal().generic_string(),
                                     it->path().lexically_relative(root).generic_string()});
            }
            if (ec) return core::failure("cannot read folder " + p + ": " + ec.message());
        } else {
            return core::failure(p + ": no such scenario file or folder");
        }
    }
    std::sort(files.begin(), files.end(),
              [](const scenario_file& a, const scenario_file& b) { return a.path < b.path; });
    files.erase(std::unique(files.begin(), files.end(),
                            [](const scenario_file& a, const scenario_file& b) { return a.path == b.path; }),
                files.end());
    return files;
}

}  // namespace sts::sim
