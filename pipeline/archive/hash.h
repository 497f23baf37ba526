#pragma once

#include <filesystem>
#include <string>

namespace qikan {

// Hex SHA-256 of a file's bytes; for a folder of page images, of its files' names and hashes in
// name order, so the same scans are recognised whatever the folder is called.
std::string Sha256OfInput(const std::filesystem::path& input);

std::string Sha256Hex(std::string_view bytes);

}  // namespace qikan
