#include "stages/rasterize.h"
