#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace qikan {

// Hex SHA-256 of a file's bytes; for a folder of page images, of its files' names and hashes in
// name order, so the same scans are recognised whatever the folder is called.
std::string Sha256OfInput(const std::filesystem::path& input);

std::string Sha256Hex(std::string_view bytes);

// Hex SHA-256 of a file, read in 1 MiB pieces; its size into `bytes` when given. Throws
// QikanError(kInputMissing) when the file cannot be read.
std::string Sha256OfFile(const std::filesystem::path& file, uint64_t* bytes = nullptr);

}  // namespace qikan
