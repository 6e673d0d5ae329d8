#include "sim/report/suite_digest.hpp"

#include "reports/sha256.hpp"

#include <algorithm>
#include <vector>

namespace sts::sim {

std::string suite_digest(std::span<const suite_file> files) {
    std::vector<const suite_file*> sorted;
    for (const auto& f : files) sorted.push_back(&f);
    std::sort(sorted.begin(), sorted.end(), [](const suite_file* a, const suite_file* b) {
        return a->relative_name != b->relative_name ? a->relative_name < b->relative_name : a->bytes < b->bytes;
    });
    reports::sha256_stream digest;
    for (const auto* f : sorted) {
        digest.add(f->relative_name);
        digest.add("\n");
        digest.add(std::to_string(f->bytes.size()));
        digest.add("\n");
        digest.add(f->bytes);
    }
    return digest.finish_hex();
}

}  // namespace sts::sim
