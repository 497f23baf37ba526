#include "stages/scale.h"
