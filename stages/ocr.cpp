#include "stages/ocr.h"
