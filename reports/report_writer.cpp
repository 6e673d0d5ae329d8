#include "reports/report_writer.hpp"

namespace sts::reports {

// Placeholder until the writers land (issue 5, item 3).
core::result<written_reports, std::string> write_reports(const std::string& dir, const suite_record&) {
    return core::failure(std::string("reports are not implemented yet; nothing written to ") + dir);
}

}  // namespace sts::reports
