#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "models/record.h"

namespace qikan {

struct RunOptions;

// A folder of qikan's own models, laid out as models/ in the source tree: ocr/manifest.json,
// ocr/tessdata/ and ocr/voters/ID/ (what scripts/install-ocr-model installs), profiles/.
struct ModelsDir {
  std::filesystem::path dir;  // empty when none was found
  std::string found_by;       // "--models", "$QIKAN_MODELS", "installed", "source tree"
};

// The places looked in, in order: `given` (--models DIR), $QIKAN_MODELS, the install prefix the
// running binary is in (<prefix>/bin/qikan -> <prefix>/share/qikan/models), the prefix it was
// built for, and the source tree it was built from. The first holding ocr/manifest.json wins.
// Throws QikanError(kMissingDependency) when --models or $QIKAN_MODELS names a folder without
// one (a mistyped path must not silently fall back).
ModelsDir FindModels(const std::filesystem::path& given);

// The places FindModels looks in, for messages.
std::string ModelsSearchDescription();

// One model file a run loads.
struct RequiredModel {
  std::string role;             // "page model chi_sim", "vote model chi_sim@npm-4.0.0", ...
  std::filesystem::path file;   // where the engine will look for it
  std::string install;          // the command that installs it
};

// Every model file a run with `options` loads: the page model (each language), each of the
// vote's other models (models/ocr/manifest.json tells what installs it), the folio digit model.
std::vector<RequiredModel> RequiredModels(const RunOptions& options, const ModelsDir& models);

// Checks, once and before any page is read, that every required model file is there; throws
// QikanError(kMissingDependency) naming each missing file and the command that installs it.
void CheckModels(const RunOptions& options, const ModelsDir& models);

// What will read the pages, for each record (record.ocr): the engine's version and every
// required model file with its sha256 (the files are hashed here, once a run; a missing one is
// listed without a hash). settings_hash is left for the run to fill.
OcrProvenance Provenance(const RunOptions& options, const ModelsDir& models);

}  // namespace qikan
