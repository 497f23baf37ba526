// Tesseract 5.3 (Debian 12's libtesseract5) passes every line image it recognizes through
// tesseract::ImageData, which stores the image as a PNG in memory and decodes it straight back
// (ImageData::SetPixInternal calls pixWriteMem(..., IFF_PNG); GetPix calls pixReadMem). The PNG
// is thrown away microseconds later, yet Leptonica deflates it at zlib's default level: on the
// throughput corpus zlib took 5.5% of the workers' CPU, and libpng 0.9% more. Upstream avoids
// the round trip only in builds made with TESSERACT_IMAGEDATA_AS_PIX (tesseract PR #2965), which
// Debian's is not.
//
// This definition takes the place of Leptonica's pixWriteMemPng for the whole process: the
// executable's own symbols come first in dynamic symbol lookup, ahead of liblept's, so the call
// liblept's pixWriteMem makes lands here (the symbol is exported by the link option set in
// stages/CMakeLists.txt). It asks Leptonica's own writer for the same PNG stored rather than
// deflated (zlib level 0): the same pixels, a valid PNG, no compression work. Nothing else in
// qikan writes PNG through Leptonica; OpenCV writes its own.

#include <dlfcn.h>

#include <leptonica/allheaders.h>

#include "stages/ocr.h"

namespace {

using WriteMemPng = l_ok (*)(l_uint8**, size_t*, PIX*, l_float32);

// Leptonica's own pixWriteMemPng: the next definition after this one in lookup order.
WriteMemPng LeptonicaWriteMemPng() {
  static const auto real = reinterpret_cast<WriteMemPng>(dlsym(RTLD_NEXT, "pixWriteMemPng"));
  return real;
}

constexpr l_int32 kStored = 0;  // zlib level 0: blocks stored as they are

}  // namespace

extern "C" l_ok pixWriteMemPng(l_uint8** pfiledata, size_t* pfilesize, PIX* pix,
                               l_float32 gamma) {
  const WriteMemPng real = LeptonicaWriteMemPng();
  if (!real) return 1;  // Leptonica's error status; Tesseract then stores the image as PNM
  if (pix) pixSetZlibCompression(pix, kStored);
  return real(pfiledata, pfilesize, pix, gamma);
}

namespace qikan {

bool LineImagesStoredUncompressed() {
  PIX* pix = pixCreate(64, 64, 8);
  if (!pix) return false;
  pixSetAllArbitrary(pix, 255);
  l_uint8* data = nullptr;
  size_t size = 0;
  // Through Leptonica's dispatcher, as Tesseract calls it: reaches the definition above only
  // when it is the one the process uses.
  const bool written = pixWriteMem(&data, &size, pix, IFF_PNG) == 0;
  pixDestroy(&pix);
  if (data) lept_free(data);
  // 64 x 64 white pixels deflate to a few dozen bytes; stored, they take over 4 KiB.
  return written && size > 64 * 64;
}

}  // namespace qikan
